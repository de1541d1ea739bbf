"""Script payloads typed into every field a visitor or an editor fills are inert wherever they
appear: public pages, the admin, feeds, emails and exports.

"Inert" is checked by parsing, not by string matching: no <script> element or event-handler
attribute comes from a payload, and no link or source uses a javascript: URL. Feed item texts
are parsed twice (XML, then as the HTML a feed reader would render).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from notices.models import FamilySearchNoticePage
from portal.models import SiteSettings
from stations.models import Station
from tip_reports.models import TipReport

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning"),
]

MARK = "xss"
PAYLOADS = [
    f'<script>alert("{MARK}1")</script>',
    f'"><img src=x onerror=alert("{MARK}2")>',
    f"'><svg onload=alert('{MARK}3')>",
    f"javascript:alert('{MARK}4')",
]
PAYLOAD = "".join(PAYLOADS)
# Free text typed by visitors starts with this, so emails can be searched for it.
VISITOR = "访客文字"
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def assert_inert(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        content = script.string or ""
        if script.get("type") in DATA_SCRIPT_TYPES:
            # Data for the page's own code (Wagtail's editor state, JSON-LD): a payload inside
            # is fine as long as it cannot close the element or open another one.
            assert "</" not in content and "<script" not in content.lower(), where
        else:
            assert MARK not in content, f"{where}: a payload became a <script>"
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                assert MARK not in text, f"{where}: a payload became {name}= on <{element.name}>"
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"}:
                assert not text.strip().lower().startswith("javascript:"), (
                    f"{where}: a payload became a javascript: URL"
                )
        if element.name in {"img", "svg"} and element.get("src") == "x":
            pytest.fail(f"{where}: a payload became an <{element.name}>")


def assert_shown_as_text(html: str, where: str) -> None:
    """The payload is visible to the reader as the text that was typed."""
    text = BeautifulSoup(html, "html.parser").get_text()
    assert f'alert("{MARK}1")' in text, f"{where}: the typed text is not shown"


@pytest.fixture
def poisoned(demo_site, settings, django_capture_on_commit_callbacks):
    """The demo with a payload in every text an editor types (a notice, a station, the site
    settings) and a tip and a notice lead sent through the public forms with payloads in every
    free-text field."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (1000, 600))
    notice = FamilySearchNoticePage.objects.live().filter(status="seeking").first()
    for field in ("name", "features", "clothing", "memories", "found_place", "dialect_note"):
        max_length = notice._meta.get_field(field).max_length or 1000
        setattr(notice, field, PAYLOAD[:max_length])
    notice.title = "寻亲 " + PAYLOADS[0]
    notice.save_revision().publish()

    station = Station.objects.get(code="450200")
    station.name = "柳州 " + PAYLOADS[1][:40]
    station.address = PAYLOAD[:200]
    station.save()

    site_settings = SiteSettings.for_site(demo_site)
    site_settings.footer_text = PAYLOAD
    site_settings.save()

    seen = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client = Client()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/report/",
            {
                "category": "sleeping_rough",
                "area": "450202",
                "place_text": (VISITOR + PAYLOAD)[:200],
                "seen_at": seen,
                "clothing": (VISITOR + PAYLOAD)[:200],
                "appearance": (VISITOR + PAYLOAD)[:300],
                "description": VISITOR + PAYLOAD,
                "reporter_name": PAYLOADS[0][:50],
                "reporter_phone": "13800000000",
                "consent_forwarding": "on",
            },
        )
    assert response.status_code == 302
    tip = TipReport.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            notice.url + "lead/",
            {
                "relationship": (VISITOR + PAYLOAD)[:100],
                "description": VISITOR + PAYLOAD,
                "reporter_name": PAYLOADS[1][:50],
                "reporter_phone": "13900000000",
                "consent_forwarding": "on",
            },
        )
    assert response.status_code == 200
    lead = TipReport.objects.latest("pk")
    return {"notice": FamilySearchNoticePage.objects.get(pk=notice.pk), "tip": tip, "lead": lead}


