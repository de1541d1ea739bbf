"""Escalation of overdue tips (issue 4 item 4): once per breach of the acknowledge or resolve
deadline, the station's leads and the coordinators get a Chinese email without personal data;
a failed email leaves the tip unmarked for the next run and does not stop the others; two
runners at once send one email."""

import logging
import smtplib
import threading
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone, translation

import pytest

from tests.tip_reports.delivery_fixtures import PERSONAL_DATA
from tests.tip_reports.queue_people import queue_world, tip_in
from tip_reports import tasks
from tip_reports.delivery import tip_admin_url
from tip_reports.escalation import ACKNOWLEDGE, escalate, escalate_overdue
from tip_reports.models import TipEvent, TipReport
from tip_reports.workflow import Action, perform

pytestmark = pytest.mark.django_db

Status = TipReport.Status
MINUTE = timedelta(minutes=1)
BACKEND = "tests.tip_reports.test_escalation.ScriptedBackend"


class ScriptedBackend(BaseEmailBackend):
    """Fails for messages whose subject names a reference in ``fail_for``; with ``gate`` set,
    the first message waits for it (and sets ``entered``) before it is "sent"."""

    fail_for: set = set()
    gate: threading.Event | None = None
    entered = threading.Event()
    sent: list = []
    lock = threading.Lock()

    def send_messages(self, messages):
        for message in messages:
            if any(reference in message.subject for reference in type(self).fail_for):
                raise smtplib.SMTPServerDisconnected("scripted failure")
            if type(self).gate is not None:
                type(self).entered.set()
                type(self).gate.wait(30)
            with type(self).lock:
                type(self).sent.append(message)
        return len(messages)


@pytest.fixture
def scripted_mail(settings):
    settings.EMAIL_BACKEND = BACKEND
    ScriptedBackend.fail_for = set()
    ScriptedBackend.gate = None
    ScriptedBackend.entered = threading.Event()
    ScriptedBackend.sent = []
    yield ScriptedBackend
    ScriptedBackend.gate = None


@pytest.fixture
def world(db):
    return queue_world()


def escalations(tip):
    return list(TipEvent.objects.filter(tip=tip, kind=TipEvent.Kind.ESCALATED))


def test_the_jobs_are_scheduled():
    assert ("tip_reports.tasks.escalate_overdue", 60) in django_settings.PERIODIC_JOBS


def test_acknowledge_breach_is_escalated_once(world, mailoutbox):
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    due = tip.acknowledge_due_at
    assert escalate_overdue(now=due - MINUTE) == 0
    assert mailoutbox == []

    assert tasks.escalate_overdue(now=due + MINUTE) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    # The 南宁 lead and the coordinator; not 南宁's duty staff, not 柳州's lead.
    assert sorted(message.to) == ["coord@guitu.invalid", "nn-lead@guitu.invalid"]
    assert tip.reference in message.subject
    assert tip_admin_url(tip) in message.body
    tip.refresh_from_db()
    assert tip.acknowledge_escalated_at == due + MINUTE
    assert tip.resolve_escalated_at is None
    [event] = escalations(tip)
    assert event.actor is None and event.to_status == Status.RECEIVED
    assert event.note  # says which deadline was missed

    # Later runs send nothing more for this breach, however late it gets.
    for later in (due + 2 * MINUTE, due + timedelta(hours=20)):
        assert escalate_overdue(now=later) == 0
    assert len(mailoutbox) == 1
    assert len(escalations(tip)) == 1


def test_resolve_breach_is_escalated_once_and_separately(world, mailoutbox):
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    # Acknowledged in time: the acknowledge deadline no longer applies.
    tip = perform(tip.pk, Action.ACKNOWLEDGE, world["staff"])
    tip = perform(tip.pk, Action.DISPATCH, world["staff"])
    assert escalate_overdue(now=tip.acknowledge_due_at + MINUTE) == 0
    assert escalate_overdue(now=tip.resolve_due_at - MINUTE) == 0
    assert escalate_overdue(now=tip.resolve_due_at + MINUTE) == 1
    assert escalate_overdue(now=tip.resolve_due_at + 2 * MINUTE) == 0
    tip.refresh_from_db()
    assert tip.resolve_escalated_at is not None and tip.acknowledge_escalated_at is None
    assert len(mailoutbox) == 1 and len(escalations(tip)) == 1
    assert escalations(tip)[0].note != ""


def test_a_late_acknowledgement_then_a_late_resolution_are_two_breaches(world, mailoutbox):
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    # Received and past both due times: only the acknowledge deadline applies while received.
    assert escalate_overdue(now=tip.resolve_due_at + MINUTE) == 1
    tip.refresh_from_db()
    assert tip.acknowledge_escalated_at and tip.resolve_escalated_at is None
    perform(tip.pk, Action.ACKNOWLEDGE, world["staff"])
    assert escalate_overdue(now=tip.resolve_due_at + 2 * MINUTE) == 1
    assert escalate_overdue(now=tip.resolve_due_at + 3 * MINUTE) == 0
    assert len(mailoutbox) == 2
    assert {e.to_status for e in escalations(tip)} == {Status.RECEIVED, Status.ACKNOWLEDGED}
    assert escalations(tip)[0].note != escalations(tip)[1].note


