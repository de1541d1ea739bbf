"""Script payloads in what editors type into explainers and open days, in what a visitor types
into an open-day registration, and in a search query, are inert on every page, feed, calendar,
structured-data block, admin view, export and email where they appear. Uses the checks of
tests/security/test_escaping.py."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from events.models import EventPage, Registration
from policies.models import PolicyExplainerPage
from tests.security.test_escaping import MARK, PAYLOAD, PAYLOADS, assert_inert, assert_shown_as_text

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning"),
]


def zh(model, **filters):
    return model.objects.live().get(locale__language_code="zh-hans", **filters)


@pytest.fixture
def poisoned(demo_site, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (1000, 600))
    explainer = zh(PolicyExplainerPage, slug="how-to-ask-for-help")
    explainer.title = "求助 " + PAYLOADS[0]
    explainer.summary = PAYLOADS[1][:120]
    explainer.source_title = PAYLOAD[:200]
    explainer.source_issuer = PAYLOADS[2][:200]
    explainer.change_note = PAYLOADS[0][:200]
    explainer.save_revision().publish()

    campaign = zh(EventPage, slug="station-open-day")
    campaign.theme = PAYLOADS[1][:100]
    campaign.summary = PAYLOAD
    venues = list(campaign.venues.order_by("sort_order", "pk"))
    venues[0].name = PAYLOADS[0][:100]
    venues[0].other_rules = PAYLOAD
    venues[0].accessibility = PAYLOAD
    campaign.venues = venues
    with django_capture_on_commit_callbacks(execute=True):
        campaign.save_revision().publish()
    campaign = EventPage.objects.get(pk=campaign.pk)
    venue = campaign.venues.order_by("sort_order", "pk").first()

    mail.outbox.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{campaign.url}venues/{venue.pk}/register/",
            {
                "name": PAYLOADS[0][:50],
                "phone": "13900000009",
                "email": "visitor@example.com",
                "party_size": "1",
                "consent": "on",
            },
        )
    assert response.status_code == 302, response.content[:500]
    confirmation = client.get(response["Location"])
    return {
        "explainer": PolicyExplainerPage.objects.get(pk=explainer.pk),
        "campaign": campaign,
        "venue": venue,
        "confirmation": confirmation,
        "registration": Registration.objects.latest("pk"),
    }


def test_public_pages_show_the_payloads_as_text(poisoned, client):
    explainer, campaign, venue = poisoned["explainer"], poisoned["campaign"], poisoned["venue"]
    pages = {
        "home": "/",
        "explainer list": "/policies/",
        "explainer": explainer.url,
        "open-day list": "/events/",
        "campaign": campaign.url,
        "registration form": f"{campaign.url}venues/{venue.pk}/register/",
        "search for the payload": "/search/?q=" + PAYLOADS[0],
        "search for the explainer": "/search/?q=求助",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    assert_inert(poisoned["confirmation"].content.decode(), "registration confirmation")
    assert_shown_as_text(client.get(explainer.url).content.decode(), "explainer")
    assert_shown_as_text(client.get(campaign.url).content.decode(), "campaign")


def test_structured_data_cannot_close_its_script_element(poisoned, client):
    for url in (poisoned["explainer"].url, poisoned["campaign"].url):
        html = client.get(url).content.decode()
        blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
        assert blocks, url
        for block in blocks:
            assert "</" not in block and "<script" not in block.lower()
        # The payload is kept, as data, in the page's Article or Event block.
        data = [json.dumps(json.loads(block), ensure_ascii=False) for block in blocks]
        assert any(MARK in text for text in data), url


def test_feeds_and_calendars_carry_the_payloads_as_text(poisoned, client):
    response = client.get("/policies/feed/rss/")
    root = ET.fromstring(response.content)  # noqa: S314
    texts = [element.text or "" for element in root.iter()]
    assert any(MARK in text for text in texts)
    for text in texts:
        assert_inert(text, "explainer feed")
    for url in (poisoned["campaign"].url + "event.ics", "/events/feed.ics"):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        summaries = [
            str(event.get("DESCRIPTION", "")) + str(event.get("SUMMARY", ""))
            for event in calendar.walk("VEVENT")
        ]
        assert summaries


def test_admin_views_and_export_show_the_registrant_as_text(poisoned):
    coordinator = get_user_model().objects.get(username="coordinator")
    client = Client()
    client.force_login(coordinator)
    venue = poisoned["venue"]
    for url in (
        reverse("events_admin:index"),
        reverse("events_admin:venue", args=[venue.pk]),
        reverse("events_admin:registrants", args=[venue.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    assert MARK in client.get(reverse("events_admin:registrants", args=[venue.pk])).content.decode()
    response = client.get(reverse("events_admin:export", args=[venue.pk]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert any(MARK in cell for row in rows for cell in row)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell

    editor = Client()
    editor.force_login(get_user_model().objects.get(username="editor"))
    for page in (poisoned["explainer"], poisoned["campaign"]):
        response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200
        assert_inert(response.content.decode(), f"editing {page.slug}")


def test_emails_to_registrants_are_plain_text(poisoned):
    messages = [m for m in mail.outbox if "visitor@example.com" in m.to]
    assert messages, "the confirmation was sent"
    for message in messages:
        assert message.content_subtype == "plain"
        for content, mimetype in getattr(message, "alternatives", []):
            assert_inert(content, f"{mimetype} part of {message.subject}")


def test_the_search_box_echoes_the_query_inertly(poisoned, client):
    response = client.get("/search/", {"q": PAYLOAD[:100]})
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, "search results")
    fields = BeautifulSoup(html, "html.parser").find_all("input", {"name": "q"})
    assert any(MARK in field.get("value", "") for field in fields)
