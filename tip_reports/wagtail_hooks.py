"""Wagtail admin registration for tips: the queue menu, its permissions, the dashboard panels
(queue summary, captcha warning) and the audit log actions."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import (
    RESENT_LOG_ACTION,
    CaptchaWarningPanel,
    TipPermissionPolicy,
    TipQueuePanel,
    TipViewSet,
)
from .models import TipLogEntry, TipReport
from .retention import PURGED_LOG_ACTION
from .workflow import (
    CONTACT_VIEWED_LOG_ACTION,
    LOG_ACTIONS,
    PHOTO_VIEWED_LOG_ACTION,
    log_action_name,
)

register_permission_policy(TipReport, TipPermissionPolicy(TipReport), exact_class=True)


@hooks.register("register_admin_viewset")
def register_tip_viewset():
    return TipViewSet()


@hooks.register("construct_homepage_panels")
def add_tip_panels(request, panels):
    panels.append(CaptchaWarningPanel())
    panels.append(TipQueuePanel())


@hooks.register("insert_global_admin_css")
def queue_css():
    return format_html('<link rel="stylesheet" href="{}">', static("tip_reports/admin/queue.css"))


@hooks.register("register_log_actions")
def register_tip_log_actions(actions):
    # Tip entries live in their own table, whose manager shows them only to users who may
    # see the tip: Wagtail's site history and its filters read them through it.
    actions.register_model(TipReport, TipLogEntry)
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(log_action_name(action), label, message)
    actions.register_action(
        CONTACT_VIEWED_LOG_ACTION, _("View reporter contact"), _("Reporter contact viewed")
    )
    actions.register_action(PHOTO_VIEWED_LOG_ACTION, _("View tip photo"), _("Tip photo viewed"))
    actions.register_action(RESENT_LOG_ACTION, _("Resend notification"), _("Notification resent"))
    actions.register_action(
        PURGED_LOG_ACTION,
        _("Remove personal data"),
        _("Personal data removed after the retention period"),
    )
