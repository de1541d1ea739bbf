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
