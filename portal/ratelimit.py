"""A per-client fixed-window rate limit for public forms, kept in the Django cache.

The client is identified by an HMAC of its IP address (never the address itself), so the cache
holds no personal data. When the cache is unavailable the limit fails open: a tip must never be
refused because Redis is down (docs/architecture.md §5, §7).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` proxies in front of
    the site, the X-Forwarded-For entry that many hops from the right (the address the
    outermost trusted proxy saw). Entries further left are written by the client and ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return remote


def client_key(request) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), client_ip(request).encode(), hashlib.sha256
    ).hexdigest()
    return digest[:32]


def hit(request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one request of this client in ``scope``; True while it is within ``limit``
    requests per fixed window of ``window_seconds``. Any cache failure allows the request."""
    window = int(time.time()) // window_seconds
    key = f"ratelimit:{scope}:{window}:{client_key(request)}"
    try:
        if cache.add(key, 1, timeout=window_seconds + 5):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window_seconds + 5)
                count = 1
    except Exception as exc:
        logger.warning(
            "Rate limit cache unavailable for %s (%s): allowing the request",
            scope,
            exc.__class__.__name__,
        )
        return True
    return count <= limit
