"""Removing personal data from finished tips after the retention period (DESIGN §6.7).

A tip resolved or closed more than ``TipSettings.retention_days`` days ago loses everything that
could identify the reporter or the person seen: the reporter's name and phone, the photo file,
the free text (place, description, clothing, appearance, the message for the reporter) and the
exact coordinates; staff notes in its timeline and in its Wagtail log entries are blanked too.
What stays is what anonymous figures need: category, urgency, area (county), sex and age group,
the dates, status, outcome, reason for closing, station and assignee.

Each tip is purged in its own transaction, so a failure (say the photo storage is down) leaves
that tip for the next run and does not stop the others. A purged tip is marked with
``personal_data_purged_at`` and never touched again, so running the purge twice changes nothing
more. Run hourly by ``manage.py run_periodic`` and by hand with ``manage.py purge_personal_data``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from .models import TipEvent, TipLogEntry, TipReport, TipSettings

logger = logging.getLogger(__name__)

PURGED_LOG_ACTION = "guitu.tip.purged"

# Emptied on purge. Coordinates are personal data too: to six decimals they pin down where a
# vulnerable person was (or where the reporter stood, for a device location); the county in
# ``area`` is enough for statistics.
BLANKED_FIELDS = {
    "reporter_name": "",
    "reporter_phone": "",
    "place_text": "",
    "description": "",
    "clothing": "",
    "appearance": "",
    "public_message": "",
    "latitude": None,
    "longitude": None,
}

# Timeline entries whose notes are written by the portal itself (routing reasons, delivery
# errors, escalation notices, assignments to staff, the purge itself) keep them: they hold no
# personal data of the reporter or the person seen. Every other note may carry staff free text
# (a resolve or close note, a transfer reason, a plain note) and is blanked.
SYSTEM_NOTE_KINDS = frozenset(
    {
        TipEvent.Kind.RECEIVED,
        TipEvent.Kind.ROUTED,
        TipEvent.Kind.DELIVERY_FAILED,
        TipEvent.Kind.ASSIGNED,
        TipEvent.Kind.CONTACT_VIEWED,
        TipEvent.Kind.PHOTO_VIEWED,
        TipEvent.Kind.RESENT,
        TipEvent.Kind.ESCALATED,
        TipEvent.Kind.PURGED,
    }
)


@dataclass
class PurgeResult:
    tips: int = 0
    photos: int = 0
    failed: int = 0
    days: int = 0
    dry_run: bool = False


def cutoff(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def due_for_purge(now: datetime | None = None, days: int | None = None):
    """Finished tips whose personal data is older than the retention period."""
    now = now or timezone.now()
    days = retention_days() if days is None else days
    return TipReport.objects.filter(
        status__in=[TipReport.Status.RESOLVED, TipReport.Status.CLOSED],
        finished_at__lt=cutoff(now, days),
        personal_data_purged_at__isnull=True,
    )


def retention_days() -> int:
    return TipSettings.load().retention_days


def purge_personal_data(
    now: datetime | None = None, days: int | None = None, dry_run: bool = False
) -> PurgeResult:
    """Purge every tip that is due; with ``dry_run`` only count them."""
    now = now or timezone.now()
    days = retention_days() if days is None else days
    if days < 1:
        raise ValueError("The retention period must be at least one day.")
    result = PurgeResult(days=days, dry_run=dry_run)
    due = due_for_purge(now, days).order_by("finished_at", "pk")
    if dry_run:
        result.tips = due.count()
        result.photos = due.exclude(photo="").count()
        return result
    for tip_id in due.values_list("pk", flat=True):
        try:
            purged = purge_tip(tip_id, now, days)
        except Exception:
            result.failed += 1
            logger.exception("Could not purge the personal data of tip %s; will retry", tip_id)
            continue
        if purged is not None:
            result.tips += 1
            result.photos += int(purged)
    if result.tips or result.failed:
        logger.info(
            "Purged the personal data of %d tips (%d photos); %d failed",
            result.tips,
            result.photos,
            result.failed,
        )
    return result


def purge_tip(tip_id: int, now: datetime, days: int) -> bool | None:
    """Purge one tip. Returns None if it is no longer due (purged meanwhile, reopened), else
    whether a photo file was deleted. Raises, changing nothing in the database, on failure."""
    with transaction.atomic():
        tip = due_for_purge(now, days).select_for_update().filter(pk=tip_id).first()
        if tip is None:
            return None
        had_photo = bool(tip.photo)
        if had_photo:
            # Deleting a file that is already gone is not an error (FileSystemStorage and S3
            # both ignore it). If the storage fails, the transaction rolls back and the tip is
            # tried again on the next run.
            tip.photo.delete(save=False)
        for name, value in BLANKED_FIELDS.items():
            setattr(tip, name, value)
        tip.photo = ""
        tip.personal_data_purged_at = now
        tip.save(update_fields=[*BLANKED_FIELDS, "photo", "personal_data_purged_at", "updated_at"])
        # Timeline entries are append-only for users; blanking their free text is the one
        # change the portal itself makes, through a queryset update.
        TipEvent.objects.filter(tip=tip).exclude(kind__in=SYSTEM_NOTE_KINDS).exclude(
            note=""
        ).update(note="")
        blank_log_notes(tip)
        TipEvent.objects.create(
            tip=tip,
            kind=TipEvent.Kind.PURGED,
            from_status=tip.status,
            to_status=tip.status,
            station=tip.station,
        )
        # Written even if the action were not registered (the history would then call it
        # "Unknown"): the audit entry matters more than its label.
        log(
            instance=tip,
            action=PURGED_LOG_ACTION,
            user=None,
            data={"retention_days": days, "photo_deleted": had_photo},
        )
    return had_photo


def blank_log_notes(tip: TipReport) -> None:
    """The queue's Wagtail log entries keep the action's note in ``data``: blank it."""
    for entry in TipLogEntry.objects.for_instance(tip):
        data = entry.data if isinstance(entry.data, dict) else None
        if data and data.get("note"):
            data["note"] = ""
            TipLogEntry.objects.filter(pk=entry.pk).update(data=data)
