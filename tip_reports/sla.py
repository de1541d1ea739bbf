"""Service-level state of tips: on time, due soon or overdue, for the queue and escalation.

The deadline that matters is the acknowledge-by time while a tip is *received*, and the
resolve-by time once it is acknowledged or dispatched; finished tips have none.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TipReport

# "Due soon" once less than this share of the time allowed is left.
DUE_SOON_FRACTION = 0.25


class SLAState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


SLA_LABELS = {
    SLAState.ON_TIME: _("On time"),
    SLAState.DUE_SOON: _("Due soon"),
    SLAState.OVERDUE: _("Overdue"),
    SLAState.DONE: _("Finished"),
}


def current_deadline(tip: TipReport) -> tuple[datetime | None, datetime | None]:
    """(start, due) of the deadline that applies now, or (None, None) for finished tips."""
    if tip.status == TipReport.Status.RECEIVED:
        return tip.created_at, tip.acknowledge_due_at
    if tip.status in (TipReport.Status.ACKNOWLEDGED, TipReport.Status.DISPATCHED):
        return tip.acknowledged_at or tip.created_at, tip.resolve_due_at
    return None, None


def sla_state(tip: TipReport, now: datetime | None = None) -> SLAState:
    now = now or timezone.now()
    start, due = current_deadline(tip)
    if due is None:
        return SLAState.DONE
    if now >= due:
        return SLAState.OVERDUE
    if start is not None and (due - now) <= (due - start) * DUE_SOON_FRACTION:
        return SLAState.DUE_SOON
    return SLAState.ON_TIME


def with_deadline(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    """Annotate ``current_due`` and ``is_overdue`` so the queue can filter and sort by them."""
    now = now or timezone.now()
    return queryset.annotate(
        current_due=Case(
            When(status=TipReport.Status.RECEIVED, then=F("acknowledge_due_at")),
            When(
                status__in=[TipReport.Status.ACKNOWLEDGED, TipReport.Status.DISPATCHED],
                then=F("resolve_due_at"),
            ),
            default=None,
        ),
    ).annotate(
        is_overdue=ExpressionWrapper(
            Q(current_due__isnull=False) & Q(current_due__lte=Value(now)),
            output_field=BooleanField(),
        )
    )


def overdue(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    return with_deadline(queryset, now).filter(is_overdue=True)


def queue_order(queryset: QuerySet, now: datetime | None = None) -> QuerySet:
    """Urgent first, then overdue, then the nearest deadline, then the oldest."""
    return (
        with_deadline(queryset, now)
        .annotate(
            urgent_first=Case(
                When(urgency=TipReport.Urgency.URGENT, then=Value(0)), default=Value(1)
            )
        )
        .order_by(
            "urgent_first", "-is_overdue", F("current_due").asc(nulls_last=True), "created_at"
        )
    )
