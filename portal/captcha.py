"""reCAPTCHA for public forms, only where both keys are configured, and never at the cost of a
report: when the verification service cannot be reached (or the widget could not load in the
reporter's browser, e.g. without JavaScript or where the script host is blocked) the form is
accepted and the outcome recorded as unverified. Only a definite "no" from the service rejects.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from django_recaptcha import client
from django_recaptcha.fields import ReCaptchaField
from django_recaptcha.widgets import ReCaptchaV2Checkbox

logger = logging.getLogger(__name__)

VERIFIED = "verified"
UNVERIFIED = "unverified"

# Why a check was unverified, for the record that the form writes.
SERVICE_UNREACHABLE = "service_unreachable"
WIDGET_NOT_LOADED = "widget_not_loaded"

NETWORK_ERRORS = (
    urllib.error.URLError,
    TimeoutError,
    OSError,
    http.client.HTTPException,
    json.JSONDecodeError,
    UnicodeDecodeError,
    KeyError,
    ValueError,
)

# Error codes that mean our configuration (not the visitor) is at fault.
SERVER_SIDE_ERROR_CODES = {"missing-input-secret", "invalid-input-secret", "bad-request"}


def captcha_enabled() -> bool:
    """True only when both reCAPTCHA keys are configured."""
    return bool(getattr(settings, "RECAPTCHA_PUBLIC_KEY", "")) and bool(
        getattr(settings, "RECAPTCHA_PRIVATE_KEY", "")
    )


class CaptchaWidget(ReCaptchaV2Checkbox):
    """The v2 checkbox without the package's inline script: only the external api.js (from
    RECAPTCHA_DOMAIN), in the page's language."""

    template_name = "portal/captcha_widget.html"

    def get_context(self, name, value, attrs):
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        self.api_params = {"hl": "en" if language.startswith("en") else "zh-CN"}
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("data-callback", None)
        return context


class CaptchaField(ReCaptchaField):
    """A reCAPTCHA v2 checkbox whose ``clean`` returns VERIFIED or UNVERIFIED (also kept in
    ``self.outcome``, with the reason in ``self.reason``) instead of failing on network errors.

    Set ``remote_ip`` (the form does, from portal.ratelimit.client_ip) to pass the client's
    address to the service; the package's own lookup trusts X-Forwarded-For blindly.
    """

    widget = CaptchaWidget
    default_error_messages = {
        "required": _("Please tick the box “I'm not a robot”."),
        "captcha_invalid": _(
            "The check that you are not a robot did not succeed. Please try again."
        ),
        "captcha_error": _("The check that you are not a robot did not succeed. Please try again."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Check that you are not a robot"))
        super().__init__(*args, **kwargs)
        self.outcome: str | None = None
        self.reason = ""
        self.remote_ip = ""

    def clean(self, value):
        if value is None:
            # No response field at all: the widget never loaded in the browser.
            self.outcome, self.reason = UNVERIFIED, WIDGET_NOT_LOADED
            return self.outcome
        super().clean(value)
        return self.outcome

    def validate(self, value):
        forms.CharField.validate(self, value)
        try:
            result = client.submit(
                recaptcha_response=value,
                private_key=self.private_key,
                remoteip=self.remote_ip,
            )
        except NETWORK_ERRORS as exc:
            logger.warning("reCAPTCHA verification unavailable (%s): accepting as unverified", exc)
            self.outcome, self.reason = UNVERIFIED, SERVICE_UNREACHABLE
            return
        if result.is_valid:
            self.outcome, self.reason = VERIFIED, ""
            return
        if set(result.error_codes) & SERVER_SIDE_ERROR_CODES:
            logger.error("reCAPTCHA rejected our request: %s", result.error_codes)
            self.outcome, self.reason = UNVERIFIED, SERVICE_UNREACHABLE
            return
        logger.info("reCAPTCHA answer not valid: %s", result.error_codes)
        raise ValidationError(self.error_messages["captcha_invalid"], code="captcha_invalid")
