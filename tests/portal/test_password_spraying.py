"""Password spraying against the admin sign-in (portal/sign_in.py): many failures for one
username from many addresses pause it on browsers that have never signed in to it (the known-
device cookie keeps the real user's browser working); the pause lifts by itself; failures across
many accounts log a warning and email the coordinators once per window."""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from portal.roles import COORDINATORS, STATION_STAFF
from portal.sign_in import KNOWN_DEVICE_SALT
from portal.tasks import prune_login_records

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password-2026"


@pytest.fixture
def staff(db):
    users = get_user_model().objects
    group = Group.objects.get(name=STATION_STAFF)
    accounts = []
    for number in range(12):
        user = users.create_user(f"staff{number}", f"staff{number}@guitu.invalid", PASSWORD)
        user.groups.add(group)
        accounts.append(user)
    coordinator = users.create_user("coord", "coord@guitu.invalid", PASSWORD)
    coordinator.groups.add(Group.objects.get(name=COORDINATORS))
    return accounts


def address(number: int) -> str:
    return f"198.51.100.{number % 250 + 1}"


def attempt(username, password, client=None, number=0):
    client = client or Client(REMOTE_ADDR=address(number))
    return client.post("/admin/login/", {"username": username, "password": password})


def spray(username, count, start=0):
    """``count`` wrong passwords for one username, each from its own address."""
    for number in range(start, start + count):
        assert attempt(username, f"guess-{number}", number=number).status_code == 200


def test_many_addresses_trip_the_per_account_limit(staff, settings):
    assert settings.GUITU_ACCOUNT_FAILURE_LIMIT == 10
    spray("staff0", 10)
    # No address reached django-axes' own limit (five per username and address)...
    assert not AccessAttempt.objects.filter(failures_since_start__gte=2).exists()
    # ...but the account is now refused, even with the right password, from a new browser.
    refused = attempt("staff0", PASSWORD, number=200)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "从未登录过此账号的浏览器" in page and "60 分钟" in page
    assert refused["Retry-After"] == "3600"
    # A refused attempt tries no password and is not counted: the pause does not grow.
    assert AccessFailureLog.objects.filter(username="staff0").count() == 10
    # Other accounts are not affected.
    assert attempt("staff1", PASSWORD, number=200).status_code == 302


def test_the_real_users_browser_still_signs_in_during_the_pause(staff):
    usual = Client(REMOTE_ADDR="192.0.2.10")
    assert attempt("staff0", PASSWORD, client=usual).status_code == 302
    assert "guitu_known_device" in usual.cookies
    assert usual.cookies["guitu_known_device"]["httponly"]
    assert usual.cookies["guitu_known_device"]["path"] == "/admin/"
    usual.post("/admin/logout/")

    spray("staff0", 10)
    assert attempt("staff0", "guess-again", number=11).status_code == 429
    assert attempt("staff0", PASSWORD, number=201).status_code == 429
    # The usual browser, even from another address (a phone on the move), is let through.
    usual.defaults["REMOTE_ADDR"] = "192.0.2.99"
    assert attempt("staff0", PASSWORD, client=usual).status_code == 302


def test_a_known_device_of_another_account_or_a_forged_cookie_does_not_help(staff):
    other = Client(REMOTE_ADDR="192.0.2.10")
    assert attempt("staff1", PASSWORD, client=other).status_code == 302
    spray("staff0", 10)
    assert attempt("staff0", PASSWORD, client=other).status_code == 429

    forged = Client(REMOTE_ADDR="192.0.2.11")
    forged.cookies["guitu_known_device"] = '["0123456789abcdef0123456789abcdef"]'
    assert attempt("staff0", PASSWORD, client=forged).status_code == 429


def test_a_new_password_forgets_the_known_devices(staff):
    usual = Client(REMOTE_ADDR="192.0.2.10")
    assert attempt("staff0", PASSWORD, client=usual).status_code == 302
    usual.post("/admin/logout/")
    user = staff[0]
    user.set_password("another-long-password-2026")
    user.save()
    spray("staff0", 10)
    assert attempt("staff0", "another-long-password-2026", client=usual).status_code == 429


def test_the_pause_lifts_by_itself(staff, settings):
    spray("staff0", 10)
    assert attempt("staff0", PASSWORD, number=200).status_code == 429
    AccessFailureLog.objects.update(
        attempt_time=timezone.now() - settings.GUITU_ACCOUNT_FAILURE_WINDOW - timedelta(minutes=1)
    )
    assert attempt("staff0", PASSWORD, number=200).status_code == 302


def test_spraying_many_accounts_raises_one_alarm(staff, settings, caplog):
    assert settings.GUITU_LOGIN_ALARM_ACCOUNTS == 10
    caplog.set_level(logging.WARNING, logger="portal.sign_in")
    for number, user in enumerate(staff[:9]):
        attempt(user.username, "Spring2026!", number=number)
    assert mail.outbox == []
    attempt(staff[9].username, "Spring2026!", number=9)
    assert len(mail.outbox) == 1
    alarm = mail.outbox[0]
    assert alarm.to == ["coord@guitu.invalid"]
    assert "10 个账号" in alarm.subject
    assert "10 个不同账号" in alarm.body and "10 个地址" in alarm.body
    # No password, tried or real, and no username in the email.
    assert "Spring2026!" not in alarm.body and "staff1" not in alarm.body
    assert "password spraying" in caplog.text.lower()
    # Once per window, not once per attempt.
    for number, user in enumerate(staff, start=20):
        attempt(user.username, "Summer2026!", number=number)
    assert len(mail.outbox) == 1


def test_many_failures_on_few_accounts_also_raise_the_alarm(staff, settings):
    settings.GUITU_LOGIN_ALARM_FAILURES = 12
    spray("staff0", 6)
    spray("staff1", 6, start=6)
    assert len(mail.outbox) == 1


def test_the_alarm_is_not_raised_by_a_few_typing_mistakes(staff):
    for number, user in enumerate(staff[:3]):
        attempt(user.username, "typo", number=number)
        assert attempt(user.username, PASSWORD, number=number).status_code == 302
    assert mail.outbox == []


def test_old_failure_records_are_pruned(staff, settings):
    spray("staff0", 3)
    AccessFailureLog.objects.filter(ip_address=address(0)).update(
        attempt_time=timezone.now() - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS + 1)
    )
    assert prune_login_records() == 1
    assert AccessFailureLog.objects.count() == 2


def test_the_cookie_is_signed_and_bounded(staff):
    from django.core import signing

    client = Client(REMOTE_ADDR="192.0.2.10")
    for user in staff:
        assert attempt(user.username, PASSWORD, client=client).status_code == 302
        client.post("/admin/logout/")
    value = client.cookies["guitu_known_device"].value
    assert len(signing.loads(value, salt=KNOWN_DEVICE_SALT)) == 10
    with pytest.raises(signing.BadSignature):
        signing.loads(value[:-2] + "xx", salt=KNOWN_DEVICE_SALT)
    # The newest ten: the first account was pushed out, the last one is remembered.
    spray("staff0", 10)
    spray("staff11", 10, start=100)
    assert attempt("staff0", PASSWORD, client=client).status_code == 429
    assert attempt("staff11", PASSWORD, client=client).status_code == 302
