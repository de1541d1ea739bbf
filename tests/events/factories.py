"""Builders for the open-day tests.

``make_campaign(index, venues=[{...}, ...])`` publishes an EventPage under ``index`` with one
venue per dict (defaults: the 南宁 station, 10 places, two weeks ahead, registration open);
``translate(page, **fields)`` publishes its English translation (venue rows copied, same keys).
``csrf_post(client, url, data)`` posts a form the way a browser does with CSRF checks on.
"""

from __future__ import annotations

import io
import itertools
from datetime import date, datetime, time, timedelta

from django.core.files.images import ImageFile
from django.test import TestCase
from django.utils import timezone

from wagtail.images.models import Image

from PIL import Image as PILImage

from events.models import LOCAL_TIME, EventImage, EventPage, Venue
from portal.demo import english_locale
from stations.models import Station
from tests.factories import publish_child

_counter = itertools.count(1)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TIME)


def today() -> date:
    return timezone.localdate(timezone=LOCAL_TIME)


def make_image(title="开放日照片") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 80), (120, 140, 160)).save(buffer, format="PNG")
    return Image.objects.create(
        title=title, file=ImageFile(buffer, name=f"event-{next(_counter)}.png")
    )


def make_venue(day: date, **fields) -> Venue:
    values = {
        "station": fields.pop("station", None)
        if "station" in fields
        else Station.objects.get(code="450100"),
        "starts_at": local(day, 9),
        "ends_at": local(day, 12),
        "capacity": 10,
        "registration_enabled": True,
    }
    values.update(fields)
    return Venue(**values)


def make_campaign(index, *, venues=None, gallery=(), publish=True, **fields) -> EventPage:
    number = next(_counter)
    day = fields.pop("start_date", None) or today() + timedelta(days=14)
    values = {
        "title": f"开放日 {number}",
        "slug": f"open-day-{number}",
        "theme": "大爱寻亲、温暖回家",
        "summary": "走进救助站，了解救助工作。",
        "start_date": day,
        **fields,
    }
    page = EventPage(**values)
    for order, venue in enumerate(venues if venues is not None else [{}]):
        page.venues.add(make_venue(day, sort_order=order, **venue))
    for order, item in enumerate(gallery):
        page.gallery.add(EventImage(sort_order=order, **item))
    if publish:
        return publish_child(index, page)
    page.live = False
    index.add_child(instance=page)
    return page


def translate(page: EventPage, **fields) -> EventPage:
    translation = page.copy_for_translation(english_locale(), copy_parents=False).specific
    for name, value in {"title": f"Open day {page.pk}", **fields}.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


def republish(page: EventPage, venue_changes: dict | None = None, **fields) -> EventPage:
    """Edit the page as an editor would (a new revision from the live page) and publish it."""
    page = EventPage.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    venues = list(page.venues.order_by("sort_order", "pk"))
    for venue in venues:
        for name, value in (venue_changes or {}).get(venue.pk, {}).items():
            setattr(venue, name, value)
    page.venues = venues
    with committed():
        page.save_revision().publish()
    return EventPage.objects.get(pk=page.pk)


def register_url(page: EventPage, venue: Venue) -> str:
    return f"{page.url}venues/{venue.pk}/register/"


def committed():
    """Run what is queued with transaction.on_commit (emails, promotions) when the block ends:
    the test's own transaction never commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def csrf_post(client, url: str, data: dict, **extra):
    """GET the form (for the CSRF cookie), then POST it with the token, like a browser; what
    the view queued for after its commit runs."""
    client.get(url, **extra)
    if "csrftoken" not in client.cookies:
        # A page without a form (a closed venue) sets no cookie: act as an earlier page did.
        from django.middleware.csrf import _get_new_csrf_string

        client.cookies["csrftoken"] = _get_new_csrf_string()
    token = client.cookies["csrftoken"].value
    with committed():
        return client.post(url, {"csrfmiddlewaretoken": token, **data}, **extra)


def form_data(**overrides) -> dict:
    return {
        "name": "李小明",
        "phone": "139 0000 0001",
        "email": "visitor@example.com",
        "party_size": "2",
        "consent": "on",
        "website": "",
        **overrides,
    }
