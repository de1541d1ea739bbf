"""The station queue's state machine (docs/architecture.md §5).

    received → acknowledged → dispatched → resolved(outcome)
    any open state → closed(reason) | transferred (back to received at the new station)
    resolved/closed → reopened (coordinators) → acknowledged

Every action goes through ``perform``: it locks the tip, checks that the user may see it and
that the action is legal from its current state, applies it, and writes a TipEvent and a
Wagtail log entry with the actor. The admin offers only ``available_actions``; the server
rejects anything else with ``TransitionError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.log_actions import log

from stations.models import Station

from .access import sees_all_tips, tips_visible_to
from .delivery import notify_station
from .models import TipEvent, TipReport, TipSettings

Status = TipReport.Status
OPEN = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.DISPATCHED})
FINISHED = frozenset({Status.RESOLVED, Status.CLOSED})
WORK_PERMISSION = "tip_reports.change_tipreport"


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    DISPATCH = "dispatch"
    RESOLVE = "resolve"
    CLOSE = "close"
    TRANSFER = "transfer"
    MARK_DUPLICATE = "duplicate"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Rule:
    label: object
    from_states: frozenset
    coordinators_only: bool = False


RULES: dict[Action, Rule] = {
    Action.ACKNOWLEDGE: Rule(gettext_lazy("Acknowledge"), frozenset({Status.RECEIVED})),
    Action.ASSIGN: Rule(gettext_lazy("Assign"), OPEN),
    Action.DISPATCH: Rule(gettext_lazy("Dispatch outreach"), frozenset({Status.ACKNOWLEDGED})),
    Action.RESOLVE: Rule(
        gettext_lazy("Resolve"), frozenset({Status.ACKNOWLEDGED, Status.DISPATCHED})
    ),
    Action.CLOSE: Rule(gettext_lazy("Close"), OPEN),
    Action.TRANSFER: Rule(gettext_lazy("Transfer to another station"), OPEN),
    Action.MARK_DUPLICATE: Rule(gettext_lazy("Mark as duplicate"), OPEN),
    Action.REOPEN: Rule(gettext_lazy("Reopen"), FINISHED, coordinators_only=True),
}

LOG_ACTIONS = {
    Action.ACKNOWLEDGE: (gettext_lazy("Acknowledge tip"), gettext_lazy("Tip acknowledged")),
    Action.ASSIGN: (gettext_lazy("Assign tip"), gettext_lazy("Tip assigned")),
    Action.DISPATCH: (gettext_lazy("Dispatch outreach"), gettext_lazy("Outreach dispatched")),
    Action.RESOLVE: (gettext_lazy("Resolve tip"), gettext_lazy("Tip resolved")),
    Action.CLOSE: (gettext_lazy("Close tip"), gettext_lazy("Tip closed")),
    Action.TRANSFER: (gettext_lazy("Transfer tip"), gettext_lazy("Tip transferred")),
    Action.MARK_DUPLICATE: (
        gettext_lazy("Mark tip as duplicate"),
        gettext_lazy("Tip marked as duplicate"),
    ),
    Action.REOPEN: (gettext_lazy("Reopen tip"), gettext_lazy("Tip reopened")),
}
CONTACT_VIEWED_LOG_ACTION = "guitu.tip.contact_viewed"
PHOTO_VIEWED_LOG_ACTION = "guitu.tip.photo_viewed"


def log_action_name(action: Action) -> str:
    return f"guitu.tip.{action.value}"


class TransitionError(Exception):
    """An action that is not allowed: its message is for the user, already translated."""


def can_work(user, tip: TipReport) -> bool:
    return user.has_perm(WORK_PERMISSION) and tips_visible_to(user).filter(pk=tip.pk).exists()


def available_actions(user, tip: TipReport) -> list[Action]:
    """The actions the screen offers this user for this tip, in a sensible order."""
    if not can_work(user, tip):
        return []
    coordinator = sees_all_tips(user)
    return [
        action
        for action, rule in RULES.items()
        if tip.status in rule.from_states and (coordinator or not rule.coordinators_only)
    ]


def colleagues(tip: TipReport):
    """Users who may be assigned the tip: active members of its station."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            station_memberships__station=tip.station_id,
        )
        .distinct()
        .order_by("username")
    )


def perform(tip_id: int, action: Action | str, user, **params) -> TipReport:
    """Apply ``action`` to the tip as ``user``. Raises TransitionError (nothing changed) when
    the user may not, the action is not legal from the tip's state, or a parameter is wrong."""
    try:
        action = Action(action)
    except ValueError as exc:
        raise TransitionError(_("Unknown action.")) from exc
    with transaction.atomic():
        tip = tips_visible_to(user, TipReport.objects.select_for_update()).filter(pk=tip_id).first()
        if tip is None or not user.has_perm(WORK_PERMISSION):
            raise TransitionError(_("You cannot work on this tip."))
        if action not in available_actions(user, tip):
            raise TransitionError(
                _("“%(action)s” is not possible while the tip is “%(status)s”.")
                % {"action": RULES[action].label, "status": tip.get_status_display()}
            )
        before = tip.status
        event = HANDLERS[action](tip, user, now=timezone.now(), **params)
        tip.save()
        TipEvent.objects.create(
            tip=tip,
            actor=user,
            from_status=before,
            to_status=tip.status,
            station=tip.station,
            **event,
        )
        log(
            instance=tip,
            action=log_action_name(action),
            user=user,
            data={"from": before, "to": tip.status, "note": event.get("note", "")},
        )
    return tip


