"""Two-step verification for the admin (django-otp: an authenticator app's time-based codes,
plus ten single-use backup codes).

Every account that opens the admin (editors, moderators, station staff, coordinators,
superusers) must verify a code after its password before any admin page opens; an account that
has set up an authenticator must always use it. ``GUITU_2FA_REQUIRED`` may relax the rule in
development only (production.py forces it on). An authenticator is set up only through a
one-time invitation (portal/invitations.py), never at a first password sign-in. Lost phones:
a coordinator resets it in the admin, or ``manage.py reset_two_factor``; then a new invitation.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import LazyObject, empty
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from wagtail.admin.auth import require_admin_access
from wagtail.log_actions import log

import django_otp
import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import invitations
from portal.security import admin_prefix

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
# Admin URLs an account may open before its second step: signing in and out, the two-step
# pages themselves, and the admin's own script catalogue and icon sprite they load.
OPEN_URL_NAMES = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "guitu_2fa_verify",
        "guitu_2fa_setup",
        "guitu_2fa_invitation",
    }
)


def must_use_two_factor(user) -> bool:
    """Whether this account needs a second step to use the admin."""
    if not user.is_authenticated:
        return False
    if django_otp.user_has_device(user, confirmed=True):
        return True
    return bool(settings.GUITU_2FA_REQUIRED)


def _account(user):
    """The User behind request.user (django-otp wraps Django's lazy user in another lazy
    object, which Wagtail's audit log cannot see through)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class RequireTwoFactorMiddleware:
    """Sends an admin user who must verify, and has not, to the verification page (or, without
    an authenticator, to the setup page, which asks for an invitation unless one was opened).
    Must come after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect_to = self.redirect_for(request)
        if redirect_to:
            return redirect(redirect_to)
        return self.get_response(request)

    def redirect_for(self, request) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        if not request.path_info.startswith(admin_prefix()):
            return ""
        try:
            url_name = resolve(request.path_info).url_name
        except Resolver404:
            return ""
        if url_name in OPEN_URL_NAMES or user.is_verified():
            return ""
        if not must_use_two_factor(user):
            return ""
        target = (
            "guitu_2fa_verify"
            if django_otp.user_has_device(user, confirmed=True)
            else "guitu_2fa_setup"
        )
        return reverse(target) + "?" + urlencode({"next": request.get_full_path()})


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter the code.")},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _throttle_error(device) -> ValidationError | None:
    allowed, _details = device.verify_is_allowed()
    if allowed:
        return None
    return ValidationError(
        _("Too many wrong codes. Wait a little, then try again."), code="throttled"
    )


def _check_code(user, code: str):
    """The device that accepts ``code`` (an authenticator code, or a backup code), else a
    ValidationError. Each device's own throttling applies."""
    devices = []
    if code.isdigit():
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for device in devices:
        error = _throttle_error(device)
        if error is not None:
            raise error
        with transaction.atomic():
            if device.verify_token(code):
                return device
    raise ValidationError(_("That code is not right. Check the time on your phone and try again."))


def _render(request, template, context, status=200):
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    return response


@require_admin_access
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The second step after the password: a code from the authenticator or a backup code."""
    next_url = _next_url(request, reverse("wagtailadmin_home"))
    if not django_otp.user_has_device(request.user, confirmed=True):
        return redirect(reverse("guitu_2fa_setup") + "?" + urlencode({"next": next_url}))
    if request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = _check_code(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                account = _account(request.user)
                log(account, "guitu.two_factor.backup_code_used", user=account)
            return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "portal/two_factor/verify.html", {"form": form, "next": next_url}, status
    )


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _grouped_key(device: TOTPDevice) -> str:
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_admin_access
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Set up an authenticator app (scan the QR code or type the key, then confirm a code),
    or, once set up and verified, make a fresh set of backup codes."""
    user = _account(request.user)
    next_url = _next_url(request, reverse("wagtailadmin_home"))
    has_device = django_otp.user_has_device(user, confirmed=True)
    if has_device and not user.is_verified():
        return redirect(reverse("guitu_2fa_verify") + "?" + urlencode({"next": next_url}))

    if has_device:
        if request.method == "POST" and request.POST.get("action") == "new_backup_codes":
            with transaction.atomic():
                codes = _new_backup_codes(user)
                log(user, "guitu.two_factor.backup_codes_replaced", user=user)
            return _render(
                request, "portal/two_factor/backup_codes.html", {"codes": codes, "next": next_url}
            )
        remaining = StaticToken.objects.filter(
            device__user=user, device__name=BACKUP_DEVICE_NAME
        ).count()
        return _render(
            request,
            "portal/two_factor/status.html",
            {"remaining_backup_codes": remaining, "next": next_url},
        )

    invitation = invitations.session_invitation(request)
    if invitation is None:
        # Never at a first password sign-in: only through an invitation opened in this session.
        return _render(
            request,
            "portal/two_factor/invitation_needed.html",
            {"required": must_use_two_factor(user), "hours": settings.GUITU_2FA_INVITATION_HOURS},
            status=403,
        )
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        error = _throttle_error(device)
        if error is None and code.isdigit() and device.verify_token(code):
            with transaction.atomic():
                if not invitations.use_invitation(invitation):
                    return _invitation_refused(request, invitation)
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_backup_codes(user)
                log(
                    user,
                    "guitu.two_factor.enabled",
                    user=user,
                    data={"invitation": invitation.pk, "invited_by": invitation.created_by_id},
                )
            request.session.pop(invitations.SESSION_KEY, None)
            django_otp.login(request, device)
            return _render(
                request, "portal/two_factor/backup_codes.html", {"codes": codes, "next": next_url}
            )
        form.add_error(
            "code",
            error
            or ValidationError(
                _("That code is not right. Check the time on your phone and try again.")
            ),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr.svg_inline(
            omitsize=True, scale=5, border=2, title=str(_("QR code for your authenticator app"))
        ),
        "secret_key": _grouped_key(device),
        "required": must_use_two_factor(user),
    }
    status = 400 if request.method == "POST" else 200
    return _render(request, "portal/two_factor/setup.html", context, status)


def _invitation_refused(request, invitation):
    status, message = invitations.check_invitation(invitation, request.user) or (
        410,
        _("This invitation cannot be used any more. Ask your coordinator for a new one."),
    )
    return _render(
        request, "portal/two_factor/invitation_invalid.html", {"message": message}, status=status
    )


@require_admin_access
@require_http_methods(["GET", "HEAD"])
def accept_invitation(request, token: str):
    """The invitation link: checked against the signed-in account, remembered in the session,
    then on to the setup page (so the token does not stay in the address bar)."""
    user = _account(request.user)
    invitation = None
    if len(token) <= 100:
        invitation = (
            invitations.TwoFactorInvitation.objects.filter(token_hash=invitations.hash_token(token))
            .select_related("user")
            .first()
        )
    problem = invitations.check_invitation(invitation, user)
    if problem is not None:
        status, message = problem
        response = _render(
            request,
            "portal/two_factor/invitation_invalid.html",
            {"message": message},
            status=status,
        )
    else:
        request.session[invitations.SESSION_KEY] = invitation.pk
        response = redirect("guitu_2fa_setup")
        add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


def reset_two_factor(user, *, by=None) -> int:
    """Remove every authenticator and backup code of ``user`` (a lost phone). They need a new
    invitation to set up an authenticator again. Returns how many devices were removed."""
    removed = 0
    with transaction.atomic():
        for device in django_otp.devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        log(user, "guitu.two_factor.reset", user=by)
    return removed
