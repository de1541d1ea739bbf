"""Sending the outbox: one attempt of one Delivery row, safe to run concurrently and repeatedly.

An attempt claims the row in a short transaction (status SENDING, one more attempt, a lease),
sends outside any transaction, then records the outcome. A worker that dies mid-send leaves the
row SENDING; once its lease has expired the sweep (tasks.sweep_outbox) enqueues it again and
another worker sends it with the same idempotency key, by which receivers recognise the
duplicate. Failed attempts are retried after RETRY_DELAYS; after the last one the row is marked
failed, the tip's timeline says so and the coordinators are emailed.

Notifications carry no reporter contact, photo or free text (docs/architecture.md §5): only the reference,
category, urgency, area, time received and the link to the tip in the admin.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import outbound
from portal.roles import coordinator_emails

from .models import Delivery, TipEvent, TipReport

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, … attempt; after the attempt that follows the last wait, give up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
WEBHOOK_EVENT = "tip.received"


class DeliveryError(Exception):
    """A notification could not be handed over; the message goes into last_error."""


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "TIP_DELIVERY_LEASE_SECONDS", 120))


def deliver_now(delivery_id: int, *, now: datetime | None = None) -> str:
    """Make one attempt at sending outbox row ``delivery_id``; return what happened.

    Rows that are delivered, failed, missing, not yet due or being sent by another worker are
    left alone. ``now`` fixes the clock (tests); by default the current time is used.
    """
    claimed = _claim(delivery_id, now or timezone.now())
    if isinstance(claimed, str):
        return claimed
    delivery = (
        Delivery.objects.select_related("station", "tip__area__parent", "tip__station")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return "not found"
    try:
        send(delivery)
    except Exception as exc:
        logger.warning(
            "Delivery %s (%s) attempt %s failed: %s",
            delivery.pk,
            delivery.channel,
            claimed.attempts,
            exc,
        )
        return _record_failure(claimed, _describe(exc), now or timezone.now())
    return _record_success(claimed, now or timezone.now())


def resend(delivery: Delivery) -> bool:
    """Send a row again from the start (a staff action): pending, due now, a fresh set of
    attempts, and enqueued. Refused (False) while another worker holds the row."""
    now = timezone.now()
    updated = (
        Delivery.objects.filter(pk=delivery.pk)
        .exclude(status=Delivery.Status.SENDING, next_attempt_at__gt=now)
        .update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now)
    )
    if not updated:
        return False
    delivery.refresh_from_db()
    transaction.on_commit(lambda: enqueue(delivery.pk))
    return True


def channels_for(station) -> list[str]:
    """Email always (to the station, or to the coordinators when it has none or there is no
    station); a webhook too when the station has one."""
    channels = [Delivery.Channel.EMAIL]
    if station is not None and station.webhook_url:
        channels.append(Delivery.Channel.WEBHOOK)
    return channels


def notify_station(tip: TipReport, station, now: datetime | None = None) -> list[Delivery]:
    """Write the outbox rows telling ``station`` about ``tip`` (inside the caller's
    transaction) and enqueue them once it commits."""
    now = now or timezone.now()
    rows = [
        Delivery.objects.create(tip=tip, station=station, channel=channel, next_attempt_at=now)
        for channel in channels_for(station)
    ]
    transaction.on_commit(lambda: [enqueue(row.pk) for row in rows])
    return rows


def enqueue(delivery_id: int, run_after: datetime | None = None) -> bool:
    """Queue a delivery task; never raises (the sweep catches anything that is not queued)."""
    from .tasks import deliver

    try:
        task = deliver
        if run_after is not None:
            if not deliver.get_backend().supports_defer:
                return False  # e.g. the immediate backend in tests: the sweep will pick it up
            task = deliver.using(run_after=run_after)
        task.enqueue(delivery_id)
    except Exception:
        logger.exception("Could not enqueue delivery %s", delivery_id)
        return False
    return True


# --- claiming and recording -------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> Delivery | str:
    """Take the row for one attempt, or say why not. Commits before anything is sent."""
    with transaction.atomic():
        rows = Delivery.objects.filter(pk=delivery_id)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        # SQLite has no row locks: its IMMEDIATE transactions serialise writers instead, and
        # the compare-and-set below makes a lost race harmless on any database.
        delivery = rows.first()
        if delivery is None:
            exists = Delivery.objects.filter(pk=delivery_id).exists()
            return "busy: another worker holds it" if exists else "not found"
        if delivery.status in (Delivery.Status.DELIVERED, Delivery.Status.FAILED):
            return f"already {delivery.status}"
        if delivery.next_attempt_at > now:
            if delivery.status == Delivery.Status.SENDING:
                return "busy: being sent"
            return "not due yet"
        lease_until = now + lease()
        taken = Delivery.objects.filter(
            pk=delivery.pk,
            status=delivery.status,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
        ).update(
            status=Delivery.Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=lease_until,
        )
        if not taken:
            return "busy: another worker took it"
    delivery.status = Delivery.Status.SENDING
    delivery.attempts += 1
    delivery.next_attempt_at = lease_until
    return delivery


def _held(claimed: Delivery):
    """The row as long as this attempt still holds it (its lease was not taken over)."""
    return Delivery.objects.filter(
        pk=claimed.pk,
        status=Delivery.Status.SENDING,
        attempts=claimed.attempts,
        next_attempt_at=claimed.next_attempt_at,
    )


def _record_success(claimed: Delivery, now: datetime) -> str:
    # Even if another worker took the row over meanwhile, the notification went out: mark it
    # delivered once (the first success wins; a later one changes nothing).
    updated = (
        Delivery.objects.filter(pk=claimed.pk)
        .exclude(status=Delivery.Status.DELIVERED)
        .update(status=Delivery.Status.DELIVERED, delivered_at=now, last_error="")
    )
    return "delivered" if updated else "delivered (already marked by another attempt)"


def _record_failure(claimed: Delivery, error: str, now: datetime) -> str:
    error = error[: Delivery._meta.get_field("last_error").max_length]
    if claimed.attempts < MAX_ATTEMPTS:
        retry_at = now + RETRY_DELAYS[claimed.attempts - 1]
        updated = _held(claimed).update(
            status=Delivery.Status.PENDING, next_attempt_at=retry_at, last_error=error
        )
        if not updated:
            return "failed (another worker has taken the row over)"
        enqueue(claimed.pk, run_after=retry_at)
        return f"failed, retry at {retry_at.isoformat()}"
    with transaction.atomic():
        updated = _held(claimed).update(status=Delivery.Status.FAILED, last_error=error)
        if not updated:
            return "failed (another worker has taken the row over)"
        delivery = Delivery.objects.select_related("tip", "station").get(pk=claimed.pk)
        with translation.override(settings.LANGUAGE_CODE):
            TipEvent.objects.create(
                tip=delivery.tip,
                kind=TipEvent.Kind.DELIVERY_FAILED,
                station=delivery.station,
                note=_(
                    "The %(channel)s notification could not be sent after %(attempts)d "
                    "attempts. Last error: %(error)s"
                )
                % {
                    "channel": delivery.get_channel_display(),
                    "attempts": delivery.attempts,
                    "error": error,
                },
            )
    alert_coordinators(delivery)
    return "failed for good"


def _describe(exc: Exception) -> str:
    if isinstance(exc, DeliveryError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# --- what a notification says -----------------------------------------------------------------


def tip_admin_url(tip: TipReport) -> str:
    """The absolute link to the tip in the admin, for notifications."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    try:
        return base + reverse("tips:inspect", args=[tip.pk])
    except NoReverseMatch:
        logger.exception("No admin URL for tips: linking to the admin home")
        return base + reverse("wagtailadmin_home")


