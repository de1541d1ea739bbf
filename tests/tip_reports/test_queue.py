"""The station queue in the admin: the listing (columns, filters, search, order, a fixed number
of queries), the detail page (no contact until the audited "show contact", photo headers,
escaping), the journey received → resolved through the URLs, refused actions, the coordinator's
transfer with its notification, the spreadsheet export and the dashboard panel."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from openpyxl import load_workbook

from stations.models import Area, Station
from tests.tip_reports.delivery_fixtures import PERSONAL_DATA, REPORTER_NAME, REPORTER_PHONE
from tests.tip_reports.queue_fixtures import (
    HOME,
    INDEX,
    RESULTS,
    act_url,
    admin_client,
    inspect_url,
    new_tip,
    queue_people,
)
from tip_reports import sla, workflow
from tip_reports.admin_views import age_text, neutralise
from tip_reports.models import Delivery, TipEvent, TipLogEntry, TipReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return queue_people()


ZH = "zh-hans"


def listed(response) -> list[str]:
    return [tip.reference for tip in response.context["object_list"]]


def zh(text) -> str:
    with translation.override(ZH):
        return str(text)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def make_overdue(tip):
    past = timezone.now() - timedelta(minutes=5)
    TipReport.objects.filter(pk=tip.pk).update(acknowledge_due_at=past, resolve_due_at=past)


# --- listing ---------------------------------------------------------------------------------


def test_the_list_shows_the_queue_columns(people):
    tip = new_tip("450102", urgency=TipReport.Urgency.URGENT)
    make_overdue(tip)
    client = admin_client(people["nanning_staff"])
    html = client.get(INDEX).content.decode()
    assert inspect_url(tip) in html  # the reference links to the detail
    assert tip.reference in html
    assert "南宁市兴宁区" in html
    assert zh(TipReport.Category.ELDERLY_LOST.label) in html
    assert zh(TipReport.Status.RECEIVED.label) in html
    # The SLA state is spelt out, not only coloured; urgent tips are marked.
    assert "guitu-tag--overdue" in html
    assert zh(sla.SLA_LABELS[sla.SLAState.OVERDUE]) in html
    assert "guitu-tag--urgent" in html
    # The age of the tip.
    with translation.override(ZH):
        assert age_text(tip.created_at) in html


def test_age_is_coarse():
    now = timezone.now()
    with translation.override("en"):
        assert age_text(now - timedelta(minutes=35), now) == "35 min"
        assert age_text(now - timedelta(hours=3, minutes=5), now) == "3 h"
        assert age_text(now - timedelta(days=3), now) == "3 d"


def test_urgent_then_overdue_first(people):
    normal_on_time = new_tip("450102")
    normal_overdue = new_tip("450102")
    urgent_on_time = new_tip("450102", urgency=TipReport.Urgency.URGENT)
    urgent_overdue = new_tip("450102", urgency=TipReport.Urgency.URGENT)
    make_overdue(normal_overdue)
    make_overdue(urgent_overdue)
    response = admin_client(people["nanning_staff"]).get(INDEX)
    assert listed(response) == [
        urgent_overdue.reference,
        urgent_on_time.reference,
        normal_overdue.reference,
        normal_on_time.reference,
    ]


def test_filters(people):
    staff = people["nanning_staff"]
    mine = new_tip("450102", category=TipReport.Category.MINOR)
    workflow.perform(mine.pk, "acknowledge", staff)
    colleague = new_tip("450102", urgency=TipReport.Urgency.URGENT)
    workflow.perform(colleague.pk, "assign", staff, assignee=people["nanning_colleague"])
    nobody = new_tip("450103")
    make_overdue(nobody)
    liuzhou = new_tip("450202")
    client = admin_client(staff)

    def refs(**params):
        return set(listed(client.get(RESULTS, params)))

    assert refs(status="acknowledged") == {mine.reference}
    assert refs(category="minor") == {mine.reference}
    assert refs(urgency="urgent") == {colleague.reference}
    assert refs(overdue="yes") == {nobody.reference}
    assert refs(overdue="no") == {mine.reference, colleague.reference}
    assert refs(assignee="me") == {mine.reference}
    assert refs(assignee="none") == {nobody.reference}
    assert refs(assignee=str(people["nanning_colleague"].pk)) == {colleague.reference}
    # Staff have no station filter: asking for 柳州 changes nothing.
    assert "station" not in client.get(INDEX).context["filters"].form.fields
    assert refs(station=str(people["liuzhou"].pk)) == {
        mine.reference,
        colleague.reference,
        nobody.reference,
    }
    coordinator = admin_client(people["coordinator"])
    response = coordinator.get(RESULTS, {"station": str(people["liuzhou"].pk)})
    assert set(listed(response)) == {liuzhou.reference}


def test_a_column_can_reorder_and_bad_filter_values_are_harmless(people):
    first = new_tip("450102", urgency=TipReport.Urgency.URGENT)
    second = new_tip("450102")
    TipReport.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client = admin_client(people["nanning_staff"])
    assert listed(client.get(RESULTS, {"ordering": "-created_at"})) == [
        second.reference,
        first.reference,
    ]
    response = client.get(RESULTS, {"assignee": "999999", "overdue": "maybe", "status": "x"})
    assert response.status_code == 200
    assert set(listed(response)) == {first.reference, second.reference}


def test_search_by_part_of_the_reference(people):
    tip = new_tip("450102")
    other = new_tip("450102")
    part = tip.reference[2:7].lower()
    response = admin_client(people["nanning_staff"]).get(RESULTS, {"q": part})
    assert tip.reference in listed(response)
    if part.upper() not in other.reference:
        assert other.reference not in listed(response)


def _fill(count, people):
    tips = [new_tip(code) for code in ["450102", "450103", "450202"] * (count // 3)]
    # Some acknowledged and assigned, so assignee and deadlines vary.
    for tip in tips[::2]:
        if tip.station_id == people["nanning"].pk:
            workflow.perform(tip.pk, "acknowledge", people["nanning_staff"])
    return tips


def test_the_list_takes_the_same_number_of_queries_for_3_and_15_tips(people):
    client = admin_client(people["coordinator"])
    _fill(3, people)
    client.get(INDEX)  # warm caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(INDEX)
    assert len(response.context["object_list"]) == 3
    _fill(12, people)
    with CaptureQueriesContext(connection) as many:
        response = client.get(INDEX)
    assert len(response.context["object_list"]) == 15
    assert len(many) == len(few)


# --- detail ----------------------------------------------------------------------------------


def test_the_detail_hides_the_contact_until_shown_and_each_showing_is_audited(people):
    tip = new_tip("450102")
    client = admin_client(people["nanning_staff"])
    html = client.get(inspect_url(tip)).content.decode()
    assert REPORTER_NAME not in html and REPORTER_PHONE not in html
    assert tip.secret_code_hash not in html
    contact_url = reverse("tips:contact", args=[tip.pk])
    assert contact_url in html
    # GET does not reveal anything.
    assert client.get(contact_url).status_code == 405
    for times in (1, 2):
        response = client.post(contact_url)
        assert response.status_code == 200
        html = response.content.decode()
        assert REPORTER_NAME in html and REPORTER_PHONE in html
        assert {"private", "no-store"} <= cache_control(response)
        assert tip.events.filter(kind=TipEvent.Kind.CONTACT_VIEWED).count() == times
        assert (
            TipLogEntry.objects.filter(tip=tip, action=workflow.CONTACT_VIEWED_LOG_ACTION).count()
            == times
        )
    event = tip.events.filter(kind=TipEvent.Kind.CONTACT_VIEWED).last()
    assert event.actor == people["nanning_staff"]
    # The next plain view hides it again (nothing kept in the session).
    html = client.get(inspect_url(tip)).content.decode()
    assert REPORTER_NAME not in html


def test_the_contact_needs_its_own_permission(people):
    from django.contrib.auth.models import Permission

    tip = new_tip("450102")
    staff = people["nanning_staff"]
    staff.groups.clear()
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_tipreport", "change_tipreport"]
        )
    )
    client = admin_client(staff)
    assert client.get(inspect_url(tip)).status_code == 200
    response = client.post(reverse("tips:contact", args=[tip.pk]))
    assert response.status_code in (302, 403)
    assert REPORTER_NAME not in response.content.decode()
    assert not tip.events.filter(kind=TipEvent.Kind.CONTACT_VIEWED).exists()


def test_the_photo_is_streamed_privately(people):
    tip = new_tip("450102", photo=True)
    client = admin_client(people["nanning_staff"])
    url = reverse("tips:photo", args=[tip.pk])
    assert url in client.get(inspect_url(tip)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= cache_control(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    without = new_tip("450102")
    assert client.get(reverse("tips:photo", args=[without.pk])).status_code == 404


def test_each_opening_of_the_photo_is_audited_like_the_contact(people):
    tip = new_tip("450102", photo=True)
    staff = people["nanning_staff"]
    client = admin_client(staff)
    url = reverse("tips:photo", args=[tip.pk])
    # The detail page links the photo but does not load it: viewing a tip is not viewing it.
    html = client.get(inspect_url(tip)).content.decode()
    assert f'href="{url}"' in html and f'src="{url}"' not in html
    assert not tip.events.filter(kind=TipEvent.Kind.PHOTO_VIEWED).exists()
    for times in (1, 2):
        assert client.get(url).status_code == 200
        assert tip.events.filter(kind=TipEvent.Kind.PHOTO_VIEWED).count() == times
        assert (
            TipLogEntry.objects.filter(tip=tip, action=workflow.PHOTO_VIEWED_LOG_ACTION).count()
            == times
        )
    event = tip.events.filter(kind=TipEvent.Kind.PHOTO_VIEWED).last()
    assert (event.actor, event.station) == (staff, tip.station)
    entry = TipLogEntry.objects.filter(tip=tip, action=workflow.PHOTO_VIEWED_LOG_ACTION).last()
    assert entry.user == staff
    # Staff of another station are refused, and nothing is written for them.
    assert admin_client(people["liuzhou_staff"]).get(url).status_code in (302, 403, 404)
    assert tip.events.filter(kind=TipEvent.Kind.PHOTO_VIEWED).count() == 2


def test_the_detail_lists_every_field_the_timeline_and_the_deliveries(people):
    tip = new_tip("450102")
    Delivery.objects.filter(tip=tip).update(
        status=Delivery.Status.FAILED, attempts=6, last_error="SMTP 451 try later"
    )
    workflow.perform(tip.pk, "acknowledge", people["nanning_staff"], note="我去看看")
    html = admin_client(people["nanning_staff"]).get(inspect_url(tip)).content.decode()
    for text in ("火车站东广场第三根柱子旁", "深蓝色旧棉衣", "一位老人独自坐在长椅上发抖"):
        assert text in html
    assert "SMTP 451 try later" in html
    assert reverse("tips:resend", args=[tip.pk, tip.deliveries.get().pk]) in html
    assert "我去看看" in html and "南宁值班员" in html
    event = tip.events.get(kind=TipEvent.Kind.STATUS)
    assert timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M") in html
    assert f"{zh(TipReport.Status.RECEIVED.label)} → {zh(TipReport.Status.ACKNOWLEDGED.label)}" in (
        html
    )


def test_what_reporters_typed_is_escaped(people):
    script = "<script>alert(1)</script>"
    tip = new_tip("450102", description=script, place_text=script, clothing=script)
    html = admin_client(people["coordinator"]).get(inspect_url(tip)).content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_resend_starts_a_delivery_again_and_is_recorded(people):
    tip = new_tip("450102")
    delivery = tip.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, attempts=6)
    client = admin_client(people["nanning_staff"])
    response = client.post(reverse("tips:resend", args=[tip.pk, delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.attempts in (0, 1)
    assert tip.events.filter(kind=TipEvent.Kind.RESENT, actor=people["nanning_staff"]).exists()
    # A delivery of another tip through this tip's URL is a 404.
    other = new_tip("450102")
    url = reverse("tips:resend", args=[tip.pk, other.deliveries.get().pk])
    assert client.post(url).status_code == 404


# --- actions ---------------------------------------------------------------------------------


def test_nanning_staff_take_a_tip_from_received_to_resolved(people):
    tip = new_tip("450102")
    staff = people["nanning_staff"]
    client = admin_client(staff)
    html = client.get(inspect_url(tip)).content.decode()
    assert act_url(tip, "acknowledge") in html
    assert act_url(tip, "resolve") not in html  # not offered while received
    assert act_url(tip, "reopen") not in html  # coordinators only

    response = client.post(act_url(tip, "acknowledge"), {"acknowledge-note": "收到"})
    assert response.status_code == 302 and response["Location"] == inspect_url(tip)
    tip.refresh_from_db()
    assert tip.status == TipReport.Status.ACKNOWLEDGED and tip.assignee == staff

    response = client.post(act_url(tip, "dispatch"), {"dispatch-note": "两名队员出发"})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == TipReport.Status.DISPATCHED

    response = client.post(
        act_url(tip, "resolve"), {"resolve-outcome": "admitted", "resolve-note": "已入站"}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == TipReport.Status.RESOLVED
    assert tip.outcome == TipReport.Outcome.ADMITTED
    kinds = list(tip.events.values_list("to_status", flat=True))
    assert kinds[-3:] == ["acknowledged", "dispatched", "resolved"]
    actions = set(TipLogEntry.objects.filter(tip=tip).values_list("action", flat=True))
    assert {"guitu.tip.acknowledge", "guitu.tip.dispatch", "guitu.tip.resolve"} <= actions
    # The success message is shown after the redirect.
    assert tip.reference in client.get(inspect_url(tip)).content.decode()


def test_assign_to_a_colleague_or_to_me(people):
    tip = new_tip("450102")
    client = admin_client(people["nanning_staff"])
    html = client.get(inspect_url(tip)).content.decode()
    assert 'name="assign-assignee"' in html
    response = client.post(
        act_url(tip, "assign"), {"assign-assignee": str(people["nanning_colleague"].pk)}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.assignee == people["nanning_colleague"]
    # Someone from another station cannot be chosen.
    response = client.post(
        act_url(tip, "assign"), {"assign-assignee": str(people["liuzhou_staff"].pk)}
    )
    assert response.status_code == 400
    tip.refresh_from_db()
    assert tip.assignee == people["nanning_colleague"]


def test_an_action_that_is_not_offered_is_refused_and_changes_nothing(people):
    tip = new_tip("450102")
    client = admin_client(people["nanning_staff"])
    before = (tip.events.count(), TipLogEntry.objects.count())
    response = client.post(act_url(tip, "resolve"), {"resolve-outcome": "admitted"})
    assert response.status_code == 409
    assert {"private", "no-store"} <= cache_control(response)
    response = client.post(act_url(tip, "reopen"), {"reopen-note": "再看看"})
    assert response.status_code == 409
    assert client.post(act_url(tip, "fly-away")).status_code == 404
    tip.refresh_from_db()
    assert tip.status == TipReport.Status.RECEIVED
    assert (tip.events.count(), TipLogEntry.objects.count()) == before


def test_bad_parameters_are_a_400_with_the_form(people):
    tip = new_tip("450102")
    client = admin_client(people["nanning_staff"])
    client.post(act_url(tip, "acknowledge"))
    response = client.post(act_url(tip, "resolve"), {"resolve-outcome": "vanished"})
    assert response.status_code == 400
    response = client.post(act_url(tip, "close"), {"close-reason": "duplicate"})
    assert response.status_code == 400  # duplicates are marked with the original's reference
    tip.refresh_from_db()
    assert tip.status == TipReport.Status.ACKNOWLEDGED


def test_close_mark_duplicate_and_reopen(people):
    original = new_tip("450102")
    duplicate = new_tip("450102")
    other = new_tip("450102")
    client = admin_client(people["nanning_staff"])
    response = client.post(
        act_url(duplicate, "duplicate"), {"duplicate-original": original.reference.lower()}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert duplicate.close_reason == TipReport.CloseReason.DUPLICATE
    response = client.post(act_url(other, "close"), {"close-reason": "spam"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == TipReport.Status.CLOSED
    # Reopening is for coordinators, with a reason.
    assert client.post(act_url(other, "reopen"), {"reopen-note": "x"}).status_code == 409
    coordinator = admin_client(people["coordinator"])
    assert coordinator.post(act_url(other, "reopen")).status_code == 400
    assert coordinator.post(act_url(other, "reopen"), {"reopen-note": "误判"}).status_code == 302
    other.refresh_from_db()
    assert other.status == TipReport.Status.ACKNOWLEDGED


def test_the_coordinator_transfers_a_nanning_tip_to_liuzhou(
    people, django_capture_on_commit_callbacks
):
    tip = new_tip("450102")
    coordinator = admin_client(people["coordinator"])
    html = coordinator.get(inspect_url(tip)).content.decode()
    assert 'name="transfer-station"' in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            act_url(tip, "transfer"),
            {"transfer-station": str(people["liuzhou"].pk), "transfer-note": "人已到柳州"},
        )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.station == people["liuzhou"] and tip.status == TipReport.Status.RECEIVED
    assert Delivery.objects.filter(tip=tip, station=people["liuzhou"]).exists()
    assert any(people["liuzhou"].email in message.to for message in mail.outbox)
    assert tip.events.filter(kind=TipEvent.Kind.TRANSFERRED).exists()
    assert admin_client(people["liuzhou_staff"]).get(inspect_url(tip)).status_code == 200
    assert admin_client(people["nanning_staff"]).get(inspect_url(tip)).status_code == 404


def test_a_transfer_needs_a_reason(people):
    tip = new_tip("450102")
    response = admin_client(people["coordinator"]).post(
        act_url(tip, "transfer"), {"transfer-station": str(people["liuzhou"].pk)}
    )
    assert response.status_code == 400
    tip.refresh_from_db()
    assert tip.station == people["nanning"]


# --- export ----------------------------------------------------------------------------------


def test_neutralise():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("南宁") == "南宁"
    assert neutralise(3) == 3
    assert neutralise(None) is None


def crafted_station() -> Station:
    return Station.objects.create(
        code="459901",
        name='=HYPERLINK("http://evil.invalid","x")',
        area=Area.objects.get(code="450100"),
        address="-",
        hotline="0771-09990010",
    )


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_the_csv_export_has_no_personal_data_and_neutralises_formulas(people):
    tip = new_tip("450102", photo=True)
    crafted = new_tip("450102", station=crafted_station())
    response = admin_client(people["coordinator"]).get(INDEX, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    body = "\n".join(",".join(row) for row in rows)
    for personal in PERSONAL_DATA:
        assert personal not in body
    assert "tips/" not in body  # no photo path
    assert len(rows[0]) == 12
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {tip.reference, crafted.reference}
    assert by_ref[crafted.reference][4] == "'" + crafted.station.name
    assert by_ref[tip.reference][3] == "南宁市兴宁区"


def test_the_xlsx_export_has_the_same_rows(people):
    new_tip("450102")
    crafted = new_tip("450102", station=crafted_station())
    client = admin_client(people["coordinator"])
    rows = csv_rows(client.get(INDEX, {"export": "csv"}))
    response = client.get(INDEX, {"export": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    xlsx_rows = [
        [
            ""
            if cell is None
            else cell.strftime("%Y-%m-%d %H:%M")
            if hasattr(cell, "hour")
            else str(cell)
            for cell in row
        ]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows == rows
    station_cells = [row[4] for row in xlsx_rows]
    assert "'" + crafted.station.name in station_cells


def test_the_export_follows_the_filters_and_the_users_stations(people):
    nanning = new_tip("450102", urgency=TipReport.Urgency.URGENT)
    new_tip("450102")
    liuzhou = new_tip("450202", urgency=TipReport.Urgency.URGENT)
    rows = csv_rows(
        admin_client(people["nanning_staff"]).get(INDEX, {"export": "csv", "urgency": "urgent"})
    )
    assert [row[0] for row in rows[1:]] == [nanning.reference]
    assert liuzhou.reference not in str(rows)


# --- dashboard -------------------------------------------------------------------------------


def test_the_dashboard_panel_counts_my_stations_open_tips(people):
    oldest = new_tip("450102")
    TipReport.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=3))
    make_overdue(oldest)
    acknowledged = new_tip("450103")
    workflow.perform(acknowledged.pk, "acknowledge", people["nanning_staff"])
    liuzhou = new_tip("450202")
    response = admin_client(people["nanning_staff"]).get(HOME)
    html = response.content.decode()
    assert "tip-queue-heading" in html
    assert oldest.reference in html and inspect_url(oldest) in html
    assert liuzhou.reference not in html
    panel = html.split("tip-queue-heading", 1)[1].split("</section>", 1)[0]
    assert "?overdue=yes" in panel
    coordinator_html = admin_client(people["coordinator"]).get(HOME).content.decode()
    assert "tip-queue-heading" in coordinator_html
    assert oldest.reference in coordinator_html  # the oldest of all stations


def test_the_dashboard_panel_takes_a_fixed_number_of_queries(people):
    client = admin_client(people["coordinator"])
    _fill(3, people)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    _fill(12, people)
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)
    assert len(many) == len(few)


def test_no_panel_for_users_without_the_queue(people):
    new_tip("450102")
    html = admin_client(people["editor"]).get(HOME).content.decode()
    assert "tip-queue-heading" not in html
