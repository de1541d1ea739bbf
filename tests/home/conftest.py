"""Fixtures for the home and site-frame tests: every section page and an "about" page below
the home page (``home_page``, ``english_home`` and ``site`` come from tests/conftest.py)."""

import pytest

from events.models import EventIndexPage
from home.models import StandardPage
from notices.models import NoticeIndexPage
from policies.models import PolicyIndexPage
from portal.models import SiteSettings
from stations.models import StationDirectoryPage
from tests.factories import publish_child
from tip_reports.models import ReportPage


@pytest.fixture
def sections(home_page):
    """Every section page and the about page, live, in navigation order."""
    pages = {
        "policies": PolicyIndexPage(title="政策解读", slug="policies", introduction="救助政策。"),
        "events": EventIndexPage(title="开放日", slug="events", introduction="走进救助站。"),
        "notices": NoticeIndexPage(title="寻亲公告", slug="notices", introduction="帮他们回家。"),
        "stations": StationDirectoryPage(
            title="救助管理站", slug="stations", introduction="各地救助站。"
        ),
        "report": ReportPage(title="报告求助线索", slug="report", introduction="请告诉我们。"),
        "about": StandardPage(
            title="关于我们", slug="about", introduction="关于救助管理站。", show_in_menus=True
        ),
    }
    for page in pages.values():
        publish_child(home_page, page)
    return pages


@pytest.fixture
def site_settings(site):
    settings = SiteSettings.for_site(site)
    settings.hotline = "0771-5551234"
    settings.save()
    return settings
