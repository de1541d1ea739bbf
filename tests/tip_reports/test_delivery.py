"""Delivering the outbox: what a notification says (and never says), retries with backoff
against a real SMTP server and a webhook receiver on loopback, giving up and alerting the
coordinators, and the rows an attempt must leave alone."""

import email
import email.policy
import hashlib
import hmac
import json
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import override_settings
from django.utils import timezone

import pytest

from portal.roles import COORDINATORS
from tests.support.processes import free_port
from tests.tip_reports.delivery_fixtures import (
    PERSONAL_DATA,
    WEBHOOK_SECRET,
    ScriptedSMTPHandler,
    WebhookReceiver,
    file_tip,
    stations,
    use_webhook,
)
from tip_reports import delivery as delivery_module
from tip_reports.delivery import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    deliver_now,
    resend,
    sign,
    tip_admin_url,
)
from tip_reports.models import Delivery, TipEvent, TipReport

pytestmark = pytest.mark.django_db

SMTP_SETTINGS = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_USE_TLS": False,
    "EMAIL_USE_SSL": False,
    "EMAIL_TIMEOUT": 5,
}


@pytest.fixture
def station_map(db):
    return stations()


@pytest.fixture
def coordinator(db):
    user = User.objects.create_user(
        "coordinator-test", email="coordinator@guitu.invalid", password="x" * 12
    )
    user.groups.add(Group.objects.get(name=COORDINATORS))
    return user


def email_row(tip) -> Delivery:
    return tip.deliveries.get(channel=Delivery.Channel.EMAIL)


def webhook_row(tip) -> Delivery:
    return tip.deliveries.get(channel=Delivery.Channel.WEBHOOK)


def full_text(message) -> str:
    return "\n".join([message.subject, message.body, *message.to])


# --- what an email says -----------------------------------------------------------------------


def test_the_email_names_the_tip_and_links_to_it_but_carries_no_personal_data(station_map):
    tip = file_tip("450102", urgency=TipReport.Urgency.URGENT).tip
    row = email_row(tip)

    assert deliver_now(row.pk) == "delivered"

    (message,) = mail.outbox
    assert message.to == ["station-450100@guitu.invalid"]
    text = full_text(message)
    for personal in PERSONAL_DATA:
        assert personal not in text
    assert tip.reference in message.subject
    assert tip.reference in message.body
    assert "南宁市兴宁区" in message.body and "450102" in message.body
    assert tip_admin_url(tip) in message.body
    assert tip_admin_url(tip).endswith(f"/admin/tips/inspect/{tip.pk}/")
    received = timezone.localtime(tip.created_at, delivery_module.LOCAL_TIME)
    assert received.strftime("%Y-%m-%d %H:%M") in message.body
    assert message.extra_headers["Message-ID"] == f"<{row.idempotency_key}@guitu>"
    assert message.extra_headers["X-Guitu-Idempotency-Key"] == str(row.idempotency_key)
    assert "\n" not in message.subject
    row.refresh_from_db()
    assert row.status == Delivery.Status.DELIVERED
    assert row.attempts == 1
    assert row.delivered_at is not None


def test_a_station_without_an_email_address_means_the_coordinators_are_told(
    station_map, coordinator, settings
):
    settings.ADMINS = [("Ops", "ops@guitu.invalid")]
    station = station_map["450100"]
    station.email = ""
    station.save()
    tip = file_tip("450102").tip

    assert deliver_now(email_row(tip).pk) == "delivered"

    (message,) = mail.outbox
    assert sorted(message.to) == ["coordinator@guitu.invalid", "ops@guitu.invalid"]
    for personal in PERSONAL_DATA:
        assert personal not in full_text(message)


def test_with_nobody_to_tell_the_attempt_fails_and_is_retried(station_map, settings):
    settings.ADMINS = []
    User.objects.filter(is_superuser=True).update(email="")
    station = station_map["450100"]
    station.email = ""
    station.save()
    tip = file_tip("450102").tip
    row = email_row(tip)

    result = deliver_now(row.pk)

    assert result.startswith("failed, retry at")
    row.refresh_from_db()
    assert row.status == Delivery.Status.PENDING
    assert "No recipient" in row.last_error


# --- retries against real servers on loopback ------------------------------------------------


