"""Settings for the test suite: fast hashing, in-memory mail, SQLite unless DATABASE_URL is set."""

from .base import *

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
DEMO_SEED_ALLOWED = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Most tests sign in with force_login; tests/portal/test_two_factor.py switches this on and
# walks the admin URLs as unverified staff.
GUITU_2FA_REQUIRED = False
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN = content_security_policies(
    media_origins=CSP_MEDIA_ORIGINS, captcha_domain=CSP_CAPTCHA_DOMAIN, upgrade=False
)

# The tests' webhook receivers listen on loopback; tests/portal/test_outbound.py removes these.
OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Most tests change data and read pages again at once; tests/performance/test_page_cache.py
# switches the page cache on.
PAGE_CACHE_ENABLED = False
MEDIA_ROOT = VAR_DIR / "test-media"
PUBLIC_MEDIA_ROOT = None  # MEDIA_ROOT/public, wherever a test moves MEDIA_ROOT
STORAGES["private"]["OPTIONS"]["location"] = VAR_DIR / "test-private"

DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get(
    "TEST_DB_NAME"
):
    # A file rather than memory, so that a real db_worker process and concurrent threads can
    # share the test database; one per test process, so parallel runs never collide.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
