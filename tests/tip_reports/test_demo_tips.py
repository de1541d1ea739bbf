"""The demo tips of seed_demo (issue 4 item 9): the queue is never empty in a fresh run, the
tips are fictional, in several states, worked through the real state machine, and seeding
again adds nothing."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from tip_reports.access import tips_visible_to
from tip_reports.demo import DEMO_MARKER, DEMO_TIPS
from tip_reports.models import Delivery, TipEvent, TipLogEntry, TipReport
from tip_reports.sla import overdue

pytestmark = pytest.mark.django_db

Status = TipReport.Status


def demo_tips():
    return TipReport.objects.filter(description__endswith=DEMO_MARKER)


def user(username):
    return get_user_model().objects.get(username=username)


def counts():
    return (
        TipReport.objects.count(),
        TipEvent.objects.count(),
        Delivery.objects.count(),
        TipLogEntry.objects.count(),
    )


def test_demo_tips_for_nanning_and_liuzhou_in_several_states(demo_site):
    tips = demo_tips()
    assert tips.count() == len(DEMO_TIPS) >= 6
    assert tips.filter(station__code="450100").count() >= 4
    assert tips.filter(station__code="450200").count() >= 2
    assert len(set(tips.values_list("status", flat=True))) >= 4

    assert tips.filter(
        status=Status.RECEIVED,
        urgency=TipReport.Urgency.URGENT,
        category=TipReport.Category.MINOR,
    ).exists()
    assert tips.filter(status=Status.RECEIVED, urgency=TipReport.Urgency.NORMAL).exists()
    assert tips.filter(status=Status.ACKNOWLEDGED, assignee__username="nanning").exists()
    assert tips.filter(status=Status.DISPATCHED).exists()
    assert tips.filter(status=Status.RESOLVED).exclude(outcome="").exists()
    assert tips.filter(
        status=Status.CLOSED, close_reason=TipReport.CloseReason.FALSE_REPORT
    ).exists()
    assert overdue(tips).count() >= 1
    assert tips.filter(events__kind=TipEvent.Kind.TRANSFERRED).exists()


def test_demo_tips_are_fictional_and_have_real_timelines(demo_site):
    for tip in demo_tips():
        assert not tip.photo
        assert tip.reporter_phone == ""
        assert tip.station is not None
        kinds = list(tip.events.values_list("kind", flat=True))
        assert kinds[:2] == [TipEvent.Kind.RECEIVED, TipEvent.Kind.ROUTED]
        changes = tip.events.exclude(kind__in=[TipEvent.Kind.RECEIVED, TipEvent.Kind.ROUTED])
        # Every change was made by a demo user through the state machine, which logs it too.
        assert set(changes.values_list("actor__username", flat=True)) <= {
            "nanning",
            "liuzhou",
            "coordinator",
        }
        assert TipLogEntry.objects.for_instance(tip).count() == changes.count()
        times = list(tip.events.values_list("created_at", flat=True))
        assert tip.created_at <= times[0] and times == sorted(times)


def test_each_station_sees_its_own_demo_tips(demo_site):
    nanning = tips_visible_to(user("nanning"), demo_tips())
    liuzhou = tips_visible_to(user("liuzhou"), demo_tips())
    assert set(nanning.values_list("station__code", flat=True)) == {"450100"}
    assert set(liuzhou.values_list("station__code", flat=True)) == {"450200"}
    assert tips_visible_to(user("coordinator"), demo_tips()).count() == demo_tips().count()


def test_seeding_again_adds_no_tips(demo_site):
    before = counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert f"0 demo tips added ({len(DEMO_TIPS)} in all)." in out.getvalue()
