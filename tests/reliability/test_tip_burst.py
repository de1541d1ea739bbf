"""Two hundred people pressing "send" at once against gunicorn (2 processes × 8 threads, the
`make run` server) on the test database, SQLite or PostgreSQL: every request gets an answer,
every accepted tip is stored exactly once, nothing else is stored."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.utils import timezone

import pytest

from tests.support.http import Visitor
from tests.support.processes import child_environment, gunicorn, manage
from tip_reports.models import Delivery, TipReport

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REPORTERS = 200
NO_LIMITS = {
    "tip_submit": (10_000, 600),
    "tip_status": (10_000, 600),
    "notice_lead": (10_000, 600),
    "event_registration": (10_000, 600),
}


def tip(n: int) -> dict:
    seen = timezone.localtime(timezone.now() - timedelta(minutes=30))
    return {
        "category": "sleeping_rough",
        "area": "450102" if n % 2 else "450202",
        "place_text": f"压力测试地点 {n}",
        "seen_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "description": f"第 {n} 位报告人",
        "consent_forwarding": "on",
        "website": "",
    }


def test_two_hundred_concurrent_tips_are_all_stored_once(tmp_path):
    env = child_environment(
        tmp_path,
        RATE_LIMITS=NO_LIMITS,
        TASKS={"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}},
    )
    seeded = manage(env, "seed_demo")
    assert seeded.returncode == 0, seeded.stderr
    before = TipReport.objects.count()

    with gunicorn(env, tmp_path / "gunicorn.log") as base:

        def report(n: int):
            visitor = Visitor(base)
            try:
                response = visitor.post_form("/report/", tip(n))
                return response.status_code, response.headers.get("Location", "")
            except Exception as exc:  # collected and counted as an error
                return type(exc).__name__, ""

        with ThreadPoolExecutor(max_workers=REPORTERS) as pool:
            outcomes = list(pool.map(report, range(REPORTERS)))

    statuses = [status for status, _location in outcomes]
    accepted = [o for o in outcomes if o[0] == 302 and o[1].endswith("/report/thanks/")]
    assert statuses.count(302) == REPORTERS, {s: statuses.count(s) for s in set(statuses)}
    assert len(accepted) == REPORTERS
    new = TipReport.objects.filter(place_text__startswith="压力测试地点")
    assert TipReport.objects.count() - before == len(accepted)
    assert new.count() == REPORTERS
    assert len(set(new.values_list("description", flat=True))) == REPORTERS
    assert len(set(new.values_list("reference", flat=True))) == REPORTERS
    assert all(t.station_id for t in new)
    # Each stored tip has its outbox row waiting for the worker.
    assert Delivery.objects.filter(tip__in=new, channel=Delivery.Channel.EMAIL).count() == REPORTERS
