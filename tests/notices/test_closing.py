"""Closing a notice: published as reunited or withdrawn, it keeps its URL but loses its
renditions, its poster, its feed and sitemap entries; the change of status is recorded."""

from django.test import RequestFactory

import pytest

from notices.closing import public_notices
from notices.feeds import NoticeAtomFeed, NoticeRssFeed
from notices.models import FamilySearchNoticePage, NoticeStatusChange
from tests.notices.poster_fixtures import *  # noqa: F403


def close(page, status, user=None):
    page = page.get_latest_revision_as_object()
    page.status = status
    page.save_revision(user=user).publish()
    return FamilySearchNoticePage.objects.get(pk=page.pk)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="x")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["reunited", "withdrawn"])
def test_closing_deletes_renditions_and_records_the_change(notice, editor, status):
    image = notice.face_photo().image
    image.get_rendition("max-800x800")
    image.get_rendition("fill-120x160")
    assert image.renditions.count() == 2

    closed = close(notice, status, user=editor)

    assert image.renditions.count() == 0
    change = NoticeStatusChange.objects.filter(page=closed).last()
    assert (change.from_status, change.to_status, change.user) == ("seeking", status, editor)
    # The first publication began the history.
    assert list(closed.status_changes.values_list("from_status", "to_status")) == [
        ("", "seeking"),
        ("seeking", status),
    ]


@pytest.mark.django_db
def test_republishing_without_a_change_records_nothing(notice):
    notice.save_revision().publish()
    assert notice.status_changes.count() == 1


@pytest.mark.django_db
def test_reopening_is_recorded(notice):
    closed = close(notice, "reunited")
    reopened = close(closed, "seeking")
    assert reopened.status_changes.last().from_status == "reunited"


@pytest.mark.django_db
def test_closed_notice_keeps_its_url_but_leaves_feeds_sitemap_and_poster(client, notice):
    url = notice.url
    closed = close(notice, "reunited")
    assert closed.live and closed.url == url
    assert client.get(url).status_code == 200
    assert client.get(url + closed.reverse_subpage("poster")).status_code == 404

    index = closed.get_parent().specific
    for feed in (NoticeRssFeed, NoticeAtomFeed):
        body = feed(index)(RequestFactory().get("/")).content.decode()
        assert closed.notice_number not in body

    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/notices/" in sitemap
    assert url not in sitemap


@pytest.mark.django_db
def test_public_notices_are_live_and_seeking(notice, closed_notice, notice_index, station):
    draft = make_notice(notice_index, station, slug="draft")  # noqa: F405
    draft.unpublish()
    found = public_notices(FamilySearchNoticePage.objects.all())
    assert list(found) == [notice]
