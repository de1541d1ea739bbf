"""Wagtail admin registration for tips: the 求助线索 menu and the dashboard captcha warning."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import CaptchaWarningPanel, TipPermissionPolicy, TipViewSet
from .models import TipReport

register_permission_policy(TipReport, TipPermissionPolicy(TipReport), exact_class=True)


@hooks.register("register_admin_viewset")
def register_tip_viewset():
    return TipViewSet()


@hooks.register("construct_homepage_panels")
def add_captcha_warning(request, panels):
    panels.append(CaptchaWarningPanel())


@hooks.register("register_log_actions")
def register_tip_log_actions(actions):
    from django.utils.translation import gettext_lazy as _

    from .workflow import CONTACT_VIEWED_LOG_ACTION, LOG_ACTIONS, log_action_name

    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(log_action_name(action), label, message)
    actions.register_action(
        CONTACT_VIEWED_LOG_ACTION, _("View reporter contact"), _("Reporter contact viewed")
    )
