"""The routing table: which station each area, location or nothing at all goes to."""

from decimal import Decimal

from django.utils import translation

import pytest

from stations.demo import seed_stations
from stations.models import Area, Station
from tests.stations.factories import StationFactory
from tip_reports.routing import distance_km, route

pytestmark = pytest.mark.django_db


@pytest.fixture
def stations(db):
    seed_stations()
    return {s.code: s for s in Station.objects.all()}


def test_every_county_routes_to_its_city_station(stations):
    counties = Area.objects.filter(level=Area.Level.COUNTY).select_related("parent")
    assert counties.count() == 111
    unrouted = []
    for county in counties:
        result = route(county)
        if result.station is None or result.station.code != county.parent.code:
            unrouted.append((county.code, result.station))
    assert unrouted == []


def test_every_city_and_the_region_route_somewhere(stations):
    for city in Area.objects.filter(level=Area.Level.CITY):
        assert route(city).station.code == city.code
    assert route(Area.objects.get(code="450000")).station.is_fallback


def test_the_most_specific_jurisdiction_wins(stations):
    county = Area.objects.get(code="450102")  # 兴宁区, Nanning
    special = StationFactory(code="450102-YOUTH", name="兴宁区未成年人救助保护中心", area=county)
    special.jurisdiction.set([county])
    assert route(county).station == special
    assert route(Area.objects.get(code="450103")).station.code == "450100"


def test_inactive_city_station_falls_back_up_the_tree(stations):
    Station.objects.filter(code="450300").update(is_active=False)
    result = route(Area.objects.get(code="450305"))  # 七星区, Guilin
    assert result.station.is_fallback
    with translation.override("zh-hans"):
        assert "450000" in route(Area.objects.get(code="450305")).reason


def test_coordinates_alone_go_to_the_nearest_station(stations):
    liuzhou = Area.objects.get(code="450200")
    result = route(None, liuzhou.latitude + Decimal("0.01"), liuzhou.longitude)
    assert result.station.code == "450200"
    with translation.override("en"):
        assert "1.1 km" in route(None, liuzhou.latitude + Decimal("0.01"), liuzhou.longitude).reason


def test_the_duty_desk_is_never_chosen_by_distance(stations):
    province = Area.objects.get(code="450000")
    result = route(None, province.latitude, province.longitude)
    assert not result.station.is_fallback


def test_nothing_known_goes_to_the_duty_desk(stations):
    result = route(None)
    assert result.station.code == "450000"
    with translation.override("zh-hans"):
        assert "值班" in route(None).reason


def test_without_a_duty_desk_a_tip_still_gets_a_station(stations):
    Station.objects.filter(is_fallback=True).update(is_active=False)
    Station.objects.update(latitude=None, longitude=None)
    assert route(None).station.code == "450100"
    Station.objects.update(is_active=False)
    assert route(None).station is None


def test_distance_is_haversine():
    # One degree of latitude is about 111.2 km anywhere.
    assert distance_km(22, 108, 23, 108) == pytest.approx(111.19, abs=0.05)
    assert distance_km(22.8, 108.3, 22.8, 108.3) == 0
