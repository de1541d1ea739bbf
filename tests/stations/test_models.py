"""Station, area and membership rules enforced by the models and the database."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

import pytest

from stations.models import Area, Station, StationMembership

from .factories import AreaFactory, StationFactory, StationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_one_fallback_station():
    StationFactory(is_fallback=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        StationFactory(is_fallback=True)
    assert Station.objects.filter(is_fallback=True).count() == 1


def test_many_ordinary_stations_allowed():
    StationFactory.create_batch(3, is_fallback=False)
    assert Station.objects.filter(is_fallback=False).count() == 3


def test_second_fallback_is_a_validation_error_in_forms():
    StationFactory(is_fallback=True)
    second = StationFactory.build(area=AreaFactory(), is_fallback=True)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "Another station is already the provincial duty desk." in str(excinfo.value)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "已有其他救助站被设为自治区救助值班台。" in str(excinfo.value)


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(Decimal("22.817"), None), (None, Decimal("108.366"))]
)
def test_coordinates_must_come_together(latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        StationFactory(latitude=latitude, longitude=longitude)
    assert not Station.objects.exists()


def test_both_or_no_coordinates_are_fine():
    with_coordinates = StationFactory(latitude=Decimal("22.817"), longitude=Decimal("108.366"))
    without = StationFactory(latitude=None, longitude=None)
    with_coordinates.full_clean()
    without.full_clean()
    assert Station.objects.count() == 2


def test_webhook_needs_a_secret():
    station = StationFactory(webhook_url="https://hooks.example.org/tips", webhook_secret="")
    with pytest.raises(ValidationError) as excinfo:
        station.full_clean()
    assert "webhook_secret" in excinfo.value.message_dict
    station.webhook_secret = "s3cret-value"
    station.full_clean()


def test_membership_is_unique_per_user_and_station():
    membership = StationMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StationMembership.objects.create(
            user=membership.user, station=membership.station, role=StationMembership.Role.LEAD
        )
    other_station = StationFactory()
    StationMembershipFactory(user=membership.user, station=other_station)
    assert membership.user.station_memberships.count() == 2


def test_display_name_follows_the_active_language():
    station = StationFactory(name="南宁市救助管理站", name_en="Nanning Rescue Management Station")
    with translation.override("zh-hans"):
        assert station.display_name == "南宁市救助管理站"
        assert str(station) == "南宁市救助管理站"
    with translation.override("en"):
        assert station.display_name == "Nanning Rescue Management Station"


def test_display_name_falls_back_to_chinese_without_english_name():
    station = StationFactory(name="柳州市救助管理站", name_en="")
    with translation.override("en"):
        assert station.display_name == "柳州市救助管理站"


def test_ancestors_and_self_walks_up_to_the_province():
    county = Area.objects.get(code="450102")
    assert [a.code for a in county.ancestors_and_self()] == ["450102", "450100", "450000"]
    province = Area.objects.get(code="450000")
    assert province.ancestors_and_self() == [province]


def test_qualified_name_prefixes_the_city_for_counties():
    assert Area.objects.get(code="450102").qualified_name == "南宁市兴宁区"
    assert Area.objects.get(code="450100").qualified_name == "南宁市"


def test_areas_served_groups_by_city():
    nanning = Area.objects.get(code="450100")
    station = StationFactory(
        jurisdiction=[
            Area.objects.get(code="450103"),
            Area.objects.get(code="450102"),
            Area.objects.get(code="450200"),
        ]
    )
    groups = station.areas_served
    assert [(g.area.code, g.whole, [p.code for p in g.parts]) for g in groups] == [
        ("450100", False, ["450102", "450103"]),
        ("450200", True, []),
    ]
    assert groups[0].area == nanning


def test_user_factory_builds_usable_users():
    user = UserFactory()
    assert user.check_password("correct horse battery staple")
