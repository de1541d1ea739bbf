"""Settings shared by every environment.

Secure by default and driven by environment variables; dev.py, test.py and production.py adjust
this. Nothing secret lives here: production.py refuses to start without its secrets.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GUITU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The project's own apps; listed first so their templates and translations take precedence.
PROJECT_APPS = [
    "portal",
    "home",
    "stations",
    "policies",
    "events",
    "notices",
    "tip_reports",
]
INSTALLED_APPS = [
    *PROJECT_APPS,
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_recaptcha",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous Wagtail pages from the cache, with the headers the middleware below gave them,
    # before any session, CSRF, auth or policy work (portal/page_cache.py).
    "portal.page_cache.PageCacheMiddleware",
    "portal.security.PortalCSPMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.two_factor.RequireTwoFactorMiddleware",
    "portal.sign_in.KnownDeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# PostgreSQL (or any database) from DATABASE_URL; otherwise the embedded SQLite file under var/,
# tuned for a web process and a task worker writing at the same time.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA foreign_keys=ON;"
    ),
}


def database_from_env(default_sqlite_path: Path) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config = dj_database_url.parse(
            url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
        )
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = dict(SQLITE_OPTIONS)
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite_path,
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


DATABASES = {"default": database_from_env(VAR_DIR / "guitu.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, surviving a Redis outage (portal/cache.py).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "guitu",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # One machine without Redis (`make run`): a file cache, shared by the web workers, the task
    # worker and the periodic jobs, so rate limits and page-cache invalidation hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Wagtail looks renditions up in the "renditions" cache and writes each one back on every use;
# a per-process memory cache makes that free (rendition rows are immutable).
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "guitu-renditions",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 10000},
}

# --- Anonymous page cache (portal/page_cache.py) ---------------------------------------------
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# What browsers and a CDN may keep (the CDN is purged on publish, browsers are not).
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "60"))
PAGE_CACHE_SHARED_SECONDS = int(os.environ.get("PAGE_CACHE_SHARED_SECONDS", "300"))
PAGE_CACHE_EXCLUDED_PREFIXES = ("/admin/", "/documents/", "/static/", "/media/")
# How long a web process trusts its copy of the cache generation (another process's publication
# reaches it within this time).
PAGE_CACHE_GENERATION_SECONDS = 1.0
# The hottest cached pages are also kept in each web process's memory, up to this many bytes.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_BYTES", str(32 * 1024 * 1024)))
# Saving or deleting one of these starts a new page-cache generation (pages too, on publish,
# unpublish, move and delete).
PAGE_CACHE_INVALIDATED_BY = [
    "stations.Station",
    "stations.StationMembership",
    "portal.SiteSettings",
    "policies.PolicyTopic",
    "policies.Audience",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailcore.Site",
    "wagtailcore.Locale",
]

# CDN purge when pages change (wagtail.contrib.frontend_cache; docs/deploy.md): an HTTP PURGE
# endpoint (Varnish, nginx proxy_cache_purge), Cloudflare or CloudFront, from the environment.
_frontend_caches = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    _frontend_caches["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("CLOUDFLARE_BEARER_TOKEN") and os.environ.get("CLOUDFLARE_ZONEID"):
    _frontend_caches["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ["CLOUDFLARE_BEARER_TOKEN"],
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
    }
if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
    _frontend_caches["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
    }
if _frontend_caches:
    WAGTAILFRONTENDCACHE = _frontend_caches

# --- Background tasks -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# Jobs run by `manage.py run_periodic` (dotted path of a function, interval in seconds).
PERIODIC_JOBS = [
    ("tip_reports.tasks.sweep_outbox", 60),
    ("tip_reports.tasks.escalate_overdue", 60),
    ("tip_reports.tasks.purge_personal_data_job", 3600),
    ("portal.tasks.prune_login_records", 3600),
    ("events.tasks.send_due_emails", 300),
    ("events.tasks.purge_registrations", 3600),
]

# Tip notifications: how long a worker may take to send one before another worker may take
# it over (longer than any send can last), and how long a station's webhook may take to answer.
TIP_DELIVERY_LEASE_SECONDS = 120
TIP_WEBHOOK_TIMEOUT = 5

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# django-axes first (with the per-account limit, portal/sign_in.py): it refuses a login while
# its username and address, or its username from an unknown browser, are locked out.
AUTHENTICATION_BACKENDS = [
    "portal.sign_in.AccountLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Admin login lockout (django-axes): five wrong passwords for one username from one address
# lock that pair out for 15 minutes. The pair, not the username alone, so nobody can lock duty
# staff out of their queue from elsewhere; the second factor protects against guessing from
# many addresses. Attempts are kept in the database, so every web host sees them.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# Every failure is kept (username, address, browser, time; never the password): the per-account
# limit and the alarm below count them. A refused attempt during a lockout is not a failure
# (the password was not tried) and does not extend the lockout.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Password spraying (portal/sign_in.py). Per account, from any address: after this many
# failures within the window, the username is refused on browsers that have not signed in to it
# before, until those failures are older than the window. Browsers that have signed in carry a
# signed "known device" cookie for this long and are never refused by this limit.
GUITU_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("GUITU_ACCOUNT_FAILURE_LIMIT", "10"))
GUITU_ACCOUNT_FAILURE_WINDOW = timedelta(
    minutes=int(os.environ.get("GUITU_ACCOUNT_FAILURE_WINDOW_MINUTES", "60"))
)
GUITU_KNOWN_DEVICE_COOKIE = "guitu_known_device"
GUITU_KNOWN_DEVICE_MAX_AGE = timedelta(days=int(os.environ.get("GUITU_KNOWN_DEVICE_DAYS", "90")))
# Across accounts: this many usernames, or this many failures, within the window log a warning
# and email the coordinators, once per window.
GUITU_LOGIN_ALARM_ACCOUNTS = int(os.environ.get("GUITU_LOGIN_ALARM_ACCOUNTS", "10"))
GUITU_LOGIN_ALARM_FAILURES = int(os.environ.get("GUITU_LOGIN_ALARM_FAILURES", "50"))
GUITU_LOGIN_ALARM_WINDOW = timedelta(minutes=int(os.environ.get("GUITU_LOGIN_ALARM_MINUTES", "15")))
# Successful logins are recorded for audit and kept for this many days (run_periodic prunes).
LOGIN_RECORD_RETENTION_DAYS = int(os.environ.get("LOGIN_RECORD_RETENTION_DAYS", "90"))

# Two-step verification (django-otp, TOTP): required of every account that opens the admin.
# Production always requires it; development may relax it with GUITU_2FA_REQUIRED=false. It is
# set up only through a one-time invitation (portal/two_factor.py), valid this many hours.
GUITU_2FA_REQUIRED = env_bool("GUITU_2FA_REQUIRED", True)
GUITU_2FA_INVITATION_HOURS = int(os.environ.get("GUITU_2FA_INVITATION_HOURS", "72"))
OTP_TOTP_ISSUER = "Guitu"
# After a wrong code, each further attempt on that device waits 1, 2, 4, 8 … seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Languages --------------------------------------------------------------------------------
# Chinese first: zh-hans is served without a prefix, English under /en/.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# Uploaded files (portal/storage.py): image originals and documents in MEDIA_ROOT, which is never
# served as it is (an original reaches editors only, through /admin/originals/); the renditions
# public pages show in PUBLIC_MEDIA_ROOT (default MEDIA_ROOT/public), served under MEDIA_URL by
# portal.media.serve_public or the proxy; tip photos in PRIVATE_MEDIA_ROOT, without any URL.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
PUBLIC_MEDIA_ROOT = (
    Path(os.environ["PUBLIC_MEDIA_ROOT"]) if os.environ.get("PUBLIC_MEDIA_ROOT") else None
)
ORIGINALS_URL = "/admin/originals/"
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
# How long browsers and caches may keep a public rendition (its name is random and its content
# never changes; a closed notice's renditions are deleted and purged from the CDN).
PUBLIC_MEDIA_CACHE_SECONDS = int(os.environ.get("PUBLIC_MEDIA_CACHE_SECONDS", str(30 * 86400)))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"base_url": ORIGINALS_URL},
    },
    "renditions": {"BACKEND": "portal.storage.PublicRenditionStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Tip photos: outside MEDIA_ROOT and without a URL, so no web server can serve them.
    "private": {
        "BACKEND": "portal.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Email ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "归途 Guitu <noreply@guitu.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_SUBJECT_PREFIX = "[归途] "

# --- Security (secure by default; dev.py relaxes what a laptop cannot do) ---------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "归途 Guitu"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Site search: the database backend with Chinese segmentation (portal/search/, on SQLite or
# PostgreSQL), or OpenSearch/Elasticsearch with a Chinese analyzer when SEARCH_URL is set
# (docs/search.md). `manage.py update_index` rebuilds the index.
SEARCH_URL = os.environ.get("SEARCH_URL", "").strip()
if SEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": os.environ.get("SEARCH_BACKEND", "wagtail.search.backends.opensearch2"),
            "URLS": [SEARCH_URL],
            "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "guitu_"),
            "TIMEOUT": 5,
            "INDEX_SETTINGS": {
                "settings": {
                    "analysis": {
                        "analyzer": {
                            # e.g. ik_max_word / ik_smart (IK plugin) or smartcn (analysis-smartcn)
                            "default": {"type": os.environ.get("SEARCH_ANALYZER", "ik_max_word")},
                            "default_search": {
                                "type": os.environ.get("SEARCH_QUERY_ANALYZER")
                                or os.environ.get("SEARCH_ANALYZER", "ik_smart")
                            },
                        }
                    }
                }
            },
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "portal.search.backend"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "txt", "csv"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_RENDITION_STORAGE = "renditions"
# The admin's image form decodes every upload fully (portal/image_forms.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.image_forms.ImageForm"
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USAGE_COUNT_ENABLED = False
# No avatars from outside the site (gravatar.com): pages must work where foreign hosts are blocked.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- reCAPTCHA (only used where both keys are configured) -------------------------------------
RECAPTCHA_PUBLIC_KEY = os.environ.get("RECAPTCHA_PUBLIC_KEY", "")
RECAPTCHA_PRIVATE_KEY = os.environ.get("RECAPTCHA_PRIVATE_KEY", "")
# www.recaptcha.net serves the same API and is reachable from mainland China.
RECAPTCHA_DOMAIN = os.environ.get("RECAPTCHA_DOMAIN", "www.recaptcha.net")
# A slow verification must not hold a report: after this many seconds it counts as unverified.
RECAPTCHA_VERIFY_REQUEST_TIMEOUT = 5

# --- Public forms: client addresses and rate limits -------------------------------------------
# How many reverse proxies in front of the site append to X-Forwarded-For; 0 = use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# (requests, window in seconds) per client address; the limit fails open if the cache is down.
# Generous for tips: many phones share one carrier address (CGNAT) and a blocked tip may be a
# lost one; the message then gives the hotline.
RATE_LIMITS = {
    "tip_submit": (10, 10 * 60),
    "tip_status": (10, 10 * 60),
    "notice_lead": (10, 10 * 60),
    "event_registration": (10, 10 * 60),
}
SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error"]

# --- Content-Security-Policy (django-csp; see portal/security.py) ---------------------------
# Public pages: no inline script or style at all, nothing from other hosts except the media
# host (S3) and, when its keys are configured, the captcha. The admin gets a relaxed policy.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policies(
    *, media_origins=(), captcha_domain: str = "", upgrade: bool = True
) -> tuple[dict, dict]:
    """(public policy, admin policy) as django-csp settings. dev.py, test.py and production.py
    call it again when they change what it depends on."""
    self_, none = "'self'", "'none'"
    media = [self_, "data:", *media_origins]
    captcha = []
    if captcha_domain:
        captcha = [f"https://{captcha_domain}", "https://www.gstatic.com", "https://www.gstatic.cn"]
    public = {
        "default-src": [self_],
        "script-src": [self_, *captcha],
        "style-src": [self_],
        "img-src": media,
        "font-src": [self_],
        "connect-src": [self_, *captcha],
        "frame-src": captcha or [none],
        "frame-ancestors": [none],
        "form-action": [self_],
        "base-uri": [none],
        "object-src": [none],
        "manifest-src": [self_],
        "upgrade-insecure-requests": upgrade,
    }
    admin = {
        "default-src": [self_],
        # Wagtail's admin still has inline scripts and style attributes.
        "script-src": [self_, "'unsafe-inline'"],
        "style-src": [self_, "'unsafe-inline'"],
        "img-src": [*media, "blob:"],
        "font-src": [self_, "data:"],
        "connect-src": [self_],
        "frame-src": [self_],
        "frame-ancestors": [self_],
        "form-action": [self_],
        "base-uri": [self_],
        "object-src": [none],
        "worker-src": [self_, "blob:"],
    }
    return {"DIRECTIVES": public}, {"DIRECTIVES": admin}


CSP_CAPTCHA_DOMAIN = RECAPTCHA_DOMAIN if RECAPTCHA_PUBLIC_KEY and RECAPTCHA_PRIVATE_KEY else ""
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN = content_security_policies(
    media_origins=CSP_MEDIA_ORIGINS, captcha_domain=CSP_CAPTCHA_DOMAIN, upgrade=SECURE_SSL_REDIRECT
)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Outbound HTTP to staff-configured addresses (portal/outbound.py) --------------------------
# Station webhooks may not reach loopback, private, link-local or metadata addresses; hosts named
# here are exempt (a receiver on the stations' own network). Production requires https.
OUTBOUND_ALLOWED_HOSTS = env_list("OUTBOUND_ALLOWED_HOSTS")
OUTBOUND_REQUIRE_HTTPS = env_bool("OUTBOUND_REQUIRE_HTTPS", False)
