"""Two-step verification: no admin account (editor, moderator, station staff, coordinator,
superuser) can use the admin with its password alone; it sets up an authenticator through an
invitation, then needs a code (or a backup code) at every sign-in."""

import io
import time
from urllib.parse import urlsplit

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_PASSWORD
from portal.invitations import issue_invitation
from tip_reports.models import TipReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_two_factor(settings):
    settings.GUITU_2FA_REQUIRED = True


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


def open_invitation(client: Client, username: str):
    from django.contrib.auth import get_user_model

    _invitation, url = issue_invitation(get_user_model().objects.get(username=username))
    response = client.get(urlsplit(url).path)
    assert response.status_code == 302 and response["Location"] == "/admin/two-step/setup/"
    return response


def set_up_authenticator(client: Client, username: str) -> tuple[TOTPDevice, list[str]]:
    open_invitation(client, username)
    response = client.get("/admin/two-step/setup/")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/admin/two-step/setup/", {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(response.context["codes"])
    return device, codes


def admin_requests(tip: TipReport) -> list[tuple[str, str]]:
    return [
        ("get", "/admin/"),
        ("get", "/admin/pages/"),
        ("get", reverse("tips:index")),
        ("get", reverse("tips:index_results")),
        ("get", reverse("tips:index") + "?export=csv"),
        ("get", reverse("tips:inspect", args=[tip.pk])),
        ("get", reverse("tips:photo", args=[tip.pk])),
        ("post", reverse("tips:contact", args=[tip.pk])),
        ("get", reverse("wagtailadmin_reports:site_history")),
        ("get", "/admin/users/"),
    ]


@pytest.fixture
def moderator(demo_site):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("moderator2", password=DEMO_PASSWORD)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.parametrize(
    "username", ["nanning", "liuzhou", "coordinator", "admin", "editor", "moderator2"]
)
def test_no_admin_account_opens_any_admin_page_with_a_password_alone(
    demo_site, moderator, username
):
    client = sign_in(username)
    tip = TipReport.objects.first()
    for method, url in admin_requests(tip):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/two-step/setup/?next="), url
    # Nothing about any tip reached the browser on the way; the page asks for an invitation
    # and shows no QR code.
    response = client.get("/admin/tips/", follow=True)
    assert tip.reference not in response.content.decode()
    assert response.status_code == 403
    assert "需要邀请" in response.content.decode()
    assert "<svg" not in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_production_settings_require_two_step_of_every_admin_account():
    """production.py (checked in a subprocess by test_settings.py) forces GUITU_2FA_REQUIRED
    on; with it on, the rule asks nothing about roles or permissions."""
    from django.contrib.auth import get_user_model

    from portal.two_factor import must_use_two_factor

    nobody_special = get_user_model()(username="plain", is_active=True)
    nobody_special.pk = 10**6
    assert must_use_two_factor(nobody_special)


def test_setting_up_an_authenticator_then_signing_in_with_codes(demo_site):
    client = sign_in("nanning")
    open_invitation(client, "nanning")
    page = client.get("/admin/two-step/setup/").content.decode()
    assert "<svg" in page and "qrline" in page  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user__username="nanning", confirmed=False)

    wrong = client.post("/admin/two-step/setup/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # A wrong code makes the next attempt wait a moment (django-otp throttling).
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()

    device, codes = set_up_authenticator(client, "nanning")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/tips/").status_code == 200
    assert ModelLogEntry.objects.filter(action="guitu.two_factor.enabled").count() == 1

    # The next sign-in needs a code.
    client = sign_in("nanning")
    response = client.get("/admin/tips/")
    assert response["Location"] == "/admin/two-step/verify/?next=%2Fadmin%2Ftips%2F"
    assert client.post("/admin/two-step/verify/", {"code": "123456"}).status_code == 400
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(
        "/admin/two-step/verify/", {"code": code_for(device, offset=30), "next": "/admin/tips/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/tips/"
    assert client.get("/admin/tips/").status_code == 200


def test_a_backup_code_works_once(demo_site):
    client = sign_in("liuzhou")
    _device, codes = set_up_authenticator(client, "liuzhou")
    client = sign_in("liuzhou")
    response = client.post("/admin/two-step/verify/", {"code": codes[0].upper(), "next": "/admin/"})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user__username="liuzhou").count() == 9
    client = sign_in("liuzhou")
    assert client.post("/admin/two-step/verify/", {"code": codes[0]}).status_code == 400


def test_a_wrong_code_throttles_the_next_attempt(demo_site):
    client = sign_in("coordinator")
    device, _codes = set_up_authenticator(client, "coordinator")
    client = sign_in("coordinator")
    assert client.post("/admin/two-step/verify/", {"code": "000000"}).status_code == 400
    response = client.post("/admin/two-step/verify/", {"code": code_for(device)})
    assert response.status_code == 400
    assert "错误次数过多" in response.content.decode()


def test_the_verify_page_does_not_redirect_to_other_sites(demo_site):
    client = sign_in("nanning")
    device, _codes = set_up_authenticator(client, "nanning")
    client = sign_in("nanning")
    response = client.post(
        "/admin/two-step/verify/",
        {"code": code_for(device, offset=30), "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_an_account_with_an_authenticator_must_use_it_even_when_not_required(demo_site, settings):
    client = sign_in("editor")
    set_up_authenticator(client, "editor")
    settings.GUITU_2FA_REQUIRED = False
    client = sign_in("editor")
    assert client.get("/admin/")["Location"].startswith("/admin/two-step/verify/")


def test_not_required_means_a_password_is_enough_for_staff(demo_site, settings):
    settings.GUITU_2FA_REQUIRED = False
    client = sign_in("nanning")
    assert client.get("/admin/tips/").status_code == 200
    # Setting it up still needs an invitation.
    assert client.get("/admin/two-step/setup/").status_code == 403


def test_new_backup_codes_replace_the_old_ones(demo_site):
    client = sign_in("nanning")
    _device, old = set_up_authenticator(client, "nanning")
    response = client.post("/admin/two-step/setup/", {"action": "new_backup_codes"})
    new = list(response.context["codes"])
    assert set(new).isdisjoint(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_reset_removes_every_device_and_is_recorded(demo_site):
    client = sign_in("nanning")
    set_up_authenticator(client, "nanning")
    out = io.StringIO()
    call_command("reset_two_factor", "nanning", stdout=out)
    assert "Removed 2 device(s)" in out.getvalue()
    assert "invite_two_factor nanning" in out.getvalue()
    assert not TOTPDevice.objects.filter(user__username="nanning").exists()
    assert not StaticDevice.objects.filter(user__username="nanning").exists()
    assert ModelLogEntry.objects.filter(action="guitu.two_factor.reset").exists()
    # Next sign-in: an invitation is needed again.
    client = sign_in("nanning")
    assert client.get("/admin/")["Location"].startswith("/admin/two-step/setup/")
    assert client.get("/admin/two-step/setup/").status_code == 403


def test_the_pages_speak_english_too(demo_site):
    from django.contrib.auth import get_user_model

    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(get_user_model().objects.get(username="nanning"))
    profile.preferred_language = "en"
    profile.save()
    client = sign_in("nanning")
    assert "You need an invitation" in client.get("/admin/two-step/setup/").content.decode()
    open_invitation(client, "nanning")
    response = client.get("/admin/two-step/setup/")
    assert "Set up two-step verification" in response.content.decode()
