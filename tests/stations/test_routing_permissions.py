"""Who may change where tips go (issue 16): coordinators and superusers change delivery
addresses, webhooks, jurisdiction, activity and the duty-desk flag; a station lead changes only
their own station's public details; content editors change no station at all. Every routing
change is in the audit log and announced to the coordinators."""

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from portal.roles import COORDINATORS, EDITORS, MODERATORS, STATION_STAFF, ensure_groups
from stations.audit import ROUTING_CHANGED
from stations.models import Area, Station, StationMembership

from .factories import StationFactory, StationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "very-secret-signing-key-0123"


@pytest.fixture
def groups():
    ensure_groups()
    return {name: Group.objects.get(name=name) for name in (COORDINATORS, EDITORS, STATION_STAFF)}


@pytest.fixture
def nanning():
    return StationFactory(
        code="450100",
        name="南宁市救助管理站",
        area=Area.objects.get(code="450100"),
        email="duty@nanning.guitu.invalid",
        webhook_url="https://hooks.nanning.guitu.invalid/tips",
        webhook_secret=SECRET,
        jurisdiction=[Area.objects.get(code="450100")],
    )


@pytest.fixture
def liuzhou():
    return StationFactory(
        code="450200",
        name="柳州市救助管理站",
        area=Area.objects.get(code="450200"),
        email="duty@liuzhou.guitu.invalid",
        jurisdiction=[Area.objects.get(code="450200")],
    )


def member(groups, group_name, *, username, station=None, role=StationMembership.Role.STAFF):
    user = UserFactory(username=username)
    user.groups.add(groups[group_name])
    if station is not None:
        StationMembershipFactory(user=user, station=station, role=role)
    return user


def routing_state(station):
    station.refresh_from_db()
    return (
        station.email,
        station.webhook_url,
        station.webhook_secret,
        station.is_active,
        station.is_fallback,
        sorted(station.jurisdiction.values_list("code", flat=True)),
    )


def full_post(station, **overrides):
    data = {
        "code": station.code,
        "name": station.name,
        "name_en": station.name_en,
        "area": station.area_id,
        "is_active": "on",
        "address": station.address,
        "hotline": station.hotline,
        "phone": station.phone,
        "visiting_hours": "",
        "email": station.email,
        "latitude": "",
        "longitude": "",
        "jurisdiction": list(station.jurisdiction.values_list("pk", flat=True)),
        "webhook_url": station.webhook_url,
        "webhook_secret": "",
    }
    data.update(overrides)
    return data


def test_editors_and_moderators_hold_no_station_change_permission(groups):
    for name in (EDITORS, MODERATORS):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert not codenames & {"change_station", "add_station", "delete_station"}, name


def test_an_earlier_grant_to_editors_is_taken_away_on_migrate(groups):
    from django.contrib.auth.models import Permission

    groups[EDITORS].permissions.add(Permission.objects.get(codename="change_station"))
    ensure_groups()
    assert not groups[EDITORS].permissions.filter(codename="change_station").exists()


def test_an_editor_can_change_no_station_by_any_route(client, groups, nanning, liuzhou):
    editor = member(groups, EDITORS, username="editor-x")
    client.force_login(editor)
    before = routing_state(nanning)
    outside = Area.objects.get(code="450200")
    attempts = [
        ("get", reverse("stations:add"), None),
        ("post", reverse("stations:add"), full_post(nanning, code="459999")),
        ("get", reverse("stations:edit", args=[nanning.pk]), None),
        (
            "post",
            reverse("stations:edit", args=[nanning.pk]),
            full_post(
                nanning,
                email="attacker@evil.invalid",
                webhook_url="https://evil.invalid/x",
                jurisdiction=[outside.pk],
            ),
        ),
        ("get", reverse("stations:delete", args=[nanning.pk]), None),
        ("post", reverse("stations:delete", args=[nanning.pk]), {}),
    ]
    for method, url, data in attempts:
        response = (
            getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        )
        assert response.status_code in (302, 403, 404), (method, url, response.status_code)
        if response.status_code == 302:
            # Wagtail answers a permission refusal with a redirect to the dashboard.
            assert response.url.startswith(reverse("wagtailadmin_home")), (method, url)
    assert routing_state(nanning) == before
    assert not Station.objects.filter(code="459999").exists()
    assert Station.objects.filter(pk=nanning.pk).exists()


def test_staff_who_are_not_leads_cannot_edit_their_station(client, groups, nanning):
    staff = member(groups, STATION_STAFF, username="nn-staff", station=nanning)
    client.force_login(staff)
    response = client.get(reverse("stations:edit", args=[nanning.pk]))
    assert response.status_code in (302, 403)


