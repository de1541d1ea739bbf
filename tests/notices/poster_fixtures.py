"""Fixtures for the poster, feed and closing tests: the demo stations, a notice index at
/notices/ and notices with a Pillow-drawn face photo. Import the fixtures into a test module
with ``from tests.notices.poster_fixtures import *``.
"""

import datetime
import io

from django.core.files.images import ImageFile

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage

from tests.factories import publish_child

# Values that must never appear on a public page or feed.
PRIVATE_UNIT = "机密护送单位甲乙丙"
PRIVATE_HEALTH = "机密健康记录丁戊己"


def make_image(title="face"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 160), (180, 150, 120)).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title}.png")
    )


def make_notice(index, station, *, status="seeking", title="寻亲公告：无名男子", **fields):
    from notices.models import FamilySearchNoticePage, NoticePhoto
    from notices.private import set_private_record

    defaults = {
        "title": title,
        "station": station,
        "sex": FamilySearchNoticePage.Sex.MALE,
        "age_min": 30,
        "age_max": 40,
        "height_min_cm": 165,
        "height_max_cm": 170,
        "dialect": FamilySearchNoticePage.Dialect.GUILIU,
        "features": "左手背有旧伤疤",
        "clothing": "蓝色外套，黑色裤子",
        "found_date": datetime.date(2026, 5, 1),
        "found_area": station.area,
        "found_place": "火车站广场",
        "intake_date": datetime.date(2026, 5, 1),
        "status": status,
    }
    defaults.update(fields)
    page = FamilySearchNoticePage(**defaults)
    page.photos.add(NoticePhoto(image=make_image(), alt_text="正面照片", is_face=True))
    page = publish_child(index, page)
    set_private_record(page, escorting_unit=PRIVATE_UNIT, health_notes=PRIVATE_HEALTH)
    return page


@pytest.fixture
def stations(db):
    from stations.demo import seed_stations
    from stations.models import Station

    seed_stations()
    return Station.objects.filter(is_fallback=False).order_by("code")


@pytest.fixture
def station(stations):
    return stations.first()


@pytest.fixture
def notice_index(home_page):
    from notices.models import NoticeIndexPage

    return publish_child(home_page, NoticeIndexPage(title="寻亲公告", slug="notices"))


@pytest.fixture
def notice(notice_index, station):
    return make_notice(notice_index, station, slug="notice-a")


@pytest.fixture
def closed_notice(notice_index, station):
    return make_notice(
        notice_index, station, status="reunited", slug="notice-closed", title="已团聚的公告"
    )
