"""Fifty reporters pressing "send" at the same moment: every tip is saved, routed and queued
for delivery, with fifty different reference numbers. Real concurrent database connections
(threads on the file SQLite test database with IMMEDIATE transactions, or PostgreSQL)."""

import random
import threading

from django.core import mail
from django.db import connection
from django.utils import timezone

import pytest

from stations.models import Area
from tests.tip_reports.delivery_fixtures import stations
from tip_reports import intake
from tip_reports.intake import TipSubmission, find_tip, submit_tip
from tip_reports.models import Delivery, TipEvent, TipReport

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORTERS = 50


def submit_all(submissions: list[TipSubmission]):
    barrier = threading.Barrier(len(submissions))
    receipts, errors = [], []
    lock = threading.Lock()

    def reporter(submission):
        try:
            barrier.wait(timeout=60)
            receipt = submit_tip(submission)
            with lock:
                receipts.append(receipt)
        except Exception as exc:  # collected and reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reporter, args=(s,)) for s in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return receipts, errors


def county_submissions():
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).select_related("parent"))
    chosen = random.Random(2026).sample(counties, REPORTERS)
    return chosen, [
        TipSubmission(
            category=TipReport.Category.SLEEPING_ROUGH,
            seen_at=timezone.now(),
            consent_forwarding=True,
            area=county,
            place_text=f"测试地点 {n}",
            reporter_phone="13900000000",
        )
        for n, county in enumerate(chosen)
    ]


def test_fifty_concurrent_submissions_are_all_saved_routed_and_queued(transactional_db):
    stations()
    counties, submissions = county_submissions()

    receipts, errors = submit_all(submissions)

    assert errors == []
    assert len(receipts) == REPORTERS
    assert TipReport.objects.count() == REPORTERS
    references = set(TipReport.objects.values_list("reference", flat=True))
    assert len(references) == REPORTERS
    assert {r.reference for r in receipts} == references
    # Each tip went to the station of its county's city, with its timeline and its outbox row.
    expected = {county.code: county.parent.code for county in counties}
    for tip in TipReport.objects.select_related("area", "station"):
        assert tip.station is not None
        assert tip.station.code == expected[tip.area.code]
        assert tip.events.filter(kind=TipEvent.Kind.ROUTED).count() == 1
        assert tip.deliveries.filter(channel=Delivery.Channel.EMAIL).count() == 1
    # The test settings run tasks at once: every notification went out after its commit.
    assert Delivery.objects.count() == REPORTERS
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    assert len(mail.outbox) == REPORTERS
    # And every reporter can look their tip up with their code.
    for receipt in receipts[:5]:
        assert find_tip(receipt.reference, receipt.secret_code) == receipt.tip


def test_reference_collisions_under_concurrency_are_retried(transactional_db, monkeypatch):
    """With references drawn from a small pool, concurrent reporters collide; each collision
    is retried inside intake's transaction and no tip is lost."""
    stations()
    _counties, submissions = county_submissions()
    pool = [f"TEST-{n:04d}" for n in range(200)]
    draw = random.Random(7)
    lock = threading.Lock()

    def small_pool_reference():
        with lock:
            return draw.choice(pool)

    monkeypatch.setattr(intake, "new_reference", small_pool_reference)

    receipts, errors = submit_all(submissions)

    assert errors == []
    assert len(receipts) == REPORTERS
    assert TipReport.objects.count() == REPORTERS
    assert len(set(TipReport.objects.values_list("reference", flat=True))) == REPORTERS
    assert Delivery.objects.count() == REPORTERS
