"""The queue's state machine (docs/architecture.md §5, issue 4 item 3): every action from every state, legal
ones applied with exactly one timeline entry and one Wagtail log entry naming the actor, illegal
ones rejected with TransitionError and nothing changed; the rules of assign, transfer,
mark-duplicate and reopen; and no one works on another station's tip."""

from django.forms.models import model_to_dict

import pytest

from stations.models import Station
from tests.tip_reports.queue_people import make_user, queue_world, tip_in
from tip_reports.models import Delivery, TipEvent, TipLogEntry, TipReport
from tip_reports.workflow import (
    Action,
    TransitionError,
    available_actions,
    log_action_name,
    perform,
)

pytestmark = pytest.mark.django_db

Status = TipReport.Status
OPEN = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.DISPATCHED}
FINISHED = {Status.RESOLVED, Status.CLOSED}

# Written from docs/architecture.md §5, not copied from workflow.RULES, so a change there is caught here.
LEGAL_FROM = {
    Action.ACKNOWLEDGE: {Status.RECEIVED},
    Action.ASSIGN: OPEN,
    Action.DISPATCH: {Status.ACKNOWLEDGED},
    Action.RESOLVE: {Status.ACKNOWLEDGED, Status.DISPATCHED},
    Action.CLOSE: OPEN,
    Action.TRANSFER: OPEN,
    Action.MARK_DUPLICATE: OPEN,
    Action.REOPEN: FINISHED,
}
RESULT = {
    Action.ACKNOWLEDGE: Status.ACKNOWLEDGED,
    Action.DISPATCH: Status.DISPATCHED,
    Action.RESOLVE: Status.RESOLVED,
    Action.CLOSE: Status.CLOSED,
    Action.TRANSFER: Status.RECEIVED,
    Action.MARK_DUPLICATE: Status.CLOSED,
    Action.REOPEN: Status.ACKNOWLEDGED,
}
EVENT_KIND = {
    Action.ASSIGN: TipEvent.Kind.ASSIGNED,
    Action.TRANSFER: TipEvent.Kind.TRANSFERRED,
    Action.MARK_DUPLICATE: TipEvent.Kind.DUPLICATE,
}


@pytest.fixture
def world(db):
    return queue_world()


def good_params(action, world, tip):
    """Parameters with which ``action`` succeeds whenever it is legal."""
    if action == Action.ASSIGN:
        return {"assignee": world["colleague"]}
    if action == Action.RESOLVE:
        return {"outcome": TipReport.Outcome.HOSPITAL, "note": "送医"}
    if action == Action.CLOSE:
        return {"reason": TipReport.CloseReason.NOT_FOUND}
    if action == Action.TRANSFER:
        return {"station": world["liuzhou"], "note": "在柳州"}
    if action == Action.MARK_DUPLICATE:
        other = tip_in(Status.RECEIVED, world["coordinator"])
        return {"original": other.reference}
    if action == Action.REOPEN:
        return {"note": "家属又来电"}
    return {}


def snapshot(tip):
    tip = TipReport.objects.get(pk=tip.pk)
    return (
        model_to_dict(tip, exclude=["photo"]),
        TipEvent.objects.filter(tip=tip).count(),
        TipLogEntry.objects.for_instance(tip).count(),
        Delivery.objects.filter(tip=tip).count(),
    )


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_action_from_every_state(world, action, status):
    actor = world["coordinator"]  # may do everything a station member may, and reopen
    tip = tip_in(status, actor)
    params = good_params(action, world, tip)
    before = snapshot(tip)
    if status not in LEGAL_FROM[action]:
        assert action not in available_actions(actor, tip)
        with pytest.raises(TransitionError):
            perform(tip.pk, action, actor, **params)
        assert snapshot(tip) == before
        return

    assert action in available_actions(actor, tip)
    events_before = set(TipEvent.objects.filter(tip=tip).values_list("pk", flat=True))
    logs_before = set(TipLogEntry.objects.for_instance(tip).values_list("pk", flat=True))
    done = perform(tip.pk, action, actor, **params)
    done.refresh_from_db()
    assert done.status == RESULT.get(action, status)

    new_events = TipEvent.objects.filter(tip=tip).exclude(pk__in=events_before)
    assert new_events.count() == 1
    event = new_events.get()
    assert event.actor == actor
    assert event.kind == EVENT_KIND.get(action, TipEvent.Kind.STATUS)
    assert (event.from_status, event.to_status) == (status, done.status)

    new_logs = TipLogEntry.objects.for_instance(tip).exclude(pk__in=logs_before)
    assert new_logs.count() == 1
    entry = new_logs.get()
    assert entry.user_id == actor.pk
    assert entry.action == log_action_name(action)


