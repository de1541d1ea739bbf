"""Retention (issue 4 item 8, docs/architecture.md §5): the personal data of tips resolved or closed more
than the retention period ago is removed, photo files included, while the figures stay; an
audit entry is written; running it twice changes nothing more; a dry run changes nothing."""

import io
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

import pytest

from tests.tip_reports.delivery_fixtures import PERSONAL_DATA
from tests.tip_reports.queue_people import queue_world, tip_in
from tip_reports import tasks
from tip_reports.models import TipEvent, TipLogEntry, TipReport, TipSettings
from tip_reports.retention import PURGED_LOG_ACTION, purge_personal_data
from tip_reports.workflow import Action, perform

pytestmark = pytest.mark.django_db

Status = TipReport.Status
DAY = timedelta(days=1)
KEPT = (
    "reference",
    "category",
    "urgency",
    "area",
    "seen_at",
    "person_sex",
    "person_age",
    "station",
    "status",
    "assignee",
    "outcome",
    "close_reason",
    "created_at",
    "acknowledged_at",
    "finished_at",
    "acknowledge_due_at",
    "resolve_due_at",
    "consent_forwarding",
)


@pytest.fixture
def world(db):
    return queue_world()


@pytest.fixture
def photo(make_image):
    def build():
        upload = make_image()
        return ContentFile(upload.read(), name="photo.jpg")

    return build


def finished_tip(world, photo=None, status=Status.RESOLVED):
    tip = tip_in(
        status,
        world["staff"],
        photo=photo,
        latitude="22.817000",
        longitude="108.366000",
    )
    perform_note = "家属姓名：王小明，电话 13912345678"  # staff notes can hold personal data
    TipReport.objects.filter(pk=tip.pk).update(public_message="已由救助站处理。")
    tip.refresh_from_db()
    TipEvent.objects.create(
        tip=tip, kind=TipEvent.Kind.NOTE, actor=world["staff"], note=perform_note
    )
    return tip


def everything(tip):
    tip = TipReport.objects.get(pk=tip.pk)
    return (
        model_to_dict(tip),
        tip.photo.name,
        list(TipEvent.objects.filter(tip=tip).values_list("kind", "note")),
        list(TipLogEntry.objects.for_instance(tip).values_list("action", "data")),
    )


def test_the_job_is_scheduled_hourly():
    assert ("tip_reports.tasks.purge_personal_data_job", 3600) in django_settings.PERIODIC_JOBS


def test_nothing_is_purged_before_the_retention_period(world, photo):
    tip = finished_tip(world, photo())
    days = TipSettings.load().retention_days
    assert days == 180
    before = everything(tip)
    result = purge_personal_data(now=tip.finished_at + days * DAY)  # exactly N days: kept
    assert result.tips == 0
    assert everything(tip) == before
    assert tasks.purge_personal_data_job(now=tip.finished_at + (days - 1) * DAY) == 0
    assert everything(tip) == before


def test_purge_removes_personal_data_and_keeps_the_figures(world, photo, _private_storage):
    tip = finished_tip(world, photo())
    storage = tip.photo.storage
    photo_name = tip.photo.name
    assert storage.exists(photo_name)
    kept = {name: value for name, value in model_to_dict(tip).items() if name in KEPT}
    now = tip.finished_at + 180 * DAY + timedelta(minutes=1)

    assert tasks.purge_personal_data_job(now=now) == 1

    tip.refresh_from_db()
    assert not storage.exists(photo_name)
    assert not list(_private_storage.rglob("*.jpg"))
    assert not tip.photo
    for name in (
        "reporter_name",
        "reporter_phone",
        "place_text",
        "description",
        "clothing",
        "appearance",
        "public_message",
    ):
        assert getattr(tip, name) == "", name
    assert tip.latitude is None and tip.longitude is None
    assert tip.personal_data_purged_at == now
    assert {name: value for name, value in model_to_dict(tip).items() if name in KEPT} == kept
    assert tip.outcome == TipReport.Outcome.ADMITTED and tip.area.code == "450102"

    # Free text in the timeline and in the log entries is gone too; routing notes stay.
    notes = " ".join(TipEvent.objects.filter(tip=tip).values_list("note", flat=True))
    logs = str(list(TipLogEntry.objects.for_instance(tip).values_list("data", flat=True)))
    for personal in (*PERSONAL_DATA, "13912345678", "已入站"):
        assert personal not in notes
        assert personal not in logs
    assert TipEvent.objects.filter(tip=tip, kind=TipEvent.Kind.ROUTED).exclude(note="").exists()
    purged = TipEvent.objects.filter(tip=tip, kind=TipEvent.Kind.PURGED)
    assert purged.count() == 1 and purged.get().actor is None
    entry = TipLogEntry.objects.for_instance(tip).get(action=PURGED_LOG_ACTION)
    assert entry.user is None
    assert entry.data == {"retention_days": 180, "photo_deleted": True}
    assert "Unknown" not in str(entry.message)  # the action is registered with Wagtail


