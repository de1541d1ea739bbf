"""The index at /events/: upcoming campaigns first (nearest first), past ones newest first with
their figures, a city filter, pagination, and a fixed number of queries; the home page's next
three open days."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from stations.models import Area, Station
from tests.events.factories import make_campaign

pytestmark = pytest.mark.django_db


def day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def titles(html: str, section: str) -> list[str]:
    import re

    part = html.split(f'id="events-{section}"')[1].split("</section>")[0]
    return re.findall(r'class="event-card__title"><a href="[^"]+">([^<]+)</a>', part)


def test_upcoming_first_nearest_first_then_past_newest_first(client, event_index):
    make_campaign(event_index, title="远的", start_date=day(30))
    make_campaign(event_index, title="近的", start_date=day(3))
    make_campaign(event_index, title="今天", start_date=day(0))
    make_campaign(event_index, title="旧的", start_date=day(-300))
    make_campaign(
        event_index,
        title="新近的",
        start_date=day(-5),
        venues=[{"visitors": 12, "registration_enabled": False, "capacity": 0}],
    )
    make_campaign(event_index, title="草稿", start_date=day(5), publish=False)
    private = make_campaign(event_index, title="私密", start_date=day(6))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    html = client.get("/events/").content.decode()
    assert titles(html, "upcoming") == ["今天", "近的", "远的"]
    assert titles(html, "past") == ["新近的", "旧的"]
    assert "草稿" not in html and "私密" not in html
    assert ">12<" in html  # the past campaign's visitors


def test_city_filter(client, event_index):
    liuzhou = Station.objects.get(code="450200")
    make_campaign(event_index, title="南宁的")
    make_campaign(event_index, title="柳州的", venues=[{"station": liuzhou}])
    make_campaign(
        event_index,
        title="柳州县里的",
        venues=[
            {
                "station": None,
                "area": Area.objects.get(code="450222"),
                "name": "点",
                "address": "广场",
            }
        ],
    )
    html = client.get("/events/?city=450200").content.decode()
    assert titles(html, "upcoming") == ["柳州的", "柳州县里的"] or set(
        titles(html, "upcoming")
    ) == {"柳州的", "柳州县里的"}
    assert "南宁的" not in titles(html, "upcoming")
    # Unknown cities mean "all", never an error.
    for value in ("999999", "<script>", ""):
        response = client.get("/events/", {"city": value})
        assert response.status_code == 200
        assert len(titles(response.content.decode(), "upcoming")) == 3


def test_past_campaigns_are_paginated(client, event_index):
    for n in range(12):
        make_campaign(event_index, title=f"往期{n:02d}", start_date=day(-10 - n))
    first = client.get("/events/").content.decode()
    second = client.get("/events/?page=2").content.decode()
    assert len(titles(first, "past")) == 10 and len(titles(second, "past")) == 2
    assert client.get("/events/?page=99").status_code == 200
    assert client.get("/events/?page=abc").status_code == 200


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_index_query_count_does_not_grow(client, event_index):
    def add(n, offset):
        for i in range(n):
            make_campaign(
                event_index,
                start_date=day(offset + i),
                venues=[{"visitors": 3, "registration_enabled": False, "capacity": 0}, {}],
            )

    add(3, 5)
    add(2, -40)
    client.get("/events/")
    small = count_queries(client, "/events/")
    small_filtered = count_queries(client, "/events/?city=450100")
    add(10, 50)
    add(10, -200)
    large = count_queries(client, "/events/")
    large_filtered = count_queries(client, "/events/?city=450100")
    assert small == large
    assert small_filtered == large_filtered


def test_campaign_page_query_count_does_not_grow_with_venues(client, event_index):
    few = make_campaign(event_index, venues=[{}] * 2)
    many = make_campaign(event_index, venues=[{}] * 12)
    client.get(few.url)
    assert count_queries(client, few.url) == count_queries(client, many.url)


def test_home_page_shows_the_next_three_open_days(client, event_index, english_event_index):
    for title, offset in [("第四", 40), ("第一", 1), ("已过", -3), ("第三", 20), ("第二", 10)]:
        make_campaign(event_index, title=title, start_date=day(offset), summary=f"{title}的摘要")
    make_campaign(event_index, title="草稿", start_date=day(2), publish=False)
    html = client.get("/").content.decode()
    section = html.split("home-section--events")[1].split("</section>")[0]
    assert [t for t in ("第一", "第二", "第三", "第四", "已过", "草稿") if f">{t}<" in section] == [
        "第一",
        "第二",
        "第三",
    ]
    assert "第一的摘要" in section
    # The English home page lists English campaigns only (none here).
    english = client.get("/en/").content.decode()
    assert "第一" not in english


def test_home_page_query_count_does_not_grow(client, event_index):
    make_campaign(event_index, start_date=day(3))
    client.get("/")
    before = count_queries(client, "/")
    for n in range(5):
        make_campaign(event_index, start_date=day(4 + n))
    assert count_queries(client, "/") == before
