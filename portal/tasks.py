"""Periodic jobs of the portal core (run by `manage.py run_periodic`)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from django_tasks import task


def prune_login_records() -> int:
    """Delete admin sign-in records (django-axes' logs of successful and failed sign-ins:
    username, address, browser, time) older than LOGIN_RECORD_RETENTION_DAYS. Returns how many
    were deleted."""
    from axes.models import AccessFailureLog, AccessLog

    cutoff = timezone.now() - timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted + failures


@task()
def generate_renditions(image_ids: list[int]) -> int:
    """Make the registered renditions of these images (see portal/renditions.py)."""
    from .renditions import generate

    return generate(image_ids)


@task()
def send_sign_in_alarm(figures: dict) -> int:
    """Email the coordinators about many failed admin sign-ins across accounts (see
    portal/sign_in.py). Returns how many addresses it was sent to."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    from .roles import coordinator_emails

    to = coordinator_emails()
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("portal/email/sign_in_alarm_subject.txt", figures)
        body = render_to_string("portal/email/sign_in_alarm_body.txt", figures)
    EmailMessage(
        subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    ).send()
    return len(to)
