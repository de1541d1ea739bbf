"""The status lookup at /report/status/: reference number + secret code → a coarse stage and a
message, never personal data; a wrong code and an unknown reference get the same answer."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import pytest

from stations.models import Area
from tip_reports.intake import TipSubmission, submit_tip
from tip_reports.models import TipReport

from .helpers import EN, ZH, message, page_text, without_csrf

pytestmark = pytest.mark.django_db

PERSONAL = {
    "reporter_name": "王小明",
    "reporter_phone": "13912345678",
    "place_text": "火车站东广场第三根柱子旁",
    "description": "一位老人独自坐在长椅上发抖",
    "clothing": "深蓝色旧棉衣",
    "appearance": "白发，左手缠着绷带",
}


@pytest.fixture
def receipt(report_page):
    return submit_tip(
        TipSubmission(
            category=TipReport.Category.ELDERLY_LOST,
            seen_at=timezone.now() - timedelta(hours=2),
            consent_forwarding=True,
            area=Area.objects.get(code="450202"),
            **PERSONAL,
        )
    )


def lookup(tip_client, reference, code, url="/report/status/", **extra):
    return tip_client.post(url, {"reference": reference, "secret_code": code}, **extra)


def test_the_lookup_form(report_page, client):
    response = client.get("/report/status/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert 'name="reference"' in html and 'name="secret_code"' in html
    assert 'inputmode="numeric"' in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("status", "stage", "standard_message"),
    [
        (
            TipReport.Status.RECEIVED,
            "Received",
            "The rescue station has received your report and will look at it soon.",
        ),
        (
            TipReport.Status.ACKNOWLEDGED,
            "Being handled",
            "The rescue station is working on your report.",
        ),
        (
            TipReport.Status.DISPATCHED,
            "Being handled",
            "The rescue station is working on your report.",
        ),
        (
            TipReport.Status.RESOLVED,
            "Closed",
            "The rescue station has finished handling your report. Thank you for caring about people in need.",
        ),
        (
            TipReport.Status.CLOSED,
            "Closed",
            "The rescue station has finished handling your report. Thank you for caring about people in need.",
        ),
    ],
)
def test_the_right_code_shows_only_the_stage(status, stage, standard_message, receipt, tip_client):
    TipReport.objects.filter(pk=receipt.tip.pk).update(status=status)
    response = lookup(tip_client, receipt.reference, receipt.secret_code)
    assert response.status_code == 200
    text = page_text(response)
    assert message(stage, ZH, context="report stage") in text
    assert message(standard_message, ZH) in text
    assert receipt.reference in text
    for value in PERSONAL.values():
        assert value not in text
    tip = receipt.tip
    for private in (
        tip.area.name,
        tip.station.name,
        tip.station.hotline,
        message("Elderly or lost person", ZH),
    ):
        assert private not in text


def test_the_reference_is_forgiving_about_case_and_dashes(receipt, tip_client):
    typed = receipt.reference.replace("-", " ").lower()
    code = f"{receipt.secret_code[:4]} {receipt.secret_code[4:]}"
    response = lookup(tip_client, typed, code)
    assert message(
        "The rescue station has received your report and will look at it soon.", ZH
    ) in page_text(response)


def test_the_stations_message_is_shown_and_escaped(receipt, tip_client):
    TipReport.objects.filter(pk=receipt.tip.pk).update(
        status=TipReport.Status.CLOSED, public_message="已找到并送医。<script>alert(1)</script>"
    )
    html = lookup(tip_client, receipt.reference, receipt.secret_code).content.decode()
    assert "已找到并送医。&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_wrong_code_and_unknown_reference_look_the_same(receipt, tip_client):
    wrong_code = "00000000" if receipt.secret_code != "00000000" else "11111111"
    wrong = lookup(tip_client, receipt.reference, wrong_code)
    unknown = lookup(tip_client, "ZZZZ-ZZZZ", receipt.secret_code)
    assert wrong.status_code == unknown.status_code == 200
    assert without_csrf(wrong) == without_csrf(unknown)
    text = page_text(wrong)
    assert message("No report found", ZH) in text
    assert receipt.reference not in text


def test_english_lookup(receipt, english_report_page, tip_client):
    response = lookup(tip_client, receipt.reference, receipt.secret_code, url="/en/report/status/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Stage:" in text and "Received" in text


@pytest.mark.parametrize(
    ("reference", "code", "msgid"),
    [
        ("", "12345678", "Enter the reference number."),
        ("ABCD-EFGH", "", "Enter the secret code."),
        ("ABC", "12345678", "A reference number has 8 letters and digits, for example 7K4M-Q2XZ."),
        (
            "ABCD-EFG0",
            "12345678",
            "A reference number has 8 letters and digits, for example 7K4M-Q2XZ.",
        ),
        ("ABCD-EFGH", "1234", "The secret code has 8 digits."),
        ("ABCD-EFGH", "abcdefgh", "The secret code has 8 digits."),
    ],
)
@pytest.mark.parametrize("language", [ZH, EN])
def test_badly_typed_lookups_get_a_clear_message(
    reference, code, msgid, language, request, tip_client
):
    request.getfixturevalue("english_report_page" if language == EN else "report_page")
    url = "/en/report/status/" if language == EN else "/report/status/"
    response = lookup(tip_client, reference, code, url=url)
    assert response.status_code == 400
    assert message(msgid, language) in page_text(response)


def test_lookups_are_rate_limited(receipt, tip_client):
    for _ in range(10):
        assert lookup(tip_client, "ZZZZ-ZZZZ", "12345678").status_code == 200
    response = lookup(tip_client, receipt.reference, receipt.secret_code)
    assert response.status_code == 429
    text = page_text(response)
    assert (
        message(
            "Too many status checks have been made from your internet connection in the last few "
            "minutes. Please try again in about 10 minutes.",
            ZH,
        )
        in text
    )
    # Even the right code gets no answer while limited.
    assert 'class="status-result' not in text


def test_lookups_need_the_csrf_token(receipt, tip_client):
    tip_client.client.get("/report/status/")
    bare = tip_client.client.post(
        "/report/status/", {"reference": receipt.reference, "secret_code": receipt.secret_code}
    )
    assert bare.status_code == 403


def test_secret_codes_are_stored_as_keyed_hashes_and_checked_across_key_rotation(settings):
    from django.contrib.auth.hashers import make_password

    from tip_reports.intake import check_secret_code, hash_secret_code

    encoded = hash_secret_code("12345678")
    assert encoded.startswith("hmac_sha256$") and "12345678" not in encoded
    assert check_secret_code("12345678", encoded)
    assert not check_secret_code("12345679", encoded)
    assert hash_secret_code("12345678") != encoded  # a fresh salt every time
    # After a key rotation the old key verifies as a fallback; without it, nothing matches.
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-test-key", [old_key]
    assert check_secret_code("12345678", encoded)
    settings.SECRET_KEY_FALLBACKS = []
    assert not check_secret_code("12345678", encoded)
    # Codes stored as password hashes before still work.
    assert check_secret_code("87654321", make_password("87654321"))
