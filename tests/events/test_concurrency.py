"""A hundred visitors pressing "register" at the same moment for a venue with fifty places:
exactly fifty are confirmed and fifty waitlisted, with no error. Real threads, each with its
own database connection, released together by a barrier; on the file SQLite test database
(IMMEDIATE transactions) and on PostgreSQL (row lock on the venue)."""

from __future__ import annotations

import threading
import time

from django.db import OperationalError, connection

import pytest

from events import registration as seats
from events.models import EventIndexPage, Registration, Venue
from home.demo import ensure_home_page
from stations.demo import seed_stations
from tests.events.factories import make_campaign
from tests.factories import publish_child

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VISITORS = 100
PLACES = 50


def connect(attempts: int = 100):
    """Open this thread's connection. A PostgreSQL server with max_connections=100 (shared
    with other test runs) may refuse one of a hundred simultaneous logins: that is the
    server's limit, not what is tested, so the login (never the registration) is retried."""
    for attempt in range(attempts):
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if "too many clients" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def run_together(count: int, action):
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def worker(n):
        try:
            barrier.wait(timeout=60)
            connect()
            result = action(n)
            with lock:
                results.append(result)
        except Exception as exc:  # collected and reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    # The test's own connection is not needed meanwhile: leave the server's slots to the threads.
    connection.close()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def venue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    seed_stations()
    index = publish_child(ensure_home_page(), EventIndexPage(title="开放日", slug="events"))
    campaign = make_campaign(index, venues=[{"capacity": PLACES}])
    return Venue.objects.select_related("page").get(page=campaign)


def test_a_hundred_parallel_registrations_for_fifty_places(venue):
    def register(n):
        return seats.register(
            venue, name=f"访客{n}", phone=f"1390000{n:04d}", party_size=1, language="zh-hans"
        )

    receipts, errors = run_together(VISITORS, register)

    assert errors == []
    assert len(receipts) == VISITORS
    confirmed = Registration.objects.filter(venue=venue, status=Registration.Status.CONFIRMED)
    waiting = Registration.objects.filter(venue=venue, status=Registration.Status.WAITLISTED)
    assert confirmed.count() == PLACES
    assert waiting.count() == VISITORS - PLACES
    assert seats.seats_taken(venue.pk) == PLACES


def test_parallel_cancellations_free_each_seat_once_and_promote_in_order(venue):
    for n in range(PLACES + 10):
        seats.register(venue, name=f"访客{n}", phone=f"1380000{n:04d}", party_size=1)
    confirmed = list(
        Registration.objects.filter(status=Registration.Status.CONFIRMED).order_by("pk")[:10]
    )
    # Each of ten confirmed parties cancels twice at the same moment.
    targets = [r.pk for r in confirmed for _twice in range(2)]
    results, errors = run_together(len(targets), lambda n: seats.cancel(targets[n]))

    assert errors == []
    assert sorted(results) == [False] * 10 + [True] * 10
    assert seats.seats_taken(venue.pk) == PLACES
    assert Registration.objects.filter(status=Registration.Status.WAITLISTED).count() == 0
    promoted = Registration.objects.filter(promoted_at__isnull=False).order_by("created_at", "pk")
    assert promoted.count() == 10


def test_two_reminder_runners_at_once_send_each_reminder_once(venue):
    from datetime import timedelta

    from django.core import mail

    from events.tasks import send_reminders

    early = venue.starts_at - timedelta(days=3)
    for n in range(20):
        seats.register(
            venue,
            name=f"访客{n}",
            phone=f"1350000{n:04d}",
            party_size=1,
            email=f"v{n}@example.com",
            now=early,
        )
    mail.outbox.clear()
    when = venue.starts_at - timedelta(hours=20)
    results, errors = run_together(2, lambda n: send_reminders(when))

    assert errors == []
    assert sum(results) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"v{n}@example.com" for n in range(20))
    assert not Registration.objects.filter(reminder_sent_at__isnull=True).exists()
