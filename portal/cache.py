"""A Redis cache that the site survives losing.

Django's Redis backend raises on every call while Redis is unreachable, and Wagtail reads the
cache on every page (site root paths, settings), so one stopped Redis would turn every page
into a server error. ``ResilientRedisCache`` treats Redis as what it is here, a cache:

- reads (get, get_many, has_key) answer "not cached";
- writes (set, set_many, touch, delete, delete_many, clear) are dropped;
- counters (add, incr, decr) still raise, because their callers must decide: the rate limits
  (``portal.ratelimit``) then allow the request, so no tip is ever refused for want of Redis.

After a failure the backend skips Redis for ``RETRY_AFTER`` seconds in this process, so a
network partition costs one connection timeout, not one per call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from redis.exceptions import RedisError

logger = logging.getLogger("portal.cache")

RETRY_AFTER = 5.0


class CacheUnavailable(RedisError):
    """Redis was found unreachable moments ago; not tried again yet."""


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        if self._available():
            logger.warning(
                "Redis cache unavailable during %s (%s); carrying on without it for %gs",
                operation,
                exc.__class__.__name__,
                RETRY_AFTER,
            )
        type(self)._down_until = time.monotonic() + RETRY_AFTER

    def _read(self, operation: str, call, fallback):
        if not self._available():
            return fallback
        try:
            return call()
        except RedisError as exc:
            self._failed(operation, exc)
            return fallback

    def _counter(self, operation: str, call):
        if not self._available():
            raise CacheUnavailable(f"Redis unavailable ({operation})")
        try:
            return call()
        except RedisError as exc:
            self._failed(operation, exc)
            raise

    # Reads answer "not cached".
    def get(self, key, default=None, version=None):
        return self._read(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return self._read(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key, version=None):
        return self._read(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    # Writes are dropped.
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._read(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._read(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._read(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._read(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def delete_many(self, keys, version=None):
        self._read(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._read("clear", lambda: super(ResilientRedisCache, self).clear(), False)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().get_or_set(key, default, timeout, version)
        except RedisError:
            return default() if callable(default) else default

    # Counters raise: their callers decide what a missing cache means.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._counter(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version)
        )

    def incr(self, key, delta=1, version=None):
        return self._counter(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version)
        )
