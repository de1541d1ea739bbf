"""Periodic jobs of the portal core (run by `manage.py run_periodic`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from django_tasks import task


def prune_login_records() -> int:
    """Delete admin sign-in records (django-axes' access log: address, browser, time) older
    than LOGIN_RECORD_RETENTION_DAYS. Returns how many were deleted."""
    from axes.models import AccessLog

    cutoff = timezone.now() - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted


@task()
def generate_renditions(image_ids: list[int]) -> int:
    """Make the registered renditions of these images (see portal/renditions.py)."""
    from .renditions import generate

    return generate(image_ids)
