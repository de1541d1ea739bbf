"""The Chinese-aware database backend, through Wagtail's own search API."""

from __future__ import annotations

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

import pytest

from home.models import StandardPage
from tests.search.conftest import MEASURED_QUERIES

pytestmark = pytest.mark.django_db


def slugs(results) -> list[str]:
    return [page.slug for page in results]


def search(query, queryset=None, **kwargs):
    queryset = queryset if queryset is not None else Page.objects.live()
    return get_search_backend().search(query, queryset, **kwargs)


def test_the_backend_is_the_segmented_one():
    assert type(get_search_backend()).__module__ == "portal.search.backend"


@pytest.mark.parametrize(("query", "expected"), sorted(MEASURED_QUERIES.items()))
def test_the_issue_measurement_finds_every_page(measured_pages, query, expected):
    assert set(slugs(search(query, StandardPage.objects.live()))) == expected


def test_the_full_title_still_matches(measured_pages):
    assert slugs(search("南宁市救助管理站开放日活动"))[0] == "open-day"
