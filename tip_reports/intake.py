"""Filing a tip: the one public function other apps call (notices files leads through it).

``submit_tip`` saves the tip, routes it, writes its first timeline entries and its outbox rows
in one transaction; the deliveries are enqueued only after that transaction commits, and the
periodic sweep picks up any row whose enqueue was lost.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from stations.models import Area, Station

from .delivery import notify_station
from .models import TipEvent, TipReport, TipSettings
from .routing import Route, route

# Unambiguous on a phone screen and when read aloud: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
SECRET_CODE_DIGITS = 8

# Part of the public interface: the kinds of tip other apps may file (docs/architecture.md).
Category = TipReport.Category


@dataclass
class TipSubmission:
    """What a reporter told us, already validated and cleaned by a form."""

    category: str
    seen_at: datetime
    consent_forwarding: bool
    urgency: str = TipReport.Urgency.NORMAL
    area: Area | None = None
    place_text: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    person_sex: str = TipReport.Sex.UNKNOWN
    person_age: str = TipReport.AgeGroup.UNKNOWN
    clothing: str = ""
    appearance: str = ""
    description: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_relationship: str = ""
    photo: ContentFile | None = None
    captcha_status: str = TipReport.CaptchaStatus.NOT_CONFIGURED
    related_notice: object | None = None
    # A lead about a notice goes straight to the holding station.
    station: Station | None = None
    # Lines for the "received" entry of the timeline, which the retention purge keeps: only
    # fixed texts of the portal (with numbers or codes filled in), never what a person typed.
    # Typed text goes into a field above, which the purge blanks.
    system_notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Receipt:
    tip: TipReport
    reference: str
    secret_code: str  # shown to the reporter once, stored only as a hash

    @property
    def station(self) -> Station | None:
        return self.tip.station


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def new_secret_code() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(SECRET_CODE_DIGITS))


def normalise_reference(value: str) -> str:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == REFERENCE_LENGTH else cleaned


CODE_HASH_PREFIX = "hmac_sha256$"
CODE_HASH_SALT = "guitu.tip_reports.secret_code"


def hash_secret_code(code: str, salt: str | None = None, *, key: str | None = None) -> str:
    """A keyed hash (HMAC-SHA256 under SECRET_KEY, with a random salt) of a tip's secret code.

    Eight digits are too few for a slow password hash to protect them against someone holding
    the database: what protects them is the key, which is not in the database (or its backups),
    and the status lookup's rate limit. A keyed hash also costs microseconds, not the half
    second of a password hash, in the request that files the tip."""
    salt = salt or secrets.token_hex(8)
    digest = salted_hmac(
        CODE_HASH_SALT, f"{salt}${code}", secret=key or settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()
    return f"{CODE_HASH_PREFIX}{salt}${digest}"


def check_secret_code(code: str, encoded: str) -> bool:
    """Whether ``code`` matches; also under SECRET_KEY_FALLBACKS (after a key rotation) and
    for codes stored as password hashes before keyed hashes were used."""
    if not encoded.startswith(CODE_HASH_PREFIX):
        return check_password(code, encoded)
    salt = encoded[len(CODE_HASH_PREFIX) :].split("$", 1)[0]
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(hash_secret_code(code, salt, key=key), encoded) for key in keys
    )


def find_tip(reference: str, secret_code: str) -> TipReport | None:
    """The tip with this reference if the code matches, else None; the same work is done
    whether or not the reference exists, so timing does not tell them apart."""
    tip = TipReport.objects.filter(reference=normalise_reference(reference)).first()
    code = "".join(ch for ch in secret_code if ch.isdigit())
    encoded = tip.secret_code_hash if tip else hash_secret_code("not-a-tip", "0" * 16)
    matches = check_secret_code(code, encoded)
    return tip if tip is not None and matches else None


def submit_tip(submission: TipSubmission) -> Receipt:
    """Save, route and queue a tip in one transaction. Raises only if the database fails."""
    code = new_secret_code()
    with transaction.atomic():
        now = timezone.now()
        with translation.override(settings.LANGUAGE_CODE):
            if submission.station is not None:
                routed = Route(submission.station, _("Lead about a family-search notice"))
            else:
                routed = route(submission.area, submission.latitude, submission.longitude)
            tip = _save_with_unique_reference(submission, code, routed, now)
            _write_timeline(tip, submission, routed)
        # With no station at all, the email goes to the coordinators.
        notify_station(tip, routed.station, now)
    return Receipt(tip=tip, reference=tip.reference, secret_code=code)


def _save_with_unique_reference(submission, code, routed, now) -> TipReport:
    targets = TipSettings.load()
    fields = {
        "category": submission.category,
        "urgency": submission.urgency,
        "area": submission.area,
        "place_text": submission.place_text,
        "latitude": submission.latitude,
        "longitude": submission.longitude,
        "seen_at": submission.seen_at,
        "person_sex": submission.person_sex,
        "person_age": submission.person_age,
        "clothing": submission.clothing,
        "appearance": submission.appearance,
        "description": submission.description,
        "reporter_name": submission.reporter_name,
        "reporter_phone": submission.reporter_phone,
        "reporter_relationship": submission.reporter_relationship,
        "consent_forwarding": submission.consent_forwarding,
        "captcha_status": submission.captcha_status,
        "related_notice": submission.related_notice,
        "station": routed.station,
        "secret_code_hash": hash_secret_code(code),
        "acknowledge_due_at": now
        + targets.acknowledge_within(submission.category, submission.urgency),
        "resolve_due_at": now + targets.resolve_within(),
    }
    for _attempt in range(10):
        tip = TipReport(reference=new_reference(), **fields)
        try:
            with transaction.atomic():
                tip.save()
        except IntegrityError:
            if TipReport.objects.filter(reference=tip.reference).exists():
                continue  # a reference collision: draw another
            raise
        if submission.photo is not None:
            tip.photo.save(submission.photo.name, submission.photo, save=True)
        return tip
    raise IntegrityError("could not draw a unique reference number")


def _write_timeline(tip: TipReport, submission: TipSubmission, routed: Route) -> None:
    notes = list(submission.system_notes)
    if tip.is_urgent:
        notes.append(_("The reporter said the person may be in immediate danger."))
    if tip.captcha_status == TipReport.CaptchaStatus.UNVERIFIED:
        notes.append(_("The captcha service could not be reached: this tip is unverified."))
    TipEvent.objects.create(
        tip=tip, kind=TipEvent.Kind.RECEIVED, to_status=tip.status, note="\n".join(notes)
    )
    TipEvent.objects.create(
        tip=tip, kind=TipEvent.Kind.ROUTED, station=routed.station, note=routed.reason
    )
