"""/statistics/ on the demo content: charts and tables in both languages, the query budget and
cache of the figures, the sitemap and the footer link (kept apart from tests/home/test_statistics.py,
whose tests build their own statistics page)."""

from __future__ import annotations

import datetime
import re

from django.core.cache import cache
from django.utils import timezone

import pytest

from home import statistics
from tests.home.test_statistics import check_chart, make_tip, queries, svgs, table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/statistics/", ["数据公开", "每月收到的求助线索", "开放日参观人数", "中位数"]),
        ("/en/statistics/", ["Statistics", "Tips received per month", "Open-day visitors"]),
    ],
)
def test_the_demo_statistics_page_has_charts_and_tables(client, demo_site, url, words):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for word in words:
        assert word in html, word
    charts = svgs(html)
    assert len(charts) == 2
    titles = [check_chart(svg) for svg in charts]
    assert len(set(titles)) == 2
    assert "<script" not in html.split("</head>", 1)[1]
    for table_id in ("tips-table", "visitors-table"):
        body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
        assert "<caption" in body and 'scope="col"' in body and 'scope="row"' in body
    # The demo has a year of tips: each of the 12 months has a row, and some cells are masked.
    rows = table(html, "tips-table")
    assert len(rows) == 13
    assert any(cell == "&lt;5" for row in rows[1:] for cell in row[1:])


def test_the_figures_take_a_fixed_number_of_queries_and_are_cached(demo_site):
    cache.clear()
    small = queries(statistics.live_figures)
    assert small <= 8
    assert queries(statistics.live_figures) == 0  # from the cache
    now = timezone.now()
    for n in range(30):
        make_tip(now - datetime.timedelta(days=n), ack_after=datetime.timedelta(minutes=n + 1))
    cache.clear()
    assert queries(statistics.live_figures) == small


def test_the_demo_statistics_page_is_in_the_sitemap_and_footer(client, demo_site):
    assert "/statistics/" in client.get("/sitemap.xml").content.decode()
    html = client.get("/policies/").content.decode()
    footer = html[html.index('<footer class="site-footer"') :]
    assert 'href="/statistics/"' in footer
    nav = re.search(r'<nav class="primary-nav".*?</nav>', html, re.S).group(0)
    assert "/statistics/" not in nav
    english = client.get("/en/policies/").content.decode()
    assert 'href="/en/statistics/"' in english[english.index('<footer class="site-footer"') :]
