"""Purge completeness (issue 16 item 5): nothing a person typed survives the retention purge.

Every concrete field of the models that hold a tip, its timeline, its log entries, its
notifications and an open-day registration is classified below as TYPED (what a member of the
public or a staff member wrote: blanked by the purge) or KEPT (what figures and the audit need,
never typed text). A new field that is not classified fails ``test_every_field_is_classified``:
whoever adds it decides, here, whether the purge must blank it.

The end-to-end test then types a recognisable marker into every text input of the real public
forms (the tip form, the "I may know this person" lead form, the open-day registration form)
and into the notes of the staff's actions in the admin, proves each marker is stored, runs the
real purges, prints every stored field of the purged rows with its value, and asserts that no
marker survives anywhere in them, nor in the Wagtail log entries about those objects.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

import pytest

from events.forms import RegistrationForm
from events.models import EventIndexPage, Registration
from events.tasks import purge_registrations
from notices.forms import LeadForm
from notices.models import NoticeIndexPage
from portal.roles import COORDINATORS, STATION_STAFF, ensure_groups
from stations.models import Area, Station
from tests.events.factories import csrf_post as event_csrf_post
from tests.events.factories import make_campaign, register_url
from tests.factories import publish_child
from tests.notices.factories import make_notice
from tests.tip_reports.queue_fixtures import act_url, admin_client
from tests.tip_reports.queue_people import make_user
from tip_reports.forms import TipForm
from tip_reports.models import Delivery, TipEvent, TipLogEntry, TipReport
from tip_reports.retention import purge_personal_data
from tip_reports.workflow import Action

pytestmark = pytest.mark.django_db

TYPED, KEPT = "typed by a person: blanked", "kept for figures and the audit"
# A TipEvent's note is typed unless the portal writes it from fixed texts (see KINDS).
NOTE_BY_KIND = "typed unless the kind is in TipEvent.PORTAL_NOTE_KINDS"
# A log entry's data keeps statuses, ids and figures; any text in it is blanked.
LOG_DATA = "typed where it is text outside retention.LOG_DATA_KEPT"

FIELDS = {
    TipReport: {
        "id": KEPT,
        "reference": KEPT,
        "secret_code_hash": KEPT,
        "category": KEPT,
        "urgency": KEPT,
        "area": KEPT,
        "place_text": TYPED,
        "latitude": TYPED,  # from the reporter's device: where they stood
        "longitude": TYPED,
        "seen_at": KEPT,
        "person_sex": KEPT,
        "person_age": KEPT,
        "clothing": TYPED,
        "appearance": TYPED,
        "description": TYPED,
        "photo": TYPED,
        "reporter_name": TYPED,
        "reporter_phone": TYPED,
        "reporter_relationship": TYPED,
        "consent_forwarding": KEPT,
        "captcha_status": KEPT,
        "station": KEPT,
        "status": KEPT,
        "assignee": KEPT,
        "acknowledge_due_at": KEPT,
        "resolve_due_at": KEPT,
        "public_message": TYPED,
        "related_notice": KEPT,
        "duplicate_of": KEPT,
        "created_at": KEPT,
        "updated_at": KEPT,
        "outcome": KEPT,
        "close_reason": KEPT,
        "acknowledged_at": KEPT,
        "finished_at": KEPT,
        "acknowledge_escalated_at": KEPT,
        "resolve_escalated_at": KEPT,
        "personal_data_purged_at": KEPT,
    },
    TipEvent: {
        "id": KEPT,
        "tip": KEPT,
        "kind": KEPT,
        "actor": KEPT,
        "from_status": KEPT,
        "to_status": KEPT,
        "station": KEPT,
        "note": NOTE_BY_KIND,
        "created_at": KEPT,
    },
    TipLogEntry: {
        "id": KEPT,
        "content_type": KEPT,
        "label": KEPT,  # str(tip): its reference number
        "action": KEPT,
        "data": LOG_DATA,
        "timestamp": KEPT,
        "uuid": KEPT,
        "user": KEPT,
        "revision": KEPT,
        "content_changed": KEPT,
        "deleted": KEPT,
        "tip": KEPT,
    },
    Delivery: {
        "id": KEPT,
        "tip": KEPT,
        "station": KEPT,
        "channel": KEPT,
        "idempotency_key": KEPT,
        "status": KEPT,
        "attempts": KEPT,
        "next_attempt_at": KEPT,
        "last_error": KEPT,  # the mail server's or webhook receiver's answer
        "delivered_at": KEPT,
        "created_at": KEPT,
    },
    Registration: {
        "id": KEPT,
        "venue": KEPT,
        "status": KEPT,
        "party_size": KEPT,
        "name": TYPED,
        "phone": TYPED,
        "email": TYPED,
        "language": KEPT,
        "token_hash": KEPT,
        "created_at": KEPT,
        "consented_at": KEPT,
        "promoted_at": KEPT,
        "cancelled_at": KEPT,
        "reminder_sent_at": KEPT,
        "notified_sequence": KEPT,
        "purged_at": KEPT,
    },
}

K = TipEvent.Kind
# Whose words a timeline note holds, for every kind of timeline entry.
KINDS = {
    K.RECEIVED: "portal",  # urgency, captcha and location notes, the notice of a lead
    K.ROUTED: "portal",
    K.STATUS: "typed",
    K.DELIVERY_FAILED: "portal",
    K.NOTE: "typed",
    K.ASSIGNED: "portal",
    K.TRANSFERRED: "typed",
    K.DUPLICATE: "typed",
    K.CONTACT_VIEWED: "portal",
    K.PHOTO_VIEWED: "portal",
    K.RESENT: "portal",
    K.ESCALATED: "portal",
    K.PURGED: "portal",
}

# The text inputs of each public form and what is typed into them. Every input a person types
# into must be here: a new one fails test_every_text_input_gets_a_marker.
TIP_MARKERS = {
    "place_text": "TIPMARK-place 五星街",
    "clothing": "TIPMARK-clothing 蓝衣",
    "appearance": "TIPMARK-appearance 很瘦",
    "description": "TIPMARK-description 在长椅上",
    "reporter_name": "TIPMARK-name 张",
    "reporter_phone": "139 5555 0101",
    "latitude": "24.312171",
    "longitude": "109.411363",
}
LEAD_MARKERS = {
    "relationship": "LEADMARK-relationship 舅舅",
    "description": "LEADMARK-description 左手有疤",
    "reporter_name": "LEADMARK-name 王",
    "reporter_phone": "137 4444 0202",
}
REGISTRATION_MARKERS = {
    "name": "REGMARK-name 李",
    "phone": "136 3333 0303",
    "email": "regmark@example.com",
}
# Inputs that are not typed text: choices, dates, flags, a file, the robots' trap, a reading of
# the device's GPS accuracy (stored only as a number in a fixed note).
NOT_TYPED = {"category", "urgent", "area", "seen_at", "person_sex", "person_age", "photo"}
NOT_TYPED |= {"consent_forwarding", "website", "location_accuracy", "party_size", "consent"}
STAFF_NOTE = "STAFFMARK-{action} 家属电话"


PUBLIC_MESSAGE = "TIPMARK-public 已处理"


def markers() -> list[str]:
    values = [*TIP_MARKERS.values(), *LEAD_MARKERS.values(), *REGISTRATION_MARKERS.values()]
    values += [STAFF_NOTE.format(action=action) for action in Action if action != Action.ASSIGN]
    return [*values, PUBLIC_MESSAGE]


def variants(marker: str) -> set[str]:
    """A phone number is also looked for without its spaces (registrations store digits)."""
    return {marker, marker.replace(" ", "")}


def concrete_fields(model):
    return [field for field in model._meta.get_fields() if field.concrete]


def test_every_field_is_classified():
    for model, table in FIELDS.items():
        names = {field.name for field in concrete_fields(model)}
        assert names == set(table), (
            f"{model.__name__}: classify {sorted(names - set(table))} as TYPED or KEPT here "
            f"(and blank the TYPED ones in the purge); remove {sorted(set(table) - names)}"
        )


def test_every_timeline_kind_is_classified():
    assert set(KINDS) == set(K), f"classify {sorted(set(K) - set(KINDS))} in KINDS"
    portal = {kind for kind, whose in KINDS.items() if whose == "portal"}
    assert portal == TipEvent.PORTAL_NOTE_KINDS


@pytest.mark.parametrize(
    "form, typed",
    [(TipForm, TIP_MARKERS), (LeadForm, LEAD_MARKERS), (RegistrationForm, REGISTRATION_MARKERS)],
)
def test_every_text_input_gets_a_marker(form, typed):
    names = set(form().fields)
    assert names - NOT_TYPED == set(typed), "give the new input a marker here"


def dump(rows) -> list[tuple[str, object, str, str]]:
    """(model, pk, field, stored value) for every concrete field of every row."""
    out = []
    for row in rows:
        for field in concrete_fields(type(row)):
            value = field.value_from_object(row)
            out.append((type(row).__name__, row.pk, field.name, repr(value)))
    return out


def stored_rows(tips, registrations):
    tip_ids = [tip.pk for tip in tips]
    return [
        *TipReport.objects.filter(pk__in=tip_ids),
        *TipEvent.objects.filter(tip__in=tip_ids),
        *TipLogEntry.objects.filter(tip__in=tip_ids),
        *Delivery.objects.filter(tip__in=tip_ids),
        *Registration.objects.filter(pk__in=[r.pk for r in registrations]),
    ]


def survivors(rows) -> list[tuple]:
    found = []
    for model, pk, name, value in dump(rows):
        found += [
            (model, pk, name, marker)
            for marker in markers()
            if any(variant in value for variant in variants(marker))
        ]
    return found


@pytest.fixture
def world(report_page, home_page, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    ensure_groups()
    coordinator = make_user("coord", COORDINATORS)
    liuzhou = Station.objects.get(code="450200")
    make_user("lz-staff", STATION_STAFF, station=liuzhou)
    notices = publish_child(home_page, NoticeIndexPage(title="寻亲公告", slug="notices"))
    notice = make_notice(notices, station=liuzhou, found_area=Area.objects.get(code="450202"))
    events = publish_child(home_page, EventIndexPage(title="开放日", slug="events"))
    campaign = make_campaign(events, venues=[{"capacity": 3}])
    return {
        "coordinator": coordinator,
        "notice": notice,
        "campaign": campaign,
        "venue": campaign.venues.get(),
    }


def file_through_the_forms(world, tip_client, valid_post_data, make_image):
    """A tip and a lead through their public forms, a registration through its form."""
    before = set(TipReport.objects.values_list("pk", flat=True))
    tip_data = {**valid_post_data, **TIP_MARKERS, "location_accuracy": "17"}
    response = tip_client.post("/report/", {**tip_data, "photo": make_image()})
    assert response.status_code == 302, response.content.decode()[:2000]

    lead_client = Client(enforce_csrf_checks=True)
    lead_url = world["notice"].url + "lead/"
    lead_client.get(lead_url)
    lead = {**LEAD_MARKERS, "consent_forwarding": "on", "website": ""}
    lead["csrfmiddlewaretoken"] = lead_client.cookies["csrftoken"].value
    response = lead_client.post(lead_url, lead)
    assert response.status_code == 200 and "lead-thanks-title" in response.content.decode()

    tip, lead_tip = TipReport.objects.exclude(pk__in=before).order_by("pk")
    assert lead_tip.related_notice_id == world["notice"].pk

    browser = Client(enforce_csrf_checks=True)
    url = register_url(world["campaign"], world["venue"])
    form = {**REGISTRATION_MARKERS, "party_size": "1", "consent": "on", "website": ""}
    assert event_csrf_post(browser, url, form).status_code == 302
    return tip, lead_tip, Registration.objects.get()


def work_in_the_admin(world, tip, lead_tip):
    """Every staff action that takes a note, through the queue's own forms."""
    staff = admin_client(world["coordinator"])

    def act(target, action, **fields):
        data = {f"{action}-{name}": value for name, value in fields.items()}
        if action != Action.ASSIGN:
            data[f"{action}-note"] = STAFF_NOTE.format(action=action)
        response = staff.post(act_url(target, action), data)
        assert response.status_code == 302, response.content.decode()[:3000]

    assert staff.post(reverse("tips:contact", args=[tip.pk])).status_code == 200
    act(tip, Action.ACKNOWLEDGE)
    act(tip, Action.ASSIGN, assignee=User.objects.get(username="lz-staff").pk)
    act(tip, Action.DISPATCH)
    act(tip, Action.RESOLVE, outcome=TipReport.Outcome.ADMITTED)
    act(tip, Action.REOPEN)
    act(tip, Action.CLOSE, reason=TipReport.CloseReason.NOT_FOUND)
    act(lead_tip, Action.TRANSFER, station=Station.objects.get(code="450100").pk)
    act(lead_tip, Action.MARK_DUPLICATE, original=tip.reference)
    # No form sets the status page's message yet; the purge must blank it all the same.
    TipReport.objects.filter(pk=tip.pk).update(public_message=PUBLIC_MESSAGE)