def notification_context(tip: TipReport) -> dict:
    """Everything a notification may say about a tip. Never add reporter contact, the photo
    or any free text here: emails and webhooks leave the portal."""
    received = timezone.localtime(tip.created_at, LOCAL_TIME)
    return {
        "reference": tip.reference,
        "category": tip.category,
        "category_label": tip.get_category_display(),
        "urgency": tip.urgency,
        "urgency_label": tip.get_urgency_display(),
        "is_urgent": tip.is_urgent,
        "area_code": tip.area.code if tip.area else None,
        "area_name": tip.area.qualified_name if tip.area else "",
        "received_at": received,
        "received_local": received.strftime("%Y-%m-%d %H:%M"),
        "admin_url": tip_admin_url(tip),
    }


def build_email(delivery: Delivery) -> EmailMessage:
    tip = delivery.tip
    station = delivery.station
    to_coordinators = station is None or not station.email
    recipients = coordinator_emails() if to_coordinators else [station.email]
    if not recipients:
        raise DeliveryError("No recipient: the station has no email and no coordinator has one.")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            **notification_context(tip),
            "station_name": station.display_name if station else "",
            "to_coordinators": to_coordinators,
        }
        subject = render_to_string("tip_reports/email/new_tip_subject.txt", context)
        body = render_to_string("tip_reports/email/new_tip_body.txt", context)
    key = str(delivery.idempotency_key)
    return EmailMessage(
        subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Message-ID": f"<{key}@guitu>", "X-Guitu-Idempotency-Key": key},
    )


