"""Reminders 24 hours before (once, even with two runners), change notices once per change,
and the purge of registrants' personal data after the retention period."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest

from events import registration as seats
from events.models import EventSettings, Registration, Status
from events.tasks import purge_registrations, send_due_emails, send_reminders
from tests.events.factories import committed, make_campaign, republish

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(event_index):
    return make_campaign(event_index, venues=[{"capacity": 5}, {"capacity": 5}])


def book(venue, n, now=None, **fields):
    with committed():
        return seats.register(
            venue,
            name=f"访客{n}",
            phone=f"1360000{n:04d}",
            party_size=1,
            email=f"v{n}@example.com",
            now=now,
            **fields,
        ).registration


def test_reminder_is_sent_once_within_24_hours(campaign):
    venue = campaign.venues.order_by("sort_order").first()
    early = timezone.now()
    registration = book(venue, 1, now=early)
    mail.outbox.clear()
    day_before = venue.starts_at - timedelta(hours=23)
    too_early = venue.starts_at - timedelta(hours=25)
    assert send_reminders(too_early) == 0
    assert send_reminders(day_before) == 1
    assert send_reminders(day_before + timedelta(minutes=5)) == 0  # a second run, or runner
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["v1@example.com"]
    assert campaign.title in mail.outbox[0].subject
    registration.refresh_from_db()
    assert registration.reminder_sent_at == day_before


def test_no_reminder_for_waiting_cancelled_or_late_registrations(event_index):
    campaign = make_campaign(event_index, venues=[{"capacity": 1}])
    venue = campaign.venues.get()
    book(venue, 1)
    book(venue, 2)  # waitlisted
    late = book(venue, 3, now=venue.starts_at - timedelta(hours=2))  # waitlisted, late
    gone = book(venue, 4)
    seats.cancel(gone.pk)
    mail.outbox.clear()
    sent = send_reminders(venue.starts_at - timedelta(hours=20))
    assert sent == 1
    assert mail.outbox[0].to == ["v1@example.com"]
    assert not Registration.objects.filter(pk=late.pk, reminder_sent_at__isnull=False).exists()


def test_no_reminder_when_the_venue_is_cancelled(campaign):
    venue = campaign.venues.order_by("sort_order").first()
    book(venue, 1)
    republish(campaign, venue_changes={venue.pk: {"status": Status.CANCELLED}})
    mail.outbox.clear()
    assert send_reminders(venue.starts_at - timedelta(hours=20)) == 0


def test_a_failed_reminder_is_retried_on_the_next_run(campaign, monkeypatch):
    venue = campaign.venues.order_by("sort_order").first()
    registration = book(venue, 1)
    mail.outbox.clear()
    from events import emails

    def broken(*args, **kwargs):
        raise emails.EmailNotSent("down")

    monkeypatch.setattr(emails, "send", broken)
    when = venue.starts_at - timedelta(hours=20)
    assert send_reminders(when) == 0
    registration.refresh_from_db()
    assert registration.reminder_sent_at is None
    monkeypatch.undo()
    assert send_reminders(when) == 1


def test_a_venue_change_is_announced_once_to_its_active_registrants(campaign):
    first, second = campaign.venues.order_by("sort_order")
    a = book(first, 1)
    b = book(first, 2)
    book(second, 3)
    seats.cancel(b.pk)
    mail.outbox.clear()
    new_start = first.starts_at + timedelta(hours=1)
    republish(
        campaign,
        venue_changes={
            first.pk: {
                "starts_at": new_start,
                "ends_at": first.ends_at + timedelta(hours=1),
                "status": Status.RESCHEDULED,
                "status_note": "改为上午十点开始",
            }
        },
    )
    assert [m.to for m in mail.outbox] == [["v1@example.com"]]
    body = mail.outbox[0].body
    assert "改为上午十点开始" in body
    assert timezone.localtime(new_start).strftime("%H:%M") in body
    # Publishing again without a change sends nothing; the sweep finds nothing pending.
    republish(campaign, summary="新的摘要")
    assert send_due_emails(timezone.now()) == 0
    assert len(mail.outbox) == 1
    a.refresh_from_db()
    first.refresh_from_db()
    assert a.notified_sequence == first.sequence == 1


def test_a_lost_change_notice_is_sent_by_the_sweep(campaign, django_capture_on_commit_callbacks):
    venue = campaign.venues.order_by("sort_order").first()
    book(venue, 1)
    mail.outbox.clear()
    from events.models import EventPage

    page = EventPage.objects.get(pk=campaign.pk)
    page.status = Status.POSTPONED
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran it
        page.save_revision().publish()
    assert mail.outbox == []
    assert send_due_emails() == 1
    assert send_due_emails() == 0
    assert len(mail.outbox) == 1


def test_purge_blanks_personal_data_after_the_retention_period(campaign, site):
    venue = campaign.venues.order_by("sort_order").first()
    registration = book(venue, 1)
    settings = EventSettings.for_site(site)
    assert settings.keep_registrations_days == 30
    assert purge_registrations(venue.ends_at + timedelta(days=29)) == 0
    after = venue.ends_at + timedelta(days=31)
    assert purge_registrations(after) == 1
    registration.refresh_from_db()
    assert (registration.name, registration.phone, registration.email) == ("", "", "")
    assert registration.party_size == 1 and registration.status == Registration.Status.CONFIRMED
    assert registration.purged_at == after
    assert purge_registrations(after + timedelta(hours=1)) == 0


def test_purge_follows_the_site_setting(campaign, site):
    venue = campaign.venues.order_by("sort_order").first()
    book(venue, 1)
    settings = EventSettings.for_site(site)
    settings.keep_registrations_days = 7
    settings.save()
    assert purge_registrations(venue.ends_at + timedelta(days=8)) == 1
