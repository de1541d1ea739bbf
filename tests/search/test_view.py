"""The /search/ page: results, types, snippets, pagination, escaping and bad input."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.search.text import MAX_QUERY_LENGTH

pytestmark = pytest.mark.django_db

RESULT_TITLE = re.compile(r'<a class="search-result__link" href="([^"]+)">(.*?)</a>', re.S)


def result_urls(response) -> list[str]:
    return [url for url, _title in RESULT_TITLE.findall(response.content.decode())]


def test_the_measured_pages_are_found_on_the_search_page(client, measured_pages):
    for query, expected in {
        "南宁": "/open-day/",
        "流浪乞讨": "/opinions/",
        "桂林": "/guilin/",
        "开放日": "/open-day/",
    }.items():
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert expected in result_urls(response), query


def test_the_page_is_noindex_and_labels_the_result_type(client, measured_pages):
    response = client.get("/search/", {"q": "桂林"})
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert '<p class="search-result__type">页面</p>' in html
    assert "<mark>桂林</mark>" in html


def test_english_search_lives_under_en(client, english_home):
    from home.models import StandardPage
    from tests.factories import publish_child

    publish_child(english_home, StandardPage(title="Rescue hotline", slug="hotline"))
    response = client.get("/en/search/", {"q": "hotline"})
    assert response.status_code == 200
    assert "/en/hotline/" in result_urls(response)
    assert '<p class="search-result__type">Page</p>' in response.content.decode()


def test_stations_are_results_with_their_hotline(client, demo_stations, station_directory):
    response = client.get("/search/", {"q": "桂林"})
    html = response.content.decode()
    assert "/stations/450300/" in result_urls(response)
    assert '<p class="search-result__type">救助站</p>' in html
    assert "0771-0450310" in html


def test_the_type_filter(client, make_page, demo_stations, station_directory):
    make_page("桂林寻亲活动", "guilin-page")
    both = result_urls(client.get("/search/", {"q": "桂林"}))
    assert "/guilin-page/" in both and "/stations/450300/" in both
    assert result_urls(client.get("/search/", {"q": "桂林", "type": "station"})) == [
        "/stations/450300/"
    ]
    assert result_urls(client.get("/search/", {"q": "桂林", "type": "page"})) == ["/guilin-page/"]
    assert result_urls(client.get("/search/", {"q": "桂林", "type": "notice"})) == []
    # An unknown type means every type.
    assert set(result_urls(client.get("/search/", {"q": "桂林", "type": "<x>"}))) == set(both)


def test_pagination_and_bad_page_numbers(client, make_page):
    for number in range(25):
        make_page(f"南宁活动 第{number}期", f"n{number}")
    first = result_urls(client.get("/search/", {"q": "南宁"}))
    second = result_urls(client.get("/search/", {"q": "南宁", "page": "2"}))
    last = result_urls(client.get("/search/", {"q": "南宁", "page": "3"}))
    assert len(first) == 10 and len(second) == 10 and len(last) == 5
    assert not set(first) & set(second)
    assert result_urls(client.get("/search/", {"q": "南宁", "page": "999"})) == last
    for bad in ["0", "-3", "abc", "1e9", "２"]:
        response = client.get("/search/", {"q": "南宁", "page": bad})
        assert response.status_code == 200, bad
    html = client.get("/search/", {"q": "南宁", "page": "2"}).content.decode()
    assert "的搜索结果共 25 个" in html
    assert 'rel="next"' in html and 'rel="prev"' in html


def test_the_query_count_does_not_grow_with_the_results(client, make_page):
    def queries_for(count, word):
        for number in range(count):
            make_page(f"{word}活动 {number}", f"{word}-{number}")
        client.get("/search/", {"q": word})  # warm the caches
        with CaptureQueriesContext(connection) as context:
            response = client.get("/search/", {"q": word})
        assert len(result_urls(response)) == min(count, 10)
        return len(context.captured_queries)

    assert queries_for(3, "南宁") == queries_for(25, "柳州")


def test_an_empty_search_offers_help(client, home_page):
    html = client.get("/search/").content.decode()
    assert "search-empty" in html
    html = client.get("/search/", {"q": "不存在的词语"}).content.decode()
    assert "search-empty" in html
    assert "的搜索结果共 0 个" in html


def test_a_long_query_is_cut_politely(client, measured_pages):
    response = client.get("/search/", {"q": "桂林" + "好" * 500})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="search-truncated"' in html
    assert "好" * (MAX_QUERY_LENGTH + 1) not in html


def test_editor_text_and_queries_stay_escaped(client, make_page):
    make_page(
        "<b>南宁</b> & <i>桂林</i>", "tags", introduction="<script>alert('x')</script> 南宁救助"
    )
    html = client.get("/search/", {"q": "南宁 <script>"}).content.decode()
    assert "<script>alert" not in html and "<b>南宁" not in html
    html = client.get("/search/", {"q": "南宁"}).content.decode()
    assert "&lt;b&gt;<mark>南宁</mark>&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    html = client.get("/search/", {"q": '"><img src=x onerror=alert(1)>'}).content.decode()
    assert "<img src=x" not in html


def test_the_header_search_box_is_on_every_page(client, home_page):
    html = client.get("/").content.decode()
    assert '<form class="site-search" role="search" method="get" action="/search/">' in html
    assert '<label class="visually-hidden" for="site-search-query">' in html


def test_only_get_and_head(client, home_page):
    assert client.post("/search/", {"q": "南宁"}).status_code == 405
    assert client.head("/search/", {"q": "南宁"}).status_code == 200


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.text(max_size=300),
    page=st.one_of(st.text(max_size=12), st.integers().map(str)),
    kind=st.sampled_from(["", "page", "station", "notice", "policy", "event", "zz"]),
)
def test_no_input_gives_a_server_error(client, measured_pages, query, page, kind):
    response = client.get("/search/", {"q": query, "page": page, "type": kind})
    assert response.status_code == 200


def test_only_live_public_pages_of_the_language_are_results(client, make_page, english_home):
    from wagtail.models import PageViewRestriction

    from home.models import StandardPage
    from tests.factories import publish_child

    shown = make_page("南宁开放日", "shown")
    private = make_page("南宁内部通知", "private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret-123"
    )
    draft = make_page("南宁草稿", "draft")
    draft.unpublish()
    publish_child(english_home, StandardPage(title="Nanning 南宁", slug="english"))
    assert result_urls(client.get("/search/", {"q": "南宁"})) == [shown.url]
    assert result_urls(client.get("/en/search/", {"q": "南宁"})) == ["/en/english/"]
