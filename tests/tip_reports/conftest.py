"""Fixtures for the tip_reports tests.

``report_page`` is the live ReportPage at /report/ under ``home_page`` with the 15 demo stations
(one per city, serving that city, plus the provincial duty desk); ``english_report_page`` adds
/en/report/. ``tip_client`` posts like a browser: it GETs the page first and sends the CSRF
token from the cookie, with CSRF checks enforced. ``make_image`` builds image files in memory.
Every test here stores private files (tip photos) in a temporary directory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import pytest
from PIL import Image

from portal.demo import ensure_translation
from stations.demo import seed_stations
from tests.factories import publish_child
from tip_reports.models import ReportPage, TipReport


@pytest.fixture(autouse=True)
def _private_storage(monkeypatch, tmp_path):
    """Tip photos go to a temporary private storage (no URL, like the real one), never to
    var/. The field resolves its storage once at import, so the field's storage is replaced."""
    location = tmp_path / "private"
    field = TipReport._meta.get_field("photo")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=location, base_url=None))
    return location


@pytest.fixture
def demo_stations(db):
    """The 15 demo stations of `make run` (a station per city, and the duty desk 450000)."""
    seed_stations()


@pytest.fixture
def report_page(home_page, demo_stations):
    """The live report page at /report/."""
    return publish_child(
        home_page,
        ReportPage(
            title="报告求助线索",
            slug="report",
            introduction="发现需要帮助的人？请告诉我们，我们会转交负责的救助管理站。",
        ),
    )


@pytest.fixture
def english_report_page(report_page, english_home):
    """The English translation of the report page at /en/report/."""
    return ensure_translation(
        report_page,
        title="Report a sighting",
        introduction="Seen someone who needs help? Tell us and we will pass it on.",
    )


def local_input(moment) -> str:
    """A datetime as a `datetime-local` input sends it (Asia/Shanghai wall time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def valid_post_data():
    """A complete, valid tip: a person sleeping rough in 柳州市城中区 (450202), seen an hour ago."""
    return {
        "category": "sleeping_rough",
        "area": "450202",
        "place_text": "五星街公交站旁的长椅",
        "latitude": "",
        "longitude": "",
        "location_accuracy": "",
        "seen_at": local_input(timezone.now() - timedelta(hours=1)),
        "person_sex": "male",
        "person_age": "elderly",
        "clothing": "深蓝色棉衣，没有穿鞋",
        "appearance": "头发花白，很瘦",
        "description": "一位老人在长椅上睡觉，天气很冷。",
        "reporter_name": "张女士",
        "reporter_phone": "138 0000 0000",
        "consent_forwarding": "on",
        "website": "",
    }


@dataclass
class TipClient:
    """A browser-like client: CSRF enforced, token read from the cookie after a GET."""

    client: Client

    def token(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, response.status_code
        return self.client.cookies["csrftoken"].value

    def post(self, url: str, data: dict, *, csrf: bool = True, **extra):
        data = dict(data)
        if csrf:
            data["csrfmiddlewaretoken"] = self.token(url)
        return self.client.post(url, data, **extra)


@pytest.fixture
def tip_client():
    return TipClient(Client(enforce_csrf_checks=True))


@pytest.fixture
def make_image():
    """``make_image(fmt="JPEG", size=(64, 48), mode="RGB", name=None, exif=None, **save)``
    → a SimpleUploadedFile holding a real image made with Pillow."""

    def build(fmt="JPEG", size=(64, 48), mode="RGB", name=None, content_type=None, **save_kwargs):
        image = Image.new(mode, size, color=_colour(mode))
        if mode == "RGB":
            # A left/right asymmetry, so orientation changes are detectable.
            image.paste((200, 20, 20), (0, 0, size[0] // 2, size[1]))
        buffer = io.BytesIO()
        image.save(buffer, format=fmt, **save_kwargs)
        extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
        return SimpleUploadedFile(
            name or f"photo.{extension}",
            buffer.getvalue(),
            content_type=content_type or f"image/{extension.replace('jpg', 'jpeg')}",
        )

    return build


def _colour(mode):
    return {"1": 1, "L": 128, "P": 1, "RGBA": (20, 120, 200, 255)}.get(mode, (20, 120, 200))
