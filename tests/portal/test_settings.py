"""Production settings guards, checked in a separate interpreter so the environment is exact."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings.production", **env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


GOOD_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "guitu.example.org",
    "DATABASE_URL": "postgres://guitu:pw@db.example.org:5432/guitu",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_setting(missing):
    env = {k: v for k, v in GOOD_ENV.items() if k != missing}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_manage("check", **{**GOOD_ENV, "SECRET_KEY": "dev-only-insecure-key"})
    assert result.returncode != 0
    assert "SECRET_KEY must be a long random value" in result.stderr


def test_check_deploy_is_clean_with_dummy_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **GOOD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_uses_redis_smtp_and_s3_from_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_TIMEOUT);"
        "print(s.STORAGES['default']['BACKEND']);"
        "print(s.STORAGES['staticfiles']['BACKEND']);"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.MIDDLEWARE[:2])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        **GOOD_ENV,
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_HOST="smtp.example.org",
        AWS_STORAGE_BUCKET_NAME="guitu-media",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-6:]
    assert lines[0] == "portal.cache.ResilientRedisCache"
    assert lines[1] == "django.core.mail.backends.smtp.EmailBackend smtp.example.org 10"
    assert lines[2] == "storages.backends.s3.S3Storage"
    assert lines[3] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert lines[4] == "django.db.backends.postgresql"
    assert (
        lines[5]
        == "['django.middleware.security.SecurityMiddleware', 'whitenoise.middleware.WhiteNoiseMiddleware']"
    )


def test_embedded_sqlite_is_tuned_for_a_web_process_and_a_worker(monkeypatch):
    from django.conf import settings

    from portal.settings.base import SQLITE_OPTIONS, database_from_env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(Path("x.sqlite3"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout="):
        assert pragma in SQLITE_OPTIONS["init_command"]
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_sqlite_pragmas_are_applied_to_the_connection():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_production_security_cannot_be_relaxed_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES'];"
        "print(s.GUITU_2FA_REQUIRED);"
        "print(' '.join(d['img-src']));"
        "print(d['upgrade-insecure-requests']);"
        "print(' '.join(d['script-src']))"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        **GOOD_ENV,
        GUITU_2FA_REQUIRED="false",
        AWS_STORAGE_BUCKET_NAME="guitu-media",
        AWS_S3_CUSTOM_DOMAIN="media.guitu.example.org",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-4:]
    assert lines[0] == "True"
    assert lines[1] == "'self' data: https://media.guitu.example.org"
    assert lines[2] == "True"
    assert lines[3] == "'self'"


SERVE_CODE = """
import io, re
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404
from django.test import Client, RequestFactory
from wagtail.images.models import get_rendition_storage
from portal.media import serve_public
from PIL import Image
buffer = io.BytesIO()
Image.new("RGB", (4, 4)).save(buffer, "JPEG")
public = get_rendition_storage()
name = public.save(public.generate_filename("images/zhang-san.fill-240x300.jpg"),
                   ContentFile(buffer.getvalue()))
original = storages["default"].save("original_images/abc.jpg", ContentFile(buffer.getvalue()))
print(type(public).__name__, bool(re.fullmatch(r"images/[0-9a-f]{32}[.]jpg", name)))
client = Client(HTTP_HOST="guitu.example.org")
response = client.get(public.url(name), secure=True)
print(response.status_code, response["Cache-Control"], b"".join(response.streaming_content)
      == buffer.getvalue())
for path in (original, "../" + original, "images/"):
    try:
        serve_public(RequestFactory().get("/media/" + path), path)
        print("served", path)
    except Http404:
        print("404")
print(storages["default"].url(original))
"""


def test_production_without_s3_serves_the_public_renditions_and_nothing_else(tmp_path):
    result = run_manage("shell", "-c", SERVE_CODE, **GOOD_ENV, MEDIA_ROOT=str(tmp_path / "m"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-6:]
    assert lines[0] == "PublicRenditionStorage True"
    assert lines[1].startswith("200 public, max-age=") and lines[1].endswith("True")
    assert lines[2:5] == ["404", "404", "404"]
    assert lines[5] == "/admin/originals/original_images/abc.jpg"
    assert (tmp_path / "m" / "public" / "images").is_dir()
    assert (tmp_path / "m" / "original_images" / "abc.jpg").is_file()


def test_production_with_s3_keeps_originals_private_and_renditions_in_their_prefix():
    code = (
        "from django.core.files.storage import storages as s;"
        "from wagtail.images.models import get_rendition_storage as r;"
        "d, p, t = s['default'], r(), s['private'];"
        "print(type(p).__name__, p.bucket_name, p.location, p.querystring_auth);"
        "print(d.bucket_name, repr(d.location), d.querystring_expire, d.custom_domain);"
        "print(t.location)"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        **GOOD_ENV,
        AWS_STORAGE_BUCKET_NAME="guitu-media",
        AWS_S3_CUSTOM_DOMAIN="media.guitu.example.org",
        AWS_PUBLIC_QUERYSTRING_AUTH="false",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-3:]
    assert lines[0] == "PublicS3RenditionStorage guitu-media public False"
    assert lines[1] == "guitu-media '' 300 None"
    assert lines[2] == "private"