def test_a_staff_member_takes_a_tip_from_received_to_resolved(world):
    staff = world["staff"]
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    assert available_actions(staff, tip) == [
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.CLOSE,
        Action.TRANSFER,
        Action.MARK_DUPLICATE,
    ]
    tip = perform(tip.pk, Action.ACKNOWLEDGE, staff)
    assert tip.assignee == staff and tip.acknowledged_at is not None
    tip = perform(tip.pk, Action.DISPATCH, staff, note="外展出发")
    tip = perform(tip.pk, "resolve", staff, outcome=TipReport.Outcome.ESCORTED_HOME)
    assert tip.status == Status.RESOLVED and tip.finished_at is not None
    assert tip.outcome == TipReport.Outcome.ESCORTED_HOME
    assert list(
        TipEvent.objects.filter(tip=tip, actor=staff).values_list("to_status", flat=True)
    ) == [Status.ACKNOWLEDGED, Status.DISPATCHED, Status.RESOLVED]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_staff_of_another_station_cannot_act(world, action, status):
    tip = tip_in(status, world["coordinator"])
    outsider = world["liuzhou_staff"]
    before = snapshot(tip)
    assert available_actions(outsider, tip) == []
    with pytest.raises(TransitionError):
        perform(tip.pk, action, outsider, **good_params(action, world, tip))
    assert snapshot(tip) == before


@pytest.mark.parametrize("who", ["editor", "inactive", "no_permission"])
def test_users_without_the_queue_permission_cannot_act(world, who):
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    if who == "editor":
        user = world["editor"]
    elif who == "inactive":
        user = world["staff"]
        user.is_active = False
        user.save()
    else:
        # A member of the station without the staff group: sees nothing, may do nothing.
        user = make_user("bare-member", station=world["nanning"])
    before = snapshot(tip)
    with pytest.raises(TransitionError):
        perform(tip.pk, Action.ACKNOWLEDGE, user)
    assert snapshot(tip) == before


def test_unknown_action_is_rejected(world):
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    with pytest.raises(TransitionError):
        perform(tip.pk, "delete", world["coordinator"])


# --- assign ----------------------------------------------------------------------------------


def test_assign_only_to_active_colleagues_of_the_tips_station(world):
    staff = world["staff"]
    tip = tip_in(Status.ACKNOWLEDGED, staff)
    before = snapshot(tip)
    for stranger in (world["liuzhou_staff"], world["coordinator"], world["editor"], None):
        with pytest.raises(TransitionError):
            perform(tip.pk, Action.ASSIGN, staff, assignee=stranger)
    world["colleague"].is_active = False
    world["colleague"].save()
    with pytest.raises(TransitionError):
        perform(tip.pk, Action.ASSIGN, staff, assignee=world["colleague"])
    assert snapshot(tip) == before

    tip = perform(tip.pk, Action.ASSIGN, staff, assignee=world["lead"].pk)
    assert tip.assignee == world["lead"]
    # The coordinator may assign too, but still only to the station's people.
    tip = perform(tip.pk, Action.ASSIGN, world["coordinator"], assignee=staff)
    assert tip.assignee == staff


# --- transfer --------------------------------------------------------------------------------


def test_transfer_needs_a_reason_and_another_active_station(world):
    coordinator = world["coordinator"]
    tip = tip_in(Status.ACKNOWLEDGED, coordinator)
    before = snapshot(tip)
    closed_station = world["stations"]["450300"]
    Station.objects.filter(pk=closed_station.pk).update(is_active=False)
    for params in (
        {"station": world["liuzhou"]},  # no reason
        {"station": world["liuzhou"], "note": "   "},
        {"station": None, "note": "原因"},
        {"station": closed_station, "note": "原因"},
        {"station": world["nanning"], "note": "原因"},  # the same station
        {"station": world["liuzhou"], "note": "长" * 1001},
    ):
        with pytest.raises(TransitionError):
            perform(tip.pk, Action.TRANSFER, coordinator, **params)
    assert snapshot(tip) == before


