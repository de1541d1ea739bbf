"""The 救助站 admin menu: stations, station staff and areas as Wagtail ModelViewSets."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from stations.models import Area, Station, StationMembership

from .factories import StationFactory, StationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

STATION_INDEX = reverse("stations:index")
AREA_INDEX = reverse("areas:index")
MEMBERSHIP_INDEX = reverse("station_memberships:index")


def staff_user(*perms):
    """A user who may open the admin, with the given stations permissions."""
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="stations", codename__in=perms),
    )
    return user


def names(response):
    return {obj.pk for obj in response.context["object_list"]}


@pytest.mark.parametrize("url", [STATION_INDEX, AREA_INDEX, MEMBERSHIP_INDEX])
def test_superuser_opens_the_list_views(admin_client, url):
    StationMembershipFactory()
    response = admin_client.get(url)
    assert response.status_code == 200


def test_menu_groups_the_viewsets(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert STATION_INDEX in html and MEMBERSHIP_INDEX in html and AREA_INDEX in html


def test_station_list_shows_columns_but_not_the_webhook_secret(admin_client):
    StationFactory(
        code="450100",
        name="南宁市救助管理站",
        area=Area.objects.get(code="450102"),
        hotline="0771-0123456",
        webhook_url="https://hooks.example.org/tips",
        webhook_secret="very-secret-signing-key",
    )
    html = admin_client.get(STATION_INDEX).content.decode()
    assert "南宁市救助管理站" in html
    assert "南宁市兴宁区" in html
    assert "0771-0123456" in html
    assert "very-secret-signing-key" not in html


def test_station_create_form(admin_client):
    response = admin_client.get(reverse("stations:add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="jurisdiction"' in html and 'type="checkbox"' in html
    assert 'name="webhook_secret"' in html and 'type="password"' in html


def _station_post_data(**overrides):
    data = {
        "code": "450100",
        "name": "南宁市救助管理站",
        "name_en": "Nanning Rescue Management Station",
        "area": Area.objects.get(code="450100").pk,
        "is_active": "on",
        "address": "南宁市青秀区示范路1号",
        "hotline": "0771-0123456",
        "phone": "",
        "email": "",
        "latitude": "",
        "longitude": "",
        "jurisdiction": [Area.objects.get(code="450100").pk, Area.objects.get(code="450102").pk],
        "webhook_url": "",
        "webhook_secret": "",
    }
    data.update(overrides)
    return data


def test_superuser_creates_a_station(admin_client):
    response = admin_client.post(reverse("stations:add"), _station_post_data())
    assert response.status_code == 302
    station = Station.objects.get(code="450100")
    assert set(station.jurisdiction.values_list("code", flat=True)) == {"450100", "450102"}


def test_webhook_secret_is_write_only_and_kept_when_left_blank(admin_client):
    station = StationFactory(
        webhook_url="https://hooks.example.org/tips", webhook_secret="very-secret-signing-key"
    )
    edit_url = reverse("stations:edit", args=[station.pk])
    assert "very-secret-signing-key" not in admin_client.get(edit_url).content.decode()

    data = _station_post_data(
        code=station.code, webhook_url="https://hooks.example.org/tips", webhook_secret=""
    )
    assert admin_client.post(edit_url, data).status_code == 302
    station.refresh_from_db()
    assert station.webhook_secret == "very-secret-signing-key"

    data["webhook_url"] = ""
    assert admin_client.post(edit_url, data).status_code == 302
    station.refresh_from_db()
    assert (station.webhook_url, station.webhook_secret) == ("", "")


def test_webhook_without_secret_is_refused(admin_client):
    response = admin_client.post(
        reverse("stations:add"), _station_post_data(webhook_url="https://hooks.example.org/t")
    )
    assert response.status_code == 200
    assert "webhook_secret" in response.context["form"].errors
    assert not Station.objects.exists()


def test_second_fallback_is_a_form_error_not_a_crash(admin_client):
    StationFactory(is_fallback=True)
    response = admin_client.post(reverse("stations:add"), _station_post_data(is_fallback="on"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Station.objects.filter(is_fallback=True).count() == 1


def test_station_search(admin_client):
    nanning = StationFactory(name="南宁市救助管理站", address="青秀区民族大道")
    liuzhou = StationFactory(name="柳州市救助管理站", address="柳南区")
    assert names(admin_client.get(STATION_INDEX, {"q": "南宁"})) == {nanning.pk}
    assert names(admin_client.get(STATION_INDEX, {"q": "民族大道"})) == {nanning.pk}
    assert names(admin_client.get(STATION_INDEX, {"q": liuzhou.code})) == {liuzhou.pk}


def test_station_filters(admin_client):
    in_city = StationFactory(area=Area.objects.get(code="450100"))
    in_county = StationFactory(area=Area.objects.get(code="450102"))
    elsewhere = StationFactory(area=Area.objects.get(code="450202"), is_active=False)
    desk = StationFactory(area=Area.objects.get(code="450000"), is_fallback=True)
    assert names(admin_client.get(STATION_INDEX, {"city": "450100"})) == {in_city.pk, in_county.pk}
    assert names(admin_client.get(STATION_INDEX, {"is_fallback": "true"})) == {desk.pk}
    assert names(admin_client.get(STATION_INDEX, {"is_active": "false"})) == {elsewhere.pk}
    # A bad filter value is ignored, not a crash.
    assert admin_client.get(STATION_INDEX, {"city": "nonsense"}).status_code == 200


def test_area_search_and_level_filter(admin_client):
    response = admin_client.get(AREA_INDEX, {"q": "兴宁"})
    assert [a.code for a in response.context["object_list"]] == ["450102"]
    response = admin_client.get(AREA_INDEX, {"q": "4514"})
    assert {a.code for a in response.context["object_list"]} >= {"451400"}
    response = admin_client.get(AREA_INDEX, {"level": "city"})
    assert response.context["paginator"].count == 14


def test_areas_cannot_be_added_or_deleted_even_by_a_superuser(admin_client):
    area = Area.objects.get(code="450102")
    html = admin_client.get(AREA_INDEX).content.decode()
    assert reverse("areas:add") not in html
    assert admin_client.get(reverse("areas:add")).status_code in (302, 403)
    assert admin_client.post(reverse("areas:delete", args=[area.pk])).status_code in (302, 403)
    assert Area.objects.filter(pk=area.pk).exists()


def test_area_edit_changes_only_the_name(admin_client):
    area = Area.objects.get(code="450102")
    url = reverse("areas:edit", args=[area.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"name": "兴宁区（新）", "code": "999999", "level": "city"})
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.code, area.level) == ("兴宁区（新）", "450102", "county")


def test_membership_filters(admin_client):
    first = StationMembershipFactory(role=StationMembership.Role.LEAD)
    second = StationMembershipFactory(role=StationMembership.Role.STAFF)
    response = admin_client.get(MEMBERSHIP_INDEX, {"station": first.station.pk})
    assert names(response) == {first.pk}
    response = admin_client.get(MEMBERSHIP_INDEX, {"role": "staff"})
    assert names(response) == {second.pk}


@pytest.mark.parametrize(
    ("url", "factory"),
    [(STATION_INDEX, StationFactory), (MEMBERSHIP_INDEX, StationMembershipFactory)],
)
def test_list_views_have_a_fixed_number_of_queries(admin_client, url, factory):
    def count():
        admin_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    factory.create_batch(2)
    few = count()
    factory.create_batch(10)
    assert count() == few


def test_area_list_has_a_fixed_number_of_queries(admin_client):
    def count(page):
        admin_client.get(AREA_INDEX, {"p": page})
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(AREA_INDEX, {"p": page}).status_code == 200
        return len(queries)

    assert count(1) == count(2)


@pytest.mark.parametrize("url", [STATION_INDEX, AREA_INDEX, MEMBERSHIP_INDEX])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


@pytest.mark.parametrize("url", [STATION_INDEX, AREA_INDEX, MEMBERSHIP_INDEX])
def test_user_without_admin_access_is_turned_away(client, url):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="stations"))
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("wagtailadmin_login") in response["Location"]


@pytest.mark.parametrize("url", [STATION_INDEX, AREA_INDEX, MEMBERSHIP_INDEX])
def test_admin_user_without_stations_permissions_is_forbidden(client, url):
    client.force_login(staff_user())
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert "南宁" not in response.content.decode()


def test_view_only_user_can_list_but_not_add_or_edit(client):
    station = StationFactory(name="南宁市救助管理站", webhook_secret="very-secret-signing-key")
    client.force_login(staff_user("view_station"))

    response = client.get(STATION_INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "南宁市救助管理站" in html
    assert reverse("stations:add") not in html

    assert client.get(reverse("stations:add")).status_code in (302, 403)
    post = client.post(reverse("stations:add"), _station_post_data(code="NEW1"))
    assert post.status_code in (302, 403)
    assert not Station.objects.filter(code="NEW1").exists()
    assert client.get(reverse("stations:edit", args=[station.pk])).status_code in (302, 403)

    inspect = client.get(reverse("stations:inspect", args=[station.pk]))
    assert inspect.status_code == 200
    assert "very-secret-signing-key" not in inspect.content.decode()


def test_view_permissions_are_offered_for_groups():
    from wagtail import hooks

    registered = set()
    for fn in hooks.get_hooks("register_permissions"):
        registered.update(fn().values_list("codename", flat=True))
    assert {"view_station", "view_area", "coordinate_stations"} <= registered
    assert {"add_area", "delete_area"}.isdisjoint(registered)