def _note(params) -> str:
    note = (params.get("note") or "").strip()
    if len(note) > 1000:
        raise TransitionError(_("The note may have at most 1000 characters."))
    return note


def _acknowledge(tip, user, now, **params):
    tip.status = Status.ACKNOWLEDGED
    tip.acknowledged_at = now
    if tip.assignee_id is None:
        tip.assignee = user
    return {"kind": TipEvent.Kind.STATUS, "note": _note(params)}


def _assign(tip, user, now, assignee=None, **params):
    if assignee is None:
        raise TransitionError(_("Choose who should handle the tip."))
    if not colleagues(tip).filter(pk=getattr(assignee, "pk", assignee)).exists():
        raise TransitionError(_("Tips can only be assigned to staff of the tip's station."))
    tip.assignee_id = getattr(assignee, "pk", assignee)
    assignee_user = colleagues(tip).get(pk=tip.assignee_id)
    return {
        "kind": TipEvent.Kind.ASSIGNED,
        "note": _("Assigned to %(name)s")
        % {"name": assignee_user.get_full_name() or assignee_user.get_username()},
    }


def _dispatch(tip, user, now, **params):
    tip.status = Status.DISPATCHED
    return {"kind": TipEvent.Kind.STATUS, "note": _note(params)}


def _resolve(tip, user, now, outcome="", **params):
    if outcome not in TipReport.Outcome.values:
        raise TransitionError(_("Choose the outcome."))
    tip.status = Status.RESOLVED
    tip.outcome = outcome
    tip.finished_at = now
    return {
        "kind": TipEvent.Kind.STATUS,
        "note": "\n".join(filter(None, [str(TipReport.Outcome(outcome).label), _note(params)])),
    }


def _close(tip, user, now, reason="", **params):
    if reason not in TipReport.CloseReason.values:
        raise TransitionError(_("Choose the reason for closing."))
    if reason == TipReport.CloseReason.DUPLICATE:
        raise TransitionError(_("Use “Mark as duplicate” to name the original tip."))
    tip.status = Status.CLOSED
    tip.close_reason = reason
    tip.finished_at = now
    return {
        "kind": TipEvent.Kind.STATUS,
        "note": "\n".join(filter(None, [str(TipReport.CloseReason(reason).label), _note(params)])),
    }


def _mark_duplicate(tip, user, now, original=None, **params):
    reference = (getattr(original, "reference", original) or "").strip().upper()
    found = tips_visible_to(user).filter(reference=reference).exclude(pk=tip.pk).first()
    if found is None:
        raise TransitionError(_("No other tip you can see has that reference number."))
    if found.duplicate_of_id == tip.pk:
        raise TransitionError(_("That tip is already a duplicate of this one."))
    tip.status = Status.CLOSED
    tip.close_reason = TipReport.CloseReason.DUPLICATE
    tip.duplicate_of = found
    tip.finished_at = now
    return {
        "kind": TipEvent.Kind.DUPLICATE,
        "note": "\n".join(
            filter(None, [_("Duplicate of %(ref)s") % {"ref": found.reference}, _note(params)])
        ),
    }


def _transfer(tip, user, now, station=None, **params):
    reason = _note(params)
    if not reason:
        raise TransitionError(_("Give a reason for the transfer."))
    target = Station.objects.active().filter(pk=getattr(station, "pk", station)).first()
    if target is None:
        raise TransitionError(_("Choose an active station."))
    if target.pk == tip.station_id:
        raise TransitionError(_("The tip is already at that station."))
    previous = tip.station
    targets = TipSettings.load()
    tip.station = target
    tip.status = Status.RECEIVED
    tip.assignee = None
    tip.acknowledged_at = None
    tip.acknowledge_due_at = now + targets.acknowledge_within(tip.category, tip.urgency)
    tip.resolve_due_at = now + targets.resolve_within()
    tip.acknowledge_escalated_at = None
    tip.resolve_escalated_at = None
    notify_station(tip, target, now)
    return {
        "kind": TipEvent.Kind.TRANSFERRED,
        "note": _("From %(old)s to %(new)s: %(reason)s")
        % {"old": previous.name if previous else "—", "new": target.name, "reason": reason},
    }


def _reopen(tip, user, now, **params):
    reason = _note(params)
    if not reason:
        raise TransitionError(_("Give a reason for reopening."))
    tip.status = Status.ACKNOWLEDGED
    tip.outcome = ""
    tip.close_reason = ""
    tip.duplicate_of = None
    tip.finished_at = None
    tip.resolve_due_at = now + TipSettings.load().resolve_within()
    tip.resolve_escalated_at = None
    return {"kind": TipEvent.Kind.STATUS, "note": reason}


HANDLERS = {
    Action.ACKNOWLEDGE: _acknowledge,
    Action.ASSIGN: _assign,
    Action.DISPATCH: _dispatch,
    Action.RESOLVE: _resolve,
    Action.CLOSE: _close,
    Action.TRANSFER: _transfer,
    Action.MARK_DUPLICATE: _mark_duplicate,
    Action.REOPEN: _reopen,
}
