"""The tips in the admin: each user sees only their own stations' tips through every URL the
viewset registers; coordinators see all; no reporter contact on any page; the dashboard warns
while no captcha is configured."""

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import pytest

from portal.roles import COORDINATORS, EDITORS, STATION_STAFF
from stations.models import Station, StationMembership
from tests.tip_reports.delivery_fixtures import (
    REPORTER_NAME,
    REPORTER_PHONE,
    file_tip,
    stations,
)
from tip_reports.admin_views import TipViewSet
from tip_reports.delivery import LOCAL_TIME, tip_admin_url
from tip_reports.models import Delivery

pytestmark = pytest.mark.django_db

INDEX = reverse("tips:index")
RESULTS = reverse("tips:index_results")


def inspect_url(tip):
    return reverse("tips:inspect", args=[tip.pk])


def make_user(username, *groups, superuser=False, station=None):
    user = User.objects.create_user(
        username, email=f"{username}@guitu.invalid", password="x" * 12, is_superuser=superuser
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    if station is not None:
        StationMembership.objects.create(user=user, station=station)
    return user


@pytest.fixture
def world(db):
    by_code = stations()
    nanning = [file_tip("450102").tip, file_tip("450103").tip]
    liuzhou = [file_tip("450202").tip]
    return {
        "nanning_tips": nanning,
        "liuzhou_tips": liuzhou,
        "nanning_staff": make_user("nanning-staff", STATION_STAFF, station=by_code["450100"]),
        "liuzhou_staff": make_user("liuzhou-staff", STATION_STAFF, station=by_code["450200"]),
        "coordinator": make_user("coord", COORDINATORS),
        "editor": make_user("editor-x", EDITORS),
        "superuser": make_user("root", superuser=True),
    }


def listed(response) -> set[int]:
    return {tip.pk for tip in response.context["object_list"]}


def pks(tips) -> set[int]:
    return {tip.pk for tip in tips}


def test_station_staff_see_only_their_stations_tips(client, world):
    client.force_login(world["nanning_staff"])
    for url in (INDEX, RESULTS):
        response = client.get(url)
        assert response.status_code == 200
        assert listed(response) == pks(world["nanning_tips"])
    html = client.get(INDEX).content.decode()
    for tip in world["nanning_tips"]:
        assert tip.reference in html
    assert world["liuzhou_tips"][0].reference not in html
    # Searching for another station's reference finds nothing either.
    response = client.get(INDEX, {"q": world["liuzhou_tips"][0].reference})
    assert listed(response) == set()
    # The export holds the same tips (its contents are tested in test_queue.py).
    export = b"".join(client.get(INDEX, {"export": "csv"}).streaming_content).decode()
    assert world["liuzhou_tips"][0].reference not in export


def test_another_stations_tip_is_a_404_on_every_tip_url(client, world):
    """The detail answers 404 for a tip of another station, and works for one's own (every
    other URL of the queue is walked in test_queue_isolation.py)."""
    own, other = world["nanning_tips"][0], world["liuzhou_tips"][0]
    client.force_login(world["nanning_staff"])
    patterns = TipViewSet().get_urlpatterns()
    with_pk = [p.name for p in patterns if "<int:pk>" in str(p.pattern)]
    assert "inspect" in with_pk
    for name in ["inspect"]:
        assert client.get(reverse(f"tips:{name}", args=[own.pk])).status_code == 200
        assert client.get(reverse(f"tips:{name}", args=[other.pk])).status_code == 404
        assert client.get(reverse(f"tips:{name}", args=[10**9])).status_code == 404


def test_the_viewset_offers_no_add_edit_delete_copy_or_history(admin_client, world):
    tip = world["nanning_tips"][0]
    with pytest.raises(NoReverseMatch):
        reverse("tips:add")
    for name in ("edit", "delete", "copy", "history", "usage"):
        with pytest.raises(NoReverseMatch):
            reverse(f"tips:{name}", args=[tip.pk])
    html = admin_client.get(inspect_url(tip)).content.decode()
    assert "/edit/" not in html.split("<main", 1)[-1]


def test_coordinators_and_superusers_see_every_tip(client, world):
    every = pks(world["nanning_tips"] + world["liuzhou_tips"])
    for who in ("coordinator", "superuser"):
        client.force_login(world[who])
        assert listed(client.get(INDEX)) == every
        for tip in world["liuzhou_tips"] + world["nanning_tips"]:
            assert client.get(inspect_url(tip)).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    tip = world["nanning_tips"][0]
    for url in (INDEX, RESULTS, inspect_url(tip)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_users_without_the_tip_permission_see_nothing(client, world):
    tip = world["nanning_tips"][0]
    # An editor can open the admin but has no tip permission; a station member without the
    # staff group has no tip permission either.
    no_group = make_user("member-only", EDITORS, station=Station.objects.get(code="450100"))
    for user in (world["editor"], no_group):
        client.force_login(user)
        for url in (INDEX, inspect_url(tip)):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert tip.reference not in response.content.decode()
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert INDEX not in home


def test_the_menu_shows_tips_to_staff(client, world):
    client.force_login(world["nanning_staff"])
    assert INDEX in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_detail_page_never_shows_the_reporters_contact_or_secrets(client, world):
    tip = world["nanning_tips"][0]
    client.force_login(world["coordinator"])
    html = client.get(inspect_url(tip)).content.decode()
    assert tip.reference in html
    assert REPORTER_NAME not in html
    assert REPORTER_PHONE not in html
    assert tip.secret_code_hash not in html
    assert "南宁市兴宁区" in html
    # Times are shown in Beijing time, not UTC.
    assert timezone.localtime(tip.created_at, LOCAL_TIME).strftime("%H:%M") in html
    # The notifications and their state are listed.
    row = tip.deliveries.get()
    assert row.get_status_display() in html
    assert row.get_channel_display() in html


def test_what_users_typed_is_escaped(client, world):
    tip = file_tip("450102", description="<script>alert(1)</script>").tip
    client.force_login(world["nanning_staff"])
    html = client.get(inspect_url(tip)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_notification_link_opens_the_tip_for_its_station(client, world):
    tip = world["nanning_tips"][0]
    url = tip_admin_url(tip)
    path = url.split("://", 1)[1].split("/", 1)[1]
    client.force_login(world["nanning_staff"])
    assert client.get("/" + path).status_code == 200
    client.force_login(world["liuzhou_staff"])
    assert client.get("/" + path).status_code == 404


def test_the_list_takes_the_same_number_of_queries_however_long(client, world):
    client.force_login(world["coordinator"])
    client.get(INDEX)  # warm caches (site, settings, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for code in ("450102", "450202", "450302", "450103", "450203"):
        file_tip(code)
    with CaptureQueriesContext(connection) as many:
        response = client.get(INDEX)
    assert len(response.context["object_list"]) == 8
    assert len(many) == len(few)


def test_failed_deliveries_show_on_the_detail_page(client, world):
    tip = world["nanning_tips"][0]
    Delivery.objects.filter(tip=tip).update(
        status=Delivery.Status.FAILED, attempts=6, last_error="HTTP 500 from the webhook"
    )
    client.force_login(world["nanning_staff"])
    html = client.get(inspect_url(tip)).content.decode()
    assert "HTTP 500 from the webhook" in html


# --- the captcha warning on the dashboard -------------------------------------------------------

WARNING = "captcha-warning-heading"


def test_the_dashboard_warns_superusers_and_coordinators_without_captcha_keys(
    client, world, settings
):
    settings.RECAPTCHA_PUBLIC_KEY = ""
    settings.RECAPTCHA_PRIVATE_KEY = ""
    for who in ("superuser", "coordinator"):
        client.force_login(world[who])
        assert WARNING in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(world["nanning_staff"])
    assert WARNING not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_no_warning_once_the_keys_are_set(client, world, settings):
    settings.RECAPTCHA_PUBLIC_KEY = "public-key"
    settings.RECAPTCHA_PRIVATE_KEY = "private-key"
    client.force_login(world["superuser"])
    assert WARNING not in client.get(reverse("wagtailadmin_home")).content.decode()
