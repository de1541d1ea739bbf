"""/statistics/: editor figures and live anonymous figures, masking of small counts, the
median time to acknowledge, accessible SVG charts with data tables, and a fixed query budget."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

import pytest

from home import statistics
from home.models import StatisticsPage
from home.statistics import LOCAL_TIME, Count, median_acknowledge
from tests.factories import publish_child
from tip_reports.models import TipEvent, TipReport

pytestmark = pytest.mark.django_db

SVG_NS = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date(2026, 6, 20)
Category = TipReport.Category
Status = TipReport.Status


def local(day: int, hour: int = 10, minute: int = 0, month: int = 6) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TIME)


def make_tip(created: datetime.datetime, category=Category.SLEEPING_ROUGH, ack_after=None, **kw):
    """A tip received at ``created`` with a real timeline; acknowledged ``ack_after`` later."""
    from tip_reports.intake import new_reference

    tip = TipReport.objects.create(
        reference=new_reference(),
        secret_code_hash="!test",
        category=category,
        seen_at=created,
        status=Status.ACKNOWLEDGED if ack_after is not None else Status.RECEIVED,
        **kw,
    )
    TipReport.objects.filter(pk=tip.pk).update(created_at=created)
    event(tip, TipEvent.Kind.RECEIVED, created, "", Status.RECEIVED)
    if ack_after is not None:
        event(tip, TipEvent.Kind.STATUS, created + ack_after, Status.RECEIVED, Status.ACKNOWLEDGED)
    return tip


def event(tip, kind, when, before, after):
    made = TipEvent.objects.create(tip=tip, kind=kind, from_status=before, to_status=after)
    TipEvent.objects.filter(pk=made.pk).update(created_at=when)
    return made


def svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", html, re.S)
    return [ET.fromstring(m) for m in found]  # noqa: S314 (the page under test)


def bars_of(chart: ET.Element) -> list[ET.Element]:
    return chart.findall(f".//{SVG_NS}g[@class='bar']/{SVG_NS}rect")


def table(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


@pytest.fixture
def statistics_page(home_page):
    return publish_child(
        home_page,
        StatisticsPage(
            title="数据公开",
            slug="statistics",
            introduction="救助工作数据。",
            figures=[
                ("figure", {"label": "全年救助", "value": 12436, "period": "2025年", "source": ""}),
                ("figure", {"label": "很少的数", "value": 3, "period": "", "source": ""}),
            ],
        ),
    )


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(statistics.timezone, "localdate", lambda *a, **k: TODAY, raising=True)
    return TODAY


# --- Masking ------------------------------------------------------------------------------------


def test_counts_below_five_are_masked():
    assert str(Count.of(3)) == "<5" and Count.of(3).value is None
    assert str(Count.of(0)) == "<5" and Count.of(None).masked
    assert str(Count.of(5)) == "5" and Count.of(5).value == 5
    assert Count.of(12436).value == 12436


def test_a_count_of_three_never_appears(client, statistics_page, frozen_today):
    for n in range(40):
        make_tip(local(1 + n % 20), Category.SLEEPING_ROUGH, ack_after=datetime.timedelta(hours=1))
    for n in range(3):
        make_tip(local(2 + n), Category.MINOR)
    html = client.get("/statistics/").content.decode()
    rows = table(html, "tips-table")
    header, june = rows[0], rows[-1]
    minor = header.index(str(Category.MINOR.label))
    rough = header.index(str(Category.SLEEPING_ROUGH.label))
    assert june[rough] == "40" and june[minor] == "&lt;5"
    cells = [cell for row in rows[1:] for cell in row[1:]]
    assert "3" not in cells
    # The headline figure of 3 is masked too.
    figures = re.search(r'<ul class="figures">.*?</ul>', html, re.S).group(0)
    assert "&lt;5" in figures and ">3<" not in figures
    chart = svgs(html)[0]
    texts = [t.text or "" for t in chart.iter(f"{SVG_NS}text")]
    assert "3" not in texts
    # One bar: the masked month is not drawn, so no shape carries its height.
    assert len(bars_of(chart)) == 1
    assert chart.find(f".//{SVG_NS}desc") is None


# --- The median time to acknowledge ------------------------------------------------------------


def test_median_acknowledge_on_a_fixed_timeline():
    minutes = [10, 20, 30, 40, 1000]
    for n, wait in enumerate(minutes):
        make_tip(local(3 + n), ack_after=datetime.timedelta(minutes=wait))
    make_tip(local(9))  # never acknowledged: not counted
    since = local(1)
    assert median_acknowledge(since) == (5, datetime.timedelta(minutes=30))
    make_tip(local(10), ack_after=datetime.timedelta(minutes=50))
    # Six waits: the mean of the two middle ones (30 and 40).
    assert median_acknowledge(since) == (6, datetime.timedelta(minutes=35))
    assert median_acknowledge(local(1, month=7)) == (0, None)


def test_the_median_counts_from_the_first_receipt_to_the_first_acknowledgement():
    tip = make_tip(local(3), ack_after=datetime.timedelta(minutes=15))
    # Reopened later and acknowledged again (from resolved): not a second acknowledgement.
    event(tip, TipEvent.Kind.STATUS, local(4), Status.RESOLVED, Status.ACKNOWLEDGED)
    # A transferred tip goes back to received; its wait still runs from the first receipt.
    moved = make_tip(local(5))
    event(moved, TipEvent.Kind.TRANSFERRED, local(5, 11), Status.RECEIVED, Status.RECEIVED)
    event(moved, TipEvent.Kind.STATUS, local(5, 12), Status.RECEIVED, Status.ACKNOWLEDGED)
    waits = dict(statistics.acknowledge_waits(local(1)).values_list("pk", "wait"))
    assert waits[tip.pk] == datetime.timedelta(minutes=15)
    assert waits[moved.pk] == datetime.timedelta(hours=2)


def test_spam_and_duplicates_are_not_counted(frozen_today):
    for _ in range(6):
        make_tip(local(3), close_reason=TipReport.CloseReason.SPAM)
    for _ in range(5):
        make_tip(local(3), Category.OTHER)
    figures = statistics.compute()
    by_key = {s.key: s for s in figures.tips_by_category}
    assert by_key["sleeping_rough"].counts[-1].masked
    assert by_key["other"].counts[-1].value == 5


def test_the_median_is_hidden_below_five_acknowledged_tips(client, statistics_page, frozen_today):
    for n in range(4):
        make_tip(local(3 + n), ack_after=datetime.timedelta(minutes=7))
    html = client.get("/statistics/").content.decode()
    assert "线索数量不足" in html and "7 分钟" not in html


# --- The page in both languages ------------------------------------------------------------------


def check_chart(svg: ET.Element) -> str:
    assert svg.get("role") == "img"
    title_id = svg.get("aria-labelledby")
    title = svg.find(f"{SVG_NS}title")
    assert title is not None and title.get("id") == title_id and title.text.strip()
    for element in svg.iter():
        assert element.tag not in (f"{SVG_NS}script", f"{SVG_NS}style"), element.tag
        assert "style" not in element.attrib
        assert not any(name.endswith("href") for name in element.attrib)
    return title.text


def test_the_tables_match_the_chart(client, statistics_page, frozen_today):
    for n, count in enumerate([6, 9, 12]):
        for _ in range(count):
            make_tip(local(5, month=4 + n), Category.ELDERLY_LOST)
    html = client.get("/statistics/").content.decode()
    rows = table(html, "tips-table")
    column = rows[0].index(str(Category.ELDERLY_LOST.label))
    assert [row[column] for row in rows[-3:]] == ["6", "9", "12"]
    assert all(row[column] == "&lt;5" for row in rows[1:-3])
    chart = svgs(html)[0]
    heights = sorted(float(r.get("height")) for r in bars_of(chart))
    assert len(heights) == 3
    assert heights[0] / heights[2] == pytest.approx(6 / 12, rel=0.02)


def test_no_charts_without_unmasked_figures(client, statistics_page, frozen_today):
    make_tip(local(3))
    html = client.get("/statistics/").content.decode()
    assert svgs(html) == []
    assert "尚未发布开放日数据" in html
    assert 'id="tips-table"' in html


def test_bad_query_strings_do_not_break_the_page(client, statistics_page):
    assert client.get("/statistics/?month=%00&x=<script>").status_code == 200


# --- Queries and cache --------------------------------------------------------------------------


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_the_statistics_page_does_not_grow_with_the_tips(client, statistics_page):
    def page_queries():
        cache.clear()
        client.get("/statistics/")  # warm site and settings lookups
        cache.delete_many(
            [statistics.CACHE_KEY.format(language=lang) for lang in ("zh-hans", "en")]
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/statistics/").status_code == 200
        return len(captured)

    make_tip(local(3), ack_after=datetime.timedelta(minutes=3))
    before = page_queries()
    for n in range(25):
        make_tip(
            timezone.now() - datetime.timedelta(days=n),
            Category.DISTRESS,
            datetime.timedelta(minutes=9),
        )
    assert page_queries() == before


def test_a_cache_outage_costs_only_the_queries(monkeypatch, frozen_today):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(statistics.cache, "get", broken)
    monkeypatch.setattr(statistics.cache, "set", broken)
    assert statistics.live_figures().months[-1].key == (2026, 6)


def test_editor_text_is_escaped(client, home_page, frozen_today):
    hostile = '<script>alert("x")</script>'
    publish_child(
        home_page,
        StatisticsPage(
            title="数据公开",
            slug="statistics",
            introduction=hostile,
            figures=[
                ("figure", {"label": hostile, "value": 10, "period": hostile, "source": hostile})
            ],
        ),
    )
    html = client.get("/statistics/").content.decode()
    assert hostile not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert hostile not in client.get("/").content.decode()


class TestEditing(WagtailPageTestCase):
    """Editors create the page in the admin with its figures; one per home page."""

    def setUp(self):
        from django.contrib.auth import get_user_model

        from home.demo import ensure_home_page

        self.home = ensure_home_page()
        admin = get_user_model().objects.create_superuser("stats-admin", "a@guitu.invalid", "x")
        self.client.force_login(admin)

    def test_an_editor_creates_the_statistics_page(self):
        data = nested_form_data(
            {
                "title": "数据公开",
                "slug": "statistics",
                "introduction": "年度数据。",
                "figures": streamfield(
                    [
                        (
                            "figure",
                            {"label": "护送返乡", "value": 2915, "period": "2025年", "source": ""},
                        )
                    ]
                ),
                "body": streamfield([]),
            }
        )
        self.assertCanCreate(self.home, StatisticsPage, data)
        page = StatisticsPage.objects.child_of(self.home).get()
        assert [f.label for f in page.headline_figures()] == ["护送返乡"]
        self.assertPageIsRenderable(page)
        self.assertCanNotCreateAt(StatisticsPage, StatisticsPage)
        self.home.refresh_from_db()
        assert not StatisticsPage.can_create_at(self.home)  # at most one per home page
