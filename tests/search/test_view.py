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
