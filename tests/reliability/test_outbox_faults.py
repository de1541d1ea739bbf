"""The outbox under faults, with real worker processes (`manage.py db_worker`) and the sweep
(`manage.py run_periodic --once`) on the test database:

- the SMTP server and the station's webhook receiver are down for several retry rounds, then
  come back: every notification is delivered exactly once per idempotency key;
- a worker is killed with SIGKILL in the middle of a batch: after the sweep a new worker
  finishes the batch; nothing is lost, and nothing is processed twice by a receiver that drops
  repeated idempotency keys (a send cut off by the kill is repeated with the same key).
"""

import email
import email.policy
import os
import signal
import time
from collections import Counter
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult

from tests.support.processes import child_environment, free_port, manage, start_manage, stop
from tests.tip_reports.delivery_fixtures import (
    ScriptedSMTPHandler,
    WebhookReceiver,
    file_tip,
    stations,
    use_webhook,
)
from tip_reports.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
TIPS = 12


def worker_settings(tmp_path, smtp_port: int) -> dict:
    return child_environment(
        tmp_path,
        TASKS=DB_TASKS,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
        TIP_WEBHOOK_TIMEOUT=2,
        TIP_DELIVERY_LEASE_SECONDS=1,
    )


def file_tips(count: int, webhook_url: str) -> list[Delivery]:
    use_webhook(stations()["450100"], webhook_url)
    with override_settings(TASKS=DB_TASKS):
        for _ in range(count):
            file_tip("450102")
    return list(Delivery.objects.all())


def time_passes() -> None:
    """Bring every waiting retry forward to now, as if its back-off had elapsed."""
    past = timezone.now() - timedelta(seconds=1)
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def run_round(env) -> None:
    sweep = manage(env, "run_periodic", "--once")
    assert sweep.returncode == 0, sweep.stdout + sweep.stderr
    batch = manage(
        env, "db_worker", "--batch", "--no-startup-delay", "--interval", "0", timeout=300
    )
    assert batch.returncode == 0, batch.stdout[-2000:] + batch.stderr[-2000:]


def keys_sent_by_smtp(handler) -> list[str]:
    keys = []
    for envelope in handler.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        keys.append(message["X-Guitu-Idempotency-Key"])
    return keys


def test_smtp_and_webhook_down_for_three_rounds_then_back(tmp_path):
    smtp_port, hook_port = free_port(), free_port()
    env = worker_settings(tmp_path, smtp_port)
    rows = file_tips(TIPS, f"http://127.0.0.1:{hook_port}/hooks/guitu")
    assert Counter(r.channel for r in rows) == {"email": TIPS, "webhook": TIPS}

    for attempt in (1, 2, 3):  # nothing listens on either port
        run_round(env)
        statuses = Counter(Delivery.objects.values_list("status", "attempts"))
        assert statuses == {(Delivery.Status.PENDING, attempt): 2 * TIPS}, statuses
        time_passes()

    handler = ScriptedSMTPHandler(["250 OK"])
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with WebhookReceiver(port=hook_port) as receiver:
            run_round(env)
            time_passes()
            run_round(env)  # a further round finds nothing to send
    finally:
        controller.stop()

    assert set(Delivery.objects.values_list("status", "attempts")) == {
        (Delivery.Status.DELIVERED, 4)
    }
    expected = {str(r.idempotency_key) for r in rows}
    hook_keys = [received.headers["Idempotency-Key"] for received in receiver.requests]
    mail_keys = keys_sent_by_smtp(handler)
    assert len(hook_keys) == TIPS and len(set(hook_keys)) == TIPS
    assert len(mail_keys) == TIPS and len(set(mail_keys)) == TIPS
    assert set(hook_keys) | set(mail_keys) == expected


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(tmp_path):
    smtp_port = free_port()
    handler = ScriptedSMTPHandler(["250 OK"])
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with WebhookReceiver(delay=0.3) as receiver:
            env = worker_settings(tmp_path, smtp_port)
            rows = file_tips(TIPS, receiver.url)
            worker = start_manage(
                env,
                tmp_path / "worker.log",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            )
            try:
                deadline = time.monotonic() + 60
                while len(receiver.requests) < TIPS // 3 and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert len(receiver.requests) >= TIPS // 3, (tmp_path / "worker.log").read_text()
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(10)
            finally:
                stop(worker)
            delivered_before = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
            assert 0 < delivered_before < 2 * TIPS

            time.sleep(1.2)  # the killed worker's lease (1 s) runs out
            run_round(env)
    finally:
        controller.stop()

    assert Delivery.objects.exclude(status=Delivery.Status.DELIVERED).count() == 0
    assert Delivery.objects.filter(attempts__gt=2).count() == 0
    expected = {str(r.idempotency_key) for r in rows}
    hook_keys = [received.headers["Idempotency-Key"] for received in receiver.requests]
    mail_keys = keys_sent_by_smtp(handler)
    # Nothing lost: every notification arrived.
    assert set(hook_keys) | set(mail_keys) == expected
    # Nothing duplicated: a receiver that drops repeated keys processes each once; at most the
    # one send cut off by the kill arrived twice, with the same key.
    repeated = [key for key, n in Counter(hook_keys + mail_keys).items() if n > 1]
    assert len(repeated) <= 1
    retried = set(Delivery.objects.filter(attempts=2).values_list("idempotency_key", flat=True))
    assert {str(k) for k in retried} >= set(repeated)
