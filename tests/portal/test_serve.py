"""`manage.py serve` (what `make run` ends with) starts the web server, the task worker and the
periodic jobs, and stops them all on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def children_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve-var")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "GUITU_VAR_DIR": str(path),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return path


def test_serve_runs_web_worker_and_periodic_jobs_and_stops_them_on_sigterm(var_dir):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "GUITU_VAR_DIR": str(var_dir),
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/robots.txt", timeout=2
                ) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        kids = children_of(proc.pid)
        assert len(kids) == 3, kids  # gunicorn master, db_worker and run_periodic
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Stopped." in output
    for kid in kids:
        assert (
            not Path(f"/proc/{kid}").exists()
            or "zombie" in Path(f"/proc/{kid}/status").read_text().lower()
        )
