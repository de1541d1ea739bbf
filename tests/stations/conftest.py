"""Fixtures for the station tests: a small page tree under the default site.

Self-contained on purpose (they do not need ``demo_site``): a HomePage as the default site's
root, the station directory at /stations/ below it, and on request its English translation
under /en/stations/.
"""

from wagtail.models import Locale, Page, Site

import pytest

from home.models import HomePage
from stations.models import StationDirectoryPage


@pytest.fixture
def home_page(db):
    """The default site's root as a live HomePage (replacing Wagtail's welcome page)."""
    site = Site.objects.get(is_default_site=True)
    root = site.root_page.specific
    if isinstance(root, HomePage):
        return root
    tree_root = Page.get_first_root_node()
    welcome = site.root_page
    home = HomePage(title="归途", slug="guitu-home", hero_title="帮助每一位流浪乞讨人员平安回家")
    tree_root.add_child(instance=home)
    home.save_revision().publish()
    site.root_page = home
    site.save()
    if welcome.specific_class is Page and welcome.get_children_count() == 0:
        welcome.delete()
    return home


@pytest.fixture
def directory_page(home_page):
    """The live station directory at /stations/."""
    page = StationDirectoryPage(
        title="救助管理站",
        slug="stations",
        introduction="广西各市救助管理站地址和24小时求助热线。",
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def english_directory_page(directory_page, home_page):
    """The English translation of the directory (and of the home page) at /en/stations/."""
    locale, _ = Locale.objects.get_or_create(language_code="en")
    home_en = home_page.copy_for_translation(locale)
    home_en.title = "Guitu"
    home_en.save_revision().publish()
    page_en = directory_page.copy_for_translation(locale)
    page_en.title = "Rescue stations"
    page_en.introduction = "Addresses and 24-hour hotlines of the rescue stations in Guangxi."
    page_en.save_revision().publish()
    return page_en
