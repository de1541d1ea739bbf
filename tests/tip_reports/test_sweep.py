"""The outbox sweep and the periodic runner that schedules it (`manage.py run_periodic`)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

import pytest

from tests.tip_reports.delivery_fixtures import file_tip, stations
from tip_reports.models import Delivery
from tip_reports.tasks import deliver, sweep_outbox

ROOT = Path(__file__).resolve().parents[2]
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def outbox(db):
    """One row in each state the sweep must tell apart."""
    stations()
    now = timezone.now()
    rows = {}
    for name, status, next_attempt in [
        ("pending_due", Delivery.Status.PENDING, now - timedelta(seconds=1)),
        ("pending_future", Delivery.Status.PENDING, now + timedelta(minutes=5)),
        ("sending_expired", Delivery.Status.SENDING, now - timedelta(seconds=1)),
        ("sending_leased", Delivery.Status.SENDING, now + timedelta(minutes=1)),
        ("delivered", Delivery.Status.DELIVERED, now - timedelta(hours=1)),
        ("failed", Delivery.Status.FAILED, now - timedelta(hours=1)),
    ]:
        row = file_tip("450102").tip.deliveries.get()
        Delivery.objects.filter(pk=row.pk).update(status=status, next_attempt_at=next_attempt)
        rows[name] = row.pk
    return now, rows


def enqueued_ids() -> list[int]:
    return [result.args[0] for result in deliver.get_backend().results]


def test_the_sweep_enqueues_due_and_abandoned_rows_only(outbox):
    now, rows = outbox
    with override_settings(TASKS=DUMMY_TASKS):
        assert sweep_outbox(now=now) == 2
        assert sorted(enqueued_ids()) == sorted([rows["pending_due"], rows["sending_expired"]])


def test_the_sweep_picks_up_future_rows_when_their_time_comes(outbox):
    now, rows = outbox
    with override_settings(TASKS=DUMMY_TASKS):
        assert sweep_outbox(now=now + timedelta(minutes=10)) == 4
        assert set(enqueued_ids()) == {
            rows["pending_due"],
            rows["pending_future"],
            rows["sending_expired"],
            rows["sending_leased"],
        }


def test_the_sweep_does_not_pile_up_tasks_that_are_already_waiting(outbox):
    from django_tasks_db.models import DBTaskResult

    now, rows = outbox
    with override_settings(TASKS=DB_TASKS):
        assert sweep_outbox(now=now) == 2
        assert sweep_outbox(now=now) == 0
        queued = DBTaskResult.objects.filter(task_path="tip_reports.tasks.deliver")
        assert sorted(r.args_kwargs["args"][0] for r in queued) == sorted(
            [rows["pending_due"], rows["sending_expired"]]
        )


def test_a_lost_enqueue_is_recovered_by_the_sweep(db, django_capture_on_commit_callbacks):
    """A crash between commit and enqueue: the row stays pending until the sweep sends it."""
    from django.core import mail

    stations()
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=False):
            tip = file_tip("450102").tip  # the enqueue callback is never run
        assert deliver.get_backend().results == []
    row = tip.deliveries.get()
    assert row.status == Delivery.Status.PENDING
    assert sweep_outbox() == 1  # the test settings run tasks at once
    row.refresh_from_db()
    assert row.status == Delivery.Status.DELIVERED
    assert len(mail.outbox) == 1


def test_the_sweep_survives_an_enqueue_failure(outbox, monkeypatch):
    now, _rows = outbox
    calls = []

    def flaky(delivery_id):
        calls.append(delivery_id)
        if len(calls) == 1:
            raise RuntimeError("queue table locked")

    monkeypatch.setattr(type(deliver), "enqueue", lambda self, *args: flaky(*args))
    assert sweep_outbox(now=now) == 1
    assert len(calls) == 2


# --- run_periodic -----------------------------------------------------------------------------

CALLS = []


def job_that_counts():
    CALLS.append("tick")
    return len(CALLS)


def job_that_fails():
    raise RuntimeError("boom")


def test_run_periodic_once_runs_each_job_once(settings):
    CALLS.clear()
    settings.PERIODIC_JOBS = [(f"{__name__}.job_that_counts", 60)]
    call_command("run_periodic", once=True)
    assert CALLS == ["tick"]


def test_run_periodic_once_reports_a_failing_job_after_running_the_others(settings):
    CALLS.clear()
    settings.PERIODIC_JOBS = [
        (f"{__name__}.job_that_fails", 60),
        (f"{__name__}.job_that_counts", 60),
    ]
    with pytest.raises(CommandError, match="job_that_fails"):
        call_command("run_periodic", once=True)
    assert CALLS == ["tick"]


def test_run_periodic_rejects_a_job_it_cannot_import(settings):
    settings.PERIODIC_JOBS = [("tip_reports.tasks.no_such_job", 60)]
    with pytest.raises(CommandError, match="no_such_job"):
        call_command("run_periodic", once=True)


def test_the_outbox_sweep_is_a_configured_periodic_job(settings):
    from django.utils.module_loading import import_string

    jobs = dict(settings.PERIODIC_JOBS)
    assert import_string("tip_reports.tasks.sweep_outbox") is sweep_outbox
    assert jobs["tip_reports.tasks.sweep_outbox"] <= 60


def test_run_periodic_loops_survives_failures_and_stops_on_sigterm(tmp_path):
    """A real process: a job that fails every other run keeps being run; SIGTERM ends it."""
    ticks = tmp_path / "ticks"
    (tmp_path / "periodic_settings.py").write_text(
        textwrap.dedent(
            """
            from portal.settings.test import *

            PERIODIC_JOBS = [("periodic_jobs.tick", 0.2)]
            """
        )
    )
    (tmp_path / "periodic_jobs.py").write_text(
        textwrap.dedent(
            f"""
            from pathlib import Path

            TICKS = Path({str(ticks)!r})

            def tick():
                with TICKS.open("a") as f:
                    f.write("x")
                if len(TICKS.read_text()) % 2:
                    raise RuntimeError("every other run fails")
                return "ok"
            """
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "periodic_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if ticks.exists() and len(ticks.read_text()) >= 4:
                break
            time.sleep(0.1)
        assert ticks.exists() and len(ticks.read_text()) >= 4
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, output
    assert "every other run fails" in output
    assert "Periodic jobs stopped." in output
