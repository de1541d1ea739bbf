"""Where tips go is audited: every change to a station's delivery addresses, jurisdiction,
activity or duty-desk flag — and every station created or deleted — is written to Wagtail's
audit log (action ``guitu.station.routing_changed``) and announced to the coordinators by email,
so that a redirected alert or a stolen county is seen by the people responsible for routing.

The admin views (stations/views.py) take a snapshot before the form is validated and compare it
with the saved station. Secrets are never written anywhere: a changed webhook secret is logged
as "changed". Addresses are shown by host only in the email.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from .access import coordinator_emails

logger = logging.getLogger(__name__)

ROUTING_CHANGED = "guitu.station.routing_changed"
# What decides where a tip goes and who is told about it.
ROUTING_FIELDS = (
    "code",
    "area",
    "is_active",
    "is_fallback",
    "email",
    "webhook_url",
    "webhook_secret",
    "latitude",
    "longitude",
)
SECRET_FIELDS = frozenset({"webhook_secret"})


def snapshot(station) -> dict:
    """The routing-relevant state of a saved station (empty for a station not yet saved)."""
    if station is None or station.pk is None:
        return {}
    state = {}
    for name in ROUTING_FIELDS:
        value = getattr(station, name if name != "area" else "area_id")
        state[name] = "" if value is None else str(value)
    if station.area_id:
        state["area"] = station.area.code
    state["jurisdiction"] = sorted(station.jurisdiction.values_list("code", flat=True))
    return state


def changes(before: dict, after: dict) -> dict:
    """Field → change, secrets reduced to "changed"; {} when nothing that routes changed."""
    found = {}
    for name in (*ROUTING_FIELDS, "jurisdiction"):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in SECRET_FIELDS:
            found[name] = "changed"
        elif name == "jurisdiction":
            old_set, new_set = set(old or []), set(new or [])
            found[name] = {
                "added": sorted(new_set - old_set),
                "removed": sorted(old_set - new_set),
            }
        else:
            found[name] = [old if old is not None else "", new if new is not None else ""]
    return found


def record(station, user, before: dict, after: dict, *, event: str) -> dict:
    """Log and announce a routing change (``event``: created, changed or deleted). Call inside
    the saving transaction; the email goes after commit."""
    found = changes(before, after)
    if event == "changed" and not found:
        return found
    log(
        instance=station,
        action=ROUTING_CHANGED,
        user=user,
        data={"event": event, "changes": found},
    )
    summary = {
        "station": f"{station.name} ({station.code})",
        "event": event,
        "user": getattr(user, "get_username", lambda: "")() if user else "",
        "changes": found,
    }
    transaction.on_commit(lambda: _enqueue(summary))
    return found


def _enqueue(summary: dict) -> None:
    from .tasks import announce_routing_change

    try:
        announce_routing_change.enqueue(summary)
    except Exception:
        # The audit log entry is already committed; a lost email is logged, not raised.
        logger.exception("Could not queue the routing-change announcement")


def _shown(name: str, value) -> str:
    if name in ("email",):
        return value or "—"
    if name == "webhook_url":
        parts = urlsplit(value or "")
        return f"{parts.scheme}://{parts.hostname}/…" if parts.hostname else "—"
    return value if value not in (None, "") else "—"


def describe(summary: dict) -> str:
    """The announcement's body, in the site's default language."""
    labels = {
        "code": _("station code"),
        "area": _("located in (division code)"),
        "is_active": _("active"),
        "is_fallback": _("provincial duty desk"),
        "email": _("notification email"),
        "webhook_url": _("webhook address"),
        "webhook_secret": _("webhook signing secret"),
        "latitude": _("latitude"),
        "longitude": _("longitude"),
        "jurisdiction": _("areas served"),
    }
    events = {
        "created": _("A station was created."),
        "changed": _("Where tips go was changed for a station."),
        "deleted": _("A station was deleted."),
    }
    lines = [
        str(events.get(summary["event"], summary["event"])),
        _("Station: %(station)s") % {"station": summary["station"]},
        _("Changed by: %(user)s") % {"user": summary["user"] or "—"},
        "",
    ]
    for name, change in summary["changes"].items():
        label = labels.get(name, name)
        if change == "changed":
            lines.append(_("%(field)s: changed (not shown)") % {"field": label})
        elif isinstance(change, dict):
            lines.append(
                _("%(field)s: added %(added)s; removed %(removed)s")
                % {
                    "field": label,
                    "added": ", ".join(change["added"]) or "—",
                    "removed": ", ".join(change["removed"]) or "—",
                }
            )
        else:
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": label,
                    "old": _shown(name, change[0]),
                    "new": _shown(name, change[1]),
                }
            )
    lines += [
        "",
        _(
            "If you did not expect this change, check the station in the admin and its "
            "history at once: tip alerts may be going to the wrong place."
        ),
    ]
    return "\n".join(str(line) for line in lines) + "\n"


def send_announcement(summary: dict) -> int:
    recipients = coordinator_emails()
    if not recipients:
        logger.warning("A station's routing changed and no coordinator has an email address")
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Tip routing changed: %(station)s") % {"station": summary["station"]}
        body = describe(summary)
    return EmailMessage(
        subject=settings.EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
    ).send()
