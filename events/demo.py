"""Demo content: the open-day index at /events/ and two campaigns, in Chinese and English.

* The 6·19 campaign “大爱寻亲、温暖回家”, a past open day: the 14 city stations and 76
  county-level stands, with figures that add up to about 8,000 visitors, 136 display boards
  and 32,000 leaflets. The totals follow the order of magnitude reported for such a day; the
  split per venue is invented (the page says so).
* An upcoming open day some weeks ahead at four stations with small capacities and
  registration open, so a newcomer can register, get the email in var/mail/, import the
  calendar file, cancel and see the place come back.

Photos are drawn placeholders marked 示意图 (illustration), never real people; one of them has
no consent and is therefore never shown.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone

from wagtail.images.models import Image
from wagtail.models import Collection

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from portal.demo import SeedContext, default_site, english_locale, ensure_child_page
from stations.models import Area, Station

from .models import LOCAL_TIME, EventImage, EventIndexPage, EventPage, Venue

PAST_SLUG = "619-family-search-day"
UPCOMING_SLUG = "station-open-day"
COUNTY_VENUES = 76
# Totals of the demo 6·19 campaign; the split per venue is invented.
PAST_TOTALS = {
    "visitors": 8012,
    "leaflets": 32180,
    "displays": 136,
    "enquiries": 1264,
    "volunteers": 618,
    "reunions": 7,
}
UPCOMING_STATIONS = [("450100", 20), ("450200", 12), ("450300", 8), ("450500", 2)]
GALLERY = [
    ("开放日示意图：寻亲展板", "Illustration: family-search display boards", (214, 228, 240), True),
    ("开放日示意图：参观路线", "Illustration: the visitors' route", (226, 236, 220), True),
    ("开放日示意图：志愿者合影", "Illustration: volunteers' group photo", (240, 222, 226), False),
]
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TIME)


def past_619(today: date) -> date:
    this_year = date(today.year, 6, 19)
    return this_year if this_year < today else date(today.year - 1, 6, 19)


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder): the parts add up."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def demo_counties() -> list[Area]:
    """76 county-level divisions taken city by city in turn, so every city has some."""
    by_city: dict[int, list[Area]] = {}
    for county in Area.objects.filter(level=Area.Level.COUNTY).order_by("code"):
        by_city.setdefault(county.parent_id, []).append(county)
    chosen, round_ = [], 0
    while len(chosen) < COUNTY_VENUES and any(len(c) > round_ for c in by_city.values()):
        for counties in by_city.values():
            if round_ < len(counties) and len(chosen) < COUNTY_VENUES:
                chosen.append(counties[round_])
        round_ += 1
    return chosen


def _font(size: int):
    from pathlib import Path

    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size), False


def draw_placeholder(background, label: str) -> bytes:
    """A 960×640 drawing of display boards, marked 示意图: no people, not a photo."""
    width, height = 960, 640
    image = PILImage.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    shade = tuple(max(0, c - 70) for c in background)
    for n in range(4):
        x = 90 + n * 200
        draw.rectangle([x, 200, x + 160, 440], fill=(255, 255, 255), outline=shade, width=6)
        for line in range(5):
            draw.line([x + 20, 240 + line * 36, x + 140, 240 + line * 36], fill=shade, width=5)
        draw.line([x + 40, 440, x + 30, 520], fill=shade, width=8)
        draw.line([x + 120, 440, x + 130, 520], fill=shade, width=8)
    font, cjk = _font(48)
    text = label if cjk else "ILLUSTRATION"
    box = draw.textbbox((0, 0), text, font=font)
    x = (width - (box[2] - box[0])) // 2
    draw.rounded_rectangle(
        [x - 20, 50, x + box[2] - box[0] + 20, 130], radius=12, fill=(255, 255, 255)
    )
    draw.text((x, 60), text, font=font, fill=(80, 80, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def ensure_gallery_images() -> list[tuple[Image, str, str, bool]]:
    collection = Collection.get_first_root_node()
    result = []
    for number, (title, title_en, colour, consent) in enumerate(GALLERY, start=1):
        image = Image.objects.filter(title=title).first()
        if image is None:
            image = Image(
                title=title,
                collection=collection,
                file=ImageFile(
                    io.BytesIO(draw_placeholder(colour, "示意图")),
                    name=f"demo-open-day-{number}.jpg",
                ),
            )
            image.save()
        result.append((image, title, title_en, consent))
    return result


def past_campaign(index: EventIndexPage, today: date) -> EventPage | None:
    if EventPage.objects.child_of(index).filter(slug=PAST_SLUG).exists():
        return None
    day = past_619(today)
    stations = list(
        Station.objects.filter(area__level=Area.Level.CITY, is_fallback=False)
        .select_related("area")
        .order_by("code")
    )
    counties = demo_counties()
    weights = [3.0 + (n * 7) % 5 / 4 for n in range(len(stations))]
    weights += [1.0 + (n * 5) % 4 / 6 for n in range(len(counties))]
    split = {name: allocate(total, weights) for name, total in PAST_TOTALS.items()}
    page = EventPage(
        slug=PAST_SLUG,
        title=f"{day.year}年6·19开放日：大爱寻亲、温暖回家",
        theme="大爱寻亲、温暖回家",
        summary=(
            "6月19日，全区14个市、76个县（市、区）的救助管理机构同时开放，"
            "展示寻亲救助工作，现场发放宣传资料、解答群众咨询。"
        ),
        start_date=day,
        figures_note=(
            "演示数据：各场地的分项数字为虚构，仅用于展示汇总；合计数与同类活动公开报道的量级相当。"
        ),
        body=[
            (
                "paragraph",
                "<p>“6·19”寻亲救助日当天，各地救助管理站敞开大门，邀请市民参观生活区、寻亲工作室，了解救助政策。</p>",
            ),
            (
                "paragraph",
                "<p>各县（市、区）在广场、车站设立宣传点，展出寻亲展板，发放《救助政策问答》。</p>",
            ),
        ],
    )
    position = 0
    for station in stations:
        page.venues.add(past_venue(day, split, position, station=station, sort_order=position))
        position += 1
    for county in counties:
        page.venues.add(
            past_venue(
                day,
                split,
                position,
                area=county,
                name=f"{county.name}寻亲宣传点",
                address=f"{county.name}人民广场（演示地址）",
                sort_order=position,
            )
        )
        position += 1
    add_gallery(page)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def past_venue(day, split, position, **fields) -> Venue:
    return Venue(
        starts_at=local(day, 9),
        ends_at=local(day, 17),
        registration_enabled=False,
        capacity=0,
        other_rules="当天直接前往，无需报名。",
        **{name: values[position] for name, values in split.items()},
        **fields,
    )


def add_gallery(page: EventPage) -> None:
    for order, (image, title, _title_en, consent) in enumerate(ensure_gallery_images()):
        page.gallery.add(
            EventImage(
                image=image,
                alt_text=title + "（绘制的示意图，没有真实人物）",
                caption=title,
                consent=consent,
                sort_order=order,
            )
        )


def upcoming_campaign(index: EventIndexPage, today: date) -> EventPage | None:
    if EventPage.objects.child_of(index).filter(slug=UPCOMING_SLUG).exists():
        return None
    day = today + timedelta(days=28)
    day += timedelta(days=(5 - day.weekday()) % 7)  # a Saturday
    now = timezone.now()
    page = EventPage(
        slug=UPCOMING_SLUG,
        title="走进救助站开放日",
        theme="温暖回家路",
        summary="四个市的救助管理站开放参观：了解救助工作怎样帮助流浪乞讨人员回家。需提前报名，名额有限。",
        start_date=day,
        body=[
            (
                "paragraph",
                "<p>工作人员带领参观接待大厅、寻亲工作室和生活区，介绍救助流程，并解答您关于救助政策的问题。</p>",
            ),
            ("paragraph", "<p>为保护受助人员隐私，请勿拍摄受助人员。</p>"),
        ],
    )
    stations = {
        s.code: s for s in Station.objects.filter(code__in=[c for c, _n in UPCOMING_STATIONS])
    }
    for order, (code, capacity) in enumerate(UPCOMING_STATIONS):
        if code not in stations:
            continue
        page.venues.add(
            Venue(
                station=stations[code],
                starts_at=local(day, 9, 30),
                ends_at=local(day, 11, 30),
                capacity=capacity,
                registration_opens_at=now - timedelta(days=1),
                registration_closes_at=local(day - timedelta(days=1), 18),
                id_required=True,
                photography=Venue.Photography.NO_PEOPLE,
                minimum_age=8,
                group_bookings="学校和5人以上团体请致电联系人预约。",
                accessibility="接待大厅和参观路线无台阶，有无障碍卫生间；需要帮助请提前告知。",
                contact_name="开放日联系人",
                sort_order=order,
            )
        )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


ENGLISH = {
    PAST_SLUG: lambda page: {
        "title": f"6·19 open day {page.start_date.year}: Family search with love, a warm way home",
        "theme": "Family search with love, a warm way home",
        "summary": (
            "On 19 June the rescue agencies of all 14 cities and 76 counties of Guangxi opened at "
            "once, showing their family-search work, handing out leaflets and answering questions."
        ),
        "figures_note": (
            "Demo data: the figures per venue are invented to show the roll-up; the totals are of "
            "the order reported for such a day."
        ),
        "body": [
            (
                "paragraph",
                "<p>On the day, the stations opened their doors: visitors saw the living quarters and the family-search office and learned about rescue policy.</p>",
            ),
        ],
    },
    UPCOMING_SLUG: lambda page: {
        "title": "Rescue station open day",
        "theme": "A warm way home",
        "summary": "Rescue stations in four cities open to visitors: see how the stations help people sleeping rough find their way home. Registration required; places are limited.",
        "body": [
            (
                "paragraph",
                "<p>Staff show you the reception hall, the family-search office and the living quarters, explain how rescue works and answer your questions.</p>",
            ),
            (
                "paragraph",
                "<p>To protect the privacy of the people in care, please do not photograph them.</p>",
            ),
        ],
    },
}


def english_venue_words(venue: Venue) -> None:
    if venue.station_id is None and venue.area_id is not None:
        venue.name = f"Family-search stand, {venue.area.name}"
    if venue.other_rules:
        venue.other_rules = "Just come on the day: no registration needed."
    if venue.group_bookings:
        venue.group_bookings = "Schools and groups of more than 5: please call the contact."
    if venue.accessibility:
        venue.accessibility = (
            "The reception hall and the route are step-free, with an accessible toilet; tell us "
            "in advance if you need help."
        )
    if venue.contact_name:
        venue.contact_name = "Open-day contact"


def ensure_english(page: EventPage) -> EventPage:
    locale = english_locale()
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    with transaction.atomic():
        translation = page.copy_for_translation(locale, copy_parents=False).specific
        for name, value in ENGLISH[page.slug](page).items():
            setattr(translation, name, value)
        venues = list(translation.venues.select_related("area").order_by("sort_order", "pk"))
        for venue in venues:
            english_venue_words(venue)
        translation.venues = venues
        gallery = list(translation.gallery.order_by("sort_order", "pk"))
        english_titles = {title: title_en for _img, title, title_en, _c in ensure_gallery_images()}
        for item in gallery:
            title_en = english_titles.get(item.caption, item.caption)
            item.caption = title_en
            item.alt_text = title_en + " (a drawing, no real people)"
        translation.gallery = gallery
        translation.save_revision().publish()
    return translation


def seed(ctx: SeedContext) -> None:
    ensure_child_page(
        default_site().root_page,
        EventIndexPage,
        "events",
        title="开放日",
        introduction="救助管理站开放日活动，欢迎市民走进救助站，了解救助工作。",
        en={
            "title": "Open days",
            "introduction": "Open days at the rescue stations: come and see how the stations work.",
        },
    )


def seed_late(ctx: SeedContext) -> None:
    """Campaigns come after the stations exist."""
    index = EventIndexPage.objects.child_of(default_site().root_page).filter(slug="events").first()
    if index is None:
        return
    today = timezone.localdate(timezone=LOCAL_TIME)
    created = [
        page for page in (past_campaign(index, today), upcoming_campaign(index, today)) if page
    ]
    for page in EventPage.objects.child_of(index).filter(slug__in=[PAST_SLUG, UPCOMING_SLUG]):
        ensure_english(page)
    ctx.say(f"{EventPage.objects.count()} open-day pages ready ({len(created)} new).")
