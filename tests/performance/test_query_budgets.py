"""Every public page type answers in a number of queries that does not grow with what it lists.

Each test renders the same page type with a short and a long list and compares the query
counts (after one warm-up request, so caches of site and settings are equal). The demo content
(``demo_site``) is the starting point; what a test adds is rolled back afterwards.

The other page types have the same test next to their feature:
the notice list (tests/notices/test_listing.py), the explainer list
(tests/policies/test_listing.py), the open-day list, a campaign's venues and the home page's
open days (tests/events/test_index.py), the station directory and a station's jurisdiction
(tests/stations/test_directory.py), the search results (tests/search/test_view.py) and the
frame on every page (tests/home/test_frame.py).
"""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from notices.models import FamilySearchNoticePage, NoticeIndexPage, NoticePhoto
from policies.models import PolicyAttachment, PolicyExplainerPage, PolicyIndexPage, RelatedExplainer
from tests.notices.factories import make_image as notice_image
from tests.notices.factories import make_notice
from tests.policies.factories import make_document, make_explainer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def queries_for(url: str) -> int:
    client = Client()
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def zh(model):
    return model.objects.filter(locale__language_code="zh-hans").get()


def test_the_home_page_does_not_grow_with_the_notices_and_explainers(demo_site):
    notices, policies = zh(NoticeIndexPage), zh(PolicyIndexPage)
    before = queries_for("/")
    for _ in range(12):
        make_notice(notices)
        make_explainer(policies)
    assert queries_for("/") == before


def test_a_notice_page_does_not_grow_with_its_photos(demo_site):
    notices = zh(NoticeIndexPage)
    one = make_notice(notices, photos=1)
    six = make_notice(notices, photos=6)
    assert NoticePhoto.objects.filter(page=six).count() == 6
    assert queries_for(one.url) == queries_for(six.url)
    assert queries_for(one.url + "poster/") == queries_for(six.url + "poster/")


def test_an_explainer_does_not_grow_with_its_related_explainers_and_attachments(demo_site):
    policies = zh(PolicyIndexPage)
    others = [make_explainer(policies) for _ in range(8)]
    small = make_explainer(policies, related=others[:1], attachments=[make_document()])
    large = make_explainer(
        policies,
        related=others,
        attachments=[make_document(name=f"guide-{n}.pdf") for n in range(8)],
    )
    assert RelatedExplainer.objects.filter(page=large).count() == 8
    assert PolicyAttachment.objects.filter(page=large).count() == 8
    assert queries_for(small.url) == queries_for(large.url)


def test_feeds_do_not_grow_with_their_items(demo_site):
    notices, policies = zh(NoticeIndexPage), zh(PolicyIndexPage)
    urls = ["/notices/feed/rss/", "/notices/feed/atom/", "/policies/feed/rss/", "/events/feed.ics"]
    before = {url: queries_for(url) for url in urls}
    for _ in range(10):
        make_notice(notices)
        make_explainer(policies)
    assert {url: queries_for(url) for url in urls} == before


def test_the_notice_fixture_photos_are_real_images(demo_site):
    """The photos above come from the notice factory's images, so renditions are made."""
    image = notice_image()
    assert image.width > 0
    assert FamilySearchNoticePage.objects.exists() and PolicyExplainerPage.objects.exists()


def test_a_campaign_does_not_grow_with_its_county_venues(demo_site):
    """The 6·19 campaign has 90 venues, 76 of them in counties (their city and province are
    read for the address and the structured data)."""
    from events.models import EventIndexPage, EventPage, Venue
    from stations.models import Area
    from tests.events.factories import make_campaign, translate
    from tests.events.factories import make_image as event_image

    big = EventPage.objects.get(slug="619-family-search-day", locale__language_code="zh-hans")
    assert Venue.objects.filter(page=big, area__level="county").count() >= 70
    counties = list(Area.objects.filter(level="county")[:2])
    small = make_campaign(
        zh(EventIndexPage),
        start_date=big.start_date,
        venues=[
            {
                "station": None,
                "area": county,
                "name": f"{county.name}宣传点",
                "address": "广场",
                "registration_enabled": False,
            }
            for county in counties
        ],
        gallery=[{"image": event_image(), "alt_text": "展板", "consent": True}],
    )
    translate(small)  # like the 6·19 campaign, so the language switcher costs the same
    assert queries_for(small.url) == queries_for(big.url)