def test_transfer_moves_the_tip_and_notifies_the_new_station(
    world, django_capture_on_commit_callbacks
):
    staff = world["staff"]
    tip = tip_in(Status.DISPATCHED, staff)
    TipReport.objects.filter(pk=tip.pk).update(
        acknowledge_escalated_at=tip.created_at, resolve_escalated_at=tip.created_at
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tip = perform(tip.pk, Action.TRANSFER, staff, station=world["liuzhou"].pk, note="在柳州")
    assert callbacks, "the new deliveries are enqueued after commit"
    tip.refresh_from_db()
    assert tip.station == world["liuzhou"]
    assert tip.status == Status.RECEIVED
    assert tip.assignee is None and tip.acknowledged_at is None
    assert tip.acknowledge_escalated_at is None and tip.resolve_escalated_at is None
    assert tip.acknowledge_due_at > tip.created_at
    assert Delivery.objects.filter(tip=tip, station=world["liuzhou"]).exists()
    event = TipEvent.objects.filter(tip=tip).last()
    assert event.kind == TipEvent.Kind.TRANSFERRED and event.station == world["liuzhou"]
    assert "在柳州" in event.note
    # The tip has left 南宁: its staff can no longer act on it; 柳州's can.
    with pytest.raises(TransitionError):
        perform(tip.pk, Action.ACKNOWLEDGE, staff)
    assert perform(tip.pk, Action.ACKNOWLEDGE, world["liuzhou_staff"]).status == (
        Status.ACKNOWLEDGED
    )


# --- mark as duplicate ------------------------------------------------------------------------


def test_mark_duplicate_needs_another_tip_the_user_can_see(world):
    staff = world["staff"]
    tip = tip_in(Status.RECEIVED, staff)
    elsewhere = tip_in(Status.RECEIVED, world["coordinator"], area_code="450202")
    before = snapshot(tip)
    for original in (None, "", "ZZZZ-ZZZZ", tip.reference, elsewhere.reference):
        with pytest.raises(TransitionError):
            perform(tip.pk, Action.MARK_DUPLICATE, staff, original=original)
    assert snapshot(tip) == before

    original = tip_in(Status.ACKNOWLEDGED, staff)
    tip = perform(tip.pk, Action.MARK_DUPLICATE, staff, original=original.reference.lower())
    assert tip.status == Status.CLOSED
    assert tip.close_reason == TipReport.CloseReason.DUPLICATE
    assert tip.duplicate_of == original
    # …and the original cannot then be marked a duplicate of its own duplicate.
    with pytest.raises(TransitionError):
        perform(original.pk, Action.MARK_DUPLICATE, staff, original=tip.reference)


def test_close_and_resolve_need_a_valid_reason_or_outcome(world):
    staff = world["staff"]
    tip = tip_in(Status.ACKNOWLEDGED, staff)
    before = snapshot(tip)
    for params in ({}, {"reason": "bored"}, {"reason": TipReport.CloseReason.DUPLICATE}):
        with pytest.raises(TransitionError):
            perform(tip.pk, Action.CLOSE, staff, **params)
    for params in ({}, {"outcome": "vanished"}):
        with pytest.raises(TransitionError):
            perform(tip.pk, Action.RESOLVE, staff, **params)
    assert snapshot(tip) == before


# --- reopen ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(FINISHED))
def test_only_coordinators_reopen(world, status):
    staff = world["staff"]
    tip = tip_in(status, staff)
    before = snapshot(tip)
    for user in (staff, world["lead"]):
        assert Action.REOPEN not in available_actions(user, tip)
        with pytest.raises(TransitionError):
            perform(tip.pk, Action.REOPEN, user, note="重新处理")
    with pytest.raises(TransitionError):
        perform(tip.pk, Action.REOPEN, world["coordinator"])  # a reason is required
    assert snapshot(tip) == before

    TipReport.objects.filter(pk=tip.pk).update(resolve_escalated_at=tip.created_at)
    tip = perform(tip.pk, Action.REOPEN, world["coordinator"], note="家属又来电")
    assert tip.status == Status.ACKNOWLEDGED
    assert tip.outcome == "" and tip.close_reason == "" and tip.finished_at is None
    assert tip.resolve_escalated_at is None
    assert tip.resolve_due_at > tip.created_at
