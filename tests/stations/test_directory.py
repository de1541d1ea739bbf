"""The public station directory at /stations/ and station pages at /stations/<code>/."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from stations.models import Area

from .factories import StationFactory

pytestmark = pytest.mark.django_db


def area(code):
    return Area.objects.get(code=code)


@pytest.fixture
def stations(directory_page):
    """Two city stations, a county station, an inactive one and the duty desk."""
    return {
        "nanning": StationFactory(
            code="450100",
            name="南宁市救助管理站",
            name_en="Nanning Rescue Management Station",
            area=area("450100"),
            address="南宁市青秀区示范路1号",
            hotline="0771-012 3456",
            jurisdiction=[area("450100")],
        ),
        "liuzhou": StationFactory(
            code="450200",
            name="柳州市救助管理站",
            name_en="",
            area=area("450200"),
            hotline="0772-0123456",
            jurisdiction=[area("450202"), area("450203")],
        ),
        "wuming": StationFactory(
            code="450110",
            name="武鸣区救助管理站",
            area=area("450110"),
            jurisdiction=[area("450110")],
        ),
        "closed": StationFactory(
            code="450300", name="桂林市救助管理站（已撤销）", area=area("450300"), is_active=False
        ),
        "desk": StationFactory(
            code="450000",
            name="自治区救助管理值班台",
            name_en="Guangxi Duty Desk",
            area=area("450000"),
            hotline="0771-0999999",
            is_fallback=True,
            jurisdiction=[],
        ),
    }


def test_directory_lists_active_stations_with_hotlines_and_areas(client, stations):
    response = client.get("/stations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "南宁市救助管理站" in html
    assert 'href="tel:07710123456"' in html
    assert "0771-012 3456" in html
    assert 'href="tel:07720123456"' in html
    assert "城中区" in html and "鱼峰区" in html  # Liuzhou's counties
    assert 'href="/stations/450100/"' in html
    assert "桂林市救助管理站" not in html  # inactive
    assert (
        'name="city"' in html
        and '<label class="station-filter__label" for="station-filter-city">' in html
    )


def test_fallback_desk_is_listed_separately_after_the_stations(client, stations):
    response = client.get("/stations/")
    assert response.context["fallback_station"] == stations["desk"]
    assert stations["desk"] not in response.context["stations"]
    html = response.content.decode()
    assert html.index("南宁市救助管理站") < html.index('class="station-fallback"')
    assert html.index('class="station-fallback"') < html.index("自治区救助管理值班台")
    assert 'href="tel:07710999999"' in html


def test_city_filter_narrows_the_list(client, stations):
    response = client.get("/stations/", {"city": "450100"})
    assert response.status_code == 200
    assert response.context["selected_city"] == area("450100")
    assert response.context["stations"] == [stations["nanning"], stations["wuming"]]
    html = response.content.decode()
    assert "柳州市救助管理站" not in html
    assert '<option value="450100" selected>' in html
    # The duty desk stays reachable whatever the filter.
    assert "自治区救助管理值班台" in html


def test_city_served_through_jurisdiction_only(client, stations):
    response = client.get("/stations/", {"city": "450200"})
    assert response.context["stations"] == [stations["liuzhou"]]


def test_city_without_stations_shows_empty_state(client, stations):
    response = client.get("/stations/", {"city": "451400"})
    assert response.status_code == 200
    assert response.context["stations"] == []
    html = response.content.decode()
    assert 'class="station-empty"' in html
    assert "自治区救助管理值班台" in html


@pytest.mark.parametrize(
    "value", ["", "999999", "450102", "450000", "abc", "'; drop table", "4501\x00", "x" * 5000]
)
def test_bad_city_value_shows_all_stations(client, stations, value):
    response = client.get("/stations/", {"city": value})
    assert response.status_code == 200
    assert response.context["selected_city"] is None
    assert len(response.context["stations"]) == 3


def test_station_detail(client, stations):
    response = client.get("/stations/450100/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "南宁市救助管理站" in html
    assert 'href="tel:07710123456"' in html
    assert f'href="mailto:{stations["nanning"].email}"' in html
    assert f'href="tel:{stations["nanning"].phone.replace("-", "")}"' in html
    assert "<address" in html
    assert 'href="/stations/"' in html
    assert "<title>南宁市救助管理站 · 救助管理站" in html


def test_detail_groups_areas_by_city(client, stations):
    response = client.get("/stations/450200/")
    html = response.content.decode()
    assert html.index("柳州市") < html.index("城中区") < html.index("鱼峰区")


@pytest.mark.parametrize("code", ["999999", "450300", "nanning", "450100-x", "%00", "a" * 300])
def test_unknown_or_inactive_station_is_404(client, stations, code):
    assert client.get(f"/stations/{code}/").status_code == 404


def test_webhook_details_never_appear(client, stations):
    station = stations["nanning"]
    station.webhook_url = "https://hooks.example.org/secret-path"
    station.webhook_secret = "very-secret-signing-key"
    station.save()
    for url in ("/stations/", "/stations/450100/", "/stations/?city=450100"):
        html = client.get(url).content.decode()
        assert "hooks.example.org" not in html
        assert "secret-path" not in html
        assert "very-secret-signing-key" not in html


def test_user_entered_text_is_escaped(client, directory_page):
    StationFactory(
        code="X1",
        name='<script>alert("x")</script>站',
        address="<b>路</b>",
        area=area("450102"),
    )
    directory_page.introduction = "<img src=x onerror=alert(1)>"
    directory_page.save_revision().publish()
    for url in ("/stations/", "/stations/X1/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;站" in html
        assert "<b>路</b>" not in html and "&lt;b&gt;路&lt;/b&gt;" in html
    html = client.get("/stations/").content.decode()
    assert "<img src=x" not in html


def _directory_queries(client, params=None):
    client.get("/stations/", params)  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/stations/", params)
    assert response.status_code == 200
    return len(queries), len(response.context["stations"])


@pytest.mark.parametrize("params", [None, {"city": "450100"}])
def test_directory_queries_do_not_grow_with_stations(client, directory_page, params):
    def add_stations(count):
        for _ in range(count):
            county = Area.objects.filter(parent__code="450100").order_by("?").first()
            StationFactory(area=county, jurisdiction=[county, county.parent])

    add_stations(3)
    few, listed_few = _directory_queries(client, params)
    add_stations(12)
    many, listed_many = _directory_queries(client, params)
    assert (listed_few, listed_many) == (3, 15)
    assert few == many


def test_detail_queries_do_not_grow_with_jurisdiction(client, directory_page):
    small = StationFactory(code="S1", jurisdiction=[area("450102")])
    large = StationFactory(code="S2", jurisdiction=list(Area.objects.filter(parent__code="450100")))
    counts = []
    for station in (small, large):
        client.get(f"/stations/{station.code}/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/stations/{station.code}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_english_directory(client, stations, english_directory_page):
    response = client.get("/en/stations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nanning Rescue Management Station" in html
    assert "Guangxi Duty Desk" in html
    assert "柳州市救助管理站" in html  # no English name: the Chinese one is shown
    assert 'href="/en/stations/450100/"' in html
    assert "<dt>24-hour hotline</dt>" in html
    assert "24小时求助热线" not in html

    detail = client.get("/en/stations/450100/")
    assert detail.status_code == 200
    detail_html = detail.content.decode()
    assert "Nanning Rescue Management Station" in detail_html
    assert 'lang="zh-Hans">南宁市救助管理站<' in detail_html
    assert client.get("/en/stations/999999/").status_code == 404


def test_chinese_directory_uses_chinese_labels(client, stations):
    html = client.get("/stations/").content.decode()
    assert "<dt>24小时求助热线</dt>" in html
    assert (
        '<h2 class="station-fallback__heading" id="station-fallback-heading">自治区救助值班台'
        in html
    )
    assert "Nanning Rescue Management Station" not in html
    assert "24-hour hotline" not in html


def test_sitemap_lists_active_station_pages(client, stations):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/stations/</loc>" in xml
    assert "/stations/450100/</loc>" in xml
    assert "/stations/450000/</loc>" in xml
    assert "/stations/450300/</loc>" not in xml  # inactive
