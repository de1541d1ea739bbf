"""Production: PostgreSQL, Redis, SMTP and (optionally) S3-compatible media, all from the
environment. Refuses to start when a required secret or setting is missing."""

from django.core.exceptions import ImproperlyConfigured

from .base import *

_missing = [
    name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not os.environ.get(name)
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-", "django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be a long random value (50+ characters).")

DEBUG = False
# Two-step verification cannot be switched off in production.
GUITU_2FA_REQUIRED = True
# Station webhooks only over https (portal/outbound.py).
OUTBOUND_REQUIRE_HTTPS = True

STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# S3-compatible object storage for media when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
    # Image originals and documents: private objects, reached only through short signed URLs
    # that the admin (and Wagtail's document view) hand out; never through the public host.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
        },
    }
    # Renditions: the public prefix (or bucket), each under a random name. With
    # AWS_PUBLIC_QUERYSTRING_AUTH=false their URLs are plain (cacheable); the bucket policy must
    # then allow anonymous reads of this prefix only (docs/deploy.md).
    STORAGES["renditions"] = {
        "BACKEND": "portal.storage_s3.PublicS3RenditionStorage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_PUBLIC_BUCKET_NAME", AWS_STORAGE_BUCKET_NAME),
            "location": os.environ.get("AWS_PUBLIC_LOCATION", "public"),
            "querystring_auth": env_bool("AWS_PUBLIC_QUERYSTRING_AUTH", True),
            "object_parameters": {
                "CacheControl": f"public, max-age={PUBLIC_MEDIA_CACHE_SECONDS}, immutable"
            },
        },
    }
    # Tip photos: a separate private bucket (or prefix), reachable only through the admin.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_PRIVATE_BUCKET_NAME", AWS_STORAGE_BUCKET_NAME),
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
    # Public pages may show images from the bucket's host (Content-Security-Policy img-src).
    if AWS_S3_CUSTOM_DOMAIN:
        CSP_MEDIA_ORIGINS += [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        CSP_MEDIA_ORIGINS += [origin_of(AWS_S3_ENDPOINT_URL)]
    else:
        CSP_MEDIA_ORIGINS += [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if AWS_S3_REGION_NAME:
            CSP_MEDIA_ORIGINS += [
                f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"
            ]
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN = content_security_policies(
        media_origins=CSP_MEDIA_ORIGINS,
        captcha_domain=CSP_CAPTCHA_DOMAIN,
        upgrade=SECURE_SSL_REDIRECT,
    )

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
