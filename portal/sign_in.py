"""Admin sign-in against password guessing, on top of django-axes.

Three layers, all fed by django-axes' records of failed sign-ins (``AccessFailureLog``, in the
database so every web host sees them):

- django-axes' own lockout: five failures for one username *from one address* pause that pair
  (``AXES_*`` settings).
- A per-account limit that does not depend on the address: after
  ``GUITU_ACCOUNT_FAILURE_LIMIT`` failures for one username from anywhere within
  ``GUITU_ACCOUNT_FAILURE_WINDOW``, password attempts for it are refused, until those failures
  are older than the window, from every browser that has not signed in to that account
  before. A browser that has signed in successfully carries a signed "known device" cookie
  (tied to the account and its current password) and is never refused by this limit, so an
  attacker cannot lock the real user out of their usual browser.
- A global alarm: when failures across accounts reach ``GUITU_LOGIN_ALARM_ACCOUNTS`` usernames
  or ``GUITU_LOGIN_ALARM_FAILURES`` failures within ``GUITU_LOGIN_ALARM_WINDOW``, a warning is
  logged and the coordinators are emailed, once per window.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessFailureLog

logger = logging.getLogger("portal.sign_in")

KNOWN_DEVICE_SALT = "guitu.sign_in.known_device"
# One browser remembers at most this many accounts (a shared office computer).
KNOWN_DEVICE_MAX_ACCOUNTS = 10
ALARM_CACHE_KEY = "guitu:sign-in-alarm"


# --- Per-account limit ------------------------------------------------------------------------


def account_failures(username: str, *, now: datetime | None = None) -> list[datetime]:
    """When the recent failed sign-ins for this username happened (newest first), from any
    address, within the per-account window."""
    now = now or timezone.now()
    since = now - settings.GUITU_ACCOUNT_FAILURE_WINDOW
    return list(
        AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[: settings.GUITU_ACCOUNT_FAILURE_LIMIT]
    )


def account_locked_until(username: str | None) -> datetime | None:
    """The end of this username's per-account pause, or None when it is not paused."""
    if not username or settings.GUITU_ACCOUNT_FAILURE_LIMIT <= 0:
        return None
    failures = account_failures(username)
    if len(failures) < settings.GUITU_ACCOUNT_FAILURE_LIMIT:
        return None
    # Lifted once the oldest of the last LIMIT failures leaves the window.
    return failures[-1] + settings.GUITU_ACCOUNT_FAILURE_WINDOW


def _device_token(user) -> str:
    """This account's entry in a known-device cookie; a new password invalidates it."""
    return salted_hmac(
        KNOWN_DEVICE_SALT, f"{user.pk}:{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def _cookie_tokens(request) -> list[str]:
    value = request.COOKIES.get(settings.GUITU_KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        tokens = signing.loads(
            value,
            salt=KNOWN_DEVICE_SALT,
            max_age=settings.GUITU_KNOWN_DEVICE_MAX_AGE.total_seconds(),
        )
    except signing.BadSignature:
        return []
    if not isinstance(tokens, list):
        return []
    return [token for token in tokens if isinstance(token, str)][:KNOWN_DEVICE_MAX_ACCOUNTS]


def is_known_device(request, username: str | None) -> bool:
    """Whether this browser has signed in to this account before (with its current password)."""
    tokens = _cookie_tokens(request)
    if not tokens or not username:
        return False
    user = get_user_model()._default_manager.filter(**{"username": username}).first()
    if user is None:
        return False
    expected = _device_token(user)
    return any(constant_time_compare(expected, token) for token in tokens)


class AccountLockoutBackend(AxesStandaloneBackend):
    """django-axes' backend (username + address lockout) plus the per-account limit: a
    username with too many recent failures from anywhere is refused, without its password
    being checked, unless this browser is a known device of that account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if not settings.AXES_ENABLED:
            return None
        locked_until = account_locked_until(username)
        if locked_until is None or is_known_device(request, username):
            return None
        # Marked as django-axes' own refusals are: not recorded as a failure (the password was
        # not tried), answered by AxesMiddleware with portal.security.lockout_response.
        request.axes_locked_out = True
        request.guitu_account_locked_until = locked_until
        raise AxesBackendPermissionDenied("Too many failed sign-ins for this account.")


# --- Known-device cookie ----------------------------------------------------------------------


def remember_device(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: this browser becomes a known device of ``user``
    (KnownDeviceMiddleware writes the cookie on the response)."""
    if request is None:
        return
    token = _device_token(user)
    tokens = [t for t in _cookie_tokens(request) if t != token]
    request.guitu_known_devices = [token, *tokens][:KNOWN_DEVICE_MAX_ACCOUNTS]


class KnownDeviceMiddleware:
    """Sets the signed known-device cookie after a successful sign-in (only then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        tokens = getattr(request, "guitu_known_devices", None)
        if tokens:
            from .security import admin_prefix

            response.set_cookie(
                settings.GUITU_KNOWN_DEVICE_COOKIE,
                signing.dumps(tokens, salt=KNOWN_DEVICE_SALT, compress=True),
                max_age=int(settings.GUITU_KNOWN_DEVICE_MAX_AGE.total_seconds()),
                path=admin_prefix(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


# --- Global alarm -----------------------------------------------------------------------------


def recent_failure_figures(*, now: datetime | None = None) -> dict:
    """Failed sign-ins across all accounts within the alarm window."""
    now = now or timezone.now()
    since = now - settings.GUITU_LOGIN_ALARM_WINDOW
    figures = AccessFailureLog.objects.filter(attempt_time__gte=since).aggregate(
        failures=Count("pk"),
        accounts=Count("username", distinct=True),
        addresses=Count("ip_address", distinct=True),
    )
    figures["minutes"] = int(settings.GUITU_LOGIN_ALARM_WINDOW.total_seconds() // 60)
    return figures


def check_for_spraying(sender, credentials=None, request=None, **kwargs) -> None:
    """user_login_failed receiver (after django-axes' own, which records the failure): warn
    when one account reaches its limit, and raise the global alarm once per window."""
    if request is None or getattr(request, "guitu_account_locked_until", None):
        return
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    limit = settings.GUITU_ACCOUNT_FAILURE_LIMIT
    if username and limit > 0 and len(account_failures(username)) == limit:
        logger.warning(
            "Sign-in paused for account %r on unknown browsers: %d failures within %s.",
            username,
            limit,
            settings.GUITU_ACCOUNT_FAILURE_WINDOW,
        )
    figures = recent_failure_figures()
    if (
        figures["accounts"] < settings.GUITU_LOGIN_ALARM_ACCOUNTS
        and figures["failures"] < settings.GUITU_LOGIN_ALARM_FAILURES
    ):
        return
    # One alarm per window, across processes and hosts (the shared cache). Without the cache
    # the warning is still logged, but nobody is emailed (rather than once per attempt).
    try:
        first = cache.add(
            ALARM_CACHE_KEY, True, timeout=settings.GUITU_LOGIN_ALARM_WINDOW.total_seconds()
        )
    except Exception:
        logger.exception("Sign-in alarm: the cache is unavailable, no email sent.")
        first = None
    if first is False:
        return
    logger.warning(
        "Possible password spraying: %(failures)d failed sign-ins for %(accounts)d accounts "
        "from %(addresses)d addresses within %(minutes)d minutes.",
        figures,
    )
    if first:
        from .tasks import send_sign_in_alarm

        try:
            send_sign_in_alarm.enqueue(figures)
        except Exception:
            logger.exception("Sign-in alarm: could not queue the email to the coordinators.")
