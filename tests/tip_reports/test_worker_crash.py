"""A task worker killed in the middle of sending a webhook: after its lease expires the sweep
re-enqueues the row and a new worker delivers it, with the same idempotency key, exactly once.

Real processes on the test database: `manage.py db_worker` (killed with SIGKILL), then
`manage.py run_periodic --once` (the sweep) and a second `db_worker --batch`.
"""

import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.test import override_settings
from django.utils import timezone

import pytest

from tests.support.processes import child_environment, start_manage
from tests.tip_reports.delivery_fixtures import (
    WEBHOOK_SECRET,
    WebhookReceiver,
    file_tip,
    stations,
    use_webhook,
)
from tip_reports.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LEASE_SECONDS = 1


def worker_environment(tmp_path: Path) -> dict:
    """Settings for child processes: the test database, the database task backend and a
    one-second lease."""
    return child_environment(tmp_path, TASKS=DB_TASKS, TIP_DELIVERY_LEASE_SECONDS=LEASE_SECONDS)


def start(env, log: Path, *args) -> subprocess.Popen:
    return start_manage(env, log, *args)


def signature_ok(received) -> bool:
    timestamp = received.headers["X-Guitu-Timestamp"]
    digest = hmac.new(
        WEBHOOK_SECRET.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    return received.headers["X-Guitu-Signature"] == f"sha256={digest}"


def snapshot(rows):
    return [
        Delivery.objects.filter(pk=row.pk)
        .values_list("status", "attempts", "next_attempt_at", "delivered_at", "last_error")
        .get()
        for row in rows
    ]


def test_a_worker_killed_mid_delivery_is_replaced_and_the_tip_notified_once(tmp_path):
    env = worker_environment(tmp_path)
    by_code = stations()
    workers = []
    with WebhookReceiver(statuses=[200], block_first=True) as receiver:
        use_webhook(by_code["450100"], receiver.url)

        # Bystanders: a delivered row and a row not yet due, which nothing may touch.
        with override_settings(TASKS=DUMMY_TASKS):
            done = file_tip("450202").tip.deliveries.get()
            later = file_tip("450302").tip.deliveries.get()
        Delivery.objects.filter(pk=done.pk).update(
            status=Delivery.Status.DELIVERED, attempts=1, delivered_at=timezone.now()
        )
        Delivery.objects.filter(pk=later.pk).update(
            next_attempt_at=timezone.now() + timedelta(hours=1)
        )
        bystanders_before = snapshot([done, later])

        # The tip: committed, its two notifications enqueued on the database queue.
        with override_settings(TASKS=DB_TASKS):
            tip = file_tip("450102").tip
        hook = tip.deliveries.get(channel=Delivery.Channel.WEBHOOK)
        mail_row = tip.deliveries.get(channel=Delivery.Channel.EMAIL)

        try:
            first = start(
                env,
                tmp_path / "worker1.log",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            )
            workers.append(first)
            assert receiver.arrived.wait(60), (tmp_path / "worker1.log").read_text()
            # The webhook is being sent: kill the worker before it hears the answer.
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
            hook.refresh_from_db()
            assert hook.status == Delivery.Status.SENDING
            assert hook.attempts == 1
            receiver.release.set()

            # Nothing more happens until the lease has expired and the sweep runs.
            while timezone.now() <= hook.next_attempt_at:
                time.sleep(0.1)
            sweep = subprocess.run(
                [sys.executable, "manage.py", "run_periodic", "--once"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert sweep.returncode == 0, sweep.stdout + sweep.stderr

            second = start(
                env,
                tmp_path / "worker2.log",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--batch",
                "--interval",
                "0",
            )
            workers.append(second)
            assert second.wait(120) == 0, (tmp_path / "worker2.log").read_text()
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()

    hook.refresh_from_db()
    assert hook.status == Delivery.Status.DELIVERED, hook.last_error
    assert hook.attempts == 2
    assert hook.delivered_at is not None
    assert len(receiver.requests) == 2
    keys = {received.headers["Idempotency-Key"] for received in receiver.requests}
    assert keys == {str(hook.idempotency_key)}
    assert all(signature_ok(received) for received in receiver.requests)
    assert {received.payload["idempotency_key"] for received in receiver.requests} == keys

    mail_row.refresh_from_db()
    assert mail_row.status == Delivery.Status.DELIVERED
    assert mail_row.attempts == 1
    assert snapshot([done, later]) == bystanders_before
