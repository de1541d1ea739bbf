"""Template tags for the site frame: primary navigation, language switcher, phone links.

Every tag here must work when the template has no `page` (404 pages, Django views) and when it
has no `request` either; each runs a fixed number of queries whatever the size of the tree, and
caches what it found on the request so the header, the footer and <head> share one lookup.
"""

import re
from functools import cache

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from wagtail.models import Page, Site

from portal.pages import SectionIndexPage

register = template.Library()

# Wagtail locale codes → the BCP 47 tags used in lang/hreflang attributes.
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}


def html_lang(language_code: str | None) -> str:
    code = (language_code or settings.LANGUAGE_CODE).lower()
    return HTML_LANG.get(code, code)


@register.filter
def lang_attr(language_code: str | None) -> str:
    """`{{ LANGUAGE_CODE|lang_attr }}` → `zh-Hans` / `en`."""
    return html_lang(language_code)


@register.filter
def tel_href(number) -> str:
    """A phone number as typed by an editor ("0771-123 4567") → "tel:07711234567"."""
    number = str(number or "").strip()
    digits = re.sub(r"[^0-9]", "", number)
    if not digits:
        return ""
    return "tel:" + ("+" if number.startswith("+") else "") + digits


@cache
def _section_models() -> tuple[type[Page], ...]:
    return tuple(
        model
        for model in apps.get_models()
        if issubclass(model, SectionIndexPage) and not model._meta.abstract
    )


def _section_content_type_ids() -> list[int]:
    """Content types of the one-per-home section pages: always in the primary navigation.
    (ContentType's manager caches these, so this costs no query after the first.)"""
    return [ct.pk for ct in ContentType.objects.get_for_models(*_section_models()).values()]


def _request_and_page(context):
    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page) or page.pk is None:
        page = None
    return request, page


def _cached(request, name, compute):
    """Memoise `compute()` on the request (or not at all when there is no request)."""
    if request is None:
        return compute()
    attr = f"_portal_frame_{name}"
    if not hasattr(request, attr):
        setattr(request, attr, compute())
    return getattr(request, attr)


def _site(request, page) -> Site | None:
    site = Site.find_for_request(request) if request is not None else None
    if site is None and page is not None:
        site = page.get_site()
    return site


def _locale_home(request, page) -> Page | None:
    """The live home page in the active language, else the site's root page."""

    def compute():
        site = _site(request, page)
        if site is None:
            return None
        return site.root_page.localized

    return _cached(request, "home", compute)


def _url(page: Page, request) -> str:
    return page.get_url(request=request) or ""


@register.simple_tag
def home_url() -> str:
    """The root of the active language: "/" for Chinese, "/en/" for English. Wagtail serves the
    home page in that language there (or the Chinese one while no translation exists)."""
    return reverse("wagtail_serve", args=[""])


def _frame_pages(request, page) -> dict:
    """The live public children of the current locale's home page that the frame links to, in
    one query: ``nav`` (Home, every section page and pages marked "show in menus") and
    ``footer`` (page types whose class sets ``show_in_footer``, e.g. the statistics page)."""

    def compute():
        home = _locale_home(request, page)
        if home is None:
            return {"nav": [], "footer": []}
        section_ids = set(_section_content_type_ids())
        nav = [{"page": home, "url": _url(home, request), "title": None, "is_home": True}]
        footer = []
        for child in home.get_children().live().public():
            item = {
                "page": child,
                "url": _url(child, request),
                "title": child.title,
                "is_report": getattr(child.specific_class, "nav_emphasis", False),
            }
            if child.content_type_id in section_ids or child.show_in_menus:
                nav.append(item)
            elif getattr(child.specific_class, "show_in_footer", False):
                footer.append(item)
        return {"nav": nav, "footer": footer}

    return _cached(request, "frame_pages", compute)


@register.simple_tag(takes_context=True)
def footer_pages(context) -> list[dict]:
    request, page = _request_and_page(context)
    return _frame_pages(request, page)["footer"]


@register.inclusion_tag("includes/primary_nav.html", takes_context=True)
def primary_navigation(context):
    """Home, then the live children of the current locale's home page in tree order: every
    section page (policies, open days, notices, stations, report) and any other page that
    editors mark "show in menus" (e.g. about us)."""
    request, page = _request_and_page(context)
    items = _frame_pages(request, page)["nav"]
    path = request.path if request is not None else None
    for item in items:
        item["current"] = None
        if page is not None:
            if page.pk == item["page"].pk:
                # A routable page's sub-URL (/stations/450100/) is inside the section, not it.
                item["current"] = "page" if path in (None, item["url"]) else "true"
            elif not item.get("is_home") and page.path.startswith(item["page"].path):
                item["current"] = "true"
    return {"items": items, "request": request}


def _language_links(request, page) -> list[dict]:
    """One entry per language: the translation of this page when it is live, else that
    language's home page, else the bare language root ("/" or "/en/")."""

    def compute():
        translations = {}
        if page is not None:
            for translation_page in (
                page.get_translations(inclusive=True).live().select_related("locale")
            ):
                translations[translation_page.locale.language_code] = translation_page
        wanted = [code for code, _name in settings.LANGUAGES if code not in translations]
        homes = {}
        if wanted:
            site = _site(request, page)
            if site is not None:
                for home in (
                    site.root_page.get_translations(inclusive=True)
                    .live()
                    .filter(locale__language_code__in=wanted)
                    .select_related("locale")
                ):
                    homes[home.locale.language_code] = home

        suffix = ""
        if page is not None and request is not None:
            # Keep the sub-path of routable pages (/stations/450100/ → /en/stations/450100/).
            own_url = _url(page, request)
            if own_url and request.path.startswith(own_url):
                suffix = request.path[len(own_url) :]

        current = translation.get_language()
        links = []
        for code, name in settings.LANGUAGES:
            url = ""
            if code == current and request is not None:
                url = request.get_full_path()
            elif code in translations:
                url = _url(translations[code], request) + suffix
            elif code in homes:
                url = _url(homes[code], request)
            if not url:
                with translation.override(code):
                    url = reverse("wagtail_serve", args=[""])
            alternate_url = ""
            if code in translations:
                alternate_url = _url(translations[code], request) + suffix
            links.append(
                {
                    "code": code,
                    "alternate_url": alternate_url,
                    "lang": html_lang(code),
                    "name": name,
                    "url": url,
                    "current": code == current,
                    "is_translation": code in translations,
                }
            )
        return links

    return _cached(request, "languages", compute)


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request, page = _request_and_page(context)
    return {"languages": _language_links(request, page)}


@register.inclusion_tag("includes/alternate_links.html", takes_context=True)
def alternate_language_links(context):
    """<link rel="alternate" hreflang> for the translations of this page that really exist."""
    request, page = _request_and_page(context)
    if page is None or request is None:
        return {"languages": []}
    links = [link for link in _language_links(request, page) if link["is_translation"]]
    if len(links) < 2:
        return {"languages": []}
    return {
        "languages": [
            {**link, "absolute_url": request.build_absolute_uri(link["alternate_url"])}
            for link in links
        ]
    }
