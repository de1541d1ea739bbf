"""The printable A4 poster: public facts, the hotline and a QR code that decodes to the
notice's URL; never a private field; no poster for a closed notice."""

import io
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import RequestFactory

import pytest
import zxingcpp
from PIL import Image as PILImage

from notices.poster import QR_SCALE, notice_qr, notice_qr_svg
from tests.notices.poster_fixtures import *  # noqa: F403
from tests.notices.poster_fixtures import PRIVATE_HEALTH, PRIVATE_UNIT


def poster_url(page):
    return page.url + page.reverse_subpage("poster")


@pytest.mark.django_db
def test_poster_shows_public_facts_and_hotline(client, notice):
    response = client.get(poster_url(notice))
    assert response.status_code == 200
    html = response.content.decode()
    assert notice.notice_number in html
    assert "寻亲公告" in html or "Family-search notice" in html
    assert notice.station.hotline in html
    assert 'href="tel:' in html
    assert notice.station.name in html
    assert "左手背有旧伤疤" in html
    assert 'alt="正面照片"' in html
    assert '<meta name="robots" content="noindex' in html
    assert "<svg" in html and "<title>" in html
    assert notice.get_full_url(response.wsgi_request) in html
    assert "<script" not in html
    assert "poster.css" in html


@pytest.mark.django_db
def test_poster_has_no_private_field(client, notice):
    html = client.get(poster_url(notice)).content.decode()
    assert PRIVATE_UNIT not in html
    assert PRIVATE_HEALTH not in html


@pytest.mark.django_db
def test_qr_code_decodes_to_the_notice_url(client, notice):
    response = client.get(poster_url(notice))
    request = response.wsgi_request
    url = notice.get_full_url(request)
    assert url.startswith("http") and url.endswith("/notices/notice-a/")

    buffer = io.BytesIO()
    notice_qr(notice, request).save(buffer, kind="png", scale=8)
    buffer.seek(0)
    results = zxingcpp.read_barcodes(PILImage.open(buffer))
    assert [r.text for r in results] == [url]


@pytest.mark.django_db
def test_the_printed_qr_code_is_that_code(client, notice):
    response = client.get(poster_url(notice))
    html = response.content.decode()
    svg = notice_qr_svg(notice, response.wsgi_request)
    assert svg in html
    # The same matrix as notice_qr() drawn at the poster's scale.
    expected = notice_qr(notice, response.wsgi_request).svg_inline(
        scale=QR_SCALE,
        title=re.search(r"<title>(.*?)</title>", svg).group(1).replace("&amp;", "&"),
        svgclass="poster__qr-code",
        lineclass="poster__qr-line",
    )
    assert expected == svg


def test_print_css_is_one_a4_page():
    css = Path(finders.find("css/poster.css")).read_text(encoding="utf-8")
    assert re.search(r"@page\s*{[^}]*size:\s*A4", css)
    assert "margin: 12mm" in css


@pytest.mark.django_db
def test_closed_notice_has_no_poster_but_keeps_its_page(client, closed_notice):
    assert client.get(poster_url(closed_notice)).status_code == 404
    assert closed_notice.live
    assert client.get(closed_notice.url).status_code == 200


@pytest.mark.django_db
def test_notice_qr_uses_error_correction_m(notice):
    request = RequestFactory().get("/")
    assert notice_qr(notice, request).error == "M"
