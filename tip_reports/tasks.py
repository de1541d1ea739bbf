"""Background jobs of the tip flow: delivering outbox rows and the periodic sweep."""

import logging
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def deliver(delivery_id: int) -> str:
    from .delivery import deliver_now

    return deliver_now(delivery_id)


def sweep_outbox(now: datetime | None = None) -> int:
    """Enqueue a delivery task for every outbox row that is due: pending rows whose time has
    come, and rows left "sending" by a worker that died (their lease has expired). Returns how
    many were enqueued.

    Run every minute by ``manage.py run_periodic`` (settings.PERIODIC_JOBS). Safe to run on
    several hosts at once: a delivery claims its row before sending, so a row enqueued twice is
    sent once.
    """
    from .delivery import enqueue
    from .models import Delivery

    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING),
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    queued = _waiting_in_queue()
    count = 0
    for delivery_id in due:
        if delivery_id not in queued and enqueue(delivery_id):
            count += 1
    if count:
        logger.info("Outbox sweep enqueued %d deliveries", count)
    return count


def _waiting_in_queue() -> set[int]:
    """Rows that already have a delivery task ready to run in the database queue, so a sweep
    does not pile up duplicates while the worker is busy or down."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        backend = deliver.get_backend()
        if not isinstance(backend, DatabaseBackend):
            return set()
        waiting = (
            DBTaskResult.objects.ready()
            .filter(backend_name=backend.alias, task_path=deliver.module_path)
            .values_list("args_kwargs", flat=True)
        )
        return {
            call["args"][0]
            for call in waiting
            if isinstance(call, dict) and call.get("args") and isinstance(call["args"][0], int)
        }
    except Exception:
        logger.exception("Could not read the task queue; enqueuing every due row")
        return set()


def escalate_overdue(now: datetime | None = None) -> int:
    """Email the station's leads and the coordinators once per breached deadline (see
    escalation.py); returns how many tips were escalated. Run every minute by
    ``manage.py run_periodic`` (settings.PERIODIC_JOBS)."""
    from .escalation import escalate_overdue as escalate

    return escalate(now)


def purge_personal_data_job(now: datetime | None = None) -> int:
    """Remove the personal data of tips finished longer ago than the retention period (see
    retention.py); returns how many tips were purged. Run hourly by ``manage.py run_periodic``
    (settings.PERIODIC_JOBS); ``manage.py purge_personal_data`` does the same by hand."""
    from .retention import purge_personal_data

    return purge_personal_data(now=now).tips
