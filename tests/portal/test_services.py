"""The production parts against real services on this machine: Redis as the cache, an SMTP
exchange for mail. Outside CI a missing Redis skips; in CI (CI=true) it fails."""

import email
import email.policy
import os
import socket

from django.core import mail
from django.core.cache import caches
from django.test import override_settings

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache():
    if not redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must be running in CI (127.0.0.1:6379)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    config = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "guitu-test",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=config):
        cache = caches.create_connection("default")
        yield cache
        cache.clear()


def test_redis_cache_round_trip(redis_cache):
    from portal.cache import ResilientRedisCache

    assert isinstance(redis_cache, ResilientRedisCache)
    redis_cache.set("greeting", "你好", timeout=30)
    assert redis_cache.get("greeting") == "你好"
    assert redis_cache.add("counter", 0) is True
    assert redis_cache.add("counter", 5) is False
    assert redis_cache.incr("counter") == 1


class _Handler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def test_mail_goes_through_a_real_smtp_exchange():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_TIMEOUT=5,
        ):
            sent = mail.send_mail(
                "测试邮件", "救助线索已送达。", "noreply@guitu.invalid", ["station@guitu.invalid"]
            )
    finally:
        controller.stop()
    assert sent == 1
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["station@guitu.invalid"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert str(message["Subject"]) == "测试邮件"
    assert message.get_content().strip() == "救助线索已送达。"
