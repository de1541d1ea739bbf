"""Admin registration of the portal core: two-step verification pages, the coordinators' page
for staff invitations and resets, their audit entries, and the editors' view of image originals."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import invitations, media, two_factor


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-step/verify/", two_factor.verify, name="guitu_2fa_verify"),
        path("two-step/setup/", two_factor.setup, name="guitu_2fa_setup"),
        path(
            "two-step/invitation/<str:token>/",
            two_factor.accept_invitation,
            name="guitu_2fa_invitation",
        ),
        path("two-step/staff/", invitations.StaffIndexView.as_view(), name="guitu_2fa_staff"),
        path(
            "two-step/staff/<int:pk>/invite/",
            invitations.InviteView.as_view(),
            name="guitu_2fa_staff_invite",
        ),
        path(
            "two-step/staff/<int:pk>/reset/",
            invitations.ResetView.as_view(),
            name="guitu_2fa_staff_reset",
        ),
    ]


class StaffTwoFactorMenuItem(MenuItem):
    def is_shown(self, request):
        return invitations.may_issue(request.user)


@hooks.register("register_admin_menu_item")
def staff_two_factor_menu_item():
    return StaffTwoFactorMenuItem(
        _("Staff two-step verification"),
        reverse("guitu_2fa_staff"),
        name="staff-two-step",
        icon_name="key",
        order=900,
    )


@hooks.register("register_admin_urls")
def original_image_urls():
    # Where the original storage's URLs lead (settings.ORIGINALS_URL): editors only.
    return [path("originals/<path:path>", media.original_image, name="portal_original_image")]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("guitu_2fa_setup"),
        "label": _("Two-step verification"),
        "help_text": _("Your authenticator app and backup codes."),
    }


@hooks.register("register_log_actions")
def two_factor_log_actions(actions):
    actions.register_action(
        invitations.ISSUED_ACTION,
        _("Two-step invitation issued"),
        _("Invitation to set up two-step verification issued (older ones revoked)"),
    )
    actions.register_action(
        "guitu.two_factor.enabled",
        _("Two-step verification set up"),
        _("Two-step verification set up with an invitation"),
    )
    actions.register_action(
        "guitu.two_factor.backup_codes_replaced",
        _("Backup codes replaced"),
        _("New backup codes made"),
    )
    actions.register_action(
        "guitu.two_factor.backup_code_used",
        _("Backup code used"),
        _("Signed in with a backup code"),
    )
    actions.register_action(
        "guitu.two_factor.reset",
        _("Two-step verification reset"),
        _("Two-step verification reset (authenticator and backup codes removed)"),
    )
