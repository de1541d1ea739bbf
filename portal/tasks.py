"""Periodic jobs of the portal core (run by `manage.py run_periodic`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def prune_login_records() -> int:
    """Delete admin sign-in records (django-axes' access log: address, browser, time) older
    than LOGIN_RECORD_RETENTION_DAYS. Returns how many were deleted."""
    from axes.models import AccessLog

    cutoff = timezone.now() - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
