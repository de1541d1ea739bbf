"""The registrants' emails, in the language they registered in: plain text only (everything a
visitor typed stays inert text), the venue's calendar file attached to confirmations,
promotions, changes and reminders.

Kinds: ``confirmation`` (confirmed or waiting list), ``promoted`` (off the waiting list),
``change`` (time, place or status changed) and ``reminder`` (24 hours before).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import LOCAL_TIME, Registration, Status, Venue, attach_facts

KINDS = ("confirmation", "promoted", "change", "reminder")


class EmailNotSent(Exception):
    """The mail server accepted no message."""


def public_base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def page_url(page) -> str:
    _site_id, _root, path = page.get_url_parts() or (None, None, page.url or "/")
    return public_base_url() + path


def cancel_url(registration: Registration, language: str | None = None) -> str:
    from .registration import token_for

    with translation.override(language or registration.language):
        path = reverse("events:registration", args=[registration.pk, token_for(registration)])
    return public_base_url() + path


def venue_in_language(venue: Venue, language: str) -> Venue:
    """The row of ``venue`` on the campaign's translation in ``language`` (for its words),
    else the venue itself; with the canonical facts attached."""
    row = (
        Venue.objects.filter(key=venue.key, page__locale__language_code=language, page__live=True)
        .select_related("page", "station__area__parent", "area__parent")
        .first()
    )
    row = row or Venue.objects.select_related("page", "station__area__parent", "area__parent").get(
        pk=venue.pk
    )
    return attach_facts([row])[0]


def build_email(registration: Registration, kind: str) -> EmailMessage:
    from .calendar import venue_calendar

    language = registration.language or settings.LANGUAGE_CODE
    with translation.override(language):
        venue = venue_in_language(registration.venue, language)
        page = venue.page.specific
        url = page_url(page)
        context = {
            "kind": kind,
            "registration": registration,
            "confirmed": registration.status == Registration.Status.CONFIRMED,
            "waitlisted": registration.status == Registration.Status.WAITLISTED,
            "venue": venue,
            "page": page,
            "status": venue.effective_status,
            "status_label": Status(venue.effective_status).label,
            "status_note": venue.status_note or venue.facts.page.status_note,
            "start": timezone.localtime(venue.facts.starts_at, LOCAL_TIME),
            "end": timezone.localtime(venue.facts.ends_at, LOCAL_TIME),
            "page_url": url,
            "cancel_url": cancel_url(registration, language),
        }
        subject = render_to_string("events/email/subject.txt", context)
        body = render_to_string("events/email/body.txt", context)
        message = EmailMessage(
            subject=settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
            body=body,
            to=[registration.email],
        )
        message.attach("open-day.ics", venue_calendar(venue, url).decode(), "text/calendar")
    return message


def send(registration: Registration, kind: str) -> None:
    message = build_email(registration, kind)
    message.connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
    if message.send() != 1:
        raise EmailNotSent(kind)
