"""Background jobs of the open days: the registrants' emails (a task queued after each
commit), the periodic reminders and change notices, and the purge of registrants' personal
data after the visit.

Each periodic email is claimed by a conditional UPDATE in the transaction that sends it, so a
failed send is retried on the next run and two runners never send the same email twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from django_tasks import task

from .models import Registration, Status, Venue

logger = logging.getLogger(__name__)

REMINDER_BEFORE = timedelta(hours=24)
NOT_RUNNING = (Status.CANCELLED, Status.POSTPONED)


@task()
def send_registration_email(registration_id: int, kind: str) -> str:
    from .emails import send

    registration = (
        Registration.objects.select_related("venue__page").filter(pk=registration_id).first()
    )
    if registration is None or not registration.email or registration.purged_at:
        return "skipped"
    if kind == "promoted" and registration.status != Registration.Status.CONFIRMED:
        return "skipped"
    send(registration, kind)
    return "sent"


def enqueue_email(registration_id: int, kind: str) -> None:
    """Queue one email; never raises (the registration is saved whatever the queue does)."""
    try:
        send_registration_email.enqueue(registration_id, kind)
    except Exception:
        logger.exception("Could not queue the %s email of registration %s", kind, registration_id)


@task()
def notify_change(venue_id: int) -> int:
    return send_change_notices(venue_id)


def send_change_notices(venue_id: int) -> int:
    """Email every active registrant of the venue who has not heard of its latest change
    (time, place or status: its calendar sequence). Returns how many were emailed."""
    from .emails import send

    venue = Venue.objects.filter(pk=venue_id, page__live=True).first()
    if venue is None:
        return 0
    sent = 0
    pending = (
        Registration.objects.active()
        .filter(venue_id=venue_id, notified_sequence__lt=venue.sequence)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for registration_id in pending:
        try:
            with transaction.atomic():
                claimed = (
                    Registration.objects.active()
                    .filter(pk=registration_id, notified_sequence__lt=venue.sequence)
                    .update(notified_sequence=venue.sequence)
                )
                if not claimed:
                    continue
                registration = Registration.objects.select_related("venue__page").get(
                    pk=registration_id
                )
                if registration.email and not registration.purged_at:
                    send(registration, "change")
                    sent += 1
        except Exception:
            logger.exception(
                "Could not email registration %s about a change; retried on the next run",
                registration_id,
            )
    return sent


def due_reminders(now: datetime):
    """Confirmed parties whose visit starts within 24 hours and who registered before that
    window opened (a fresh confirmation is reminder enough), at venues that still go ahead."""
    return (
        Registration.objects.confirmed()
        .filter(
            reminder_sent_at__isnull=True,
            purged_at__isnull=True,
            venue__page__live=True,
            venue__starts_at__gt=now,
            venue__starts_at__lte=now + REMINDER_BEFORE,
            created_at__lt=F("venue__starts_at") - REMINDER_BEFORE,
        )
        .exclude(venue__status__in=NOT_RUNNING)
        .exclude(venue__page__status__in=NOT_RUNNING)
    )


def send_reminders(now: datetime | None = None) -> int:
    from .emails import send

    now = now or timezone.now()
    sent = 0
    for registration_id in due_reminders(now).order_by("pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                if not due_reminders(now).filter(pk=registration_id).exists():
                    continue
                # The claim touches only the row's own columns: PostgreSQL re-checks them
                # after waiting for another runner's lock (a join would be a subquery that
                # it does not re-check), so exactly one runner claims each reminder.
                claimed = Registration.objects.filter(
                    pk=registration_id,
                    status=Registration.Status.CONFIRMED,
                    reminder_sent_at__isnull=True,
                ).update(reminder_sent_at=now)
                if not claimed:
                    continue  # another runner has it
                registration = Registration.objects.select_related("venue__page").get(
                    pk=registration_id
                )
                if registration.email:
                    send(registration, "reminder")
                    sent += 1
        except Exception:
            logger.exception(
                "Could not send the reminder of registration %s; retried on the next run",
                registration_id,
            )
    return sent


def send_due_emails(now: datetime | None = None) -> int:
    """Reminders 24 hours before, and any change notice a worker did not get to. Run every
    five minutes by ``manage.py run_periodic`` (settings.PERIODIC_JOBS)."""
    venues = (
        Venue.objects.filter(
            page__live=True,
            registrations__status__in=[
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
            ],
            registrations__notified_sequence__lt=F("sequence"),
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    notices = sum(send_change_notices(pk) for pk in venues)
    return notices + send_reminders(now)


def purge_registrations(now: datetime | None = None) -> int:
    """Blank the name, phone and email of registrations whose visit ended more than the
    retention period ago (Settings → open day settings, default 30 days); party size, status
    and dates stay. Returns how many were purged; a second run purges nothing more. Run hourly
    by ``manage.py run_periodic``."""
    from wagtail.models import Site

    from .models import EventSettings

    now = now or timezone.now()
    site = Site.objects.filter(is_default_site=True).first()
    days = EventSettings.for_site(site).keep_registrations_days if site else 30
    purged = Registration.objects.filter(
        purged_at__isnull=True, venue__ends_at__lt=now - timedelta(days=days)
    ).update(name="", phone="", email="", purged_at=now)
    if purged:
        logger.info("Removed the personal data of %d open-day registrations", purged)
    return purged
