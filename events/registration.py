"""Registering for a venue without ever overselling it, cancelling, and the waiting list.

Every change of a venue's seats happens in one transaction that first locks the venue row
(``select_for_update`` on PostgreSQL; on SQLite every write transaction is ``BEGIN IMMEDIATE``
and so already serialised), then counts the confirmed seats and writes. Two visitors can
therefore never both take the last place.

A party that does not fit is put on the waiting list as a whole. When seats free up
(a cancellation, more places published) the waiting parties are promoted in the order they
registered, each one that fits, in the same transaction; each is emailed after the commit.

The cancellation link carries the registration's id and a token: an HMAC of the id and the
registration time under SECRET_KEY. Only the token's SHA-256 is stored, so neither the
database alone nor the key alone can produce a working link, and emails sent later (reminders)
can rebuild it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Registration, Status, Venue

TOKEN_SALT = "guitu.events.registration-token"  # noqa: S105 (a salt, not a secret)


class RegistrationClosed(Exception):
    """The venue takes no registrations now; ``state`` says why (see Venue.registration_state)."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


class AlreadyRegistered(Exception):
    """This phone number already holds a place (or a waiting-list place) at this venue."""


@dataclass(frozen=True)
class Receipt:
    registration: Registration
    token: str


def token_for(registration: Registration) -> str:
    value = f"{registration.pk}:{registration.created_at.timestamp():.6f}"
    return salted_hmac(TOKEN_SALT, value, algorithm="sha256").hexdigest()[:40]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_token(registration: Registration, token: str) -> bool:
    return bool(registration.token_hash) and hmac.compare_digest(
        hash_token(token or ""), registration.token_hash
    )


def normalise_phone(phone: str) -> str:
    """Digits only (and a leading +), so the same number typed with spaces matches."""
    phone = (phone or "").strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" if phone.startswith("+") else "") + digits


def seats_taken(venue_id: int) -> int:
    return (
        Registration.objects.confirmed()
        .filter(venue_id=venue_id)
        .aggregate(total=Coalesce(Sum("party_size"), 0))["total"]
    )


def _lock(venue_id: int) -> Venue:
    return Venue.objects.select_for_update().select_related("page").get(pk=venue_id)


def register(
    venue: Venue,
    *,
    name: str,
    phone: str,
    party_size: int,
    email: str = "",
    language: str = "zh-hans",
    now=None,
) -> Receipt:
    """Register a party for ``venue`` (any language's row: the seats are the canonical row's).

    Raises RegistrationClosed or AlreadyRegistered; otherwise the registration is confirmed
    if the party fits, else waitlisted, and the confirmation email is queued after commit."""
    from .tasks import enqueue_email

    now = now or timezone.now()
    phone = normalise_phone(phone)
    with transaction.atomic():
        locked = _lock(venue.facts.pk)
        state = locked.registration_state(now)
        if state != "open":
            raise RegistrationClosed(state)
        if Registration.objects.active().filter(venue=locked, phone=phone).exists():
            raise AlreadyRegistered
        fits = seats_taken(locked.pk) + party_size <= locked.capacity
        registration = Registration.objects.create(
            venue=locked,
            status=Registration.Status.CONFIRMED if fits else Registration.Status.WAITLISTED,
            party_size=party_size,
            name=name,
            phone=phone,
            email=email,
            language=language,
            created_at=now,
            consented_at=now,
            notified_sequence=locked.sequence,
        )
        token = token_for(registration)
        registration.token_hash = hash_token(token)
        registration.save(update_fields=["token_hash"])
        transaction.on_commit(lambda: enqueue_email(registration.pk, "confirmation"))
    return Receipt(registration, token)


def promote_waitlisted(venue: Venue, now=None) -> list[Registration]:
    """Inside a transaction holding the venue's lock: confirm waiting parties that fit, first
    come first served, and queue their emails. Nothing moves once the visit has started or
    while the venue is cancelled or postponed."""
    from .tasks import enqueue_email

    now = now or timezone.now()
    if venue.effective_status in (Status.CANCELLED, Status.POSTPONED) or now >= venue.starts_at:
        return []
    free = venue.capacity - seats_taken(venue.pk)
    promoted = []
    for waiting in (
        Registration.objects.waitlisted().filter(venue=venue).order_by("created_at", "pk")
    ):
        if free <= 0:
            break
        if waiting.party_size <= free:
            waiting.status = Registration.Status.CONFIRMED
            waiting.promoted_at = now
            waiting.save(update_fields=["status", "promoted_at"])
            free -= waiting.party_size
            promoted.append(waiting)
    for registration in promoted:
        transaction.on_commit(lambda pk=registration.pk: enqueue_email(pk, "promoted"), robust=True)
    return promoted


def promote(venue_id: int, now=None) -> list[Registration]:
    """Promote whoever now fits at ``venue_id`` (after more places are published)."""
    with transaction.atomic():
        return promote_waitlisted(_lock(venue_id), now)


def cancel(registration_id: int, now=None) -> bool:
    """Cancel a registration and give its seats to the waiting list. True if it was cancelled
    now; False if it was already cancelled (the seats are freed once only)."""
    now = now or timezone.now()
    with transaction.atomic():
        venue_id = Registration.objects.values_list("venue_id", flat=True).get(pk=registration_id)
        venue = _lock(venue_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            return False
        freed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if freed:
            promote_waitlisted(venue, now)
    return True
