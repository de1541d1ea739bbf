"""The anonymous page cache (portal/page_cache.py): hits cost no database query and keep the
security headers; keys follow host and language; signed-in visitors, forms, search and live
registration pages are never served from it; publishing, unpublishing, moving, deleting and
station or settings changes start a new generation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page

import pytest

from notices.models import FamilySearchNoticePage
from portal import page_cache
from stations.models import Station

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    # Each test starts with an empty cache: the shared one is cleared by tests/conftest.py,
    # this process's copies and generation here.
    page_cache._local.clear()
    page_cache._known.update(generation=None, read_at=0.0)
    settings.PAGE_CACHE_ENABLED = True
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "guitu.example.org"]


def get(client, path, **extra):
    response = client.get(path, **extra)
    return response, response.get(page_cache.HEADER)


def test_a_second_anonymous_visit_is_a_hit_without_any_query(demo_site, client):
    first, state = get(client, "/notices/")
    assert first.status_code == 200 and state == "miss"
    with CaptureQueriesContext(connection) as queries:
        second, state = get(client, "/notices/")
    assert state == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "geolocation=()" in second["Permissions-Policy"]


def test_cacheable_pages_say_so_and_vary_on_nothing_misleading(demo_site, client):
    response, state = get(client, "/")
    assert state == "miss"
    control = response["Cache-Control"]
    assert "public" in control and "max-age=60" in control and "s-maxage=300" in control
    # The language comes from the path, so not from Accept-Language; Vary: Cookie stays, so
    # that shared caches never mix a signed-in page in.
    vary = response.get("Vary", "").lower()
    assert "accept-language" not in vary


def test_keys_follow_language_and_host(demo_site, client):
    zh, _ = get(client, "/")
    en, state = get(client, "/en/")
    assert state == "miss" and en.content != zh.content
    _, state = get(client, "/", HTTP_HOST="guitu.example.org")
    assert state == "miss"
    _, state = get(client, "/notices/?sex=male")
    assert state == "miss"
    _, state = get(client, "/notices/?sex=male")
    assert state == "hit"


def test_signed_in_visitors_always_get_a_fresh_page(demo_site, client):
    get(client, "/")
    client.force_login(get_user_model().objects.get(username="editor"))
    response, state = get(client, "/")
    assert state is None  # not even looked up
    assert "wagtail-userbar" in response.content.decode()


def test_pages_with_forms_are_never_cached_and_their_csrf_works(demo_site):
    client = Client(enforce_csrf_checks=True)
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    for path in ["/report/", "/report/status/", notice.url + "lead/"]:
        _, first = get(client, path)
        _, second = get(client, path)
        assert (first, second) == ("bypass", "bypass"), path
    token = client.cookies["csrftoken"].value
    response = client.post(
        notice.url + "lead/",
        {
            "csrfmiddlewaretoken": token,
            "description": "他是我同村的",
            "reporter_name": "李先生",
            "reporter_phone": "13800000000",
            "consent_forwarding": "on",
        },
    )
    assert response.status_code == 200 and response.context["receipt"]["reference"]


def test_a_notice_is_cached_its_lead_form_is_not(demo_site):
    """The page a shared link opens is served from the cache; the form is one tap away."""
    client = Client()
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    get(client, notice.url)
    response, state = get(client, notice.url)
    assert state == "hit" and notice.url + "lead/" in response.content.decode()
    get(client, notice.url + "lead/")
    assert get(client, notice.url + "lead/")[1] == "bypass"


def test_search_is_never_cached(demo_site, client):
    get(client, "/search/?q=南宁")
    _, state = get(client, "/search/?q=南宁")
    assert state == "bypass"


def test_an_open_day_with_registration_open_is_not_cached_a_past_one_is(demo_site, client):
    from events.models import EventPage

    upcoming = (
        EventPage.objects.live()
        .filter(slug="station-open-day", locale__language_code="zh-hans")
        .get()
    )
    past = (
        EventPage.objects.live()
        .filter(slug="619-family-search-day", locale__language_code="zh-hans")
        .get()
    )
    get(client, upcoming.url)
    response, state = get(client, upcoming.url)
    assert state == "bypass" and "no-cache" in response["Cache-Control"]
    get(client, past.url)
    _, state = get(client, past.url)
    assert state == "hit"


def publish_title(page, title):
    page = page.specific
    page.title = title
    page.save_revision().publish()


def test_publishing_a_notice_refreshes_it_its_index_and_the_home_page(
    demo_site, client, django_capture_on_commit_callbacks
):
    notice = (
        FamilySearchNoticePage.objects.live()
        .filter(status="seeking")
        .order_by("-first_published_at")
        .first()
    )
    for path in ["/", "/notices/", notice.url + "poster/"]:
        get(client, path)
        assert get(client, path)[1] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish_title(notice, "新标题：桂林市发现的老人")
    for path in ["/", "/notices/", notice.url + "poster/"]:
        assert get(client, path)[1] == "miss", path
    # The home page lists the newest notices by their titles.
    assert "新标题：桂林市发现的老人" in client.get("/").content.decode()


def test_unpublishing_moving_and_deleting_refresh_the_cache(
    demo_site, client, django_capture_on_commit_callbacks
):
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    get(client, "/notices/")
    with django_capture_on_commit_callbacks(execute=True):
        notice.unpublish()
    response, state = get(client, "/notices/")
    assert state == "miss" and notice.url not in response.content.decode()

    about = Page.objects.get(url_path="/home/about/")
    get(client, "/about/")
    assert get(client, "/about/")[1] == "hit"
    contact = Page.objects.get(url_path="/home/contact/")
    with django_capture_on_commit_callbacks(execute=True):
        about.move(contact, pos="last-child")
    moved, state = get(client, "/about/")
    assert state != "hit" and moved.status_code in (301, 404)
    get(client, "/contact/about/")
    assert get(client, "/contact/about/")[1] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=about.pk).delete()
    assert client.get("/contact/about/").status_code == 404


def test_a_station_change_refreshes_the_directory(
    demo_site, client, django_capture_on_commit_callbacks
):
    get(client, "/stations/450200/")
    assert get(client, "/stations/450200/")[1] == "hit"
    station = Station.objects.get(code="450200")
    with django_capture_on_commit_callbacks(execute=True):
        station.hotline = "0772-9990000"
        station.save()
    response, state = get(client, "/stations/450200/")
    assert state == "miss" and "0772-9990000" in response.content.decode()


def test_a_broken_cache_never_breaks_a_page(demo_site, client, monkeypatch):
    class Broken:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(page_cache, "_cache", lambda: Broken())
    response = client.get("/")
    assert response.status_code == 200


def test_the_cache_can_be_switched_off(demo_site, client, settings):
    settings.PAGE_CACHE_ENABLED = False
    get(client, "/")
    assert get(client, "/")[1] is None


def test_hot_pages_are_served_from_the_process_copy(demo_site, client, monkeypatch):
    get(client, "/policies/")
    shared = page_cache._cache()
    calls = []
    original = type(shared).get
    monkeypatch.setattr(
        type(shared), "get", lambda self, *a, **k: calls.append(a) or original(self, *a, **k)
    )
    _, state = get(client, "/policies/")
    assert state == "hit" and not calls


def test_another_process_publishing_is_seen_within_a_second(demo_site, client, settings):
    settings.PAGE_CACHE_GENERATION_SECONDS = 0
    get(client, "/policies/")
    assert get(client, "/policies/")[1] == "hit"
    # Another process starts a new generation in the shared cache.
    page_cache._cache().set(page_cache.GENERATION_KEY, "from-another-process", None)
    assert get(client, "/policies/")[1] == "miss"
