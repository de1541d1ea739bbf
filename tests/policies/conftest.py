"""Fixtures for the policy explainer tests: a small tree under the default site (home page,
the explainer index at /policies/, the station directory and the report page that the help
block links to), the starting topics and audiences, and an English translation on request."""

from __future__ import annotations

import pytest

from policies.models import Audience, PolicyIndexPage, PolicyTopic
from policies.taxonomy import ensure_taxonomy
from portal.demo import ensure_translation
from portal.models import SiteSettings
from stations.models import StationDirectoryPage
from tests.factories import publish_child
from tip_reports.models import ReportPage


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Documents, images and renditions go to a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def taxonomy(db):
    """The starting topics and audiences (migration 0003 creates them; a test database that
    another module flushed may have lost them, so make sure)."""
    ensure_taxonomy(PolicyTopic, Audience)
    return {
        "topics": {topic.slug: topic for topic in PolicyTopic.objects.all()},
        "audiences": {audience.slug: audience for audience in Audience.objects.all()},
    }


@pytest.fixture
def site_settings(site):
    settings = SiteSettings.for_site(site)
    settings.hotline = "0771-5551234"
    settings.citizen_service_number = "12345"
    settings.save()
    return settings


@pytest.fixture
def help_sections(home_page):
    """The station directory and the report page, which every explainer's help block links to."""
    return {
        "stations": publish_child(
            home_page, StationDirectoryPage(title="救助管理站", slug="stations")
        ),
        "report": publish_child(home_page, ReportPage(title="报告求助线索", slug="report")),
    }


@pytest.fixture
def policy_index(home_page, taxonomy, help_sections, site_settings):
    """The live explainer index at /policies/."""
    return publish_child(
        home_page,
        PolicyIndexPage(title="政策解读", slug="policies", introduction="用通俗的语言解读政策。"),
    )


@pytest.fixture
def english_index(policy_index, english_home, help_sections):
    """The English tree: /en/, /en/stations/, /en/report/ and /en/policies/."""
    for page, title in (
        (help_sections["stations"], "Rescue stations"),
        (help_sections["report"], "Report a sighting"),
    ):
        ensure_translation(page, title=title)
    return ensure_translation(policy_index, title="Policy explainers")
