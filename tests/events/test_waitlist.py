"""The waiting list: whole parties, first come first served; a cancellation frees its seats
once and promotes the parties that fit, in order; more places published promote too."""

from __future__ import annotations

from django.core import mail

import pytest

from events import registration as seats
from events.models import Registration
from tests.events.factories import committed, make_campaign, republish

pytestmark = pytest.mark.django_db

C, W, X = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.CANCELLED,
)


@pytest.fixture
def venue(event_index):
    campaign = make_campaign(event_index, venues=[{"capacity": 4}])
    return campaign.venues.select_related("page").get()


def book(venue, size, n, email=""):
    with committed():
        return seats.register(
            venue, name=f"访客{n}", phone=f"1370000{n:04d}", party_size=size, email=email
        ).registration


def statuses(*registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_a_party_that_does_not_fit_waits_as_a_whole(venue):
    a = book(venue, 3, 1)
    b = book(venue, 2, 2)  # 3 + 2 > 4
    c = book(venue, 1, 3)  # fits the last place
    assert statuses(a, b, c) == [C, W, C]
    assert seats.seats_taken(venue.pk) == 4


def test_cancelling_promotes_in_order_each_party_that_fits(venue):
    a = book(venue, 4, 1)
    big = book(venue, 5, 2)
    small = book(venue, 2, 3, email="small@example.com")
    later = book(venue, 2, 4)
    assert statuses(a, big, small, later) == [C, W, W, W]
    mail.outbox.clear()
    with committed():
        assert seats.cancel(a.pk) is True
    # The party of 5 cannot fit 4 places; the next two parties of 2 can, in order.
    assert statuses(a, big, small, later) == [X, W, C, C]
    assert [m.to for m in mail.outbox] == [["small@example.com"]]
    assert "small@example.com" in mail.outbox[0].to


def test_cancelling_twice_frees_the_seats_once(venue):
    a = book(venue, 2, 1)
    b = book(venue, 2, 2)
    c = book(venue, 2, 3)
    d = book(venue, 2, 4)
    assert statuses(a, b, c, d) == [C, C, W, W]
    assert seats.cancel(a.pk) is True
    assert seats.cancel(a.pk) is False
    assert statuses(a, b, c, d) == [X, C, C, W]
    assert seats.seats_taken(venue.pk) == 4


def test_cancelling_a_waiting_party_promotes_nobody(venue):
    a = book(venue, 4, 1)
    b = book(venue, 1, 2)
    c = book(venue, 1, 3)
    assert seats.cancel(b.pk) is True
    assert statuses(a, b, c) == [C, X, W]


def test_more_places_published_promote_the_waiting_list(venue):
    a = book(venue, 4, 1)
    b = book(venue, 2, 2, email="b@example.com")
    assert statuses(a, b) == [C, W]
    mail.outbox.clear()
    republish(venue.page, venue_changes={venue.pk: {"capacity": 6}})
    assert statuses(a, b) == [C, C]
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
