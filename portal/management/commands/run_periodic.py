"""Run the periodic jobs listed in settings.PERIODIC_JOBS: (dotted path of a function, interval
in seconds), e.g. the tip outbox sweep every minute.

Without options it loops, running each job every interval, logging (and surviving) a job's
exception, and stops cleanly on SIGTERM or Ctrl-C. With ``--once`` it runs each job once and
exits (non-zero if one failed), for cron or a systemd timer.
"""

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.module_loading import import_string

from portal.management.shutdown import StopFlag

logger = logging.getLogger("portal.periodic")


@dataclass
class Job:
    path: str
    func: Any
    interval: float
    next_run: float = 0.0


class Command(BaseCommand):
    help = "Run the periodic jobs of settings.PERIODIC_JOBS (such as the tip outbox sweep)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every job once and exit (for cron or a systemd timer).",
        )

    def handle(self, *args, once: bool, **options):
        jobs = self.load_jobs()
        if not jobs:
            self.stdout.write("No periodic jobs configured (settings.PERIODIC_JOBS).")
            return
        if once:
            failed = [job.path for job in jobs if not self.run(job, long_running=False)]
            if failed:
                raise CommandError("Failed: " + ", ".join(failed))
            return

        stop = StopFlag()
        logger.info("Periodic jobs: %s", ", ".join(f"{j.path} every {j.interval:g}s" for j in jobs))
        while not stop.requested:
            for job in jobs:
                if stop.requested:
                    break
                if time.monotonic() >= job.next_run:
                    self.run(job)
                    job.next_run = time.monotonic() + job.interval
            pause = min(job.next_run for job in jobs) - time.monotonic()
            # Sleep in short steps so a signal stops the loop promptly.
            while not stop.requested and pause > 0:
                time.sleep(min(pause, 0.5))
                pause = min(job.next_run for job in jobs) - time.monotonic()
        logger.info("Periodic jobs stopped.")

    def load_jobs(self) -> list[Job]:
        jobs = []
        for path, interval in getattr(settings, "PERIODIC_JOBS", []):
            try:
                func = import_string(path)
            except ImportError as exc:
                raise CommandError(f"PERIODIC_JOBS: cannot import {path}: {exc}") from exc
            if float(interval) <= 0:
                raise CommandError(f"PERIODIC_JOBS: the interval of {path} must be positive")
            jobs.append(Job(path, func, float(interval)))
        return jobs

    def run(self, job: Job, long_running: bool = True) -> bool:
        if long_running:
            # Like a request: drop connections that broke or outlived CONN_MAX_AGE meanwhile.
            close_old_connections()
        try:
            result = job.func()
        except Exception:
            logger.exception("Periodic job %s failed", job.path)
            return False
        finally:
            if long_running:
                close_old_connections()
        logger.log(logging.INFO if result else logging.DEBUG, "%s: %s", job.path, result)
        return True
