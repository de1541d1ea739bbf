"""Bidirectional controls and other invisible format characters (issue 16 item 6).

A name typed with U+202E (RIGHT-TO-LEFT OVERRIDE) would be shown reversed in the admin, a CSV
and on a notice. Every public form stores what was typed without such characters (one helper,
portal.text, applied by PlainTextMixin to every public form); pages isolate typed text with
``<bdi>`` or ``dir="auto"`` so that what was stored before cannot reorder them; the exports
contain none. Chinese text and emoji are never changed.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import inspect
import io

from django import forms
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from events.models import EventIndexPage, Registration
from notices.models import FamilySearchNoticePage, NoticeIndexPage
from portal.forms import ErrorSummaryMixin, PlainTextMixin
from portal.roles import COORDINATORS, ensure_groups
from portal.text import plain_line, plain_text, spreadsheet_cell
from stations.models import Area, Station
from tests.events.factories import csrf_post as event_csrf_post
from tests.events.factories import make_campaign, register_url
from tests.factories import publish_child
from tests.notices.factories import make_notice
from tests.tip_reports.queue_fixtures import admin_client
from tests.tip_reports.queue_people import make_user
from tip_reports.models import TipReport

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u2060\ufeff\u00ad\u2061\ufff9\U000e0041"
EMOJI = "👨\u200d👩\u200d👧 👍🏽 🇨🇳 ❤\ufe0f 1\ufe0f\u20e3 \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
SPOOFED = "王\u202eLOOC\u202c小明"


def has_format_controls(text: str) -> bool:
    return any(ch in text for ch in BIDI + INVISIBLE)


# --- the helper --------------------------------------------------------------------------------


@pytest.mark.parametrize("control", list(BIDI + INVISIBLE))
def test_a_single_line_loses_every_invisible_format_character(control):
    assert plain_line(f"张{control}三") == "张三"


@pytest.mark.parametrize("control", list(BIDI))
def test_longer_text_loses_the_bidirectional_controls(control):
    assert plain_text(f"第一行{control}\n第二行") == "第一行\n第二行"


def test_chinese_text_and_emoji_are_kept():
    text = f"张三（李四）·「救助站」，电话：138-0000 0000。{EMOJI}"
    assert plain_line(text) == text
    assert plain_text(text) == text
    assert plain_text("有\u200b零宽空格") == "有\u200b零宽空格"  # harmless in a description


def test_unicode_line_breaks_become_spaces_in_a_single_line():
    assert plain_line("五星街\u2028公交站\u2029旁") == "五星街 公交站 旁"


def test_spreadsheet_cells():
    assert spreadsheet_cell(SPOOFED) == "王LOOC小明"
    assert spreadsheet_cell("\u202e=1+1") == "'=1+1"
    assert spreadsheet_cell(3) == 3 and spreadsheet_cell(None) is None


def test_a_mixin_limited_to_some_fields_leaves_the_others_alone():
    class Form(PlainTextMixin, forms.Form):
        plain_text_fields = ("name",)
        name = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)
        other = forms.CharField()

    form = Form({"name": SPOOFED, "body": "a\u202eb", "other": "c\u202ed"})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "王LOOC小明", "body": "a\u202eb", "other": "c\u202ed"}


def test_every_public_form_removes_format_characters():
    """A form with an error summary is a public one: it must be a PlainTextMixin too."""
    public = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)):
            continue  # Django's, Wagtail's and other libraries' apps
        if importlib.util.find_spec(f"{config.name}.forms") is None:
            continue
        module = importlib.import_module(f"{config.name}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, ErrorSummaryMixin)
                and issubclass(cls, forms.BaseForm)
                and cls.__module__ == module.__name__
            ):
                public.append(cls)
                assert issubclass(cls, PlainTextMixin), cls
    assert len(public) >= 6  # tips, tip status, notice filter, lead, registration, explainers


# --- the public forms store no control -------------------------------------------------------


@pytest.fixture
def world(report_page, home_page, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    ensure_groups()
    notices = publish_child(home_page, NoticeIndexPage(title="寻亲公告", slug="notices"))
    notice = make_notice(notices, name=SPOOFED, found_area=Area.objects.get(code="450102"))
    events = publish_child(home_page, EventIndexPage(title="开放日", slug="events"))
    campaign = make_campaign(events, venues=[{"capacity": 3}])
    return {
        "coordinator": make_user("coord", COORDINATORS),
        "notices": notices,
        "notice": notice,
        "campaign": campaign,
        "venue": campaign.venues.get(),
    }


@pytest.mark.django_db
def test_the_tip_form_stores_no_control(world, tip_client, valid_post_data):
    data = {
        **valid_post_data,
        "reporter_name": "张\u202e女士",
        "reporter_phone": "138\u202d 0000 0000",
        "place_text": "五星街\u2066公交站\u2069",
        "clothing": "蓝色\u200b棉衣",
        "description": "一位老人\u202e在睡觉。\n天气很冷。",
    }
    assert tip_client.post("/report/", data).status_code == 302
    tip = TipReport.objects.get()
    assert tip.reporter_name == "张女士"
    assert tip.reporter_phone == "138 0000 0000"
    assert tip.place_text == "五星街公交站"
    assert tip.clothing == "蓝色棉衣"
    assert tip.description == "一位老人在睡觉。\n天气很冷。"


@pytest.mark.django_db
def test_the_lead_form_stores_no_control(world):
    client = Client(enforce_csrf_checks=True)
    url = world["notice"].url + "lead/"
    client.get(url)
    data = {
        "relationship": "可能是\u202e我舅舅",
        "description": "很像\u2067我舅舅。",
        "reporter_name": "\u202e王小明",
        "reporter_phone": "\u200e138 0000 0000",
        "consent_forwarding": "on",
        "website": "",
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
    }
    assert client.post(url, data).status_code == 200
    tip = TipReport.objects.get()
    assert (tip.reporter_name, tip.reporter_phone) == ("王小明", "138 0000 0000")
    assert (tip.reporter_relationship, tip.description) == ("可能是我舅舅", "很像我舅舅。")


@pytest.mark.django_db
def test_the_registration_form_stores_no_control(world):
    url = register_url(world["campaign"], world["venue"])
    data = {
        "name": SPOOFED,
        "phone": "139\u202e0000\u202c0001",
        "email": "visitor\u200b@example.com",
        "party_size": "1",
        "consent": "on",
        "website": "",
    }
    assert event_csrf_post(Client(enforce_csrf_checks=True), url, data).status_code == 302
    registration = Registration.objects.get()
    assert registration.name == "王LOOC小明"
    assert registration.phone == "13900000001"
    assert registration.email == "visitor@example.com"


@pytest.mark.django_db
def test_the_search_query_loses_its_controls(world, client):
    response = client.get("/notices/", {"q": "\u202e寻亲"})
    assert response.status_code == 200
    assert response.context["filter_form"].cleaned_data["q"] == "寻亲"


# --- what is shown is isolated; what is exported is clean ------------------------------------


@pytest.mark.django_db
def test_a_notice_name_stored_with_a_control_is_isolated(world, client):
    """The editors' form removes it now; one stored before is still shown isolated."""
    for url in (world["notice"].url, world["notices"].url, world["notice"].url + "poster/"):
        html = client.get(url).content.decode()
        assert f"<bdi>{SPOOFED}</bdi>" in html, url


