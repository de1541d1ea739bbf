"""reCAPTCHA on the tip form: off without keys; with keys a valid answer is VERIFIED, a definite
"no" is a 400, and any failure to get an answer (network, timeout, garbage, our own bad secret,
or a widget that never loaded) still files the tip, flagged UNVERIFIED. No test leaves loopback:
the verification call is patched."""

from __future__ import annotations

import http.client
import socket
import urllib.error
from unittest import mock

from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

import pytest
from django_recaptcha.client import RecaptchaResponse

from portal.captcha import captcha_enabled
from tip_reports.models import TipEvent, TipReport

from .helpers import EN, ZH, counts, message, page_text

pytestmark = pytest.mark.django_db

KEYS = {"RECAPTCHA_PUBLIC_KEY": "test-public-key", "RECAPTCHA_PRIVATE_KEY": "test-private-key"}
ANSWER = {"g-recaptcha-response": "token-from-the-widget"}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail loudly if anything tries to reach a host that is not loopback."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in {"127.0.0.1", "::1", "localhost"}:
            raise AssertionError(f"test tried to reach {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def test_captcha_needs_both_keys(settings):
    settings.RECAPTCHA_PUBLIC_KEY, settings.RECAPTCHA_PRIVATE_KEY = "", ""
    assert not captcha_enabled()
    settings.RECAPTCHA_PUBLIC_KEY = "x"
    assert not captcha_enabled()
    settings.RECAPTCHA_PRIVATE_KEY = "y"
    assert captcha_enabled()


def test_without_keys_there_is_no_captcha(report_page, tip_client, valid_post_data):
    html = tip_client.client.get("/report/").content.decode()
    assert "recaptcha" not in html
    with mock.patch("django_recaptcha.client.submit") as submit:
        assert tip_client.post("/report/", valid_post_data).status_code == 302
    submit.assert_not_called()
    assert TipReport.objects.get().captcha_status == TipReport.CaptchaStatus.NOT_CONFIGURED


@override_settings(**KEYS)
def test_with_keys_the_widget_loads_from_recaptcha_net_only(report_page, client):
    html = client.get("/report/").content.decode()
    assert 'class="g-recaptcha"' in html and 'data-sitekey="test-public-key"' in html
    assert '<script src="https://www.recaptcha.net/recaptcha/api.js?hl=zh-CN" async defer>' in html
    assert "www.google.com" not in html
    assert "onSubmit_" not in html  # the package's inline script is not used


@override_settings(**KEYS)
def test_a_valid_answer_is_verified(report_page, tip_client, valid_post_data):
    with mock.patch(
        "django_recaptcha.client.submit", return_value=RecaptchaResponse(is_valid=True)
    ) as submit:
        response = tip_client.post(
            "/report/", {**valid_post_data, **ANSWER}, REMOTE_ADDR="203.0.113.9"
        )
    assert response.status_code == 302
    assert TipReport.objects.get().captcha_status == TipReport.CaptchaStatus.VERIFIED
    assert submit.call_args.kwargs["recaptcha_response"] == "token-from-the-widget"
    assert submit.call_args.kwargs["private_key"] == "test-private-key"
    assert submit.call_args.kwargs["remoteip"] == "203.0.113.9"


@pytest.mark.parametrize("language", [ZH, EN])
@override_settings(**KEYS)
def test_an_invalid_answer_is_refused(language, request, tip_client, valid_post_data):
    request.getfixturevalue("english_report_page" if language == EN else "report_page")
    url = "/en/report/" if language == EN else "/report/"
    before = counts()
    invalid = RecaptchaResponse(is_valid=False, error_codes=["invalid-input-response"])
    with mock.patch("django_recaptcha.client.submit", return_value=invalid):
        response = tip_client.post(url, {**valid_post_data, **ANSWER})
    assert response.status_code == 400
    text = page_text(response)
    assert (
        message("The check that you are not a robot did not succeed. Please try again.", language)
        in text
    )
    assert 'href="#captcha-field"' in text
    assert counts() == before


@override_settings(**KEYS)
def test_an_unticked_box_is_refused(report_page, tip_client, valid_post_data):
    with mock.patch("django_recaptcha.client.submit") as submit:
        response = tip_client.post("/report/", {**valid_post_data, "g-recaptcha-response": ""})
    assert response.status_code == 400
    assert message("Please tick the box “I'm not a robot”.", ZH) in page_text(response)
    submit.assert_not_called()
    assert TipReport.objects.count() == 0


NETWORK_FAILURES = {
    "timeout": TimeoutError("timed out"),
    "timeout inside urllib": urllib.error.URLError(TimeoutError("timed out")),
    "DNS failure": urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
    "connection refused": urllib.error.URLError(ConnectionRefusedError(111, "refused")),
    "HTTP 500": urllib.error.HTTPError("https://www.recaptcha.net", 500, "error", {}, None),
    "broken response": http.client.RemoteDisconnected("closed"),
}


@pytest.mark.parametrize("failure", NETWORK_FAILURES.keys())
@override_settings(**KEYS)
def test_a_network_failure_never_loses_the_tip(failure, report_page, tip_client, valid_post_data):
    with mock.patch(
        "django_recaptcha.client.recaptcha_request", side_effect=NETWORK_FAILURES[failure]
    ):
        response = tip_client.post("/report/", {**valid_post_data, **ANSWER})
    assert response.status_code == 302
    tip = TipReport.objects.get()
    assert tip.captcha_status == TipReport.CaptchaStatus.UNVERIFIED
    with translation.override(ZH):
        note = gettext("The captcha service could not be reached: this tip is unverified.")
    assert note in tip.events.get(kind=TipEvent.Kind.RECEIVED).note


@override_settings(**KEYS)
def test_a_garbled_answer_counts_as_unverified(report_page, tip_client, valid_post_data):
    reply = mock.Mock()
    reply.read.return_value = b"<html>captive portal</html>"
    with mock.patch("django_recaptcha.client.recaptcha_request", return_value=reply):
        response = tip_client.post("/report/", {**valid_post_data, **ANSWER})
    assert response.status_code == 302
    assert TipReport.objects.get().captcha_status == TipReport.CaptchaStatus.UNVERIFIED


@override_settings(**KEYS)
def test_our_own_bad_secret_does_not_block_reports(report_page, tip_client, valid_post_data):
    rejected = RecaptchaResponse(is_valid=False, error_codes=["invalid-input-secret"])
    with mock.patch("django_recaptcha.client.submit", return_value=rejected):
        response = tip_client.post("/report/", {**valid_post_data, **ANSWER})
    assert response.status_code == 302
    assert TipReport.objects.get().captcha_status == TipReport.CaptchaStatus.UNVERIFIED


@override_settings(**KEYS)
def test_a_widget_that_never_loaded_is_unverified(report_page, tip_client, valid_post_data):
    # No JavaScript, or the script host blocked: the answer field is missing altogether.
    with mock.patch("django_recaptcha.client.submit") as submit:
        response = tip_client.post("/report/", valid_post_data)
    assert response.status_code == 302
    submit.assert_not_called()
    tip = TipReport.objects.get()
    assert tip.captcha_status == TipReport.CaptchaStatus.UNVERIFIED
    with translation.override(ZH):
        note = gettext(
            "The captcha did not load in the reporter's browser (no JavaScript or blocked)."
        )
    assert note in tip.events.get(kind=TipEvent.Kind.RECEIVED).note
