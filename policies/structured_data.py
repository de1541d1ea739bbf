"""JSON-LD for an explainer: a schema.org `Article` always, and a `FAQPage` when the body has
questions and answers. Built as dicts here and rendered as `<script type="application/ld+json">`
with `<`, `>` and `&` escaped, so editor text can never close the script element."""

from __future__ import annotations

import html
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from wagtail.rich_text import expand_db_html

from portal.models import SiteSettings
from portal.templatetags.portal_tags import html_lang

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def plain_text(rich_text) -> str:
    """Rich text (a RichText value or stored HTML) as plain text: tags stripped (the end of a
    paragraph or list item becomes a space), entities decoded, whitespace collapsed."""
    source = str(getattr(rich_text, "source", rich_text) or "")
    text = strip_tags(BLOCK_END.sub(" ", expand_db_html(source)))
    return " ".join(html.unescape(text).split())


def _organisation(page, request) -> dict:
    site = page.get_site()
    if request is not None:
        site_settings = SiteSettings.for_request(request)
    else:
        site_settings = SiteSettings.for_site(site) if site else None
    name = site_settings.localised_organisation_name if site_settings else ""
    organisation = {"@type": "Organization", "name": name or "归途 Guitu"}
    if site is not None:
        organisation["url"] = site.root_url + "/"
    return organisation


def article(page, request=None) -> dict:
    url = page.get_full_url(request)
    organisation = _organisation(page, request)
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title,
        "description": page.summary,
        "inLanguage": html_lang(page.locale.language_code),
        "datePublished": page.published_date.isoformat() if page.published_date else None,
        "dateModified": page.modified_date.isoformat() if page.modified_date else None,
        "author": organisation,
        "publisher": organisation,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if page.topic_id:
        data["articleSection"] = page.topic.localised_name
    if page.has_source:
        source = {"@type": "Legislation", "name": page.source_title}
        if page.source_number:
            source["legislationIdentifier"] = page.source_number
        if page.source_issued:
            source["legislationDate"] = page.source_issued.isoformat()
        if page.source_issuer:
            source["legislationPassedBy"] = {
                "@type": "GovernmentOrganization",
                "name": page.source_issuer,
            }
        if page.source_url:
            source["url"] = page.source_url
        data["isBasedOn"] = source
    return {key: value for key, value in data.items() if value is not None}


def faq_page(page, request=None) -> dict | None:
    items = page.faq_items()
    if not items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": html_lang(page.locale.language_code),
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": plain_text(answer)},
            }
            for question, answer in items
        ],
    }


def json_ld_script(data: dict) -> SafeString:
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(  # noqa: S308 - <, > and & are escaped, so the payload cannot end the script
        '<script type="application/ld+json">' + payload.translate(JSON_SCRIPT_ESCAPES) + "</script>"
    )


def explainer_json_ld(page, request=None) -> SafeString:
    scripts = [json_ld_script(article(page, request))]
    faq = faq_page(page, request)
    if faq is not None:
        scripts.append(json_ld_script(faq))
    return mark_safe("\n".join(scripts))  # noqa: S308 - each part is escaped above
