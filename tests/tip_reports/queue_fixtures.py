"""Helpers for the station-queue tests: users in their roles, tips with photos, and a
browser-like admin client that sends the CSRF token (import explicitly)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from PIL import Image

from portal.roles import COORDINATORS, EDITORS, STATION_STAFF
from stations.models import Station, StationMembership
from tests.tip_reports.delivery_fixtures import file_tip, stations
from tip_reports.models import TipReport

INDEX = reverse("tips:index")
RESULTS = reverse("tips:index_results")
HOME = reverse("wagtailadmin_home")
LOGIN = reverse("wagtailadmin_login")


def jpeg_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_user(username, *groups, superuser=False, station=None, first_name=""):
    user = User.objects.create_user(
        username,
        email=f"{username}@guitu.invalid",
        password="x" * 12,
        is_superuser=superuser,
        first_name=first_name,
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    if station is not None:
        StationMembership.objects.create(user=user, station=station)
    return user


def new_tip(area_code="450102", photo=False, **overrides) -> TipReport:
    tip = file_tip(area_code, **overrides).tip
    if photo:
        tip.photo.save("tip.jpg", ContentFile(jpeg_bytes()), save=True)
    return tip


def inspect_url(tip) -> str:
    return reverse("tips:inspect", args=[tip.pk])


def act_url(tip, action) -> str:
    return reverse("tips:act", args=[tip.pk, str(action)])


@dataclass
class AdminClient:
    """A logged-in admin client with CSRF checks enforced; ``post`` reads the token from the
    cookie set by a GET of the dashboard first."""

    client: Client

    def get(self, url, data=None):
        return self.client.get(url, data)

    def post(self, url, data=None):
        if "csrftoken" not in self.client.cookies:
            self.client.get(HOME)
        payload = dict(data or {})
        payload["csrfmiddlewaretoken"] = self.client.cookies["csrftoken"].value
        return self.client.post(url, payload)


def admin_client(user) -> AdminClient:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return AdminClient(client)


def queue_people() -> dict:
    """南宁 and 柳州 stations with a staff member each, a coordinator, an editor without any
    queue permission and a 南宁 colleague."""
    by_code = stations()
    nanning, liuzhou = by_code["450100"], by_code["450200"]
    return {
        "nanning": nanning,
        "liuzhou": liuzhou,
        "nanning_staff": make_user(
            "nanning-duty", STATION_STAFF, station=nanning, first_name="南宁值班员"
        ),
        "nanning_colleague": make_user(
            "nanning-2", STATION_STAFF, station=nanning, first_name="南宁同事"
        ),
        "liuzhou_staff": make_user("liuzhou-duty", STATION_STAFF, station=liuzhou),
        "coordinator": make_user("province", COORDINATORS, first_name="协调员"),
        "editor": make_user("editor-only", EDITORS),
    }


def station(code="450100") -> Station:
    return Station.objects.get(code=code)
