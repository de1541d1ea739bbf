"""schema.org Event JSON-LD per venue, parsed back and checked for the properties search
engines need; superEvent is the campaign; status follows cancellations and postponements."""

from __future__ import annotations

import json
import re

from django.utils import timezone

import pytest

from events.models import Status
from tests.events.factories import make_campaign, make_image, republish

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.org/"


def jsonld(response) -> list[dict]:
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def validate_event(data: dict):
    for key in (
        "@context",
        "@type",
        "name",
        "startDate",
        "endDate",
        "eventStatus",
        "eventAttendanceMode",
        "location",
        "isAccessibleForFree",
        "offers",
        "organizer",
        "superEvent",
        "url",
    ):
        assert key in data, key
    assert data["@type"] == "Event"
    assert data["startDate"].endswith("+08:00") and data["endDate"].endswith("+08:00")
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert data["isAccessibleForFree"] is True
    assert data["offers"]["price"] == "0" and data["offers"]["priceCurrency"] == "CNY"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["@type"] == "PostalAddress"
    assert data["organizer"]["@type"] == "Organization" and data["organizer"]["name"]
    assert data["superEvent"]["@type"] == "Event"


def test_one_event_per_venue_with_super_event(client, event_index):
    from stations.models import Area, Station

    county = Area.objects.get(code="450102")
    page = make_campaign(
        event_index,
        venues=[
            {},
            {
                "station": None,
                "area": county,
                "name": "兴宁区宣传点",
                "address": "朝阳广场",
                "capacity": 0,
                "registration_enabled": False,
            },
        ],
    )
    items = jsonld(client.get(page.url))
    assert len(items) == 2
    for item in items:
        validate_event(item)
        assert item["eventStatus"] == SCHEMA + "EventScheduled"
        assert item["superEvent"]["url"] == f"http://testserver{page.url}"
        assert item["superEvent"]["name"] == page.title
    station_venue, free_venue = items
    station = Station.objects.get(code="450100")
    assert station_venue["location"]["name"] == station.name
    assert station_venue["location"]["address"]["addressRegion"] == "广西壮族自治区"
    assert station_venue["location"]["address"]["addressLocality"] == "南宁市"
    assert station_venue["offers"]["availability"] == SCHEMA + "InStock"
    assert station_venue["maximumAttendeeCapacity"] == 10
    assert station_venue["location"]["geo"]["latitude"] == float(station.latitude)
    assert free_venue["location"]["address"]["addressLocality"] == "南宁市兴宁区"
    assert free_venue["location"]["address"]["streetAddress"] == "朝阳广场"
    venue = page.venues.order_by("sort_order").first()
    assert station_venue["startDate"] == timezone.localtime(venue.starts_at).isoformat()


def test_status_changes_the_structured_data(client, event_index):
    page = make_campaign(event_index, venues=[{}, {}])
    first = page.venues.order_by("sort_order").first()
    republish(page, venue_changes={first.pk: {"status": Status.CANCELLED}})
    items = jsonld(client.get(page.url))
    assert [i["eventStatus"] for i in items] == [
        SCHEMA + "EventCancelled",
        SCHEMA + "EventScheduled",
    ]
    republish(page, status=Status.POSTPONED)
    items = jsonld(client.get(page.url))
    assert [i["eventStatus"] for i in items] == [
        SCHEMA + "EventCancelled",
        SCHEMA + "EventPostponed",
    ]
    assert items[0]["superEvent"]["eventStatus"] == SCHEMA + "EventPostponed"
    republish(page, status=Status.RESCHEDULED)
    assert jsonld(client.get(page.url))[1]["eventStatus"] == SCHEMA + "EventRescheduled"


def test_only_consented_images_and_escaped_text(client, event_index):
    shown, hidden = make_image("同意"), make_image("未同意")
    page = make_campaign(
        event_index,
        title="</script><script>alert(1)</script>",
        gallery=[
            {"image": shown, "alt_text": "展板", "consent": True},
            {"image": hidden, "alt_text": "合影", "consent": False},
        ],
    )
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    items = jsonld(client.get(page.url))
    assert items[0]["name"].startswith("</script><script>alert(1)</script>")
    assert len(items[0]["image"]) == 1
    assert "\\u003C/script\\u003E" in html
