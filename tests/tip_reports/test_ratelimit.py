"""The per-client rate limit on tips and status lookups: a clear 429 in the visitor's language,
nothing saved, and never a refusal because the cache is down."""

from __future__ import annotations

import logging

from django.conf import settings
from django.test import RequestFactory

import pytest

from portal import ratelimit
from tip_reports.models import TipReport

from .helpers import EN, ZH, counts, message, page_text

pytestmark = pytest.mark.django_db

TOO_MANY_TIPS = (
    "Too many reports have been sent from your internet connection in the last few minutes. "
    "Please try again in about 10 minutes."
)


TIP_LIMIT = settings.RATE_LIMITS["tip_submit"][0]


@pytest.mark.parametrize("language", [ZH, EN])
def test_the_tip_over_the_limit_is_refused(language, request, tip_client, valid_post_data):
    request.getfixturevalue("english_report_page" if language == EN else "report_page")
    url = "/en/report/" if language == EN else "/report/"
    for _ in range(TIP_LIMIT):
        assert tip_client.post(url, valid_post_data).status_code == 302
    before = counts()
    response = tip_client.post(url, valid_post_data)
    assert response.status_code == 429
    text = page_text(response)
    assert message(TOO_MANY_TIPS, language) in text
    assert (
        message("If it is urgent, do not wait: call the 24-hour rescue hotline.", language) in text
    )
    assert 'href="tel:07710000000"' in text
    # What they typed is still there, to send later.
    assert "五星街公交站旁的长椅" in text
    assert counts() == before == (TIP_LIMIT, 2 * TIP_LIMIT, TIP_LIMIT)


def test_invalid_posts_count_too_and_gets_do_not(report_page, tip_client, valid_post_data):
    for _ in range(10):
        tip_client.client.get("/report/")
    for _ in range(TIP_LIMIT):
        assert tip_client.post("/report/", {"category": "x"}).status_code == 400
    assert tip_client.post("/report/", valid_post_data).status_code == 429


def test_other_clients_are_not_affected(report_page, tip_client, valid_post_data):
    for _ in range(TIP_LIMIT + 1):
        tip_client.post("/report/", valid_post_data, REMOTE_ADDR="198.51.100.1")
    response = tip_client.post("/report/", valid_post_data, REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 302


class BrokenCache:
    def add(self, *args, **kwargs):
        raise ConnectionError("Redis is down")

    incr = add


def test_a_broken_cache_lets_tips_through(
    report_page, tip_client, valid_post_data, monkeypatch, caplog
):
    monkeypatch.setattr(ratelimit, "cache", BrokenCache())
    with caplog.at_level(logging.WARNING, logger="portal.ratelimit"):
        for _ in range(7):
            assert tip_client.post("/report/", valid_post_data).status_code == 302
    assert TipReport.objects.count() == 7
    assert "allowing the request" in caplog.text


class CacheFailingOnIncr:
    """The key exists (add() says no) but counting it fails: a cache dying mid-request."""

    def add(self, *args, **kwargs):
        return False

    def incr(self, *args, **kwargs):
        raise ConnectionError("Redis is down")


def test_a_failing_incr_lets_tips_through(report_page, tip_client, valid_post_data, monkeypatch):
    monkeypatch.setattr(ratelimit, "cache", CacheFailingOnIncr())
    assert tip_client.post("/report/", valid_post_data).status_code == 302


# --- The client address -----------------------------------------------------------------------


def _request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.1"


def test_with_one_proxy_the_rightmost_forwarded_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
    assert ratelimit.client_ip(_request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_with_two_proxies_the_second_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request(forwarded="6.6.6.6, 203.0.113.7, 10.1.1.1")
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_a_short_forwarded_header_falls_back_to_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.1"


def test_the_cache_key_does_not_contain_the_address():
    key = ratelimit.client_key(_request(remote="203.0.113.7"))
    assert "203.0.113.7" not in key and len(key) == 32


def test_the_window_is_fixed():
    request = _request(remote="192.0.2.1")
    assert [ratelimit.hit(request, "t", 3, 600) for _ in range(4)] == [True, True, True, False]
    assert ratelimit.hit(request, "other-scope", 3, 600)