def test_a_real_smtp_exchange_that_first_refuses_then_accepts(station_map):
    from aiosmtpd.controller import Controller

    tip = file_tip("450102").tip
    row = email_row(tip)
    handler = ScriptedSMTPHandler(["451 4.3.0 Mailbox busy, try again later", "250 OK"])
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    t0 = timezone.now()
    with override_settings(**SMTP_SETTINGS, EMAIL_PORT=port):
        # Nobody listening yet: connection refused.
        assert deliver_now(row.pk, now=t0).startswith("failed")
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Delivery.Status.PENDING, 1)
        assert row.next_attempt_at == t0 + RETRY_DELAYS[0]
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()

        controller.start()
        try:
            # Not due yet: nothing happens.
            assert deliver_now(row.pk, now=t0 + timedelta(seconds=30)) == "not due yet"
            # The server answers 451: a temporary failure, retried after 5 minutes.
            t1 = t0 + RETRY_DELAYS[0]
            assert deliver_now(row.pk, now=t1).startswith("failed")
            row.refresh_from_db()
            assert (row.status, row.attempts) == (Delivery.Status.PENDING, 2)
            assert row.next_attempt_at == t1 + RETRY_DELAYS[1]
            assert "451" in row.last_error
            # Then it accepts.
            t2 = t1 + RETRY_DELAYS[1]
            assert deliver_now(row.pk, now=t2) == "delivered"
        finally:
            controller.stop()

    row.refresh_from_db()
    assert (row.status, row.attempts, row.delivered_at) == (Delivery.Status.DELIVERED, 3, t2)
    assert row.last_error == ""
    assert handler.calls == 2
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["station-450100@guitu.invalid"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Message-ID"] == f"<{row.idempotency_key}@guitu>"
    assert message["X-Guitu-Idempotency-Key"] == str(row.idempotency_key)
    body = message.get_content()
    assert tip.reference in body and tip.reference in str(message["Subject"])
    for personal in PERSONAL_DATA:
        assert personal not in body


def verify_signature(received, secret=WEBHOOK_SECRET) -> bool:
    timestamp = received.headers["X-Guitu-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(received.headers["X-Guitu-Signature"], f"sha256={expected}")


def test_a_webhook_that_fails_then_recovers_gets_the_same_signed_notification(station_map):
    with WebhookReceiver(statuses=[500, 503, 200]) as receiver:
        use_webhook(station_map["450100"], receiver.url)
        tip = file_tip("450102").tip
        row = webhook_row(tip)
        t0 = timezone.now()
        assert deliver_now(row.pk, now=t0).startswith("failed")
        row.refresh_from_db()
        assert row.last_error == "HTTP 500 from the webhook"
        assert row.next_attempt_at == t0 + RETRY_DELAYS[0]
        t1 = t0 + RETRY_DELAYS[0]
        assert deliver_now(row.pk, now=t1).startswith("failed")
        t2 = t1 + RETRY_DELAYS[1]
        assert deliver_now(row.pk, now=t2) == "delivered"

    row.refresh_from_db()
    assert (row.status, row.attempts, row.delivered_at) == (Delivery.Status.DELIVERED, 3, t2)
    assert len(receiver.requests) == 3
    for received in receiver.requests:
        assert verify_signature(received)
        assert not verify_signature(received, secret="another-secret")
        assert received.headers["Idempotency-Key"] == str(row.idempotency_key)
        assert received.headers["Content-Type"] == "application/json"
        assert abs(int(received.headers["X-Guitu-Timestamp"]) - timezone.now().timestamp()) < 60
    payload = receiver.requests[-1].payload
    assert payload == {
        "admin_url": tip_admin_url(tip),
        "area_code": "450102",
        "area_name": "南宁市兴宁区",
        "category": "elderly_lost",
        "event": "tip.received",
        "idempotency_key": str(row.idempotency_key),
        "received_at": timezone.localtime(tip.created_at, delivery_module.LOCAL_TIME).isoformat(),
        "reference": tip.reference,
        "urgency": "normal",
    }
    body = receiver.requests[-1].body
    # Compact, sorted, UTF-8 JSON: the signed bytes are exactly what a receiver re-serialises.
    assert body == json.dumps(
        payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")
    text = body.decode()
    for personal in PERSONAL_DATA:
        assert personal not in text


def test_a_webhook_that_hangs_beyond_the_timeout_is_a_failure(station_map, settings):
    settings.TIP_WEBHOOK_TIMEOUT = 0.5
    with WebhookReceiver(statuses=[200], block_first=True) as receiver:
        use_webhook(station_map["450100"], receiver.url)
        row = webhook_row(file_tip("450102").tip)
        result = deliver_now(row.pk)
        receiver.release.set()
    assert result.startswith("failed")
    row.refresh_from_db()
    assert row.status == Delivery.Status.PENDING
    assert "Timeout" in row.last_error


def test_a_webhook_redirect_or_unreachable_host_is_a_failure(station_map):
    with WebhookReceiver(statuses=[302]) as receiver:
        use_webhook(station_map["450100"], receiver.url)
        row = webhook_row(file_tip("450102").tip)
        assert deliver_now(row.pk).startswith("failed")
    row.refresh_from_db()
    assert row.last_error == "HTTP 302 from the webhook"

    use_webhook(station_map["450100"], f"http://127.0.0.1:{free_port()}/gone")
    row = webhook_row(file_tip("450102").tip)
    assert deliver_now(row.pk).startswith("failed")
    row.refresh_from_db()
    assert "ConnectionError" in row.last_error


def test_a_webhook_without_a_secret_is_never_sent_unsigned(station_map):
    with WebhookReceiver() as receiver:
        use_webhook(station_map["450100"], receiver.url, secret="")
        row = webhook_row(file_tip("450102").tip)
        assert deliver_now(row.pk).startswith("failed")
    assert receiver.requests == []
    row.refresh_from_db()
    assert "signing secret" in row.last_error


# --- giving up --------------------------------------------------------------------------------


def test_after_the_last_attempt_the_row_fails_the_timeline_says_so_and_coordinators_hear(
    station_map, coordinator, settings
):
    settings.ADMINS = [("Ops", "ops@guitu.invalid")]
    use_webhook(station_map["450100"], f"http://127.0.0.1:{free_port()}/nobody-home")
    tip = file_tip("450102").tip
    row = webhook_row(tip)
    now = timezone.now()
    schedule = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = deliver_now(row.pk, now=now)
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.status == Delivery.Status.PENDING, result
            schedule.append(row.next_attempt_at - now)
            assert deliver_now(row.pk, now=row.next_attempt_at - timedelta(seconds=1)) == (
                "not due yet"
            )
            now = row.next_attempt_at
    assert schedule == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
    ]
    assert result == "failed for good"
    assert row.status == Delivery.Status.FAILED
    assert row.delivered_at is None
    (event,) = TipEvent.objects.filter(tip=tip, kind=TipEvent.Kind.DELIVERY_FAILED)
    assert event.station == station_map["450100"]
    assert str(MAX_ATTEMPTS) in event.note

    (alert,) = [m for m in mail.outbox if "coordinator@guitu.invalid" in m.to]
    assert sorted(alert.to) == ["coordinator@guitu.invalid", "ops@guitu.invalid"]
    assert tip.reference in alert.subject
    assert tip_admin_url(tip) in alert.body
    for personal in PERSONAL_DATA:
        assert personal not in full_text(alert)

    # A failed row stays failed, and nothing more is sent or alerted.
    mail.outbox.clear()
    assert deliver_now(row.pk, now=now + timedelta(days=1)) == "already failed"
    assert mail.outbox == []


def test_an_alert_that_cannot_be_sent_does_not_break_the_delivery(
    station_map, coordinator, monkeypatch
):
    use_webhook(station_map["450100"], f"http://127.0.0.1:{free_port()}/nobody-home")
    row = webhook_row(file_tip("450102").tip)
    Delivery.objects.filter(pk=row.pk).update(attempts=MAX_ATTEMPTS - 1)

    def broken(*args, **kwargs):
        raise OSError("mail server on fire")

    monkeypatch.setattr(delivery_module.EmailMessage, "send", broken)
    assert deliver_now(row.pk) == "failed for good"
    row.refresh_from_db()
    assert row.status == Delivery.Status.FAILED


# --- rows an attempt leaves alone, leases, resend, enqueueing ----------------------------------


def test_delivered_failed_missing_and_leased_rows_are_left_alone(station_map):
    tip = file_tip("450102").tip
    row = email_row(tip)
    now = timezone.now()

    Delivery.objects.filter(pk=row.pk).update(status=Delivery.Status.DELIVERED, delivered_at=now)
    assert deliver_now(row.pk) == "already delivered"
    Delivery.objects.filter(pk=row.pk).update(status=Delivery.Status.FAILED, delivered_at=None)
    assert deliver_now(row.pk) == "already failed"
    assert deliver_now(10**9) == "not found"
    Delivery.objects.filter(pk=row.pk).update(
        status=Delivery.Status.SENDING, attempts=1, next_attempt_at=now + timedelta(seconds=60)
    )
    assert deliver_now(row.pk, now=now) == "busy: being sent"
    assert mail.outbox == []

    # The lease has expired: the worker that held it is presumed dead, and the row is taken over.
    assert deliver_now(row.pk, now=now + timedelta(seconds=61)) == "delivered"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.DELIVERED, 2)
    assert len(mail.outbox) == 1


def test_a_claim_takes_a_lease_and_counts_the_attempt_before_sending(station_map, monkeypatch):
    row = email_row(file_tip("450102").tip)
    seen = {}

    def spy(delivery):
        seen["row"] = Delivery.objects.get(pk=delivery.pk)

    monkeypatch.setattr(delivery_module, "send", spy)
    now = timezone.now()
    assert deliver_now(row.pk, now=now) == "delivered"
    assert seen["row"].status == Delivery.Status.SENDING
    assert seen["row"].attempts == 1
    assert seen["row"].next_attempt_at == now + timedelta(seconds=120)


def test_an_attempt_that_lost_its_lease_does_not_overwrite_the_new_holder(station_map, monkeypatch):
    row = email_row(file_tip("450102").tip)
    now = timezone.now()

    def slow_failure(delivery):
        # Meanwhile the lease expired and another worker claimed the row.
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=2, next_attempt_at=now + timedelta(minutes=10)
        )
        raise OSError("too slow")

    monkeypatch.setattr(delivery_module, "send", slow_failure)
    assert deliver_now(row.pk, now=now) == "failed (another worker has taken the row over)"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Delivery.Status.SENDING, 2, "")


