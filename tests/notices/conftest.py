"""Fixtures for the notices tests: the demo stations and a live NoticeIndexPage at /notices/."""

from __future__ import annotations

import pytest

from notices.models import NoticeIndexPage
from stations.demo import seed_stations
from tests.factories import publish_child


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Images and renditions go to a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def demo_stations(db):
    seed_stations()


@pytest.fixture
def notice_index(home_page, demo_stations):
    return publish_child(home_page, NoticeIndexPage(title="寻亲公告", slug="notices"))