def test_a_transfer_gives_a_new_breach_for_the_new_station(world, mailoutbox):
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    assert escalate_overdue(now=tip.acknowledge_due_at + MINUTE) == 1
    tip = perform(tip.pk, Action.TRANSFER, world["coordinator"], station=world["liuzhou"], note="x")
    assert tip.acknowledge_escalated_at is None
    assert escalate_overdue(now=tip.acknowledge_due_at - MINUTE) == 0
    assert escalate_overdue(now=tip.acknowledge_due_at + MINUTE) == 1
    assert sorted(mailoutbox[-1].to) == ["coord@guitu.invalid", "lz-lead@guitu.invalid"]
    assert len(escalations(tip)) == 2


def test_finished_and_handled_tips_are_not_escalated(world, mailoutbox):
    coordinator = world["coordinator"]
    tips = [tip_in(status, coordinator) for status in (Status.RESOLVED, Status.CLOSED)]
    acknowledged = tip_in(Status.ACKNOWLEDGED, coordinator)
    late = max(t.resolve_due_at for t in [*tips, acknowledged]) + timedelta(days=2)
    # Only the acknowledged one, for its resolve deadline.
    assert escalate_overdue(now=late) == 1
    assert [e.tip_id for e in TipEvent.objects.filter(kind=TipEvent.Kind.ESCALATED)] == [
        acknowledged.pk
    ]
    # A claim that no longer matches (acknowledged meanwhile) sends nothing.
    received = tip_in(Status.RECEIVED, coordinator)
    perform(received.pk, Action.ACKNOWLEDGE, world["staff"])
    assert escalate(received.pk, ACKNOWLEDGE, received.acknowledge_due_at + MINUTE) is False
    assert len(mailoutbox) == 1


def test_the_email_is_in_chinese_and_has_no_personal_data(world, mailoutbox):
    tip = tip_in(
        Status.RECEIVED,
        world["coordinator"],
        urgency=TipReport.Urgency.URGENT,
        category=TipReport.Category.MINOR,
    )
    escalate_overdue(now=tip.acknowledge_due_at + MINUTE)
    [message] = mailoutbox
    text = message.subject + "\n" + message.body
    for personal in PERSONAL_DATA:
        assert personal not in text
    assert not message.attachments
    assert "Reply-To" not in message.extra_headers
    with translation.override("zh-hans"):
        for label in (tip.get_category_display(), tip.get_urgency_display(), tip.area.name):
            assert str(label) in text
        assert str(tip.station.display_name) in text
        assert tip.get_status_display() in text
    assert tip.reference in text
    assert tip_admin_url(tip) in text
    local_due = timezone.localtime(tip.acknowledge_due_at).strftime("%Y-%m-%d %H:%M")
    assert local_due in text


def test_a_failed_email_is_logged_does_not_stop_the_others_and_is_retried(
    world, scripted_mail, caplog
):
    coordinator = world["coordinator"]
    first = tip_in(Status.RECEIVED, coordinator)
    second = tip_in(Status.RECEIVED, coordinator)
    now = max(first.acknowledge_due_at, second.acknowledge_due_at) + MINUTE
    scripted_mail.fail_for = {first.reference}
    with caplog.at_level(logging.ERROR, logger="tip_reports.escalation"):
        assert escalate_overdue(now=now) == 1
    assert first.reference in caplog.text or str(first.pk) in caplog.text
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.acknowledge_escalated_at is None and escalations(first) == []
    assert second.acknowledge_escalated_at == now and len(escalations(second)) == 1

    scripted_mail.fail_for = set()
    assert escalate_overdue(now=now + MINUTE) == 1
    first.refresh_from_db()
    assert first.acknowledge_escalated_at == now + MINUTE and len(escalations(first)) == 1
    assert [m.subject.count(first.reference) for m in scripted_mail.sent] == [0, 1]
    assert escalate_overdue(now=now + 2 * MINUTE) == 0


def test_without_any_recipient_nothing_is_marked(world, mailoutbox, settings, caplog):
    settings.ADMINS = []
    tip = tip_in(Status.RECEIVED, world["coordinator"], area_code="450302")  # 桂林: no lead
    world["coordinator"].email = ""
    world["coordinator"].save()
    with caplog.at_level(logging.ERROR, logger="tip_reports.escalation"):
        assert escalate_overdue(now=tip.acknowledge_due_at + MINUTE) == 0
    assert "No recipient" in caplog.text
    tip.refresh_from_db()
    assert tip.acknowledge_escalated_at is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runners_at_once_send_one_email(scripted_mail):
    world = queue_world()
    tip = tip_in(Status.RECEIVED, world["coordinator"])
    now = tip.acknowledge_due_at + MINUTE
    scripted_mail.sent.clear()  # the new-tip notification went out after the intake commit
    scripted_mail.gate = threading.Event()
    results = {}

    def runner(name):
        try:
            results[name] = escalate_overdue(now=now)
        finally:
            connection.close()

    first = threading.Thread(target=runner, args=("first",))
    first.start()
    # The first runner has claimed the tip and is sending; the second one starts now.
    assert scripted_mail.entered.wait(30)
    second = threading.Thread(target=runner, args=("second",))
    second.start()
    second.join(timeout=1)  # blocked on the claim (or finished finding nothing to do)
    scripted_mail.gate.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert not first.is_alive() and not second.is_alive()
    assert sorted(results.values()) == [0, 1]
    assert len(scripted_mail.sent) == 1
    assert len(escalations(tip)) == 1
