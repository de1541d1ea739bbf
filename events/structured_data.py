"""schema.org ``Event`` structured data (JSON-LD) for each venue of a campaign, with the
campaign as its ``superEvent``. Built as Python dicts; rendered by the ``jsonld`` filter, which
escapes ``<``, ``>`` and ``&`` like Django's ``json_script``."""

from __future__ import annotations

from django.utils import timezone

from .models import LOCAL_TIME, Status, Venue

SCHEMA = "https://schema.org/"
EVENT_STATUS = {
    Status.SCHEDULED: SCHEMA + "EventScheduled",
    Status.POSTPONED: SCHEMA + "EventPostponed",
    Status.RESCHEDULED: SCHEMA + "EventRescheduled",
    Status.CANCELLED: SCHEMA + "EventCancelled",
}


def postal_address(venue: Venue) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "CN"}
    if venue.display_address:
        address["streetAddress"] = venue.display_address
    area = venue.facts.place_area
    if area is not None:
        chain = area.ancestors_and_self()
        province = next((a for a in chain if a.level == "province"), None)
        if province is not None:
            address["addressRegion"] = province.name
        if area.level != "province":
            address["addressLocality"] = area.qualified_name
    return address


def venue_event(
    venue: Venue,
    *,
    page_url: str,
    register_url: str | None,
    organiser: dict,
    images: list[str],
    places_left: int | None,
) -> dict:
    facts = venue.facts
    page = venue.page
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{page.title} · {venue.display_name}",
        "description": page.summary,
        "startDate": timezone.localtime(facts.starts_at, LOCAL_TIME).isoformat(),
        "endDate": timezone.localtime(facts.ends_at, LOCAL_TIME).isoformat(),
        "eventStatus": EVENT_STATUS[venue.effective_status],
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "url": f"{page_url}#venue-{venue.pk}",
        "location": {
            "@type": "Place",
            "name": venue.display_name,
            "address": postal_address(venue),
        },
        "isAccessibleForFree": True,
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "CNY",
            "url": register_url or page_url,
        },
        "organizer": organiser,
        "superEvent": {
            "@type": "Event",
            "name": page.title,
            "url": page_url,
            "startDate": page.start_date.isoformat(),
            "endDate": page.last_date.isoformat(),
            "eventStatus": EVENT_STATUS[page.canonical_status],
        },
    }
    if facts.registration_enabled:
        data["maximumAttendeeCapacity"] = facts.capacity
        if places_left is not None:
            data["offers"]["availability"] = SCHEMA + ("InStock" if places_left > 0 else "SoldOut")
        if facts.registration_opens_at:
            data["offers"]["validFrom"] = timezone.localtime(
                facts.registration_opens_at, LOCAL_TIME
            ).isoformat()
    station = venue.station if venue.station_id else None
    if station is not None and station.latitude is not None and station.longitude is not None:
        data["location"]["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(station.latitude),
            "longitude": float(station.longitude),
        }
    if images:
        data["image"] = images
    return data