def test_a_lead_edits_public_details_of_their_own_station_only(client, groups, nanning, liuzhou):
    lead = member(
        groups, STATION_STAFF, username="nn-lead", station=nanning, role=StationMembership.Role.LEAD
    )
    client.force_login(lead)
    edit = reverse("stations:edit", args=[nanning.pk])
    html = client.get(edit).content.decode()
    for hidden in ("webhook_url", "webhook_secret", "jurisdiction", "is_fallback", 'name="email"'):
        assert hidden not in html, hidden
    assert 'name="address"' in html and 'name="visiting_hours"' in html

    before = routing_state(nanning)
    response = client.post(
        edit,
        full_post(
            nanning,
            address="南宁市青秀区新地址2号（演示地址）",
            visiting_hours="工作日 8:30–17:30",
            email="attacker@evil.invalid",
            webhook_url="https://evil.invalid/x",
            jurisdiction=[Area.objects.get(code="450200").pk],
            is_active="",
        ),
    )
    assert response.status_code == 302
    assert routing_state(nanning) == before
    nanning.refresh_from_db()
    assert nanning.address == "南宁市青秀区新地址2号（演示地址）"
    assert nanning.visiting_hours == "工作日 8:30–17:30"
    assert not ModelLogEntry.objects.filter(action=ROUTING_CHANGED).exists()

    other = client.get(reverse("stations:edit", args=[liuzhou.pk]))
    assert other.status_code in (302, 403)
    assert client.post(reverse("stations:add"), full_post(liuzhou, code="459998")).status_code in (
        302,
        403,
    )
    assert not Station.objects.filter(code="459998").exists()


def test_a_coordinators_routing_change_is_audited_and_announced(
    client, groups, nanning, django_capture_on_commit_callbacks
):
    coordinator = member(groups, COORDINATORS, username="coord-x")
    other = member(groups, COORDINATORS, username="coord-y")
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("stations:edit", args=[nanning.pk]),
            full_post(
                nanning,
                email="new-duty@nanning.guitu.invalid",
                webhook_url="https://hooks2.nanning.guitu.invalid/tips",
                webhook_secret="a-brand-new-secret-value",
                jurisdiction=[
                    Area.objects.get(code="450100").pk,
                    Area.objects.get(code="450200").pk,
                ],
            ),
        )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action=ROUTING_CHANGED)
    assert entry.user == coordinator
    changes = entry.data["changes"]
    assert changes["email"] == ["duty@nanning.guitu.invalid", "new-duty@nanning.guitu.invalid"]
    assert changes["jurisdiction"] == {"added": ["450200"], "removed": []}
    assert changes["webhook_secret"] == "changed"
    assert "a-brand-new-secret-value" not in str(entry.data) and SECRET not in str(entry.data)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) >= {coordinator.email, other.email}
    assert "450200" in message.body and "new-duty@nanning.guitu.invalid" in message.body
    assert "a-brand-new-secret-value" not in message.body and SECRET not in message.body
    # Addresses by host only: a robot URL's key must not travel by email.
    assert "/tips" not in message.body


def test_a_change_of_public_details_alone_is_not_a_routing_change(
    client, groups, nanning, django_capture_on_commit_callbacks
):
    coordinator = member(groups, COORDINATORS, username="coord-z")
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("stations:edit", args=[nanning.pk]),
            full_post(nanning, address="新地址（演示）"),
        )
    assert callbacks == [] or all(cb.__module__ != "stations.audit" for cb in callbacks)
    assert response.status_code == 302
    assert not ModelLogEntry.objects.filter(action=ROUTING_CHANGED).exists()
    assert mail.outbox == []


def test_creating_and_deleting_a_station_are_announced(
    client, groups, nanning, django_capture_on_commit_callbacks
):
    coordinator = member(groups, COORDINATORS, username="coord-w")
    client.force_login(coordinator)
    mail.outbox.clear()
    data = full_post(nanning, code="450300", name="桂林市救助管理站", webhook_url="", email="")
    data["area"] = Area.objects.get(code="450300").pk
    data["jurisdiction"] = [Area.objects.get(code="450300").pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("stations:add"), data).status_code == 302
    created = Station.objects.get(code="450300")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("stations:delete", args=[created.pk])).status_code == 302
    events = list(
        ModelLogEntry.objects.filter(action=ROUTING_CHANGED)
        .order_by("timestamp", "pk")
        .values_list("data", flat=True)
    )
    assert [event["event"] for event in events] == ["created", "deleted"]
    assert len(mail.outbox) == 2


def test_webhook_must_be_https_under_production_rules(client, groups, nanning, settings):
    settings.OUTBOUND_REQUIRE_HTTPS = True
    coordinator = member(groups, COORDINATORS, username="coord-v")
    client.force_login(coordinator)
    response = client.post(
        reverse("stations:edit", args=[nanning.pk]),
        full_post(nanning, webhook_url="http://hooks.nanning.guitu.invalid/tips"),
    )
    assert response.status_code == 200
    assert "webhook_url" in response.context["form"].errors
    nanning.refresh_from_db()
    assert nanning.webhook_url.startswith("https://")
