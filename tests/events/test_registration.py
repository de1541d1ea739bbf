"""Registering for a venue through the public form: the happy path with CSRF checks on, every
validation branch (400, nothing saved), closed, not-yet-open, cancelled and full venues, the
honeypot, the rate limit, the confirmation email with its calendar file and the cancellation
link that works once."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest
from icalendar import Calendar

from events.models import Registration, Status
from tests.events.factories import (
    committed,
    csrf_post,
    form_data,
    make_campaign,
    register_url,
    republish,
    translate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(event_index):
    return make_campaign(event_index, venues=[{"capacity": 3}])


@pytest.fixture
def venue(campaign):
    return campaign.venues.get()


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def cancel_link(text: str) -> str:
    match = re.search(r"http://testserver(/(?:en/)?events/registrations/\d+/[0-9a-f]+/)", text)
    assert match, text
    return match.group(1)


def test_happy_path_confirmation_page_email_calendar_and_cancel_once(browser, campaign, venue):
    url = register_url(campaign, venue)
    page = browser.get(url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    response = csrf_post(browser, url, form_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.party_size == 2
    assert registration.name == "李小明"
    assert registration.phone == "13900000001"
    assert registration.language == "zh-hans"
    assert registration.token_hash and len(registration.token_hash) == 64

    done = browser.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert "李小明" in html
    link = re.search(r'href="(/events/registrations/\d+/[0-9a-f]+/)"', html).group(1)
    # Shown once: a reload does not show the link again.
    assert browser.get(response["Location"]).status_code == 302

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["visitor@example.com"]
    assert campaign.title in message.subject
    assert cancel_link(message.body) == link
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"venue-{venue.pk}@localhost"
    assert event.decoded("DTSTART") == timezone.localtime(venue.starts_at)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    # The stored hash is not the token in the link.
    assert registration.token_hash not in link

    confirm = browser.get(link)
    assert confirm.status_code == 200
    assert Registration.objects.get().status == Registration.Status.CONFIRMED  # GET changes nothing
    assert b'method="post"' in confirm.content
    token = browser.cookies["csrftoken"].value
    with committed():
        cancelled = browser.post(link, {"csrfmiddlewaretoken": token})
    assert cancelled.status_code == 200
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    again = browser.post(link, {"csrfmiddlewaretoken": token})
    assert again.status_code == 410
    assert browser.get(link).status_code == 410


def test_cancelling_returns_the_seat(browser, event_index):
    campaign = make_campaign(event_index, venues=[{"capacity": 2}])
    venue = campaign.venues.get()
    url = register_url(campaign, venue)
    csrf_post(browser, url, form_data(party_size="2"))
    first = Registration.objects.get()
    other = Client(enforce_csrf_checks=True)
    csrf_post(other, url, form_data(phone="13900000002", party_size="1"))
    second = Registration.objects.exclude(pk=first.pk).get()
    assert second.status == Registration.Status.WAITLISTED
    page = browser.get(campaign.url).content.decode()
    assert "Full" in page or "已满" in page
    link = cancel_link(mail.outbox[0].body)
    browser.get(link)
    with committed():
        browser.post(link, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    second.refresh_from_db()
    assert second.status == Registration.Status.CONFIRMED
    assert second.promoted_at is not None
    assert any("visitor@example.com" in m.to for m in mail.outbox[2:])
    from events.registration import seats_taken

    assert seats_taken(venue.pk) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "名" * 51}, "name"),
        ({"phone": ""}, "phone"),
        ({"phone": "12ab"}, "phone"),
        ({"phone": "123"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"party_size": "0"}, "party_size"),
        ({"party_size": "6"}, "party_size"),
        ({"party_size": ""}, "party_size"),
        ({"party_size": "two"}, "party_size"),
        ({"consent": ""}, "consent"),
    ],
)
def test_every_validation_error_is_a_400_with_a_summary_and_saves_nothing(
    browser, campaign, venue, overrides, field
):
    response = csrf_post(browser, register_url(campaign, venue), form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert f'href="#id_{field}' in html
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_errors_are_in_english_on_the_english_site(browser, campaign, venue, english_event_index):
    english = translate(campaign)
    english_venue = english.venues.get()
    response = csrf_post(browser, register_url(english, english_venue), form_data(name=""))
    assert response.status_code == 400
    assert "Enter your name." in response.content.decode()
    chinese = csrf_post(
        Client(enforce_csrf_checks=True), register_url(campaign, venue), form_data(name="")
    )
    assert "请填写您的姓名" in chinese.content.decode()


def test_post_without_csrf_token_is_refused(campaign, venue):
    response = Client(enforce_csrf_checks=True).post(register_url(campaign, venue), form_data())
    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_honeypot_is_a_400_and_saves_nothing(browser, campaign, venue):
    response = csrf_post(browser, register_url(campaign, venue), form_data(website="http://spam"))
    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_rate_limit(browser, event_index, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "event_registration": (2, 600)}
    campaign = make_campaign(event_index, venues=[{"capacity": 50}])
    venue = campaign.venues.get()
    url = register_url(campaign, venue)
    statuses = [
        csrf_post(browser, url, form_data(phone=f"1390000000{n}")).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Registration.objects.count() == 2


def test_same_phone_twice_is_a_409(browser, campaign, venue):
    url = register_url(campaign, venue)
    csrf_post(browser, url, form_data())
    response = csrf_post(browser, url, form_data(phone="13900000001", name="另一个人"))
    assert response.status_code == 409
    assert Registration.objects.count() == 1


def test_full_venue_puts_the_party_on_the_waiting_list(browser, event_index):
    campaign = make_campaign(event_index, venues=[{"capacity": 2}])
    venue = campaign.venues.get()
    url = register_url(campaign, venue)
    csrf_post(browser, url, form_data(party_size="2"))
    response = csrf_post(Client(enforce_csrf_checks=True), url, form_data(phone="13900000009"))
    assert response.status_code == 302
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
    assert "waiting list" in mail.outbox[1].subject or "候补" in mail.outbox[1].subject


@pytest.mark.parametrize(
    ("venue_fields", "expected"),
    [
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, 410),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, 409),
        ({"status": Status.CANCELLED}, 410),
        ({"status": Status.POSTPONED}, 410),
        ({"registration_enabled": False, "capacity": 0}, 410),
    ],
)
def test_closed_venues_get_a_clear_message_and_no_registration(
    browser, event_index, venue_fields, expected
):
    campaign = make_campaign(event_index, venues=[venue_fields])
    venue = campaign.venues.get()
    url = register_url(campaign, venue)
    assert browser.get(url).status_code == 200
    response = csrf_post(browser, url, form_data())
    assert response.status_code == expected
    assert "form-alert" in response.content.decode()
    assert Registration.objects.count() == 0


def test_a_past_venue_takes_no_registration(browser, event_index):
    campaign = make_campaign(event_index, start_date=timezone.localdate() - timedelta(days=3))
    venue = campaign.venues.get()
    response = csrf_post(browser, register_url(campaign, venue), form_data())
    assert response.status_code == 410
    assert Registration.objects.count() == 0


def test_a_cancelled_campaign_takes_no_registration(browser, event_index):
    campaign = make_campaign(event_index, status=Status.CANCELLED)
    venue = campaign.venues.get()
    assert csrf_post(browser, register_url(campaign, venue), form_data()).status_code == 410


def test_draft_and_private_campaigns_take_no_registration(browser, event_index):
    from wagtail.models import PageViewRestriction

    draft = make_campaign(event_index, publish=False)
    venue = draft.venues.get()
    assert browser.get(f"/events/{draft.slug}/venues/{venue.pk}/register/").status_code == 404
    private = make_campaign(event_index)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = browser.get(register_url(private, private.venues.get()))
    assert response.status_code == 200 and b"password" in response.content.lower()
    assert Registration.objects.count() == 0


def test_a_venue_of_another_campaign_is_a_404(browser, event_index, campaign):
    other = make_campaign(event_index)
    response = browser.get(register_url(campaign, other.venues.get()))
    assert response.status_code == 404


def test_invalid_and_tampered_links_are_a_404(browser, campaign, venue):
    csrf_post(browser, register_url(campaign, venue), form_data())
    registration = Registration.objects.get()
    link = cancel_link(mail.outbox[0].body)
    tampered = link[:-3] + ("aa/" if not link.endswith("aa/") else "bb/")
    assert browser.get(tampered).status_code == 404
    other_id = re.sub(r"/registrations/\d+/", f"/registrations/{registration.pk + 1}/", link)
    assert browser.get(other_id).status_code == 404
    assert browser.get("/events/registrations/1/" + "x" * 200 + "/").status_code == 404


def test_english_registration_gets_english_email_and_english_links(
    browser, campaign, venue, english_event_index
):
    english = translate(campaign, summary="See how the station works.")
    english_venue = english.venues.get()
    assert english_venue.key == venue.key
    response = csrf_post(browser, register_url(english, english_venue), form_data())
    assert response.status_code == 302
    registration = Registration.objects.get()
    # Seats are the Chinese (canonical) venue's: one pool for both languages.
    assert registration.venue_id == venue.pk
    assert registration.language == "en"
    message = mail.outbox[0]
    assert message.subject.startswith("[归途] Registration confirmed")
    assert "/en/events/registrations/" in message.body
    assert english.url in message.body


def test_everything_a_visitor_typed_is_escaped(browser, campaign, venue):
    evil = "<script>alert(1)</script>"
    response = csrf_post(browser, register_url(campaign, venue), form_data(name=evil))
    done = browser.get(response["Location"]).content.decode()
    assert evil not in done
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in done
    link = cancel_link(mail.outbox[0].body)
    page = browser.get(link).content.decode()
    assert evil not in page and "&lt;script&gt;" in page
    # The email is plain text: the name stays inert text, with no HTML part.
    assert evil in mail.outbox[0].body
    assert not getattr(mail.outbox[0], "alternatives", [])


def test_status_change_reaches_registrants_once(browser, campaign, venue):
    csrf_post(browser, register_url(campaign, venue), form_data())
    mail.outbox.clear()
    republish(campaign, status=Status.CANCELLED, status_note="因台风取消")
    assert len(mail.outbox) == 1
    assert "因台风取消" in mail.outbox[0].body
    republish(campaign, status_note="因台风取消。")
    assert len(mail.outbox) == 1
