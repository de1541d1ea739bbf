"""Admin registration of the portal core: two-step verification pages and their audit entries,
the editors' view of image originals."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from . import media, two_factor


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-step/verify/", two_factor.verify, name="guitu_2fa_verify"),
        path("two-step/setup/", two_factor.setup, name="guitu_2fa_setup"),
    ]


@hooks.register("register_admin_urls")
def original_image_urls():
    # Where the original storage's URLs lead (settings.ORIGINALS_URL): editors only.
    return [path("originals/<path:path>", media.original_image, name="portal_original_image")]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("guitu_2fa_setup"),
        "label": _("Two-step verification"),
        "help_text": _("Set up your authenticator app, or make new backup codes."),
    }


@hooks.register("register_log_actions")
def two_factor_log_actions(actions):
    actions.register_action(
        "guitu.two_factor.enabled",
        _("Two-step verification set up"),
        _("Two-step verification set up"),
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
