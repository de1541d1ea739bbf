"""Run the web server, the task worker and the periodic jobs side by side, the embedded
default of `make run`.

All three run as child processes (gunicorn with gthread workers, django-tasks-db's db_worker,
and run_periodic for settings.PERIODIC_JOBS such as the outbox sweep). Ctrl-C or SIGTERM stops
them all; if one dies, the others are stopped too and the command exits non-zero, so a
supervisor notices.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from portal.management.shutdown import StopFlag


class Command(BaseCommand):
    help = "Serve the site with gunicorn, with the task worker and the periodic jobs beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))

    def handle(self, *args, host, port, workers, **options):
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
        python = sys.executable
        commands = {
            "web": [
                python, "-m", "gunicorn", "portal.wsgi:application",
                "--bind", f"{host}:{port}",
                "--workers", str(workers),
                "--worker-class", "gthread",
                "--threads", "4",
                "--access-logfile", "-",
                "--graceful-timeout", "10",
            ],
            "worker": [python, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
            "periodic": [python, "manage.py", "run_periodic"],
        }  # fmt: skip
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603
        self.stdout.write(f"Guitu is serving on http://{host}:{port}/ (Ctrl-C stops it)")

        stop = StopFlag()
        exit_code = 0
        parent = os.getppid()
        while not stop.requested:
            if os.getppid() != parent:
                # Whoever started us (make, a shell) has gone: do not linger as an orphan.
                stop.request()
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with code {child.returncode}; stopping.")
                    exit_code = child.returncode or 1
                    stop.request()
            time.sleep(0.2)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)