def test_resend_starts_a_failed_row_again(station_map, django_capture_on_commit_callbacks):
    row = email_row(file_tip("450102").tip)
    Delivery.objects.filter(pk=row.pk).update(
        status=Delivery.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="HTTP 500"
    )
    row.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert resend(row) is True
    # The test settings run tasks immediately: the resent notification went out.
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.DELIVERED, 1)
    assert len(mail.outbox) == 1


def test_resend_is_refused_while_a_worker_holds_the_row(station_map):
    row = email_row(file_tip("450102").tip)
    Delivery.objects.filter(pk=row.pk).update(
        status=Delivery.Status.SENDING, attempts=1, next_attempt_at=timezone.now() + timedelta(60)
    )
    assert resend(row) is False


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def test_a_failed_attempt_enqueues_the_next_one_for_its_time(station_map):
    from django_tasks_db.models import DBTaskResult

    use_webhook(station_map["450100"], f"http://127.0.0.1:{free_port()}/nobody-home")
    with override_settings(TASKS=DB_TASKS):
        row = webhook_row(file_tip("450102").tip)
        now = timezone.now()
        deliver_now(row.pk, now=now)
        (queued,) = DBTaskResult.objects.filter(task_path="tip_reports.tasks.deliver")
    assert queued.args_kwargs == {"args": [row.pk], "kwargs": {}}
    assert queued.run_after == now + RETRY_DELAYS[0]


def test_a_failure_to_enqueue_the_retry_never_raises(station_map, monkeypatch):
    from tip_reports import tasks

    def broken(**kwargs):
        raise RuntimeError("queue is down")

    use_webhook(station_map["450100"], f"http://127.0.0.1:{free_port()}/nobody-home")
    with override_settings(TASKS=DB_TASKS):
        monkeypatch.setattr(type(tasks.deliver), "using", lambda self, **kw: broken(**kw))
        row = webhook_row(file_tip("450102").tip)
        assert deliver_now(row.pk).startswith("failed, retry at")
    row.refresh_from_db()
    assert row.status == Delivery.Status.PENDING


def test_the_signature_helper_matches_the_documented_recipe():
    body = b'{"a":1}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("k", "1700000000", body) == f"sha256={expected}"
