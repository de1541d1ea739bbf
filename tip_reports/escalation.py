"""Escalating overdue tips (issue 4, docs/architecture.md §5): once per breach of a deadline, the station's
leads and the provincial coordinators are emailed.

Two deadlines: *acknowledge by* while a tip is received, *resolve by* while it is acknowledged
or dispatched (sla.current_deadline). A breach is escalated once: ``acknowledge_escalated_at`` /
``resolve_escalated_at`` record it. A transfer or a reopening sets new due times and clears
these, so the new deadline can be escalated again.

Exactly once per breach, even with two runners: the tip is claimed by a conditional UPDATE
(still in the same state, still overdue, not yet escalated) inside a transaction that also sends
the email and writes the timeline entry. The UPDATE holds the row until the transaction ends,
so a second runner's claim waits and then matches nothing. If the email fails the transaction
rolls back: the tip is not marked and the next run tries again.

Escalation emails carry no reporter contact, photo or free text: only the reference, category,
urgency, area, the deadline, the status, the station and the link to the tip in the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stations.models import StationMembership

from .delivery import LOCAL_TIME, coordinator_emails, notification_context
from .models import TipEvent, TipReport

logger = logging.getLogger(__name__)

Status = TipReport.Status


@dataclass(frozen=True)
class Deadline:
    """One kind of deadline: the states it applies to and the fields that hold it."""

    name: str
    states: tuple[str, ...]
    due_field: str
    escalated_field: str


ACKNOWLEDGE = Deadline(
    "acknowledge", (Status.RECEIVED,), "acknowledge_due_at", "acknowledge_escalated_at"
)
RESOLVE = Deadline(
    "resolve", (Status.ACKNOWLEDGED, Status.DISPATCHED), "resolve_due_at", "resolve_escalated_at"
)
DEADLINES = (ACKNOWLEDGE, RESOLVE)


class EscalationError(Exception):
    """The escalation email could not be sent; the tip stays unmarked and is retried."""


def breached(deadline: Deadline, now: datetime):
    """Tips past ``deadline`` in a state it applies to and not yet escalated for it."""
    return TipReport.objects.filter(
        status__in=deadline.states,
        **{f"{deadline.due_field}__lte": now, f"{deadline.escalated_field}__isnull": True},
    )


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every breach not escalated yet; return how many were escalated.

    One failing email is logged and does not stop the others. Run every minute by
    ``manage.py run_periodic`` (settings.PERIODIC_JOBS)."""
    now = now or timezone.now()
    escalated = 0
    for deadline in DEADLINES:
        for tip_id in (
            breached(deadline, now).order_by(deadline.due_field, "pk").values_list("pk", flat=True)
        ):
            try:
                if escalate(tip_id, deadline, now):
                    escalated += 1
            except Exception:
                logger.exception(
                    "Could not escalate tip %s (%s deadline); will retry on the next run",
                    tip_id,
                    deadline.name,
                )
    if escalated:
        logger.info("Escalated %d overdue tips", escalated)
    return escalated


def escalate(tip_id: int, deadline: Deadline, now: datetime) -> bool:
    """Claim, email and record one breach. False if there is nothing (left) to escalate;
    raises (and changes nothing) if the email could not be sent."""
    with transaction.atomic():
        claimed = (
            breached(deadline, now).filter(pk=tip_id).update(**{deadline.escalated_field: now})
        )
        if not claimed:
            return False  # handled meanwhile, or escalated by another runner
        tip = TipReport.objects.select_related("station", "area__parent").get(pk=tip_id)
        message = build_email(tip, deadline)
        message.connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        if message.send() != 1:
            raise EscalationError("The mail server accepted no message.")
        with translation.override(settings.LANGUAGE_CODE):
            TipEvent.objects.create(
                tip=tip,
                kind=TipEvent.Kind.ESCALATED,
                from_status=tip.status,
                to_status=tip.status,
                station=tip.station,
                note=event_note(tip, deadline),
            )
    return True


def recipients(tip: TipReport) -> list[str]:
    """The active leads of the tip's station who have an email, and the coordinators."""
    leads = StationMembership.objects.filter(
        station_id=tip.station_id,
        role=StationMembership.Role.LEAD,
        user__is_active=True,
    ).exclude(user__email="")
    addresses = set(leads.values_list("user__email", flat=True)) if tip.station_id else set()
    addresses.update(coordinator_emails())
    return sorted(addresses)


def due_local(tip: TipReport, deadline: Deadline) -> str:
    return timezone.localtime(getattr(tip, deadline.due_field), LOCAL_TIME).strftime(
        "%Y-%m-%d %H:%M"
    )


def event_note(tip: TipReport, deadline: Deadline) -> str:
    values = {"due": due_local(tip, deadline)}
    if deadline is ACKNOWLEDGE:
        text = _(
            "Not acknowledged by %(due)s (Beijing time): the station's leads and the "
            "coordinators were emailed."
        )
    else:
        text = _(
            "Not resolved by %(due)s (Beijing time): the station's leads and the "
            "coordinators were emailed."
        )
    return text % values


def build_email(tip: TipReport, deadline: Deadline) -> EmailMessage:
    """The escalation email. Never add reporter contact, the photo or any free text."""
    to = recipients(tip)
    if not to:
        raise EscalationError("No recipient: the station has no lead and no coordinator an email.")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            **notification_context(tip),
            "deadline": deadline.name,
            "due_local": due_local(tip, deadline),
            "status_label": tip.get_status_display(),
            "station_name": tip.station.display_name if tip.station else "",
        }
        subject = render_to_string("tip_reports/email/escalation_subject.txt", context)
        body = render_to_string("tip_reports/email/escalation_body.txt", context)
    return EmailMessage(
        subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
