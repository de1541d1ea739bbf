"""Response headers that protect visitors: Content-Security-Policy and Permissions-Policy.

Public pages get a strict policy with no inline script or style at all, so no nonce is needed
and a cached page carries a policy that is still right for every visitor. The Wagtail admin
gets a relaxed policy (its editors and preview need inline styles and scripts). The policies are
in settings (``CONTENT_SECURITY_POLICY`` and ``CONTENT_SECURITY_POLICY_ADMIN``).

Permissions-Policy switches off powerful browser features everywhere; the tip form alone may ask
for the visitor's location (``allow_geolocation``).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from csp.middleware import CSPMiddleware, PolicyParts

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"
# Features no page of the portal uses.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy(*allowed_self: str) -> str:
    parts = [
        f"{feature}=(self)" if feature in allowed_self else f"{feature}=()"
        for feature in DENIED_FEATURES
    ]
    return ", ".join(parts)


def allow_geolocation(response):
    """Let this page (the tip form's "use my location") ask for the device's location."""
    response[PERMISSIONS_POLICY_HEADER] = permissions_policy("geolocation")
    return response


def admin_prefix() -> str:
    return reverse("wagtailadmin_home")


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's relaxed policy under the admin's URL prefix."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(admin_prefix())
        ):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts


class PermissionsPolicyMiddleware:
    """Adds the default Permissions-Policy to every response that did not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.default = permissions_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if PERMISSIONS_POLICY_HEADER not in response:
            response[PERMISSIONS_POLICY_HEADER] = self.default
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a translated page, 429. Two kinds: one
    username from one address (django-axes), or one username from browsers it does not know
    (the per-account limit of portal/sign_in.py)."""
    locked_until = getattr(request, "guitu_account_locked_until", None)
    if locked_until is not None:
        seconds = (locked_until - timezone.now()).total_seconds()
    else:
        seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    context = {"cooloff_minutes": minutes, "account_locked": locked_until is not None}
    response = render(request, "portal/lockout.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