def test_running_twice_changes_nothing_more(world, photo):
    tips = [finished_tip(world, photo()), finished_tip(world, status=Status.CLOSED)]
    now = max(t.finished_at for t in tips) + 181 * DAY
    first = purge_personal_data(now=now)
    assert (first.tips, first.photos) == (2, 1)
    after = [everything(t) for t in tips]
    for later in (now, now + 400 * DAY):
        result = purge_personal_data(now=later)
        assert (result.tips, result.photos, result.failed) == (0, 0, 0)
    assert [everything(t) for t in tips] == after


def test_only_finished_tips_are_purged(world):
    staff = world["staff"]
    open_tips = [tip_in(status, staff) for status in (Status.RECEIVED, Status.DISPATCHED)]
    finished = finished_tip(world)
    # Reopened before the purge: open again, so it keeps its data.
    reopened = finished_tip(world)
    perform(reopened.pk, Action.REOPEN, world["coordinator"], note="家属又来电")
    before = [everything(t) for t in (*open_tips, reopened)]
    assert purge_personal_data(now=finished.finished_at + 1000 * DAY).tips == 1
    assert [everything(t) for t in (*open_tips, reopened)] == before


def test_the_retention_period_is_a_site_setting(world):
    tip = finished_tip(world)
    settings = TipSettings.load()
    settings.retention_days = 30
    settings.save()
    assert purge_personal_data(now=tip.finished_at + 29 * DAY).tips == 0
    assert purge_personal_data(now=tip.finished_at + 31 * DAY).tips == 1


def test_a_missing_photo_file_is_no_obstacle(world, photo):
    tip = finished_tip(world, photo())
    tip.photo.storage.delete(tip.photo.name)
    assert purge_personal_data(now=tip.finished_at + 181 * DAY).tips == 1
    tip.refresh_from_db()
    assert not tip.photo and tip.personal_data_purged_at


def test_a_storage_failure_leaves_that_tip_for_the_next_run(world, photo, monkeypatch):
    broken, fine = finished_tip(world, photo()), finished_tip(world)
    storage = broken.photo.storage
    real_delete = storage.delete

    def failing_delete(name):
        raise OSError("storage unavailable")

    monkeypatch.setattr(storage, "delete", failing_delete)
    now = max(broken.finished_at, fine.finished_at) + 181 * DAY
    result = purge_personal_data(now=now)
    assert (result.tips, result.failed) == (1, 1)
    broken.refresh_from_db()
    assert broken.personal_data_purged_at is None and broken.reporter_name
    assert not TipEvent.objects.filter(tip=broken, kind=TipEvent.Kind.PURGED).exists()

    monkeypatch.setattr(storage, "delete", real_delete)
    assert purge_personal_data(now=now).tips == 1
    broken.refresh_from_db()
    assert broken.personal_data_purged_at == now and not broken.photo


def test_dry_run_changes_nothing(world, photo):
    tips = [finished_tip(world, photo()), finished_tip(world)]
    now = max(t.finished_at for t in tips) + 181 * DAY
    before = [everything(t) for t in tips]
    result = purge_personal_data(now=now, dry_run=True)
    assert (result.tips, result.photos, result.dry_run) == (2, 1, True)
    assert [everything(t) for t in tips] == before


def test_the_command(world, photo):
    tips = [finished_tip(world, photo()), finished_tip(world)]
    TipReport.objects.filter(pk=tips[0].pk).update(finished_at=tips[0].finished_at - 10 * DAY)
    before = [everything(t) for t in tips]

    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", "--days", "5", stdout=out)
    assert "1" in out.getvalue() and "Dry run" in out.getvalue()
    assert [everything(t) for t in tips] == before

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)  # the setting: 180 days
    assert out.getvalue().startswith("Purged the personal data of 0 tips")

    out = io.StringIO()
    call_command("purge_personal_data", "--days", "5", stdout=out)
    assert out.getvalue().startswith("Purged the personal data of 1 tips")
    assert "(1 photos deleted)" in out.getvalue()
    tips[0].refresh_from_db()
    tips[1].refresh_from_db()
    assert tips[0].personal_data_purged_at and not tips[1].personal_data_purged_at

    out = io.StringIO()
    call_command("purge_personal_data", "--days", "5", stdout=out)
    assert out.getvalue().startswith("Purged the personal data of 0 tips")

    for days in ("0", "-3"):
        with pytest.raises(CommandError):
            call_command("purge_personal_data", "--days", days, stdout=io.StringIO())
