"""The home page's policy highlights: the three most recently updated live explainers in the
home page's language, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from policies.models import PolicyExplainerPage
from portal.demo import ensure_translation

from .factories import make_explainer

pytestmark = pytest.mark.django_db


def highlights(client, url="/"):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    section = soup.select_one(".home-section--policies")
    return [(a.get_text(), a["href"]) for a in section.select(".card__link")], section


def test_three_most_recently_updated_live_explainers(client, policy_index):
    now, today = timezone.now(), timezone.localdate()
    pages = [make_explainer(policy_index, title=f"解读{n}", summary=f"摘要{n}") for n in range(5)]
    for days, page in zip((50, 40, 30, 20, 10), pages, strict=True):
        PolicyExplainerPage.objects.filter(pk=page.pk).update(
            first_published_at=now - timedelta(days=days)
        )
    # The oldest one was updated yesterday: it comes first.
    PolicyExplainerPage.objects.filter(pk=pages[0].pk).update(
        updated_on=today - timedelta(days=1), change_note="更新"
    )
    draft = make_explainer(policy_index, title="草稿", publish=False)
    items, section = highlights(client)
    assert [title for title, _href in items] == ["解读0", "解读4", "解读3"]
    assert items[0][1] == pages[0].url
    assert "摘要0" in section.get_text()
    assert draft.title not in section.get_text()


def test_english_home_shows_english_explainers(client, policy_index, english_index):
    page = make_explainer(policy_index, title="中文解读")
    ensure_translation(page, title="English explainer", summary="In English.")
    items, _section = highlights(client, "/en/")
    assert [title for title, _href in items] == ["English explainer"]
    items, _section = highlights(client, "/")
    assert [title for title, _href in items] == ["中文解读"]


def _count(client) -> int:
    client.get("/")
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context.captured_queries)


def test_highlights_take_a_fixed_number_of_queries(client, policy_index):
    make_explainer(policy_index)
    few = _count(client)
    for _ in range(6):
        make_explainer(policy_index)
    assert _count(client) == few