def webhook_body(delivery: Delivery) -> bytes:
    context = notification_context(delivery.tip)
    payload = {
        "event": WEBHOOK_EVENT,
        "idempotency_key": str(delivery.idempotency_key),
        "reference": context["reference"],
        "category": context["category"],
        "urgency": context["urgency"],
        "area_code": context["area_code"],
        "area_name": context["area_name"],
        "received_at": context["received_at"].isoformat(),
        "admin_url": context["admin_url"],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", as sent in X-Guitu-Signature (docs/operations.md)."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# --- sending ----------------------------------------------------------------------------------


def send(delivery: Delivery) -> None:
    """Hand the notification over once; raise on any failure."""
    if delivery.channel == Delivery.Channel.EMAIL:
        send_email(delivery)
    elif delivery.channel == Delivery.Channel.WEBHOOK:
        send_webhook(delivery)
    else:
        raise DeliveryError(f"Unknown channel {delivery.channel!r}")


def send_email(delivery: Delivery) -> None:
    message = build_email(delivery)
    message.connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
    if message.send() != 1:
        raise DeliveryError("The mail server accepted no message.")


def send_webhook(delivery: Delivery) -> None:
    station = delivery.station
    if station is None or not station.webhook_url:
        raise DeliveryError("The station has no webhook URL any more.")
    if not station.webhook_secret:
        raise DeliveryError("The station's webhook has no signing secret.")
    body = webhook_body(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(delivery.idempotency_key),
        "X-Guitu-Timestamp": timestamp,
        "X-Guitu-Signature": sign(station.webhook_secret, timestamp, body),
        "User-Agent": "Guitu-Webhook/1",
    }
    # The address is checked when the connection is made (portal/outbound.py: no loopback,
    # private, link-local or metadata addresses; https only in production; no redirects).
    try:
        response = outbound.post(
            station.webhook_url,
            data=body,
            headers=headers,
            timeout=getattr(settings, "TIP_WEBHOOK_TIMEOUT", 5),
            stream=True,  # the response body is never read
        )
    except outbound.OutboundRefused as exc:
        raise DeliveryError(f"Webhook address refused: {exc}") from exc
    with response:
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code} from the webhook")


def alert_coordinators(delivery: Delivery) -> None:
    """Tell the coordinators that a notification failed for good. Never raises."""
    try:
        recipients = coordinator_emails()
        if not recipients:
            logger.error("Delivery %s failed and no coordinator has an email", delivery.pk)
            return
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                **notification_context(delivery.tip),
                "channel": delivery.get_channel_display(),
                "station_name": delivery.station.display_name if delivery.station else "",
                "attempts": delivery.attempts,
                "last_error": delivery.last_error,
            }
            subject = render_to_string("tip_reports/email/delivery_failed_subject.txt", context)
            body = render_to_string("tip_reports/email/delivery_failed_body.txt", context)
        EmailMessage(
            subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body.strip() + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
            connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
        ).send()
    except Exception:
        logger.exception("Could not alert the coordinators about delivery %s", delivery.pk)
