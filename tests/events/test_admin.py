"""The organisers' registration views: counts for admin users, names and phones only for the
venue's own station staff, coordinators, superusers and holders of the explicit permission;
the check-in CSV neutralises spreadsheet formulas; everything typed by visitors is escaped."""

from __future__ import annotations

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.models import PageLogEntry

import pytest

from events import registration as seats
from portal.roles import COORDINATORS, STATION_STAFF, ensure_groups
from stations.models import Station, StationMembership
from tests.events.factories import committed, make_campaign

pytestmark = pytest.mark.django_db

EVIL_NAME = '=HYPERLINK("http://x")<b>'


@pytest.fixture
def people(event_index):
    ensure_groups()
    users = get_user_model().objects
    staff = Group.objects.get(name=STATION_STAFF)

    def user(name, *, groups=(), station=None, perm=None, superuser=False):
        person = users.create_user(
            name, f"{name}@example.com", "pw-123456789", is_superuser=superuser
        )
        person.groups.add(*groups)
        if station:
            StationMembership.objects.create(user=person, station=Station.objects.get(code=station))
        if perm:
            person.user_permissions.add(Permission.objects.get(codename=perm))
        return person

    return {
        "nanning": user("nanning", groups=[staff], station="450100"),
        "liuzhou": user("liuzhou", groups=[staff], station="450200"),
        "coordinator": user("coordinator", groups=[Group.objects.get(name=COORDINATORS)]),
        "privacy": user("privacy", groups=[staff], perm="view_registrant_details"),
        "outsider": user("outsider"),
        "admin": user("admin", superuser=True),
    }


@pytest.fixture
def venue(event_index):
    page = make_campaign(event_index, venues=[{"capacity": 2}])
    venue = page.venues.select_related("page").get()
    with committed():
        seats.register(venue, name=EVIL_NAME, phone="+8613900000001", party_size=2)
        seats.register(venue, name="候补者", phone="13900000002", party_size=1)
    return venue


def urls(venue):
    return {
        "index": reverse("events_admin:index"),
        "venue": reverse("events_admin:venue", args=[venue.pk]),
        "registrants": reverse("events_admin:registrants", args=[venue.pk]),
        "export": reverse("events_admin:export", args=[venue.pk]),
    }


@pytest.mark.parametrize("who", ["nanning", "coordinator", "privacy", "admin"])
def test_allowed_people_see_names_and_export(client, people, venue, who):
    client.force_login(people[who])
    url = urls(venue)
    index = client.get(url["index"]).content.decode()
    assert venue.display_name in index
    response = client.get(url["registrants"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;b&gt;" in html
    assert EVIL_NAME not in html
    assert "+8613900000001" in html
    assert PageLogEntry.objects.filter(action="guitu.events.registrants_viewed").count() == 1
    export = client.get(url["export"])
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + EVIL_NAME
    assert rows[1][1] == "'+8613900000001"
    assert rows[1][2] == "2"
    assert len(rows) == 3


@pytest.mark.parametrize("who", ["liuzhou"])
def test_another_stations_staff_see_counts_only(client, people, venue, who):
    client.force_login(people[who])
    url = urls(venue)
    detail = client.get(url["venue"])
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "候补者" not in html and "13900000002" not in html
    assert client.get(url["registrants"]).status_code == 403
    assert client.get(url["export"]).status_code == 403
    index = client.get(url["index"]).content.decode()
    assert "候补者" not in index
    assert url["registrants"] not in index


def test_counts_are_right(client, people, venue):
    client.force_login(people["liuzhou"])
    html = client.get(urls(venue)["venue"]).content.decode()
    # 2 confirmed people in 1 party, 1 waiting.
    assert "<td>1</td><td>2</td>" in html.replace("\n", "").replace(" ", "")
    assert "<td>1</td><td>1</td>" in html.replace("\n", "").replace(" ", "")


def test_outsiders_and_anonymous_visitors_get_nothing(client, people, venue):
    url = urls(venue)
    for address in url.values():
        response = client.get(address)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(people["outsider"])
    for address in url.values():
        assert client.get(address).status_code in (302, 403)
