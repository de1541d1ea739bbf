"""Fixtures for the home and site-frame tests: a small page tree under the default site.

Self-contained on purpose: a live HomePage replaces Wagtail's welcome page as the default
site's root, with every section page and an "about" page below it. ``english_home`` adds the
English translation under /en/.
"""

from wagtail.models import Locale, Page, Site

import pytest

from events.models import EventIndexPage
from home.models import HomePage, StandardPage
from notices.models import NoticeIndexPage
from policies.models import PolicyIndexPage
from portal.models import SiteSettings
from stations.models import StationDirectoryPage
from tip_reports.models import ReportPage


def publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(site):
    """The default site's root as a live HomePage (Wagtail's welcome page is deleted)."""
    welcome = site.root_page
    home = HomePage(
        title="归途首页",
        slug="guitu-home",
        hero_title="帮助每一位流浪乞讨人员平安回家",
        hero_intro="发现需要帮助的人，请告诉我们。",
    )
    publish_child(Page.get_first_root_node(), home)
    site.root_page = home
    site.save()
    welcome.delete()
    return home


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


@pytest.fixture
def english_locale(db):
    locale, _ = Locale.objects.get_or_create(language_code="en")
    return locale


def translate(page: Page, locale: Locale, **fields) -> Page:
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation.specific


@pytest.fixture
def english_home(home_page, english_locale):
    """The English home page at /en/."""
    return translate(
        home_page,
        english_locale,
        title="Guitu home",
        hero_title="Helping everyone get home safely",
        hero_intro="If you see someone who needs help, tell us.",
    )