def test_the_notice_editing_form_removes_controls():
    form_class = FamilySearchNoticePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, PlainTextMixin)
    assert {"name", "title", "found_place"} <= set(form_class.plain_text_fields)


@pytest.mark.django_db
def test_registrants_are_isolated_in_the_admin_and_clean_in_the_csv(world):
    venue = world["venue"]
    Registration.objects.create(
        venue=venue, status=Registration.Status.CONFIRMED, party_size=1, name=SPOOFED, phone="1"
    )
    staff = admin_client(world["coordinator"])
    html = staff.get(reverse("events_admin:registrants", args=[venue.pk])).content.decode()
    assert f"<bdi>{SPOOFED}</bdi>" in html
    body = staff.get(reverse("events_admin:export", args=[venue.pk])).content.decode()
    assert "王LOOC小明" in body and not has_format_controls(body.lstrip("\ufeff"))


@pytest.mark.django_db
def test_tips_are_isolated_in_the_queue_and_clean_in_the_exports(
    world, tip_client, valid_post_data
):
    Station.objects.filter(code="450200").update(name="柳州市\u202e救助管理站")
    assert tip_client.post("/report/", valid_post_data).status_code == 302
    tip = TipReport.objects.get()
    TipReport.objects.filter(pk=tip.pk).update(reporter_name=SPOOFED, place_text=SPOOFED)
    staff = admin_client(world["coordinator"])
    html = staff.post(reverse("tips:contact", args=[tip.pk])).content.decode()
    assert f"<dd><bdi>{SPOOFED}</bdi></dd>" in html
    assert f'<bdi class="guitu-typed">{SPOOFED}</bdi>' in html

    index = reverse("tips:index")
    response = staff.get(index, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert "柳州市救助管理站" in rows[1] and not has_format_controls(body.lstrip("\ufeff"))
    response = staff.get(index, {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert "柳州市救助管理站" in cells and not any(has_format_controls(c) for c in cells)
