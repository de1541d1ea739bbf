"""People and tips for the state-machine, escalation and purge tests (import explicitly).

``queue_world()`` gives the demo stations, staff of 南宁 (two duty staff and a lead), staff of
柳州, a coordinator, an editor and tips filed through intake (full of recognisable personal
data, see delivery_fixtures). ``tip_in(status, by)`` brings a fresh 南宁 tip to ``status``
through ``perform``.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from portal.roles import COORDINATORS, EDITORS, STATION_STAFF
from stations.models import StationMembership
from tests.tip_reports.delivery_fixtures import file_tip, stations
from tip_reports.models import TipReport
from tip_reports.workflow import Action, perform

Status = TipReport.Status


def make_user(username, *groups, station=None, role=StationMembership.Role.STAFF, **extra):
    user = User.objects.create_user(
        username, email=f"{username}@guitu.invalid", password="x" * 12, **extra
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    if station is not None:
        StationMembership.objects.create(user=user, station=station, role=role)
    return user


def queue_world() -> dict:
    from portal.roles import ensure_groups

    ensure_groups()
    by_code = stations()
    nanning, liuzhou = by_code["450100"], by_code["450200"]
    return {
        "stations": by_code,
        "nanning": nanning,
        "liuzhou": liuzhou,
        "staff": make_user("nn-staff", STATION_STAFF, station=nanning),
        "colleague": make_user("nn-colleague", STATION_STAFF, station=nanning),
        "lead": make_user(
            "nn-lead", STATION_STAFF, station=nanning, role=StationMembership.Role.LEAD
        ),
        "liuzhou_staff": make_user("lz-staff", STATION_STAFF, station=liuzhou),
        "liuzhou_lead": make_user(
            "lz-lead", STATION_STAFF, station=liuzhou, role=StationMembership.Role.LEAD
        ),
        "coordinator": make_user("coord", COORDINATORS),
        "editor": make_user("editor-x", EDITORS),
    }


def tip_in(status: str, by, area_code: str = "450102", **overrides) -> TipReport:
    """A new tip (南宁 by default) brought to ``status`` by ``by`` through the state machine."""
    tip = file_tip(area_code, **overrides).tip
    steps = {
        Status.RECEIVED: [],
        Status.ACKNOWLEDGED: [(Action.ACKNOWLEDGE, {})],
        Status.DISPATCHED: [(Action.ACKNOWLEDGE, {}), (Action.DISPATCH, {})],
        Status.RESOLVED: [
            (Action.ACKNOWLEDGE, {}),
            (Action.RESOLVE, {"outcome": TipReport.Outcome.ADMITTED, "note": "已入站"}),
        ],
        Status.CLOSED: [(Action.CLOSE, {"reason": TipReport.CloseReason.SPAM})],
    }[status]
    for action, params in steps:
        tip = perform(tip.pk, action, by, **params)
    assert tip.status == status
    return tip
