"""Calendar files parsed back with icalendar: one VEVENT per venue with a stable UID, the
Shanghai VTIMEZONE, SEQUENCE raised on changes, STATUS from the venue and campaign; the
subscription feed lists live, public campaigns only, in the page's language."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest
from icalendar import Calendar

from events.models import Status
from tests.events.factories import make_campaign, republish, translate

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def campaign(event_index):
    from stations.models import Station

    return make_campaign(
        event_index,
        venues=[{}, {"station": Station.objects.get(code="450200"), "capacity": 4}],
    )


def test_event_ics_has_one_vevent_per_venue(client, campaign):
    response = client.get(f"/events/{campaign.slug}/event.ics")
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    venues = list(campaign.venues.order_by("sort_order").select_related("station"))
    events = events_by_uid(calendar)
    assert set(events) == {f"venue-{v.pk}@localhost" for v in venues}
    for venue in venues:
        event = events[f"venue-{venue.pk}@localhost"]
        start = event.decoded("DTSTART")
        assert start == venue.starts_at
        assert str(start.tzinfo) == "Asia/Shanghai"
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        assert event.decoded("DTEND") == venue.ends_at
        assert str(event["STATUS"]) == "CONFIRMED"
        assert int(event["SEQUENCE"]) == 0
        assert venue.station.name in str(event["LOCATION"])
        assert venue.station.address in str(event["LOCATION"])
        assert str(event["URL"]) == f"http://testserver{campaign.url}#venue-{venue.pk}"
        assert campaign.title in str(event["SUMMARY"])
        assert event.decoded("DTSTAMP") is not None
        assert event.get("GEO") is not None


def test_one_venue_only(client, campaign):
    venue = campaign.venues.order_by("sort_order").last()
    calendar = parse(client.get(f"/events/{campaign.slug}/event.ics?venue={venue.pk}"))
    assert list(events_by_uid(calendar)) == [f"venue-{venue.pk}@localhost"]
    assert client.get(f"/events/{campaign.slug}/event.ics?venue=999999").status_code == 404


def test_sequence_rises_on_changes_of_time_place_or_status_only(client, campaign):
    first, second = campaign.venues.order_by("sort_order")
    url = f"/events/{campaign.slug}/event.ics"
    republish(campaign, summary="只改了摘要")
    assert (
        int(events_by_uid(parse(client.get(url)))[f"venue-{first.pk}@localhost"]["SEQUENCE"]) == 0
    )
    republish(
        campaign, venue_changes={first.pk: {"starts_at": first.starts_at + timedelta(hours=1)}}
    )
    republish(campaign, venue_changes={first.pk: {"address": "新地址1号"}})
    events = events_by_uid(parse(client.get(url)))
    assert int(events[f"venue-{first.pk}@localhost"]["SEQUENCE"]) == 2
    assert int(events[f"venue-{second.pk}@localhost"]["SEQUENCE"]) == 0
    republish(campaign, venue_changes={second.pk: {"status": Status.CANCELLED}})
    events = events_by_uid(parse(client.get(url)))
    assert str(events[f"venue-{second.pk}@localhost"]["STATUS"]) == "CANCELLED"
    assert int(events[f"venue-{second.pk}@localhost"]["SEQUENCE"]) == 1
    # UIDs never change.
    assert set(events) == {f"venue-{first.pk}@localhost", f"venue-{second.pk}@localhost"}


def test_campaign_status_reaches_every_venue(client, campaign):
    republish(campaign, status=Status.POSTPONED)
    events = events_by_uid(parse(client.get(f"/events/{campaign.slug}/event.ics")))
    assert {str(e["STATUS"]) for e in events.values()} == {"TENTATIVE"}
    assert {int(e["SEQUENCE"]) for e in events.values()} == {1}
    republish(campaign, status=Status.CANCELLED)
    events = events_by_uid(parse(client.get(f"/events/{campaign.slug}/event.ics")))
    assert {str(e["STATUS"]) for e in events.values()} == {"CANCELLED"}


def test_drafts_private_and_unknown_campaigns_have_no_calendar(client, event_index):
    draft = make_campaign(event_index, publish=False)
    private = make_campaign(event_index)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert client.get(f"/events/{draft.slug}/event.ics").status_code == 404
    assert client.get(f"/events/{private.slug}/event.ics").status_code == 404
    assert client.get("/events/no-such-campaign/event.ics").status_code == 404
    assert client.get("/events/open-day/event.ics/").status_code == 404


def test_feed_lists_live_public_campaigns_only(client, event_index):
    live = make_campaign(event_index)
    old = make_campaign(event_index, start_date=timezone.localdate() - timedelta(days=30))
    draft = make_campaign(event_index, publish=False)
    private = make_campaign(event_index)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    unpublished = make_campaign(event_index)
    unpublished.unpublish()
    calendar = parse(client.get("/events/feed.ics"))
    uids = set(events_by_uid(calendar))
    expected = {f"venue-{v.pk}@localhost" for p in (live, old) for v in p.venues.all()}
    assert uids == expected
    for page in (draft, private, unpublished):
        for venue in page.venues.all():
            assert f"venue-{venue.pk}@localhost" not in uids
    assert calendar.walk("VTIMEZONE")


def test_english_calendars_share_uids_and_facts(client, campaign, english_event_index):
    english = translate(campaign, summary="English summary")
    zh = events_by_uid(parse(client.get(f"/events/{campaign.slug}/event.ics")))
    en = events_by_uid(parse(client.get(f"/en/events/{english.slug}/event.ics")))
    assert set(zh) == set(en)
    for uid, event in en.items():
        assert event.decoded("DTSTART") == zh[uid].decoded("DTSTART")
        assert "English summary" in str(event["DESCRIPTION"])
        assert "/en/events/" in str(event["URL"])
    feed = events_by_uid(parse(client.get("/en/events/feed.ics")))
    assert set(feed) == set(zh)
    # The Chinese campaign is cancelled: the English calendar says so too (facts are shared).
    republish(campaign, status=Status.CANCELLED)
    en = events_by_uid(parse(client.get(f"/en/events/{english.slug}/event.ics")))
    assert {str(e["STATUS"]) for e in en.values()} == {"CANCELLED"}


def test_calendar_text_is_escaped_as_ical(client, event_index):
    page = make_campaign(event_index, title="开放日; 逗号, 换行\n测试", summary="a;b,c\\d")
    calendar = parse(client.get(f"/events/{page.slug}/event.ics"))
    (event, *_rest) = calendar.walk("VEVENT")
    assert "a;b,c\\d" in str(event["DESCRIPTION"])
    assert b"a\\;b\\,c\\\\d" in client.get(f"/events/{page.slug}/event.ics").content
