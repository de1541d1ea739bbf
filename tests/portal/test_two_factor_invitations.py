"""Two-step verification is set up only through a one-time invitation: issued by a coordinator
or superuser (never for someone ranking above them, never for themselves) or by
`manage.py invite_two_factor`; stored as a hash; expiring; single use; for one account; a newer
one revokes the older. A password alone never reaches the QR code."""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.invitations import hash_token, issue_invitation
from portal.models import TwoFactorInvitation

from .test_two_factor import code_for, sign_in

pytestmark = pytest.mark.django_db

SETUP = "/admin/two-step/setup/"


@pytest.fixture(autouse=True)
def _require_two_factor(settings):
    settings.GUITU_2FA_REQUIRED = True


def user(username):
    return get_user_model().objects.get(username=username)


def link_path(url: str) -> str:
    return urlsplit(url).path


def invite(username, by=None) -> str:
    _invitation, url = issue_invitation(user(username), by=by)
    return link_path(url)


def confirm(client: Client):
    device = TOTPDevice.objects.get(user__username=client.session_username)
    return client.post(SETUP, {"code": code_for(device), "next": "/admin/"})


def refused_by_wagtail(response) -> bool:
    """Wagtail's answer to PermissionDenied in its admin: back to the dashboard, with a
    message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def signed_in(username) -> Client:
    client = sign_in(username)
    client.session_username = username
    return client


def verified(username) -> Client:
    """An account that has set up its authenticator, signed in with both steps."""
    client = signed_in(username)
    assert client.get(invite(username)).status_code == 302
    client.get(SETUP)
    assert confirm(client).status_code == 200
    return client


# --- Without an invitation --------------------------------------------------------------------


def test_a_password_alone_never_reaches_the_setup_page(demo_site):
    client = signed_in("nanning")
    response = client.get(SETUP)
    assert response.status_code == 403
    page = response.content.decode()
    assert "需要邀请" in page and "省级协调员" in page
    assert "<svg" not in page and "two-step__key" not in page
    # Posting a code without an invitation enrols nothing.
    assert client.post(SETUP, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user__username="nanning").exists()


# --- With an invitation -----------------------------------------------------------------------


def test_a_valid_invitation_lets_exactly_that_account_enrol_once(demo_site):
    path = invite("nanning", by=user("coordinator"))
    client = signed_in("nanning")
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == SETUP
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "two-step__key" in page
    response = confirm(client)
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert client.get("/admin/tips/").status_code == 200

    invitation = TwoFactorInvitation.objects.get(user__username="nanning")
    assert invitation.used_at is not None
    entry = ModelLogEntry.objects.get(action="guitu.two_factor.enabled")
    assert entry.data["invitation"] == invitation.pk
    assert entry.data["invited_by"] == user("coordinator").pk
    # The same link again: used.
    again = signed_in("nanning")
    response = again.get(path)
    assert response.status_code == 410
    assert "已被使用" in response.content.decode()


def test_only_a_hash_of_the_token_is_stored(demo_site):
    invitation, url = issue_invitation(user("nanning"))
    token = link_path(url).rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 40
    assert invitation.token_hash == hash_token(token) != token
    assert not TwoFactorInvitation.objects.filter(token_hash__contains=token).exists()


def test_another_accounts_invitation_is_refused(demo_site):
    path = invite("nanning")
    client = signed_in("liuzhou")
    response = client.get(path)
    assert response.status_code == 403
    assert "另一个账号" in response.content.decode()
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_an_expired_invitation_is_refused(demo_site):
    path = invite("nanning")
    TwoFactorInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = signed_in("nanning")
    response = client.get(path)
    assert response.status_code == 410
    assert "已过期" in response.content.decode()


def test_an_invitation_that_expires_while_the_qr_code_is_open_enrols_nothing(demo_site):
    client = signed_in("nanning")
    client.get(invite("nanning"))
    client.get(SETUP)
    TwoFactorInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert confirm(client).status_code == 403
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_new_invitation_revokes_the_older_one(demo_site):
    old = invite("nanning")
    new = invite("nanning")
    client = signed_in("nanning")
    response = client.get(old)
    assert response.status_code == 410
    assert "新的邀请取代" in response.content.decode()
    assert client.get(new).status_code == 302


def test_an_unknown_link_is_a_clear_404(demo_site):
    client = signed_in("nanning")
    response = client.get("/admin/two-step/invitation/not-a-real-token/")
    assert response.status_code == 404
    assert "邀请链接无效" in response.content.decode()


def test_the_link_asks_for_a_sign_in_first(demo_site):
    path = invite("nanning")
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_two_browsers_with_one_invitation_enrol_once(demo_site):
    path = invite("nanning")
    first, second = signed_in("nanning"), signed_in("nanning")
    for client in (first, second):
        assert client.get(path).status_code == 302
        client.get(SETUP)
    assert confirm(first).status_code == 200
    assert confirm(second).status_code in (302, 403)  # now verify first, or no invitation
    assert TOTPDevice.objects.filter(user__username="nanning", confirmed=True).count() == 1


# --- Issuing in the admin ---------------------------------------------------------------------


def test_coordinators_list_staff_and_invite_them(demo_site):
    coordinator = verified("coordinator")
    response = coordinator.get(reverse("guitu_2fa_staff"))
    assert response.status_code == 200
    page = response.content.decode()
    for username in ("nanning", "liuzhou", "editor", "admin"):
        assert username in page
    assert reverse("guitu_2fa_staff_invite", args=[user("nanning").pk]) in page
    # A superuser is listed, without actions for a coordinator.
    assert reverse("guitu_2fa_staff_invite", args=[user("admin").pk]) not in page

    target = reverse("guitu_2fa_staff_invite", args=[user("nanning").pk])
    assert coordinator.get(target).status_code == 200
    response = coordinator.post(target, {"send_email": "1"})
    assert response.status_code == 200
    url = response.context["url"]
    assert url in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user("nanning").email]
    assert url in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(
        action="guitu.two_factor.invitation_issued", object_id=str(user("nanning").pk)
    )
    assert entry.user_id == user("coordinator").pk

    staff = signed_in("nanning")
    assert staff.get(link_path(url)).status_code == 302
    assert staff.get(SETUP).status_code == 200


def test_a_coordinator_cannot_invite_or_reset_a_superuser_or_themselves(demo_site):
    coordinator = verified("coordinator")
    for account in ("admin", "coordinator"):
        for name in ("guitu_2fa_staff_invite", "guitu_2fa_staff_reset"):
            url = reverse(name, args=[user(account).pk])
            assert refused_by_wagtail(coordinator.get(url)), (account, name)
            assert refused_by_wagtail(coordinator.post(url)), (account, name)
    assert not TwoFactorInvitation.objects.filter(user__username="admin").exists()
    assert TOTPDevice.objects.filter(user__username="coordinator", confirmed=True).exists()


def test_a_superuser_may_invite_a_superuser(demo_site):
    get_user_model().objects.create_superuser("root2", "root2@guitu.invalid", "x" * 16)
    admin = verified("admin")
    response = admin.post(reverse("guitu_2fa_staff_invite", args=[user("root2").pk]))
    assert response.status_code == 200
    assert TwoFactorInvitation.objects.filter(user__username="root2").exists()


def test_station_staff_and_editors_cannot_issue(demo_site):
    for username in ("nanning", "editor"):
        client = verified(username)
        assert refused_by_wagtail(client.get(reverse("guitu_2fa_staff")))
        url = reverse("guitu_2fa_staff_invite", args=[user("liuzhou").pk])
        assert refused_by_wagtail(client.post(url))
    assert not TwoFactorInvitation.objects.filter(user__username="liuzhou").exists()


def test_an_account_with_an_authenticator_is_reset_not_invited(demo_site):
    verified("nanning")
    coordinator = verified("coordinator")
    invite_url = reverse("guitu_2fa_staff_invite", args=[user("nanning").pk])
    response = coordinator.post(invite_url)
    assert response.status_code == 400
    assert "请先重置" in response.content.decode()

    reset_url = reverse("guitu_2fa_staff_reset", args=[user("nanning").pk])
    assert coordinator.get(reset_url).status_code == 200
    response = coordinator.post(reset_url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user__username="nanning").exists()
    entry = ModelLogEntry.objects.filter(action="guitu.two_factor.reset").get()
    assert entry.user_id == user("coordinator").pk
    assert coordinator.post(invite_url).status_code == 200


def test_the_menu_item_shows_to_issuers_only(demo_site):
    staff_page = reverse("guitu_2fa_staff")
    assert staff_page in verified("coordinator").get("/admin/").content.decode()
    assert staff_page not in verified("nanning").get("/admin/").content.decode()


# --- The command ------------------------------------------------------------------------------


def test_the_command_prints_a_link_for_the_first_superuser(demo_site):
    out = io.StringIO()
    call_command("invite_two_factor", "admin", stdout=out)
    url = re.search(r"https?://\S+", out.getvalue()).group(0)
    client = signed_in("admin")
    assert client.get(link_path(url)).status_code == 302
    assert client.get(SETUP).status_code == 200
    assert confirm(client).status_code == 200
    assert client.get("/admin/users/").status_code == 200
    entry = ModelLogEntry.objects.get(action="guitu.two_factor.invitation_issued")
    assert entry.user_id is None


def test_the_command_refuses_unknown_and_enrolled_accounts(demo_site):
    with pytest.raises(CommandError):
        call_command("invite_two_factor", "nobody", stdout=io.StringIO())
    verified("nanning")
    with pytest.raises(CommandError, match=r"reset|重置"):
        call_command("invite_two_factor", "nanning", stdout=io.StringIO())
