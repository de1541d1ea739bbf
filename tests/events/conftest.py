"""Fixtures for the open-day tests: the demo stations and a live EventIndexPage at /events/
(and its English translation at /en/events/ where a test asks for it)."""

from __future__ import annotations

import pytest

from events.models import EventIndexPage
from portal.demo import ensure_translation
from stations.demo import seed_stations
from tests.factories import publish_child


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _public_base(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"


@pytest.fixture
def demo_stations(db):
    seed_stations()


@pytest.fixture
def event_index(home_page, demo_stations):
    return publish_child(home_page, EventIndexPage(title="开放日", slug="events"))


@pytest.fixture
def english_event_index(event_index, english_home):
    return ensure_translation(event_index, title="Open days")
