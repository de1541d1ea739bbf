"""The Redis cache going away: pages keep serving, reads miss, writes are dropped, counters
raise so that the rate limits let the request through (no tip is refused for want of Redis)."""

import socket

from django.core.cache import caches
from django.test import RequestFactory, override_settings

import pytest

from portal import cache as portal_cache
from portal import ratelimit


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the socket is


@pytest.fixture
def dead_redis(monkeypatch):
    monkeypatch.setattr(portal_cache.ResilientRedisCache, "_down_until", 0.0)
    config = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=config):  # Django's test signal resets the cache handler
        yield caches["default"]


def test_reads_miss_and_writes_are_dropped(dead_redis):
    assert dead_redis.get("anything", "default") == "default"
    assert dead_redis.get_many(["a", "b"]) == {}
    assert dead_redis.has_key("a") is False
    dead_redis.set("a", 1)
    dead_redis.set_many({"a": 1})
    dead_redis.delete("a")
    assert dead_redis.get_or_set("a", lambda: 42) == 42


def test_counters_raise_so_that_callers_decide(dead_redis):
    with pytest.raises(portal_cache.RedisError):
        dead_redis.add("counter", 1)
    with pytest.raises(portal_cache.RedisError):
        dead_redis.incr("counter")


def test_a_failure_skips_redis_for_a_few_seconds(dead_redis, monkeypatch):
    calls = []
    original = portal_cache.RedisCache.get

    def counting_get(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(portal_cache.RedisCache, "get", counting_get)
    for _ in range(5):
        assert dead_redis.get("k") is None
    assert len(calls) == 1


def test_rate_limits_fail_open(dead_redis, monkeypatch):
    monkeypatch.setattr(ratelimit, "cache", dead_redis)
    request = RequestFactory().post("/report/", REMOTE_ADDR="203.0.113.9")
    assert all(ratelimit.hit(request, "tip_submit", 1, 600) for _ in range(5))


@pytest.mark.django_db
def test_pages_and_tips_survive_a_dead_redis(dead_redis, demo_site, client):
    from django.utils import timezone

    from tip_reports.models import TipReport

    assert client.get("/").status_code == 200
    assert client.get("/notices/").status_code == 200
    assert client.get("/report/").status_code == 200
    before = TipReport.objects.count()
    seen = timezone.localtime(timezone.now() - timezone.timedelta(hours=1))
    response = client.post(
        "/report/",
        {
            "category": "sleeping_rough",
            "area": "450202",
            "place_text": "五星街公交站旁的长椅",
            "seen_at": seen.strftime("%Y-%m-%dT%H:%M"),
            "consent_forwarding": "on",
        },
    )
    assert response.status_code == 302, response.content[:300]
    assert TipReport.objects.count() == before + 1
