"""Search over the demo content: private notice fields and closed notices never show."""

from __future__ import annotations

import re

import pytest

from notices.demo import DEMO_ESCORTING_UNIT, DEMO_HEALTH_PREFIX
from notices.models import FamilySearchNoticePage

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a class="search-result__link" href="([^"]+)">')
PRIVATE_VALUES = ["血压偏高", "轻度糖尿病", "左膝关节炎", "无明显不适"]


def urls(response):
    return HREF.findall(response.content.decode())


def test_private_values_find_nothing(client, demo_site):
    for query in [DEMO_ESCORTING_UNIT, *PRIVATE_VALUES]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert urls(response) == [], query
    # 派出所 (police station) is in the escorting unit of every demo notice, and in the
    # explainers' plain text: it finds explainers, never a notice.
    response = client.get("/search/", {"q": "派出所"})
    assert urls(response), "the explainers mention 派出所"
    assert not [url for url in urls(response) if url.startswith("/notices/")]


def test_result_pages_never_show_private_values(client, demo_site):
    for query in ["男", "女", "白话", "南宁", "发现", "疤", "裤", "记得"]:
        for page in ["1", "2", "3"]:
            html = client.get("/search/", {"q": query, "page": page}).content.decode()
            assert DEMO_ESCORTING_UNIT not in html, query
            assert DEMO_HEALTH_PREFIX not in html, query
            for value in PRIVATE_VALUES:
                assert value not in html, (query, value)


def test_closed_notices_are_never_results(client, demo_site):
    closed = FamilySearchNoticePage.objects.exclude(status=FamilySearchNoticePage.Status.SEEKING)
    assert closed.count() == 3
    for notice in closed:
        for query in [notice.title, notice.notice_number, notice.features, notice.found_place]:
            assert notice.url not in urls(client.get("/search/", {"q": query})), query
    seeking = FamilySearchNoticePage.objects.filter(status=FamilySearchNoticePage.Status.SEEKING)
    notice = seeking.order_by("pk").first()
    assert notice.url in urls(client.get("/search/", {"q": notice.notice_number}))


def test_the_issue_queries_on_the_demo(client, demo_site):
    """南宁 and 桂林 find their stations first; 寻亲 the notices section."""
    assert urls(client.get("/search/", {"q": "南宁"}))[0] == "/stations/450100/"
    assert urls(client.get("/search/", {"q": "桂林"}))[0] == "/stations/450300/"
    assert urls(client.get("/search/", {"q": "寻亲"}))[0] == "/notices/"
    assert urls(client.get("/en/search/", {"q": "Nanning"}))[0] == "/en/stations/450100/"
