"""Fixtures for the search tests: standard pages built like an editor builds them."""

from __future__ import annotations

import pytest

from home.models import StandardPage
from tests.factories import publish_child

# The pages of the measurement (Wagtail's own database backend found none of them
# by any of MEASURED_QUERIES).
MEASURED_TITLES = {
    "open-day": "南宁市救助管理站开放日活动",
    "opinions": "关于加强和改进生活无着的流浪乞讨人员救助管理工作的实施意见",
    "guilin": "寻亲公告：男，约60岁，桂林市发现",
}
MEASURED_QUERIES = {
    "南宁": {"open-day"},
    "救助": {"open-day", "opinions"},
    "寻亲": {"guilin"},
    "桂林": {"guilin"},
    "开放日": {"open-day"},
    "流浪乞讨": {"opinions"},
}


@pytest.fixture
def make_page(home_page):
    def make(title, slug, introduction="", parent=None, **fields):
        return publish_child(
            parent or home_page,
            StandardPage(title=title, slug=slug, introduction=introduction, **fields),
        )

    return make


@pytest.fixture
def measured_pages(make_page):
    return {slug: make_page(title, slug) for slug, title in MEASURED_TITLES.items()}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Images and renditions go to a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def demo_stations(db):
    from stations.demo import seed_stations

    seed_stations()


@pytest.fixture
def notice_index(home_page, demo_stations):
    from notices.models import NoticeIndexPage

    return publish_child(home_page, NoticeIndexPage(title="寻亲公告", slug="notices"))


@pytest.fixture
def station_directory(home_page):
    from stations.models import StationDirectoryPage

    return publish_child(home_page, StationDirectoryPage(title="救助管理站", slug="stations"))
