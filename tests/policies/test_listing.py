"""The explainer list at /policies/: filters alone and combined, invalid values, pagination,
only live explainers, newest update first, and a query count that does not grow."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from policies.models import PolicyExplainerPage

from .factories import make_explainer

S = PolicyExplainerPage.SourceStatus
pytestmark = pytest.mark.django_db


def listed(client, index, **params) -> str:
    response = client.get(index.url, params)
    assert response.status_code == 200
    return response.content.decode()


def no_source():
    return {
        "source_title": "",
        "source_issuer": "",
        "source_number": "",
        "source_issued": None,
        "source_effective": None,
        "source_status": "",
    }


@pytest.fixture
def varied(policy_index):
    return {
        "help": make_explainer(
            policy_index,
            title="甲：如何求助",
            topic="getting-help",
            audiences=["public", "police"],
            source_issued=date(2003, 6, 20),
        ),
        "search": make_explainer(
            policy_index,
            title="乙：寻亲与落户",
            topic="family-search",
            audiences=["people-in-need", "police"],
            source_issued=date(2015, 8, 20),
            source_effective=None,
        ),
        "minors": make_explainer(
            policy_index,
            title="丙：独自在外的孩子",
            topic="minors",
            audiences=["public"],
            source_issued=date(2020, 10, 17),
            source_effective=date(2021, 6, 1),
            source_status=S.AMENDED,
        ),
        "old": make_explainer(
            policy_index,
            title="丁：收容遣送",
            topic="getting-help",
            audiences=["public"],
            source_issued=date(1982, 5, 12),
            source_effective=None,
            source_status=S.REPEALED,
        ),
        "guide": make_explainer(
            policy_index,
            title="戊：心理支持",
            topic="care-services",
            audiences=["volunteers"],
            **no_source(),
        ),
    }


def titles(html, varied) -> set[str]:
    return {key for key, page in varied.items() if page.title in html}


def test_lists_live_explainers_only(client, policy_index, varied):
    draft = make_explainer(policy_index, title="草稿解读", publish=False)
    unpublished = make_explainer(policy_index, title="已撤下解读")
    unpublished.unpublish()
    html = listed(client, policy_index)
    assert titles(html, varied) == set(varied)
    assert draft.title not in html and unpublished.title not in html
    assert "共5篇解读" in html


THIS_YEAR = str(timezone.localdate().year)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"topic": "getting-help"}, {"help", "old"}),
        ({"topic": "minors"}, {"minors"}),
        ({"topic": "responsibilities"}, set()),
        ({"audience": "police"}, {"help", "search"}),
        ({"audience": "public"}, {"help", "minors", "old"}),
        ({"audience": "hospitals"}, set()),
        ({"year": "2015"}, {"search"}),
        ({"year": "1982"}, {"old"}),
        ({"year": THIS_YEAR}, {"guide"}),  # no source: the year of publication
        ({"status": "in_force"}, {"help", "search"}),
        ({"status": "amended"}, {"minors"}),
        ({"status": "repealed"}, {"old"}),
        ({"topic": "getting-help", "status": "repealed"}, {"old"}),
        ({"topic": "getting-help", "audience": "police"}, {"help"}),
        ({"audience": "public", "year": "2020", "status": "amended"}, {"minors"}),
        ({"audience": "public", "status": "in_force", "topic": "getting-help"}, {"help"}),
        ({"audience": "public", "year": "2003", "status": "repealed"}, set()),
    ],
)
def test_filters_alone_and_combined(client, policy_index, varied, params, expected):
    assert titles(listed(client, policy_index, **params), varied) == expected


def test_year_choices_come_from_the_explainers(client, policy_index, varied):
    soup = BeautifulSoup(listed(client, policy_index), "html.parser")
    years = [option["value"] for option in soup.select("#id_year option") if option["value"]]
    assert years == sorted({"2003", "2015", "2020", "1982", THIS_YEAR}, reverse=True)


def test_filter_fields_are_labelled_and_keep_values(client, policy_index, varied):
    html = listed(client, policy_index, topic="minors", status="amended")
    for name in ("topic", "audience", "year", "status"):
        assert f'for="id_{name}"' in html
    assert '<option value="minors" selected>' in html
    assert '<option value="amended" selected>' in html
    assert "清除筛选条件" in html


@pytest.mark.parametrize(
    "params",
    [
        {"topic": "no-such-topic"},
        {"audience": "robots"},
        {"year": "abc"},
        {"year": "1900"},
        {"year": "9" * 40},
        {"status": "deleted"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"page": "1e9"},
        {"topic": "\x00"},
        {"topic": ["minors", "getting-help"]},
    ],
)
def test_bad_parameters_never_fail(client, policy_index, varied, params):
    response = client.get(policy_index.url, params)
    assert response.status_code == 200


def test_an_invalid_value_is_reported_and_the_others_still_apply(client, policy_index, varied):
    html = listed(client, policy_index, year="abc", topic="getting-help")
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.select_one(".error-summary")
    assert summary is not None and summary.find("a")["href"] == "#id_year"
    assert soup.title.get_text().startswith("错误：")
    assert titles(html, varied) == {"help", "old"}


def test_pagination_and_clamping(client, policy_index):
    for number in range(23):
        make_explainer(policy_index, title=f"分页解读{number:02d}")
    first = listed(client, policy_index)
    assert first.count('class="explainer-card"') == 10
    assert "page=2" in first and "第1页，共3页" in first
    last = listed(client, policy_index, page=3)
    assert last.count('class="explainer-card"') == 3
    assert listed(client, policy_index, page=999).count('class="explainer-card"') == 3
    assert listed(client, policy_index, page="x").count('class="explainer-card"') == 10


def test_pagination_keeps_filters(client, policy_index):
    for number in range(12):
        make_explainer(policy_index, title=f"警察{number}", audiences=["police"])
    html = listed(client, policy_index, audience="police")
    assert "audience=police&amp;page=2" in html


def test_newest_update_first(client, policy_index):
    now, today = timezone.now(), timezone.localdate()
    older = make_explainer(policy_index, title="较早发布")
    newer = make_explainer(policy_index, title="较晚发布")
    updated = make_explainer(
        policy_index,
        title="早就发布、昨天更新",
        updated_on=today - timedelta(days=1),
        change_note="改了",
    )
    for page, days in ((older, 10), (newer, 5), (updated, 400)):
        PolicyExplainerPage.objects.filter(pk=page.pk).update(
            first_published_at=now - timedelta(days=days)
        )
    html = listed(client, policy_index)
    assert html.index(updated.title) < html.index(newer.title) < html.index(older.title)


def test_card_shows_topic_audiences_source_and_status(client, policy_index, varied):
    soup = BeautifulSoup(listed(client, policy_index), "html.parser")
    cards = {
        card.select_one("h2").get_text(strip=True): card for card in soup.select(".explainer-card")
    }
    minors = cards[varied["minors"].title].get_text(" ", strip=True)
    assert "未成年人保护" in minors and "社会公众" in minors and "文件已修改" in minors
    assert "国务院令第381号" in minors
    assert "文件已废止" in cards[varied["old"].title].get_text()
    assert cards[varied["help"].title].find("a")["href"] == varied["help"].url


def test_empty_state(client, policy_index):
    assert "还没有发布政策解读" in listed(client, policy_index)


def test_feed_link_in_the_head(client, policy_index):
    soup = BeautifulSoup(listed(client, policy_index), "html.parser")
    link = soup.head.find("link", type="application/rss+xml")
    assert link["href"] == "/policies/feed/rss/"


def _count(client, index, params=None) -> int:
    client.get(index.url, params or {})  # warm-up: caches of site, settings and content types
    with CaptureQueriesContext(connection) as context:
        response = client.get(index.url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow(client, policy_index):
    for number in range(5):
        make_explainer(
            policy_index, audiences=["public", "police", "hospitals"], title=f"少{number}"
        )
    few = _count(client, policy_index)
    for number in range(20):
        make_explainer(
            policy_index,
            audiences=["public", "volunteers"],
            topic="minors" if number % 2 else "getting-help",
            title=f"多{number}",
        )
    many = _count(client, policy_index)
    assert few == many
    assert _count(client, policy_index, {"page": 2}) == many
    filtered = {"audience": "public", "topic": "minors", "year": "2003", "status": "in_force"}
    assert _count(client, policy_index, filtered) == many
