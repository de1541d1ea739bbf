"""The public tip form at /report/: rendering, the happy path, every validation rule, CSRF and
escaping. Each bad submission is a 400 with the message in the visitor's language, and nothing
is saved."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from django.utils.html import escape

import pytest

from portal.models import SiteSettings
from tip_reports.intake import find_tip
from tip_reports.models import Delivery, TipEvent, TipReport

from .conftest import local_input
from .helpers import EN, URLS, ZH, counts, message, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[ZH, EN])
def language(request):
    """Run a test on /report/ (Chinese) and /en/report/ (English)."""
    if request.param == EN:
        request.getfixturevalue("english_report_page")
    else:
        request.getfixturevalue("report_page")
    return request.param


# --- The empty form ---------------------------------------------------------------------------


def test_form_renders_banner_first_then_introduction_then_form(report_page, client):
    response = client.get("/report/")
    assert response.status_code == 200
    html = response.content.decode()
    banner = html.index('class="emergency-banner"')
    intro = html.index("发现需要帮助的人")
    form = html.index('<form class="tip-form"')
    assert banner < intro < form
    assert 'href="tel:110"' in html and 'href="tel:120"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "no-store" in response["Cache-Control"]


def test_form_fields_work_on_a_phone_without_javascript(report_page, client):
    html = client.get("/report/").content.decode()
    assert len(re.findall(r'<input type="radio" name="category"', html)) == 5
    assert '<input type="checkbox" name="urgent"' in html
    # Grouped area select: one optgroup per city; the city itself comes first in its group.
    assert html.count("<optgroup") == 14
    assert re.search(r'<optgroup label="柳州市">\s*<option value="450200">', html)
    assert '<option value="450202">城中区</option>' in html
    assert 'type="datetime-local"' in html
    assert re.search(r'<input type="tel"[^>]*inputmode="tel"', html)
    assert 'autocomplete="tel"' in html and 'autocomplete="name"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert '<input type="checkbox" name="consent_forwarding"' in html
    # Without JavaScript the static note says to call the emergency numbers first.
    assert message(
        "If the person is in danger right now, call 110 (police) or 120 (ambulance) first, then send this report.",
        ZH,
    ) in page_text(client.get("/report/"))


def test_seen_at_defaults_to_now_in_shanghai(report_page, client):
    html = client.get("/report/").content.decode()
    value = re.search(r'type="datetime-local" name="seen_at" value="([^"]+)"', html).group(1)
    assert abs(
        timezone.localtime().replace(tzinfo=None)
        - timezone.datetime.strptime(value, "%Y-%m-%dT%H:%M")
    ) < timedelta(minutes=2)


def test_honeypot_is_hidden_from_people(report_page, client):
    html = client.get("/report/").content.decode()
    assert re.search(r'<div class="tip-form__hp" aria-hidden="true">', html)
    assert re.search(r'<input type="text" name="website" tabindex="-1" autocomplete="off"', html)


def test_only_local_scripts_and_none_inline(report_page, client):
    html = client.get("/report/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "report.js is loaded"
    for tag in scripts:
        assert 'src="/static/' in tag, tag
        # The large-text switch is the one synchronous script: it applies the saved text size
        # before the first paint (docs/decisions.md, issue 11).
        assert "defer" in tag or tag == '<script src="/static/js/text-size.js">', tag
    assert "recaptcha" not in html


def test_privacy_notice_is_linked_when_set(report_page, site, client):
    settings = SiteSettings.for_site(site)
    settings.privacy_page = report_page  # any live page will do
    settings.save()
    html = client.get("/report/").content.decode()
    assert message("Read the privacy notice", ZH) in html


def test_english_form(english_report_page, client):
    response = client.get("/en/report/")
    assert response.status_code == 200
    text = page_text(response)
    assert "What kind of help does the person seem to need?" in text
    assert 'action="/en/report/"' in text


def test_other_methods_are_refused(report_page, client):
    assert client.put("/report/").status_code == 405


# --- The happy path ---------------------------------------------------------------------------


def test_a_tip_is_saved_routed_and_queued(report_page, tip_client, valid_post_data):
    response = tip_client.post("/report/", valid_post_data)
    assert response.status_code == 302
    assert response["Location"] == "/report/thanks/"

    tip = TipReport.objects.get()
    assert tip.category == TipReport.Category.SLEEPING_ROUGH
    assert tip.urgency == TipReport.Urgency.NORMAL
    assert tip.area.code == "450202"
    assert tip.station.code == "450200"  # 城中区 is in 柳州市, served by the Liuzhou station
    assert tip.place_text == "五星街公交站旁的长椅"
    assert tip.person_sex == "male" and tip.person_age == "elderly"
    assert tip.reporter_name == "张女士"
    assert tip.reporter_phone == "138 0000 0000"
    assert tip.consent_forwarding is True
    assert tip.captcha_status == TipReport.CaptchaStatus.NOT_CONFIGURED
    assert tip.latitude is None and tip.longitude is None
    assert not tip.photo
    expected = timezone.now() - timedelta(hours=1)
    assert abs(tip.seen_at - expected) < timedelta(minutes=2)

    kinds = list(tip.events.values_list("kind", flat=True))
    assert kinds == [TipEvent.Kind.RECEIVED, TipEvent.Kind.ROUTED]
    assert list(tip.deliveries.values_list("channel", flat=True)) == [Delivery.Channel.EMAIL]


def test_the_receipt_is_shown_once(report_page, tip_client, valid_post_data):
    tip_client.post("/report/", valid_post_data)
    tip = TipReport.objects.get()

    response = tip_client.client.get("/report/thanks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"]
    assert tip.reference in html
    code = re.search(r'class="receipt__code" data-copy-source>(\d{8})<', html).group(1)
    assert find_tip(tip.reference, code) == tip
    assert "柳州市救助管理站" in html
    assert f'href="tel:{re.sub(r"[^0-9]", "", tip.station.hotline)}"' in html
    assert 'href="/report/status/"' in html
    assert 'href="tel:110"' in html and 'href="tel:120"' in html

    again = tip_client.client.get("/report/thanks/")
    assert again.status_code == 302
    assert again["Location"] == "/report/"


def test_a_head_request_does_not_use_up_the_receipt(report_page, tip_client, valid_post_data):
    tip_client.post("/report/", valid_post_data)
    assert tip_client.client.head("/report/thanks/").status_code == 200
    assert (
        TipReport.objects.get().reference
        in tip_client.client.get("/report/thanks/").content.decode()
    )


def test_thanks_without_a_receipt_goes_back_to_the_form(report_page, client):
    response = client.get("/report/thanks/")
    assert response.status_code == 302
    assert response["Location"] == "/report/"


def test_english_receipt_names_the_station_in_english(
    english_report_page, tip_client, valid_post_data
):
    response = tip_client.post("/en/report/", valid_post_data)
    assert response["Location"] == "/en/report/thanks/"
    html = tip_client.client.get("/en/report/thanks/").content.decode()
    assert "Liuzhou Rescue Management Station" in html
    assert "Write these down now" in html


def test_urgent_tips_are_accepted_and_marked(report_page, tip_client, valid_post_data):
    response = tip_client.post("/report/", {**valid_post_data, "urgent": "on"})
    assert response.status_code == 302
    tip = TipReport.objects.get()
    assert tip.urgency == TipReport.Urgency.URGENT
    html = tip_client.client.get("/report/thanks/").content.decode()
    assert "urgent-reminder--strong" in html


def test_coordinates_alone_are_enough(report_page, tip_client, valid_post_data):
    data = {
        **valid_post_data,
        "area": "",
        "place_text": "",
        "latitude": "24.326300",
        "longitude": "109.428100",
        "location_accuracy": "35.4",
    }
    response = tip_client.post("/report/", data)
    assert response.status_code == 302
    tip = TipReport.objects.get()
    assert tip.area is None
    assert tip.latitude == Decimal("24.326300") and tip.longitude == Decimal("109.428100")
    assert tip.station is not None and not tip.station.is_fallback
    received = tip.events.get(kind=TipEvent.Kind.RECEIVED)
    assert "35" in received.note


def test_optional_fields_may_be_left_out(report_page, tip_client):
    data = {
        "category": "minor",
        "area": "450102",
        "place_text": "朝阳广场",
        "seen_at": local_input(timezone.now()),
        "consent_forwarding": "on",
    }
    assert tip_client.post("/report/", data).status_code == 302
    tip = TipReport.objects.get()
    assert tip.person_sex == TipReport.Sex.UNKNOWN
    assert tip.person_age == TipReport.AgeGroup.UNKNOWN
    assert tip.reporter_name == "" and tip.reporter_phone == ""
    assert tip.station.code == "450100"


def test_a_whole_city_is_a_valid_area(report_page, tip_client, valid_post_data):
    assert tip_client.post("/report/", {**valid_post_data, "area": "450300"}).status_code == 302
    assert TipReport.objects.get().station.code == "450300"


# --- Validation: every rule, both languages, nothing saved ------------------------------------

TOO_LONG = "Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d)."
LOCATION = "The location from your device could not be used. Choose the city and district instead."
FUTURE = "The time you saw the person cannot be in the future."
TOO_OLD = (
    "Online reports must be about the last 30 days. For an older sighting, please call the "
    "rescue station."
)
BAD_TIME = "Enter the date and time when you saw the person, for example 2025-03-01 14:30."
BAD_PHONE = "Enter a phone number of 5 to 20 digits, using only digits, spaces, + and -."


def _long(n):
    return {"limit_value": n - 1, "show_value": n}


INVALID = {
    "missing category": (
        {"category": None},
        "Choose what kind of help the person seems to need.",
        {},
    ),
    "bad category": ({"category": "robbery"}, "Choose one of the listed kinds of help.", {}),
    "no area and no coordinates": (
        {"area": ""},
        "Choose the city and district, or use your location.",
        {},
    ),
    "unknown area": ({"area": "999999"}, "Choose a city and district from the list.", {}),
    "a province is not in the list": (
        {"area": "450000"},
        "Choose a city and district from the list.",
        {},
    ),
    "area without a place": (
        {"place_text": "  "},
        "Describe where the person is, for example the street and a landmark nearby.",
        {},
    ),
    "latitude out of range": ({"area": "", "latitude": "95", "longitude": "108.3"}, LOCATION, {}),
    "longitude out of range": ({"area": "", "latitude": "22.8", "longitude": "-181"}, LOCATION, {}),
    "latitude without longitude": ({"area": "", "latitude": "22.8"}, LOCATION, {}),
    "coordinates not numbers": ({"latitude": "north", "longitude": "108.3"}, LOCATION, {}),
    "coordinates not finite": ({"latitude": "NaN", "longitude": "Infinity"}, LOCATION, {}),
    "seen in the future": ("future", FUTURE, {}),
    "seen too long ago": ("old", TOO_OLD, {}),
    "seen at unparsable": ({"seen_at": "yesterday evening"}, BAD_TIME, {}),
    "seen at missing": ({"seen_at": ""}, "Enter when you saw the person.", {}),
    "place too long": ({"place_text": "路" * 201}, TOO_LONG, _long(201)),
    "clothing too long": ({"clothing": "衣" * 201}, TOO_LONG, _long(201)),
    "appearance too long": ({"appearance": "高" * 301}, TOO_LONG, _long(301)),
    "description too long": ({"description": "看" * 1001}, TOO_LONG, _long(1001)),
    "name too long": ({"reporter_name": "名" * 51}, TOO_LONG, _long(51)),
    "phone with letters": ({"reporter_phone": "call me"}, BAD_PHONE, {}),
    "phone too short": ({"reporter_phone": "1234"}, BAD_PHONE, {}),
    "phone too long": ({"reporter_phone": "1" * 21}, BAD_PHONE, {}),
    "phone with a plus inside": ({"reporter_phone": "138+0000000"}, BAD_PHONE, {}),
    "bad sex": ({"person_sex": "robot"}, "Choose one of the listed options.", {}),
    "bad age": ({"person_age": "ancient"}, "Choose one of the listed options.", {}),
    "no consent": (
        {"consent_forwarding": None},
        "To send the report, agree that it is passed to the responsible rescue station.",
        {},
    ),
    "honeypot filled": (
        {"website": "http://spam.example"},
        "The report could not be sent. Please try again, or call the 24-hour hotline.",
        {},
    ),
}


def _apply(data: dict, change) -> dict:
    data = dict(data)
    if change == "future":
        data["seen_at"] = local_input(timezone.now() + timedelta(minutes=30))
    elif change == "old":
        data["seen_at"] = local_input(timezone.now() - timedelta(days=31))
    else:
        for key, value in change.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
    return data


@pytest.mark.parametrize("case", INVALID.keys())
def test_invalid_submissions_are_refused_with_a_clear_message(
    case, language, tip_client, valid_post_data
):
    change, msgid, values = INVALID[case]
    before = counts()
    response = tip_client.post(URLS[language], _apply(valid_post_data, change))
    assert response.status_code == 400
    text = page_text(response)
    expected = message(msgid, language, **values)
    assert expected in text
    # In the summary at the top and next to the field.
    assert text.count(expected) >= 2 or case == "honeypot filled"
    assert 'class="error-summary"' in text
    assert counts() == before


def test_errors_are_linked_and_announced(report_page, tip_client, valid_post_data):
    data = _apply(valid_post_data, {"category": None, "reporter_phone": "x"})
    html = tip_client.post("/report/", data).content.decode()
    assert html.index('class="error-summary"') < html.index('<form class="tip-form"')
    assert 'href="#id_category_0"' in html
    assert 'href="#id_reporter_phone"' in html
    assert re.search(
        r'<input type="tel" name="reporter_phone" value="x"[^>]*aria-invalid="true"'
        r'[^>]*aria-describedby="id_reporter_phone_helptext id_reporter_phone_error"',
        html,
    )
    assert 'id="id_reporter_phone_error"' in html
    assert re.search(
        r'<fieldset[^>]*id="id_category_group" aria-describedby="[^"]*id_category_error"', html
    )
    assert "<title>" + message("Error:", ZH) in html


def test_a_bad_submission_keeps_what_was_typed(report_page, tip_client, valid_post_data):
    data = _apply(valid_post_data, {"consent_forwarding": None, "urgent": "on"})
    html = tip_client.post("/report/", data).content.decode()
    assert "五星街公交站旁的长椅" in html
    assert '<option value="450202" selected>' in html
    assert re.search(r'<input type="checkbox" name="urgent" id="id_urgent" checked>', html)
    # The emergency numbers stay visible next to a ticked "immediate danger" box.
    assert "data-urgent-numbers>" in html
    assert 'name="website" tabindex="-1" autocomplete="off" id="id_website">' in html


def test_typed_text_is_escaped_on_the_rerendered_form(report_page, tip_client, valid_post_data):
    attack = '<script>alert("x")</script>'
    data = _apply(
        valid_post_data,
        {
            "place_text": attack,
            "clothing": attack,
            "description": attack,
            "reporter_name": "<b>x</b>",
            "consent_forwarding": None,
        },
    )
    response = tip_client.post("/report/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert attack not in html
    assert "<b>x</b>" not in html
    assert escape(attack) in html


def test_missing_csrf_token_is_refused(report_page, valid_post_data):
    client = Client(enforce_csrf_checks=True)
    client.get("/report/")
    before = counts()
    response = client.post("/report/", valid_post_data)
    assert response.status_code == 403
    assert counts() == before
    # Explained in the visitor's language, with the emergency numbers, not Django's debug text.
    assert "表单未能提交" in response.content.decode()
    assert "110" in response.content.decode()


def test_wrong_csrf_token_is_refused(report_page, valid_post_data):
    client = Client(enforce_csrf_checks=True)
    client.get("/report/")
    response = client.post("/report/", {**valid_post_data, "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert TipReport.objects.count() == 0


def test_editors_preview_shows_the_form(report_page):
    response = report_page.make_preview_request()
    assert response.status_code == 200
    assert '<form class="tip-form"' in response.content.decode()
