"""RSS and Atom feeds of active notices: valid XML, public facts only, closed notices absent."""

import xml.etree.ElementTree as ET

import pytest

from notices.feeds import feed_urls
from tests.notices.poster_fixtures import *  # noqa: F403
from tests.notices.poster_fixtures import PRIVATE_HEALTH, PRIVATE_UNIT, make_notice

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def notices(notice_index, stations, closed_notice):
    first = make_notice(notice_index, stations[0], slug="active-one", title="公告一")
    second = make_notice(notice_index, stations[1], slug="active-two", title="公告二")
    draft = make_notice(notice_index, stations[1], slug="draft", title="草稿公告")
    draft.unpublish()
    return {"active": [second, first], "closed": closed_notice, "draft": draft}


def get(client, notice_index, kind):
    """The feed as the index page's route serves it."""
    response = client.get(feed_urls(notice_index)[kind])
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_urls_are_served(client, notice_index, notices, kind):
    response = client.get(feed_urls(notice_index)[kind])
    assert response.status_code == 200
    assert notices["active"][0].notice_number in response.content.decode()


@pytest.mark.django_db
def test_rss_lists_active_notices_newest_first(client, notice_index, notices):
    response = get(client, notice_index, "rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    items = root.findall("./channel/item")
    links = [item.findtext("link") for item in items]
    request = response.wsgi_request
    assert links == [page.get_full_url(request) for page in notices["active"]]
    description = items[0].findtext("description")
    assert notices["active"][0].notice_number in description
    assert notices["active"][0].station.hotline in description
    assert items[0].findtext("pubDate")


@pytest.mark.django_db
def test_atom_lists_active_notices(client, notice_index, notices):
    response = get(client, notice_index, "atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    entries = root.findall(f"{ATOM}entry")
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    request = response.wsgi_request
    assert links == [page.get_full_url(request) for page in notices["active"]]
    assert all(entry.findtext(f"{ATOM}published") for entry in entries)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_have_no_private_values_nor_closed_or_draft_notices(
    client, notice_index, notices, kind
):
    body = get(client, notice_index, kind).content.decode()
    assert PRIVATE_UNIT not in body
    assert PRIVATE_HEALTH not in body
    for page in (notices["closed"], notices["draft"]):
        assert page.notice_number not in body
        assert page.slug not in body


@pytest.mark.django_db
def test_feed_links_tag(notice_index):
    from django.template import Context, Template

    html = Template("{% load notice_feeds %}{% notice_feed_links page %}").render(
        Context({"page": notice_index})
    )
    assert 'type="application/rss+xml"' in html
    assert f'href="{feed_urls(notice_index)["atom"]}"' in html
