"""The embedded default used by `make run`: SQLite under var/, mail written to var/mail/."""

from .base import *

DEBUG = env_bool("DEBUG", True)
DEMO_SEED_ALLOWED = True
# A development key only; production.py requires SECRET_KEY from the environment.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# Plain HTTP on a laptop.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Demo accounts sign in with a password alone unless GUITU_2FA_REQUIRED=true.
GUITU_2FA_REQUIRED = env_bool("GUITU_2FA_REQUIRED", False)
CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN = content_security_policies(
    media_origins=CSP_MEDIA_ORIGINS, captcha_domain=CSP_CAPTCHA_DOMAIN, upgrade=False
)

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL",
    f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
)

# The embedded default keeps everything under one folder; make sure it exists.
VAR_DIR.mkdir(parents=True, exist_ok=True)
