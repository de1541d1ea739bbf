"""A notice's public page: the facts of an active notice, the closed message of a reunited or
withdrawn one, and private fields absent from every public view."""

from __future__ import annotations

import importlib

import pytest

from notices.models import FamilySearchNoticePage

from .factories import PRIVATE_VALUES, make_notice


@pytest.fixture
def notice(notice_index):
    return make_notice(
        notice_index,
        title="寻找家人：兴宁区男子",
        name="李大山",
        height_min_cm=165,
        height_max_cm=170,
        dialect=FamilySearchNoticePage.Dialect.PINGHUA,
        dialect_note="带宾阳口音",
        ethnicity="瑶族",
    )


def test_active_notice_shows_facts_and_hotline(client, notice):
    response = client.get(notice.url)
    assert response.status_code == 200
    html = response.content.decode()
    station = notice.station
    for text in (
        notice.notice_number,
        "李大山",
        "自述",
        "左手有疤",
        "蓝色外套",
        "记得家门口有一条河",
        "火车站广场",
        "兴宁区",
        "2025-03-01",
        "2025-03-02",
        "165–170",
        "瑶族",
        "带宾阳口音",
        station.address,
        'alt="正面照 1"',
        "poster/",
    ):
        assert text in html, text
    assert f'href="tel:{station.hotline.replace(" ", "").replace("-", "")}' in html or (
        'href="tel:' in html and station.hotline in html
    )
    assert 'name="robots"' not in html
    # The same page for everyone (the lead form is on lead/), so shared caches may keep it.
    assert "no-store" not in response.get("Cache-Control", "")
    assert "lead/#lead" in html


def test_all_photos_are_shown(client, notice_index):
    page = make_notice(notice_index, photos=3)
    html = client.get(page.url).content.decode()
    for number in (1, 2, 3):
        assert f'alt="正面照 {number}"' in html


def test_minor_carries_a_guardianship_note(client, notice_index):
    minor = make_notice(notice_index, is_minor=True, age_min=9, age_max=11)
    adult = make_notice(notice_index)
    assert "法定监护人" in client.get(minor.url).content.decode()
    assert "法定监护人" not in client.get(adult.url).content.decode()


def test_features_are_escaped(client, notice_index):
    page = make_notice(notice_index, features='<script>alert("x")</script>', name="<b>n</b>")
    html = client.get(page.url).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
    assert "<b>n</b>" not in html
    listing = client.get("/notices/").content.decode()
    assert "<b>n</b>" not in listing


@pytest.mark.parametrize("status", ["reunited", "withdrawn"])
def test_closed_notice_shows_only_the_closed_message(client, notice, status):
    html_before = client.get(notice.url).content.decode()
    photo_url = notice.photos.first().image.file.url
    notice.status = status
    if status == "reunited":
        notice.reunion_note = "一家人已于春节前团聚。"
        notice.reunion_note_consented = True
    notice.save_revision().publish()
    response = client.get(notice.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    for private in ("李大山", "左手有疤", "蓝色外套", "火车站广场", "2025-03-01", "瑶族"):
        assert private in html_before
        assert private not in html, private
    assert photo_url not in html
    assert "/media/" not in html
    assert "notice__photo" not in html
    assert notice.station.address not in html
    assert notice.station.hotline in html
    if status == "reunited":
        assert "已与家人团聚" in html
        assert "一家人已于春节前团聚" in html
    else:
        assert "此公告已撤回" in html
        assert "一家人已于春节前团聚" not in html


def test_reunion_note_needs_consent(client, notice):
    FamilySearchNoticePage.objects.filter(pk=notice.pk).update(
        status="reunited", reunion_note="一家人已团聚", reunion_note_consented=False
    )
    html = client.get(notice.url).content.decode()
    assert "已与家人团聚" in html
    assert "一家人已团聚" not in html


def _public_views(client, notice):
    yield client.get("/notices/")
    yield client.get("/notices/", {"q": "左手"})
    yield client.get(notice.url)
    poster = importlib.import_module("notices.poster")
    if hasattr(poster, "notice_poster"):
        yield client.get(notice.url + "poster/")
    feeds = importlib.import_module("notices.feeds")
    if hasattr(feeds, "feed_urls"):
        index = notice.get_parent().specific
        for url in feeds.feed_urls(index).values():
            yield client.get(url)


def test_private_fields_are_never_rendered(client, notice):
    seen = 0
    for response in _public_views(client, notice):
        if response.status_code != 200:
            continue
        seen += 1
        body = response.content.decode()
        for value in PRIVATE_VALUES.values():
            assert value not in body, response.request["PATH_INFO"]
    assert seen >= 5
