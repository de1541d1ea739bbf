"""What happens when a campaign's venues are written (publishing, reverting, scheduled
publishing): the calendar SEQUENCE of each venue whose time, place or status changed is raised,
its registrants are emailed once about that change, waiting parties that now fit are promoted,
and venue keys copied from another campaign (a page copy) are renewed.

Venue rows are written only when a page's children are saved (publishing); drafts live in
revisions. So the database holds the published state, and comparing it before and after the
save tells exactly what the public sees change. The sequence is kept from the database, never
from the revision (which may carry an old one).
"""

from __future__ import annotations

import uuid

from django.db import transaction

from .models import Venue, combined_status


def fingerprint(venue: Venue, page_status: str) -> tuple:
    """What a calendar or a registrant must hear about: time, place and status."""
    return (
        venue.starts_at,
        venue.ends_at,
        venue.station_id,
        venue.area_id,
        venue.address,
        combined_status(page_status, venue.status),
    )


def after_venues_saved(page, before: dict | None) -> None:
    from .registration import promote
    from .tasks import notify_change

    venues = list(Venue.objects.filter(page_id=page.pk))
    _renew_copied_keys(page, venues)
    if before is None:
        return
    old_page_status = (before["page"] or {}).get("status", page.status)
    changed = []
    for venue in venues:
        old = before["venues"].get(venue.pk)
        if old is None:
            if venue.sequence:
                Venue.objects.filter(pk=venue.pk).update(sequence=0)
            continue
        sequence = old.sequence
        if fingerprint(old, old_page_status) != fingerprint(venue, page.status):
            sequence += 1
            changed.append(venue.pk)
        if venue.sequence != sequence:
            Venue.objects.filter(pk=venue.pk).update(sequence=sequence)
        if venue.registration_enabled and venue.capacity > old.capacity:
            transaction.on_commit(lambda pk=venue.pk: promote(pk), robust=True)
    if page.live:
        for pk in changed:
            transaction.on_commit(lambda pk=pk: notify_change.enqueue(pk), robust=True)


def _renew_copied_keys(page, venues: list[Venue]) -> None:
    """A key shared with a venue of an unrelated campaign came from a page copy: renew it, so
    calendar UIDs and translations stay apart."""
    keys = [venue.key for venue in venues]
    clashing = set(
        Venue.objects.filter(key__in=keys)
        .exclude(page__translation_key=page.translation_key)
        .values_list("key", flat=True)
    )
    for venue in venues:
        if venue.key in clashing:
            venue.key = uuid.uuid4()
            Venue.objects.filter(pk=venue.pk).update(key=venue.key)
