"""Every public form and query parameter, fuzzed with hypothesis: whatever arrives (control
characters, NUL bytes, huge or empty values, unknown fields, wrong types, broken encodings),
the answer is never a server error, and a rejected submission saves nothing while an accepted
one saves a complete record.

Runs on the demo content (``demo_site``). Other apps' forms add their own cases here as they
arrive; ``PUBLIC_GETS`` lists the query parameters of every listing.
"""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from events.models import EventPage, Registration
from notices.models import FamilySearchNoticePage
from tip_reports.models import Delivery, TipEvent, TipReport

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as browsers, scripts and attackers send it: any code point that UTF-8 can carry
# (surrogates cannot), with control characters and NUL, short or very long.
any_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1000, max_size=5000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "%00",
            "😀" * 50,
            "9" * 400,
            "-1",
            "1e309",
            "NaN",
            "2026-02-30",
            "0x7fffffff",
        ]
    ),
)


def form_bodies(field_names, max_size):
    """Form bodies of the form's own field names and arbitrary ones, with arbitrary values."""
    names = st.one_of(st.sampled_from(field_names), st.text(max_size=20))
    return st.dictionaries(names, any_text, max_size=max_size)


@pytest.fixture
def no_rate_limits(settings):
    """Most cases exercise validation, not the rate limit (which has its own tests)."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (100000, 600))


def tip_counts():
    return TipReport.objects.count(), TipEvent.objects.count(), Delivery.objects.count()


def assert_answered(response):
    assert response.status_code < 500, response.content[:500]


def assert_all_or_nothing(before, response):
    """A 4xx saved nothing; a success saved one tip with its timeline and its outbox rows."""
    after = tip_counts()
    if response.status_code >= 400:
        assert after == before
    else:
        assert after[0] == before[0] + 1
        tip = TipReport.objects.latest("pk")
        assert tip.station_id is not None
        assert tip.events.exists() and tip.deliveries.exists()


TIP_FIELDS = [
    "category",
    "urgent",
    "area",
    "place_text",
    "latitude",
    "longitude",
    "location_accuracy",
    "seen_at",
    "person_sex",
    "person_age",
    "clothing",
    "appearance",
    "description",
    "reporter_name",
    "reporter_phone",
    "consent_forwarding",
    "website",
    "g-recaptcha-response",
]


def a_valid_tip() -> dict:
    seen = timezone.localtime(timezone.now() - timedelta(hours=1))
    return {
        "category": "sleeping_rough",
        "area": "450202",
        "place_text": "五星街公交站旁",
        "seen_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "consent_forwarding": "on",
    }


@FUZZ
@given(
    fields=form_bodies(TIP_FIELDS, max_size=12),
    start_valid=st.booleans(),
)
def test_tip_form_never_fails_and_saves_all_or_nothing(
    demo_site, no_rate_limits, fields, start_valid
):
    data = {**(a_valid_tip() if start_valid else {}), **fields}
    data.pop("csrfmiddlewaretoken", None)
    before = tip_counts()
    response = Client().post("/report/", data)
    assert_answered(response)
    assert response.status_code in {302, 400}
    assert_all_or_nothing(before, response)


@FUZZ
@given(photo=st.binary(max_size=4000), name=any_text)
def test_tip_photo_of_any_bytes_never_fails(demo_site, no_rate_limits, photo, name, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assume("\x00" not in name and "/" not in name and name.strip())
    before = tip_counts()
    upload = SimpleUploadedFile(name[:100], photo, content_type="image/jpeg")
    response = Client().post("/report/", {**a_valid_tip(), "photo": upload})
    assert_answered(response)
    assert response.status_code in {302, 400}
    assert_all_or_nothing(before, response)
    if response.status_code == 302:
        # Accepted only when the browser's file part was dropped (no usable file name):
        # random bytes are never stored as a photo.
        assert not TipReport.objects.latest("pk").photo


@FUZZ
@given(reference=any_text, secret_code=any_text, extra=any_text)
def test_status_lookup_never_fails(demo_site, no_rate_limits, reference, secret_code, extra):
    response = Client().post(
        "/report/status/", {"reference": reference, "secret_code": secret_code, "x": extra}
    )
    assert_answered(response)
    assert response.status_code in {200, 400}


LEAD_FIELDS = [
    "relationship",
    "description",
    "reporter_name",
    "reporter_phone",
    "consent_forwarding",
    "website",
]


@FUZZ
@given(
    fields=form_bodies(LEAD_FIELDS, max_size=8),
    start_valid=st.booleans(),
)
def test_notice_lead_never_fails_and_saves_all_or_nothing(
    demo_site, no_rate_limits, fields, start_valid
):
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    valid = {
        "description": "他是我同村的",
        "reporter_name": "李先生",
        "reporter_phone": "13800000000",
        "consent_forwarding": "on",
    }
    data = {**(valid if start_valid else {}), **fields}
    before = tip_counts()
    response = Client().post(notice.url + "lead/", data)
    assert_answered(response)
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert tip_counts()[0] == before[0] + 1
    else:
        assert tip_counts() == before


# Every public listing and the query parameters it reads.
PUBLIC_GETS = {
    "/notices/": ["q", "sex", "age", "area", "found_from", "found_to", "dialect", "page"],
    "/en/notices/": ["q", "sex", "age", "area", "found_from", "found_to", "dialect", "page"],
    "/stations/": ["city", "page"],
    "/policies/": ["topic", "audience", "year", "status", "page"],
    "/en/policies/": ["topic", "audience", "year", "status", "page"],
    "/events/": ["city", "page"],
    "/en/events/": ["city", "page"],
    "/search/": ["q", "type", "page"],
    "/en/search/": ["q", "type", "page"],
    "/events/feed.ics": ["venue"],
    "/": ["page"],
    "/report/status/": ["reference"],
}


@FUZZ
@given(
    path=st.sampled_from(sorted(PUBLIC_GETS)),
    data=st.data(),
)
def test_listing_query_parameters_never_fail(demo_site, path, data):
    names = PUBLIC_GETS[path] + ["utm_source", "x"]
    params = data.draw(st.dictionaries(st.sampled_from(names), any_text, max_size=6))
    response = Client().get(path, params)
    assert_answered(response)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "q=%ff%fe%fd",
        "sex=%00",
        "page=%F0%9F%98%80",
        "area=450100&area=450200",
        "found_from=9999-99-99",
        "q=" + "%E5%8D%97" * 500,
        "a" * 4000,
    ],
)
def test_broken_query_strings_never_fail(demo_site, query):
    for path in PUBLIC_GETS:
        response = Client().get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)


@FUZZ
@given(code=any_text)
def test_station_pages_for_any_code_are_found_or_not_found(demo_site, code):
    assume("/" not in code and "?" not in code and "#" not in code)
    from urllib.parse import quote

    response = Client().get(f"/stations/{quote(code, safe='')}/")
    assert response.status_code in {200, 301, 302, 404}


REGISTRATION_FIELDS = ["name", "phone", "email", "party_size", "consent", "website"]


def open_venue():
    page = EventPage.objects.live().get(slug="station-open-day", locale__language_code="zh-hans")
    venue = page.venues.order_by("sort_order").first()
    return page, venue


@FUZZ
@given(
    fields=form_bodies(REGISTRATION_FIELDS, max_size=8),
    start_valid=st.booleans(),
)
def test_open_day_registration_never_fails_and_saves_all_or_nothing(
    demo_site, no_rate_limits, fields, start_valid
):
    page, venue = open_venue()
    valid = {"name": "李小明", "phone": "13900000001", "party_size": "1", "consent": "on"}
    data = {**(valid if start_valid else {}), **fields}
    before = Registration.objects.count()
    response = Client().post(f"{page.url}venues/{venue.pk}/register/", data)
    assert_answered(response)
    assert response.status_code in {302, 400, 409}
    after = Registration.objects.count()
    assert after == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(pk=st.integers(min_value=-(2**63), max_value=2**63 - 1), token=any_text, post=st.booleans())
def test_any_cancellation_link_is_answered_without_a_server_error(demo_site, pk, token, post):
    from urllib.parse import quote

    assume(token.strip() and "/" not in token)
    url = f"/events/registrations/{pk if pk >= 0 else 0}/{quote(token[:200], safe='')}/"
    client = Client()
    before = Registration.objects.filter(status=Registration.Status.CANCELLED).count()
    response = client.post(url, {"confirm": "1"}) if post else client.get(url)
    assert response.status_code < 500
    assert Registration.objects.filter(status=Registration.Status.CANCELLED).count() == before


@FUZZ
@given(slug=any_text, venue=any_text)
def test_calendar_files_for_any_slug_or_venue_never_fail(demo_site, slug, venue):
    from urllib.parse import quote

    assume(slug.strip() and "/" not in slug)
    response = Client().get(f"/events/{quote(slug[:80], safe='')}/event.ics", {"venue": venue})
    assert response.status_code in {200, 301, 404}
    response = Client().get("/events/619-family-search-day/event.ics", {"venue": venue})
    assert response.status_code in {200, 404}
