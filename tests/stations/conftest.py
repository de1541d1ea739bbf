"""Fixtures for the station tests: a small page tree under the default site.

Self-contained on purpose (they do not need ``demo_site``): a HomePage as the default site's
root, the station directory at /stations/ below it, and on request its English translation
under /en/stations/.
"""

import pytest

from portal.demo import ensure_translation
from stations.models import StationDirectoryPage


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
    ensure_translation(home_page, title="Guitu")
    return ensure_translation(
        directory_page,
        title="Rescue stations",
        introduction="Addresses and 24-hour hotlines of the rescue stations in Guangxi.",
    )
