"""Full-page cache for anonymous readers of Wagtail pages.

On open day, or when a family-search notice is shared widely, almost every request is an
anonymous GET of the same few pages. ``PageCacheMiddleware`` answers those from the cache
(Redis in production, a file cache on one machine) without running Wagtail at all.

What is cached: a GET of a Wagtail page (Wagtail's serve view, routable sub-pages and feeds
included), by a visitor without a session cookie, answered 200 with no cookie set, not marked
private/no-store/no-cache, and without a CSRF token in it. A page that renders a form with a
CSRF token is for its visitor only, so it is never cached: the tip form, a notice's lead form,
an open day's registration form keep working CSRF (see docs/decisions.md). Site search is a
separate view and never cached. ``Vary: Cookie`` (Django adds it when the session is looked
at) stays on the response: anonymous content depends only on the URL and on having no session,
which is what this cache keys on, and shared caches must not mix signed-in pages in.

The key is the host, the language and the full path with its query string, under a
*generation*. Publishing, unpublishing, moving or deleting any page, and saving a station,
the site settings or a snippet, starts a new generation: every cached page is dropped at once,
because most pages show something of others (menus, the home page's latest notices and open
days, the station hotline in every header). The CDN in front, if any, is purged through
``wagtail.contrib.frontend_cache`` (docs/deploy.md).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
SERVE_VIEW_NAMES = {"wagtail_serve"}
NEVER_CACHED_DIRECTIVES = ("private", "no-store", "no-cache")


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# This process's copy of the generation and when it was read: a hit then costs one cache read,
# not two. Another process's publication is seen within PAGE_CACHE_GENERATION_SECONDS.
_known = {"generation": None, "read_at": 0.0}


def _generation(cache) -> str:
    now = time.monotonic()
    if _known["generation"] is not None and now - _known["read_at"] < (
        settings.PAGE_CACHE_GENERATION_SECONDS
    ):
        return _known["generation"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = str(time.time_ns())
        cache.set(GENERATION_KEY, generation, None)
    _known.update(generation=str(generation), read_at=now)
    return str(generation)


def invalidate_all(**kwargs) -> None:
    """Start a new generation: every cached page is out of date. Never raises."""
    generation = str(time.time_ns())
    _known.update(generation=generation, read_at=time.monotonic())
    _local.clear()
    try:
        _cache().set(GENERATION_KEY, generation, None)
    except Exception:
        logger.warning("Could not invalidate the page cache", exc_info=True)


class _LocalCopies:
    """A small in-process copy of the hottest cached pages (least recently used dropped past
    ``limit`` bytes): a hit on open day then costs no round trip to Redis. Keys carry the
    generation, so an invalidation reaches these copies as soon as this process sees it."""

    def __init__(self):
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key, entry) -> None:
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        size = len(entry[2])
        if size > limit // 4:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old[2])
        self.entries[key] = entry
        self.size += size
        while self.size > limit and self.entries:
            _key, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped[2])

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


_local = _LocalCopies()


def _freeze(response) -> tuple:
    """What is stored: status, headers and body (cheaper to read back than a pickled
    response object)."""
    return (response.status_code, list(response.items()), response.content)


def _thaw(entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _key(request, generation: str) -> str:
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return f"pagecache:{generation}:{request.get_host()}:{language}:{request.get_full_path()}"


def _eligible_request(request) -> bool:
    if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed in (or has a session): always fresh, with the editor's bar
    return not request.path_info.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)


def _cacheable_response(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in SERVE_VIEW_NAMES:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if any(d in response.get("Cache-Control", "") for d in NEVER_CACHED_DIRECTIVES):
        return False
    # A page that put a CSRF token in a form is for this visitor only, cookie or not.
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


class PageCacheMiddleware:
    """Serve and store anonymous Wagtail pages. Place it after SecurityMiddleware and WhiteNoise
    and before everything else: a stored page keeps the headers the inner middleware gave it
    (Content-Security-Policy, Permissions-Policy, X-Frame-Options), and a hit costs no session,
    CSRF, authentication or policy work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible_request(request):
            return self.get_response(request)
        cache = _cache()
        try:
            key = _key(request, _generation(cache))
            cached = _local.get(key)
            if cached is None:
                cached = cache.get(key)
                if cached is not None:
                    _local.put(key, cached)
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
            key, cached = None, None
        if cached is not None:
            try:
                response = _thaw(cached)
            except Exception:
                logger.warning("Unreadable page-cache entry", exc_info=True)
            else:
                response[HEADER] = "hit"
                return response

        response = self.get_response(request)
        if key is not None and request.method == "GET" and _cacheable_response(request, response):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
                s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
            )
            # The language comes from the path and a session means "not cached here": what
            # the content depends on is the URL alone.
            if response.has_header("Vary"):
                kept = [
                    v.strip()
                    for v in response["Vary"].split(",")
                    if v.strip().lower() not in {"accept-language"}
                ]
                if kept:
                    response["Vary"] = ", ".join(kept)
                else:
                    del response["Vary"]
            try:
                entry = _freeze(response)
                _local.put(key, entry)
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Could not store a page in the cache", exc_info=True)
            response[HEADER] = "miss"
        elif key is not None:
            response[HEADER] = "bypass"
        return response


def connect_invalidation() -> None:
    """Connect every change that can alter a public page to ``invalidate_all`` (called from
    PortalConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    # Module-level handlers would do as well; a closure must be held strongly (weak=False).
    def after_commit(**kwargs):
        transaction.on_commit(invalidate_all)

    page_published.connect(after_commit, dispatch_uid="portal.page_cache.published", weak=False)
    page_unpublished.connect(after_commit, dispatch_uid="portal.page_cache.unpublished", weak=False)
    # Wagtail's frontend cache purges the page itself from the CDN; purge what lists it too.
    page_published.connect(purge_listing_pages, dispatch_uid="portal.page_cache.cdn_published")
    page_unpublished.connect(purge_listing_pages, dispatch_uid="portal.page_cache.cdn_unpublished")
    post_page_move.connect(after_commit, dispatch_uid="portal.page_cache.moved", weak=False)
    for model in apps.get_models():
        if issubclass(model, Page):
            post_delete.connect(
                after_commit, sender=model, dispatch_uid=f"portal.page_cache.{model._meta.label}"
            )
    for label in settings.PAGE_CACHE_INVALIDATED_BY:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(
            after_commit, sender=model, dispatch_uid=f"portal.page_cache.save.{label}"
        )
        post_delete.connect(
            after_commit, sender=model, dispatch_uid=f"portal.page_cache.delete.{label}"
        )


def purge_listing_pages(instance, **kwargs) -> None:
    """With a CDN configured (WAGTAILFRONTENDCACHE), purge the pages that list this one: its
    index and the home page above it. Wagtail purges the page itself. Never raises: a CDN
    outage must not stop a publication; short shared max-ages bound what stays stale."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

    try:
        ancestors = list(instance.get_ancestors().filter(depth__gte=2).live().specific())
        if ancestors:
            purge_pages_from_cache(ancestors)
    except Exception:
        logger.warning(
            "Could not purge the CDN for the pages listing %s", instance.pk, exc_info=True
        )
