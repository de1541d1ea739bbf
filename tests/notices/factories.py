"""Builders for notices: a live FamilySearchNoticePage with a generated face photo."""

from __future__ import annotations

import io
import itertools
from datetime import date

from django.core.files.images import ImageFile

from wagtail.images.models import Image

from PIL import Image as PILImage

from notices.models import FamilySearchNoticePage, NoticePhoto
from notices.private import set_private_record
from stations.models import Area, Station
from tests.factories import publish_child

_counter = itertools.count(1)

PRIVATE_VALUES = {
    "escorting_unit": "私密护送单位XYZ",
    "health_notes": "私密健康记录QWE",
}


def png_bytes(colour=(120, 140, 160)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 80), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_image(title="照片") -> Image:
    return Image.objects.create(
        title=title, file=ImageFile(io.BytesIO(png_bytes()), name=f"notice-{next(_counter)}.png")
    )


def make_notice(index_page, *, publish=True, photos=1, **fields) -> FamilySearchNoticePage:
    """A live, seeking notice under ``index_page``; ``fields`` override the defaults."""
    number = next(_counter)
    station = fields.pop("station", None) or Station.objects.get(code="450100")
    found_area = fields.pop("found_area", None) or Area.objects.get(code="450102")
    values = {
        "title": f"寻亲公告 {number}",
        "slug": f"notice-{number}",
        "station": station,
        "found_area": found_area,
        "found_place": "火车站广场",
        "sex": FamilySearchNoticePage.Sex.MALE,
        "age_min": 40,
        "age_max": 50,
        "found_date": date(2025, 3, 1),
        "intake_date": date(2025, 3, 2),
        "features": "左手有疤",
        "clothing": "蓝色外套",
        "memories": "记得家门口有一条河",
        **PRIVATE_VALUES,
        **fields,
    }
    private = {name: values.pop(name) for name in PRIVATE_VALUES if name in values}
    page = FamilySearchNoticePage(**values)
    for position in range(photos):
        page.photos.add(
            NoticePhoto(
                image=make_image(),
                alt_text=f"正面照 {position + 1}",
                is_face=position == 0,
                sort_order=position,
            )
        )
    if publish:
        page = publish_child(index_page, page)
    else:
        page.live = False
        index_page.add_child(instance=page)
    if private:
        set_private_record(page, **private)
    return page
