"""Redis stopped while the site runs in its production configuration (gunicorn, production
settings, Redis cache, behind a TLS proxy): pages still serve, tips are still accepted and
stored, and the cache is used again once Redis is back."""

import time

import pytest

from tests.support.http import Visitor
from tests.support.processes import (
    PrivateRedis,
    child_environment,
    database_url,
    gunicorn,
    manage,
)
from tip_reports.models import TipReport

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = ["/", "/notices/", "/stations/", "/report/", "/en/", "/robots.txt", "/sitemap.xml"]


def production_environment(tmp_path, redis_url: str) -> dict:
    env = child_environment(tmp_path, base="portal.settings.production")
    env.update(
        SECRET_KEY="reliability-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        BEHIND_TLS_PROXY="true",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        GUITU_VAR_DIR=str(tmp_path / "var"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT="9",
        WEB_CONCURRENCY="1",
    )
    return env


def tip(place: str) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    seen = timezone.localtime(timezone.now() - timedelta(minutes=10))
    return {
        "category": "elderly_lost",
        "area": "450103",
        "place_text": place,
        "seen_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "consent_forwarding": "on",
        "website": "",
    }


def test_pages_serve_and_tips_are_accepted_while_redis_is_down(tmp_path):
    dev = child_environment(tmp_path)
    assert manage(dev, "seed_demo").returncode == 0
    with PrivateRedis(tmp_path) as redis:
        env = production_environment(tmp_path, redis.url)
        collected = manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
        assert collected.returncode == 0, collected.stderr[-2000:]

        with gunicorn(env, tmp_path / "gunicorn.log", workers=1, threads=4) as base:
            visitor = Visitor(base, behind_tls_proxy=True)
            for path in PAGES:
                assert visitor.get(path).status_code == 200, path
            assert redis.dbsize() > 0  # the site really caches in Redis

            redis.kill()
            assert not redis.ping()
            for path in PAGES:
                response = visitor.get(path)
                assert response.status_code == 200, (path, response.text[:300])
            response = visitor.post_form("/report/", tip("Redis 停止时的报告"))
            assert response.status_code == 302, response.text[
                response.text.find("error-summary") :
            ][:1500]
            assert response.headers["Location"].endswith("/report/thanks/")
            thanks = visitor.get("/report/thanks/")
            assert thanks.status_code == 200
            assert TipReport.objects.filter(place_text="Redis 停止时的报告").count() == 1

            redis.start()
            time.sleep(5.5)  # portal.cache.RETRY_AFTER
            for path in PAGES:
                assert visitor.get(path).status_code == 200, path
            response = visitor.post_form("/report/", tip("Redis 恢复后的报告"))
            assert response.status_code == 302
            assert redis.dbsize() > 0
        log = (tmp_path / "gunicorn.log").read_text()
        assert "Redis cache unavailable" in log
        assert "Traceback" not in log, log[-3000:]
