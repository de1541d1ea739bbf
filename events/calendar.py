"""Calendar files (RFC 5545) built with the ``icalendar`` library: one VEVENT per venue.

* UID ``venue-<canonical venue id>@<site host>``: the same in Chinese and English and stable
  across edits, so a calendar updates the event instead of adding a second one.
* SEQUENCE is the venue's, raised whenever its time, place or status changes (changes.py).
* STATUS: CONFIRMED, TENTATIVE while postponed (the date is not known), CANCELLED.
* Times carry TZID=Asia/Shanghai with the matching VTIMEZONE.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Site

from icalendar import Calendar, Event

from .models import LOCAL_TIME, Status, Venue

PRODID = "-//Guitu//Open days//ZH"
ICAL_STATUS = {
    Status.SCHEDULED: "CONFIRMED",
    Status.RESCHEDULED: "CONFIRMED",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}


def uid_host() -> str:
    site = Site.objects.filter(is_default_site=True).only("hostname").first()
    return (site.hostname if site else "") or "guitu.invalid"


def venue_uid(venue: Venue, host: str | None = None) -> str:
    return f"venue-{venue.facts.pk}@{host or uid_host()}"


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def location_text(venue: Venue) -> str:
    return one_line("，".join(part for part in (venue.display_name, venue.display_address) if part))


def venue_event(venue: Venue, url: str, host: str, stamp: datetime) -> Event:
    facts = venue.facts
    page = venue.page
    status = venue.effective_status
    event = Event()
    event.add("uid", venue_uid(venue, host))
    event.add("dtstamp", stamp)
    event.add("sequence", facts.sequence)
    event.add("summary", one_line(f"{page.title} · {venue.display_name}"))
    event.add("dtstart", timezone.localtime(facts.starts_at, LOCAL_TIME))
    event.add("dtend", timezone.localtime(facts.ends_at, LOCAL_TIME))
    event.add("location", location_text(venue))
    event.add("status", ICAL_STATUS[status])
    event.add("url", url)
    event.add("class", "PUBLIC")
    event.add("transp", "OPAQUE")
    if page.last_published_at:
        event.add("last-modified", page.last_published_at)
    lines = [page.summary]
    note = venue.status_note or page.status_note
    if status != Status.SCHEDULED:
        lines.insert(0, f"{Status(status).label}{'：' + note if note else ''}")
    if venue.phone:
        lines.append(_("Contact: %(phone)s") % {"phone": venue.phone})
    lines.append(url)
    event.add("description", "\n".join(line for line in lines if line))
    station = venue.station if venue.station_id else None
    if station is not None and station.latitude is not None and station.longitude is not None:
        event.add("geo", (float(station.latitude), float(station.longitude)))
    return event


def build_calendar(items: list[tuple[Venue, str]], name: str) -> bytes:
    """A calendar of (venue, page URL) pairs; the venues need their facts attached."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    host = uid_host()
    stamp = timezone.now().replace(microsecond=0)
    for venue, url in items:
        calendar.add_component(venue_event(venue, url, host, stamp))
    if items:
        years = [v.facts.starts_at.year for v, _url in items]
        calendar.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
        )
    return calendar.to_ical()


def venue_calendar(venue: Venue, url: str) -> bytes:
    return build_calendar([(venue, url)], venue.page.title)
