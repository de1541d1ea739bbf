"""The campaign page: page rules, every field on the page, consented images only, status
banners, the roll-up of figures, both languages, and the editor's guard against deleting a
venue that has registrations."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from events import registration as seats
from events.models import EventIndexPage, EventPage, Registration, Status, Venue
from home.models import HomePage
from stations.models import Area, Station
from tests.events.factories import committed, make_campaign, make_image, republish, translate

pytestmark = pytest.mark.django_db


def test_page_rules():
    assert EventPage.parent_page_types == ["events.EventIndexPage"]
    assert EventIndexPage.subpage_types == ["events.EventPage"]
    assert EventPage.subpage_types == []
    assert EventPage.allowed_parent_page_models() == [EventIndexPage]
    assert EventPage not in HomePage.allowed_subpage_models()


def test_reserved_and_bad_dates_are_refused(event_index):
    from django.core.exceptions import ValidationError

    page = EventPage(title="x", slug="registrations", summary="s", start_date=timezone.localdate())
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "slug" in error.value.message_dict
    page = EventPage(
        title="x",
        slug="ok",
        summary="s",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "end_date" in error.value.message_dict


def test_venue_rules():
    from django.core.exceptions import ValidationError

    now = timezone.now()
    venue = Venue(starts_at=now, ends_at=now - timedelta(hours=1), capacity=0)
    with pytest.raises(ValidationError) as error:
        venue.clean()
    assert {"area", "name", "address", "ends_at", "capacity"} <= set(error.value.message_dict)


def test_every_field_renders(client, event_index):
    county = Area.objects.get(code="450102")
    image = make_image()
    page = make_campaign(
        event_index,
        theme="主题文字ABC",
        summary="摘要文字DEF",
        body=[("paragraph", "<p>正文文字GHI</p>")],
        end_date=timezone.localdate() + timedelta(days=15),
        gallery=[
            {"image": image, "alt_text": "展板照片说明", "caption": "图片说明JKL", "consent": True}
        ],
        venues=[
            {
                "group_bookings": "团体预约MNO",
                "other_rules": "其他规定PQR",
                "accessibility": "无障碍信息STU",
                "contact_name": "联系人VWX",
                "contact_phone": "0771-0999999",
                "minimum_age": 12,
                "photography": Venue.Photography.NONE,
            },
            {
                "station": None,
                "area": county,
                "name": "自由场地YZ",
                "address": "朝阳广场1号",
                "capacity": 5,
            },
        ],
    )
    html = client.get(page.url).content.decode()
    venue, _free = page.venues.order_by("sort_order")
    start = timezone.localtime(venue.starts_at)
    for text in (
        page.title,
        "主题文字ABC",
        "摘要文字DEF",
        "正文文字GHI",
        "图片说明JKL",
        'alt="展板照片说明"',
        "团体预约MNO",
        "其他规定PQR",
        "无障碍信息STU",
        "联系人VWX",
        "0771-0999999",
        "tel:07710999999",
        "12",
        "自由场地YZ",
        "南宁市兴宁区 朝阳广场1号",
        start.strftime("%Y-%m-%d %H:%M"),
        Station.objects.get(code="450100").name,
        f'href="/events/{page.slug}/venues/{venue.pk}/register/"',
        f"/events/{page.slug}/event.ics",
        str(Venue.Photography.NONE.label),
        str(page.end_date),
    ):
        assert text in html, text


def test_images_without_consent_never_render(client, event_index):
    shown, hidden = make_image("同意的图"), make_image("未同意的图")
    page = make_campaign(
        event_index,
        gallery=[
            {"image": shown, "alt_text": "可以展示", "consent": True},
            {"image": hidden, "alt_text": "不能展示", "consent": False},
        ],
    )
    html = client.get(page.url).content.decode()
    assert "可以展示" in html
    assert "不能展示" not in html
    hidden_file = hidden.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert hidden_file not in html
    assert hidden_file not in client.get("/events/feed.ics").content.decode()


def test_cancelled_campaign_shows_a_banner(client, event_index):
    page = make_campaign(event_index)
    republish(page, status=Status.CANCELLED, status_note="因天气原因取消")
    html = client.get(page.url).content.decode()
    assert "event-banner--cancelled" in html
    assert "因天气原因取消" in html
    assert 'href="/events/' + page.slug + "/venues/" not in html


def test_a_changed_venue_is_listed_in_the_banner(client, event_index):
    page = make_campaign(event_index, venues=[{}, {}])
    first = page.venues.order_by("sort_order").first()
    republish(
        page, venue_changes={first.pk: {"status": Status.POSTPONED, "status_note": "延期通知"}}
    )
    html = client.get(page.url).content.decode()
    assert "event-banner--changes" in html and "延期通知" in html
    assert f'href="#venue-{first.pk}"' in html


def test_roll_up_counts_cities_counties_and_totals(client, event_index):
    nanning = Station.objects.get(code="450100")
    liuzhou = Station.objects.get(code="450200")
    xingning = Area.objects.get(code="450102")  # 南宁市兴宁区
    chengzhong = Area.objects.get(code="450202")  # 柳州市城中区
    past = timezone.localdate() - timedelta(days=10)
    free = {"station": None, "registration_enabled": False, "capacity": 0, "address": "广场"}
    page = make_campaign(
        event_index,
        start_date=past,
        venues=[
            {
                "station": nanning,
                "visitors": 100,
                "leaflets": 400,
                "displays": 3,
                "registration_enabled": False,
                "capacity": 0,
            },
            {
                **free,
                "area": xingning,
                "name": "兴宁点",
                "visitors": 50,
                "leaflets": 200,
                "displays": 1,
                "reunions": 1,
            },
            {**free, "area": xingning, "name": "兴宁点二", "visitors": 5},
            {
                **free,
                "area": chengzhong,
                "name": "城中点",
                "visitors": 20,
                "enquiries": 7,
                "volunteers": 4,
            },
            {"station": liuzhou, "registration_enabled": False, "capacity": 0},  # no figures
        ],
    )
    from events.figures import rollup
    from events.views import page_venues

    result = rollup(page_venues(page))
    assert result.city_count == 2  # 南宁, 柳州
    assert result.county_count == 2  # 兴宁区 (twice), 城中区
    assert result.totals == {
        "visitors": 175,
        "leaflets": 600,
        "displays": 4,
        "enquiries": 7,
        "volunteers": 4,
        "reunions": 1,
    }
    assert result.venues_with_figures == 4
    html = client.get(page.url).content.decode()
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert ">175<" in html and ">600<" in html


def test_english_page_shows_english_words_and_chinese_facts(
    client, event_index, english_event_index
):
    page = make_campaign(event_index, venues=[{"capacity": 3}])
    venue = page.venues.get()
    english = translate(page, summary="See the station at work.")
    english_venue = english.venues.get()
    english_venue_row = Venue.objects.get(pk=english_venue.pk)
    english_venue_row.other_rules = "English rules"
    english_venue_row.capacity = 99  # a stale copy: the Chinese row's places count
    english_venue_row.save()
    with committed():
        seats.register(venue, name="甲", phone="13500000001", party_size=2)
    html = client.get(english.url).content.decode()
    assert "See the station at work." in html
    assert "English rules" in html
    assert "1 place left" in html
    assert Station.objects.get(code="450100").name_en in html
    assert 'lang="en"' in html


def test_editor_cannot_delete_a_venue_with_registrations(client, event_index):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123456789")
    client.force_login(user)
    page = make_campaign(event_index, venues=[{}, {}])
    first, second = page.venues.order_by("sort_order")
    with committed():
        seats.register(first, name="甲", phone="13500000001", party_size=1)

    def post(delete_first: bool):
        venues = []
        for n, venue in enumerate((first, second)):
            venues.append(
                {
                    "id": venue.pk,
                    "ORDER": n,
                    "DELETE": "1" if delete_first and venue == first else "",
                    "station": venue.station_id,
                    "name": "",
                    "area": "",
                    "address": "",
                    "starts_at": timezone.localtime(venue.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "ends_at": timezone.localtime(venue.ends_at).strftime("%Y-%m-%d %H:%M"),
                    "status": "scheduled",
                    "status_note": "",
                    "registration_enabled": True,
                    "capacity": venue.capacity,
                    "registration_opens_at": "",
                    "registration_closes_at": "",
                    "id_required": True,
                    "photography": "no_people",
                    "minimum_age": "",
                    "group_bookings": "",
                    "other_rules": "",
                    "accessibility": "",
                    "contact_name": "",
                    "contact_phone": "",
                    "visitors": "",
                    "leaflets": "",
                    "displays": "",
                    "enquiries": "",
                    "volunteers": "",
                    "reunions": "",
                }
            )
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "theme": page.theme,
                "summary": page.summary,
                "start_date": str(page.start_date),
                "end_date": "",
                "status": "scheduled",
                "status_note": "",
                "figures_note": "",
                "body": streamfield([]),
                "venues": inline_formset(venues, initial=2),
                "gallery": inline_formset([]),
                "action-publish": "publish",
            }
        )
        return client.post(f"/admin/pages/{page.pk}/edit/", data)

    assert post(delete_first=False).status_code == 302  # the form data is right
    response = post(delete_first=True)
    assert response.status_code == 200  # the form again, with the message
    assert (
        "cannot be deleted" in response.content.decode() or "不能删除" in response.content.decode()
    )
    assert Venue.objects.filter(pk=first.pk).exists()
    assert Registration.objects.count() == 1
    # Deleting the page with registrations is refused too.
    response = client.post(f"/admin/pages/{page.pk}/delete/")
    assert response.status_code == 302
    assert EventPage.objects.filter(pk=page.pk).exists()


def test_editor_can_publish_a_campaign_through_the_admin(client, event_index):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123456789")
    client.force_login(user)
    day = timezone.localdate() + timedelta(days=20)
    data = nested_form_data(
        {
            "title": "新开放日",
            "slug": "new-open-day",
            "theme": "",
            "summary": "摘要",
            "start_date": str(day),
            "end_date": "",
            "status": "scheduled",
            "status_note": "",
            "figures_note": "",
            "body": streamfield([("paragraph", rich_text("<p>正文</p>"))]),
            "venues": inline_formset(
                [
                    {
                        "station": Station.objects.get(code="450100").pk,
                        "name": "",
                        "area": "",
                        "address": "",
                        "starts_at": f"{day} 09:00",
                        "ends_at": f"{day} 11:00",
                        "status": "scheduled",
                        "status_note": "",
                        "registration_enabled": True,
                        "capacity": 5,
                        "registration_opens_at": "",
                        "registration_closes_at": "",
                        "id_required": True,
                        "photography": "no_people",
                        "minimum_age": "",
                        "group_bookings": "",
                        "other_rules": "",
                        "accessibility": "",
                        "contact_name": "",
                        "contact_phone": "",
                        "visitors": "",
                        "leaflets": "",
                        "displays": "",
                        "enquiries": "",
                        "volunteers": "",
                        "reunions": "",
                    }
                ]
            ),
            "gallery": inline_formset([]),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/events/eventpage/{event_index.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = EventPage.objects.get(slug="new-open-day")
    assert page.live
    venue = page.venues.get()
    assert timezone.localtime(venue.starts_at).hour == 9
    assert client.get(page.url).status_code == 200


def test_a_draft_with_a_new_venue_can_be_previewed(event_index):
    page = make_campaign(event_index)
    draft = EventPage.objects.get(pk=page.pk)
    venues = list(draft.venues.all())
    day = page.start_date
    from tests.events.factories import make_venue

    venues.append(make_venue(day, sort_order=5, name="预览新场地"))
    draft.venues = venues
    response = draft.make_preview_request()
    assert response.status_code == 200
    assert "预览新场地" in response.content.decode()
    assert not Venue.objects.filter(name="预览新场地").exists()


def test_a_copied_campaign_gets_its_own_venue_keys(event_index):
    page = make_campaign(event_index, venues=[{}, {}])
    copy = page.copy(update_attrs={"slug": "copied-open-day", "title": "复制的开放日"})
    original_keys = set(page.venues.values_list("key", flat=True))
    copied_keys = set(copy.venues.values_list("key", flat=True))
    assert len(copied_keys) == 2
    assert not original_keys & copied_keys