def test_nothing_typed_survives_the_purges(world, tip_client, valid_post_data, make_image, capsys):
    tip, lead_tip, registration = file_through_the_forms(
        world, tip_client, valid_post_data, make_image
    )
    work_in_the_admin(world, tip, lead_tip)
    tips, registrations = [tip, lead_tip], [registration]

    # Every marker is stored somewhere before the purge: the test can fail.
    stored = {found[3] for found in survivors(stored_rows(tips, registrations))}
    assert stored == set(markers()), set(markers()) - stored
    assert TipReport.objects.get(pk=tip.pk).photo

    finished = TipReport.objects.filter(pk__in=[t.pk for t in tips])
    later = max(finished.values_list("finished_at", flat=True)) + timedelta(days=181)
    assert purge_personal_data(now=later).tips == 2
    assert purge_registrations(world["venue"].ends_at + timedelta(days=31)) == 1

    rows = stored_rows(tips, registrations)
    with capsys.disabled():
        print("\nStored after the purge:")
        for model, pk, name, value in dump(rows):
            print(f"  {model}[{pk}].{name} = {value}")
    assert not survivors(rows)
    for row in rows:
        for field in concrete_fields(type(row)):
            if FIELDS[type(row)][field.name] == TYPED:
                assert field.value_from_object(row) in ("", None), (row, field.name)
        if isinstance(row, TipEvent) and row.kind not in TipEvent.PORTAL_NOTE_KINDS:
            assert row.note == "", (row.kind, row.note)

    # Nor in any Wagtail log entry about the purged objects (the campaign's page included).
    from wagtail.models import PageLogEntry

    entries = [*TipLogEntry.objects.filter(tip__in=tips), *PageLogEntry.objects.all()]
    assert len(entries) >= 9  # the contact view, eight actions and the purge, at least
    for entry in entries:
        text = f"{entry.label} {entry.data}"
        assert not [m for m in markers() if variants(m) & {m for m in variants(m) if m in text}]


def test_the_migration_moves_old_relationship_notes_out_of_the_timeline(db):
    """Before the field existed, LeadForm wrote the relationship into the "received" note."""
    import importlib

    from django.apps import apps as current_apps
    from django.utils import timezone

    from tests.tip_reports.delivery_fixtures import file_tip, stations

    migration = importlib.import_module("tip_reports.migrations.0005_tip_reporter_relationship")
    stations()
    kept, purged = file_tip().tip, file_tip().tip
    TipReport.objects.filter(pk=purged.pk).update(personal_data_purged_at=timezone.now())
    for tip in (kept, purged):
        TipEvent.objects.filter(tip=tip, kind=K.RECEIVED).update(
            note="关于寻亲公告450200-2025-0001的线索。\n报告人与此人的关系：可能是\n我舅舅"
        )
    migration.move_relationships(current_apps, None)
    for tip in (kept, purged):
        note = TipEvent.objects.get(tip=tip, kind=K.RECEIVED).note
        assert note == "关于寻亲公告450200-2025-0001的线索。"
    assert TipReport.objects.get(pk=kept.pk).reporter_relationship == "可能是 我舅舅"
    assert TipReport.objects.get(pk=purged.pk).reporter_relationship == ""