def test_public_pages_show_payloads_as_text(poisoned, client):
    notice = poisoned["notice"]
    pages = {
        "home": "/",
        "notice list": "/notices/",
        "notice list filtered": "/notices/?q=" + PAYLOADS[0],
        "notice": notice.url,
        "poster": notice.url + "poster/",
        "lead form": notice.url + "lead/",
        "station directory": "/stations/",
        "station": "/stations/450200/",
        "report form": "/report/",
        "status": "/report/status/",
        "english home": "/en/",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)
    assert_shown_as_text(client.get(notice.url).content.decode(), "notice")
    assert_shown_as_text(client.get("/stations/450200/").content.decode(), "station")


def test_a_rejected_form_echoes_what_was_typed_inertly(poisoned, client):
    response = client.post("/report/", {"place_text": PAYLOAD, "description": PAYLOAD})
    assert response.status_code == 400
    assert_inert(response.content.decode(), "tip form errors")
    response = client.post(
        poisoned["notice"].url + "lead/",
        {"description": VISITOR + PAYLOAD, "relationship": PAYLOAD},
    )
    assert response.status_code == 400
    assert_inert(response.content.decode(), "lead form errors")
    response = client.post("/report/status/", {"reference": PAYLOAD, "secret_code": PAYLOAD})
    assert response.status_code == 400
    assert_inert(response.content.decode(), "status form errors")


def test_feeds_carry_payloads_as_text_for_feed_readers(poisoned, client):
    for url in ("/notices/feed/rss/", "/notices/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314
        texts = [element.text or "" for element in root.iter()]
        assert any(MARK in text for text in texts), url
        for text in texts:
            # A reader renders titles and descriptions as HTML: the text itself must be inert.
            assert_inert(text, url)


def test_admin_views_show_payloads_as_text(poisoned):
    users = get_user_model().objects
    client = Client()
    client.force_login(users.get(username="coordinator"))
    editor = Client()
    editor.force_login(users.get(username="editor"))
    tip, lead, notice = poisoned["tip"], poisoned["lead"], poisoned["notice"]
    pages = {
        "queue": (client, reverse("tips:index")),
        "queue results": (client, reverse("tips:index_results")),
        "tip": (client, reverse("tips:inspect", args=[tip.pk])),
        "lead": (client, reverse("tips:inspect", args=[lead.pk])),
        "coordinator dashboard": (client, "/admin/"),
        "site history": (client, reverse("wagtailadmin_reports:site_history")),
        "notice editor": (editor, reverse("wagtailadmin_pages:edit", args=[notice.pk])),
        "page explorer": (editor, reverse("wagtailadmin_explore", args=[notice.get_parent().pk])),
        "page search": (editor, reverse("wagtailadmin_pages:search") + "?q=" + PAYLOADS[0]),
        "editor dashboard": (editor, "/admin/"),
    }
    for where, (who, url) in pages.items():
        response = who.get(url)
        assert response.status_code == 200, (where, response.status_code)
        assert_inert(response.content.decode(), where)
    contact = client.post(reverse("tips:contact", args=[tip.pk]))
    assert contact.status_code in {200, 302}
    revealed = client.get(reverse("tips:inspect", args=[tip.pk]))
    assert_inert(revealed.content.decode(), "tip with contact shown")
    assert_shown_as_text(client.get(reverse("tips:inspect", args=[tip.pk])).content.decode(), "tip")


def test_exports_keep_payloads_as_plain_cells(poisoned):
    coordinator = get_user_model().objects.get(username="coordinator")
    client = Client()
    client.force_login(coordinator)
    response = client.get(reverse("tips:index"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_emails_are_plain_text_and_carry_nothing_a_visitor_typed(poisoned):
    """Notifications are plain text (a payload in an editor's station name is inert there) and
    never carry a tip's free text (docs/architecture.md §5)."""
    assert mail.outbox, "the poisoned tips sent notifications"
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
        assert VISITOR not in message.subject and VISITOR not in message.body
