"""The demo open days as `make run` seeds them: the 6·19 campaign rolls up to 14 cities, 76
counties, about 8,000 visitors, 130+ display boards and 32,000+ leaflets; the upcoming one
takes registrations; both exist in Chinese and English; seeding again adds nothing."""

from __future__ import annotations

import io
import re

from django.core import mail
from django.core.management import call_command
from django.test import Client

import pytest

from events.demo import PAST_SLUG, UPCOMING_SLUG
from events.models import EventPage, Registration, Venue
from tests.events.factories import csrf_post, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media():
    """The demo is seeded once for the module, its images in the test media folder."""


def test_the_619_campaign_rolls_up(client, demo_site):
    response = client.get(f"/events/{PAST_SLUG}/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.city_count == 14
    assert figures.county_count == 76
    assert 7900 <= figures.totals["visitors"] <= 8100
    assert figures.totals["displays"] >= 130
    assert figures.totals["leaflets"] >= 32000
    html = response.content.decode()
    assert "演示数据" in html
    assert f">{figures.totals['visitors']}<" in html
    english = client.get(f"/en/events/{PAST_SLUG}/")
    assert english.status_code == 200
    assert english.context["figures"].county_count == 76
    assert "Demo data" in english.content.decode()
    index = client.get("/events/").content.decode()
    assert f">{figures.totals['leaflets']}<" in index


def test_the_demo_gallery_shows_consented_images_only(client, demo_site):
    page = EventPage.objects.get(slug=PAST_SLUG, locale__language_code="zh-hans")
    assert page.gallery.filter(consent=False).exists()
    html = client.get(page.url).content.decode()
    for item in page.gallery.all():
        assert (item.alt_text in html) == item.consent


def test_a_newcomer_registers_and_cancels_on_the_demo(demo_site):
    page = EventPage.objects.get(slug=UPCOMING_SLUG, locale__language_code="zh-hans")
    venue = page.venues.order_by("capacity").first()
    assert venue.capacity <= 5
    browser = Client(enforce_csrf_checks=True)
    url = f"{page.url}venues/{venue.pk}/register/"
    assert csrf_post(browser, url, form_data(party_size="1")).status_code == 302
    link = re.search(r"http://testserver(/events/registrations/\S+/)", mail.outbox[0].body).group(1)
    browser.get(link)
    from tests.events.factories import committed

    with committed():
        assert (
            browser.post(
                link, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
            ).status_code
            == 200
        )
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_seeding_again_adds_nothing(demo_site):
    before = (EventPage.objects.count(), Venue.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (EventPage.objects.count(), Venue.objects.count()) == before == (4, 188)


def test_the_cancellation_page_lets_browsers_send_its_origin(demo_site):
    """With `<meta name="referrer" content="no-referrer">` Chromium sends `Origin: null` with
    the page's form and Django's CSRF check refuses the cancellation (found by tests/e2e).
    The token must still not leave the site: same-origin referrers only."""
    page = EventPage.objects.get(slug=UPCOMING_SLUG, locale__language_code="zh-hans")
    venue = page.venues.order_by("-capacity").first()
    browser = Client(enforce_csrf_checks=True)
    url = f"{page.url}venues/{venue.pk}/register/"
    assert csrf_post(browser, url, form_data(party_size="1")).status_code == 302
    link = re.search(r"http://testserver(/events/registrations/\S+/)", mail.outbox[0].body).group(1)
    html = browser.get(link).content.decode()
    referrer = re.search(r'<meta name="referrer" content="([^"]+)">', html)
    assert referrer and referrer.group(1) in {"same-origin", "strict-origin"}, referrer
    from tests.events.factories import committed

    with committed():
        response = browser.post(
            link,
            {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
            headers={"Origin": "http://testserver"},
        )
    assert response.status_code == 200
    assert Registration.objects.get().status == Registration.Status.CANCELLED
