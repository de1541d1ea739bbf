"""One-time invitations to set up two-step verification, and the admin page where coordinators
and superusers issue them and reset lost authenticators (两步验证 → 工作人员).

An invitation is a random link shown once to whoever issues it (and, if asked, emailed to the
account's own address); only a SHA-256 hash of its token is stored. It expires after
``GUITU_2FA_INVITATION_HOURS``, works once, only while signed in as its own account, and a newer
invitation for the same account revokes the older ones. Nobody may issue an invitation for, or
reset, an account that ranks above them (superuser > coordinator > other staff) or their own.
Every issue, reset and use is written to the audit log.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import TwoFactorInvitation
from .roles import COORDINATE_PERMISSION

logger = logging.getLogger(__name__)

SESSION_KEY = "guitu_2fa_invitation"
ISSUED_ACTION = "guitu.two_factor.invitation_issued"
PER_PAGE = 50


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_url(token: str) -> str:
    path = reverse("guitu_2fa_invitation", args=[token])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def pending(queryset=None):
    """Invitations that can still be used."""
    queryset = TwoFactorInvitation.objects.all() if queryset is None else queryset
    return queryset.filter(
        used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Who may do what --------------------------------------------------------------------------


def rank(user) -> int:
    if user.is_superuser:
        return 2
    if user.has_perm(COORDINATE_PERMISSION):
        return 1
    return 0


def may_issue(user) -> bool:
    """Coordinators and superusers issue invitations and reset authenticators."""
    return user.is_authenticated and user.is_active and rank(user) > 0


def may_manage(actor, target) -> bool:
    """Whether ``actor`` may invite or reset ``target``: never themselves (a second person
    vouches for every enrolment), never someone who ranks above them."""
    return may_issue(actor) and actor.pk != target.pk and rank(target) <= rank(actor)


# --- Issuing and using ------------------------------------------------------------------------


class InvitationError(Exception):
    pass


def issue_invitation(user, *, by=None) -> tuple[TwoFactorInvitation, str]:
    """A new invitation for ``user`` (revoking any older one) and its link, which is shown once
    and never stored."""
    if not user.is_active:
        raise InvitationError(_("This account is not active."))
    if has_authenticator(user):
        raise InvitationError(
            _(
                "This account has two-step verification already. If they lost their phone, "
                "reset it first."
            )
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        pending(TwoFactorInvitation.objects.filter(user=user)).update(revoked_at=now)
        invitation = TwoFactorInvitation.objects.create(
            user=user,
            token_hash=hash_token(token),
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(hours=settings.GUITU_2FA_INVITATION_HOURS),
        )
        log(
            user,
            ISSUED_ACTION,
            user=by,
            data={"invitation": invitation.pk, "expires_at": invitation.expires_at.isoformat()},
        )
    return invitation, invitation_url(token)


def email_invitation(invitation: TwoFactorInvitation, url: str) -> bool:
    """Send the link to the account's own address. False when there is none or sending failed."""
    user = invitation.user
    if not user.email:
        return False
    context = {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "url": url,
        "expires_local": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("portal/email/two_factor_invitation_subject.txt", context)
        body = render_to_string("portal/email/two_factor_invitation_body.txt", context)
    try:
        EmailMessage(
            subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body.strip() + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        ).send()
    except Exception:
        logger.exception("Could not email a two-step invitation to account %s", user.pk)
        return False
    return True


def check_invitation(invitation: TwoFactorInvitation | None, user) -> tuple[int, str] | None:
    """Why this invitation cannot be used by ``user`` (HTTP status, message), or None."""
    if invitation is None:
        return 404, _(
            "This invitation link is not valid. Check that you opened the whole link, or ask "
            "your coordinator for a new one."
        )
    if invitation.user_id != user.pk:
        return 403, _(
            "This invitation is for another account. Sign out, then sign in as the person it "
            "was made for."
        )
    if invitation.used_at is not None:
        return 410, _(
            "This invitation has been used already. Each invitation works once; ask your "
            "coordinator for a new one if you need it."
        )
    if invitation.revoked_at is not None:
        return 410, _(
            "This invitation was replaced by a newer one. Use the newest link you were given."
        )
    if invitation.expires_at <= timezone.now():
        return 410, _("This invitation has expired. Ask your coordinator for a new one.")
    return None


def session_invitation(request) -> TwoFactorInvitation | None:
    """The usable invitation this signed-in user opened in this session, if any."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    invitation = TwoFactorInvitation.objects.filter(pk=pk).first()
    if check_invitation(invitation, request.user) is not None:
        return None
    return invitation


def use_invitation(invitation: TwoFactorInvitation) -> bool:
    """Mark the invitation used, once (two browsers racing: one wins)."""
    now = timezone.now()
    return bool(pending(TwoFactorInvitation.objects.filter(pk=invitation.pk)).update(used_at=now))


# --- The coordinators' page -------------------------------------------------------------------


def admin_accounts():
    """Every active account that may open the admin, with its two-step status."""
    user_model = get_user_model()
    open_invitation = pending(TwoFactorInvitation.objects.filter(user=OuterRef("pk")))
    return (
        user_model.objects.with_perm(
            "wagtailadmin.access_admin",
            is_active=True,
            include_superusers=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .annotate(
            has_authenticator=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
            invitation_expires_at=Subquery(
                open_invitation.order_by("-expires_at").values("expires_at")[:1]
            ),
        )
        .order_by("username")
    )


class IssuerRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_issue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        return response


class StaffIndexView(IssuerRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "portal/two_factor/staff/index.html"
    page_title = gettext_lazy("Two-step verification of staff")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(admin_accounts(), PER_PAGE).get_page(self.request.GET.get("p"))
        for account in page.object_list:
            account.manageable = may_manage(self.request.user, account)
        context.update(accounts=page.object_list, page_obj=page)
        return context


class TargetMixin(IssuerRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not may_issue(request.user):
            raise PermissionDenied
        self.target = get_object_or_404(get_user_model(), pk=kwargs["pk"], is_active=True)
        if not may_manage(request.user, self.target):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            target=self.target,
            has_authenticator=has_authenticator(self.target),
            index_url=reverse("guitu_2fa_staff"),
        )
        return context


class InviteView(TargetMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: what an invitation does, with "also email it"; POST: issue it and show the link
    once."""

    template_name = "portal/two_factor/staff/invite.html"
    page_title = gettext_lazy("Invite to set up two-step verification")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hours"] = settings.GUITU_2FA_INVITATION_HOURS
        return context

    def post(self, request, *args, **kwargs):
        try:
            invitation, url = issue_invitation(self.target, by=request.user)
        except InvitationError as error:
            context = self.get_context_data(error=str(error))
            return self.render_to_response(context, status=400)
        emailed = None
        if request.POST.get("send_email"):
            emailed = email_invitation(invitation, url)
        self.template_name = "portal/two_factor/staff/invited.html"
        context = self.get_context_data(invitation=invitation, url=url, emailed=emailed)
        return self.render_to_response(context)


class ResetView(TargetMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: confirm; POST: remove the account's authenticator and backup codes."""

    template_name = "portal/two_factor/staff/reset.html"
    page_title = gettext_lazy("Reset two-step verification")
    header_icon = "key"

    def post(self, request, *args, **kwargs):
        from .two_factor import reset_two_factor

        reset_two_factor(self.target, by=request.user)
        messages.success(
            request,
            _(
                "Two-step verification of %(name)s was reset. They need a new invitation to set "
                "it up again."
            )
            % {"name": self.target.get_username()},
        )
        return redirect("guitu_2fa_staff")
