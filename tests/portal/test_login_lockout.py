"""Admin sign-in lockout (django-axes): five wrong passwords for one account from one address
pause that pair for the cool-off period, with a translated 429 page; other addresses and other
accounts are not affected; a successful sign-in clears the count."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

import pytest
from axes.models import AccessAttempt, AccessLog

from portal.demo import DEMO_PASSWORD
from portal.tasks import prune_login_records

pytestmark = pytest.mark.django_db


def attempt(username, password, address="203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/", {"username": username, "password": password}
    )


def test_five_wrong_passwords_lock_the_account_from_that_address(demo_site, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt("nanning", "wrong-password").status_code == 200  # the form again
    locked = attempt("nanning", "wrong-password")
    assert locked.status_code == 429
    assert "尝试次数过多" in locked.content.decode()
    assert "15 分钟" in locked.content.decode()
    # Even the right password is refused while locked.
    assert attempt("nanning", DEMO_PASSWORD).status_code == 429
    # Another address, or another account from the same address, may still sign in.
    assert attempt("nanning", DEMO_PASSWORD, address="198.51.100.2").status_code == 302
    assert attempt("liuzhou", DEMO_PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(demo_site):
    for _ in range(5):
        attempt("coordinator", "wrong-password")
    assert attempt("coordinator", DEMO_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt("coordinator", DEMO_PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_count(demo_site):
    for _ in range(4):
        attempt("editor", "wrong-password")
    assert attempt("editor", DEMO_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="editor").exists()
    for _ in range(4):
        assert attempt("editor", "wrong-password").status_code == 200


def test_the_client_address_comes_from_the_trusted_proxy(demo_site, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def behind_proxy(forwarded):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).post(
            "/admin/login/", {"username": "nanning", "password": "wrong-password"}
        )

    for _ in range(5):
        behind_proxy("192.0.2.50")
    assert AccessAttempt.objects.get(username="nanning").ip_address == "192.0.2.50"
    # A spoofed left-most entry does not escape the lock: the proxy's own entry counts.
    assert behind_proxy("1.2.3.4, 192.0.2.50").status_code == 429


def test_old_sign_in_records_are_pruned(demo_site, settings):
    assert attempt("nanning", DEMO_PASSWORD).status_code == 302
    assert attempt("liuzhou", DEMO_PASSWORD).status_code == 302
    AccessLog.objects.filter(username="nanning").update(
        attempt_time=timezone.now() - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS + 1)
    )
    assert prune_login_records() == 1
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["liuzhou"]
