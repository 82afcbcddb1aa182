"""The Redis cache, made optional: when Redis is down the cache misses instead of raising.

Nothing in the cache is the truth (remembered API keys, price quotes, throttle counts,
import progress, the worker's heartbeat); each reader falls back to the database or
recomputes.  Django's ``RedisCache`` raises ``redis.ConnectionError`` on every call while
Redis is stopped, which would turn an outage of a helper into a 500 on every request
(the API key lookup reads the cache first).  This backend logs the error and answers
like an empty cache: reads miss, writes are dropped, ``add`` fails.  Short socket
timeouts (``OPTIONS`` in settings) keep a Redis that hangs from holding requests.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("retail.cache")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def _tolerant(name: str, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except REDIS_DOWN as exc:
            logger.warning("cache %s skipped, Redis is unavailable: %s", name, exc)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that misses (and drops writes) while Redis is unavailable."""

    get = _tolerant("get", _default)
    set = _tolerant("set", lambda *a, **k: None)
    add = _tolerant("add", lambda *a, **k: False)
    touch = _tolerant("touch", lambda *a, **k: False)
    delete = _tolerant("delete", lambda *a, **k: False)
    has_key = _tolerant("has_key", lambda *a, **k: False)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    set_many = _tolerant("set_many", lambda *a, **k: [])
    delete_many = _tolerant("delete_many", lambda *a, **k: None)
    clear = _tolerant("clear", lambda *a, **k: False)

    def get_or_set(self, key, default, timeout=None, version=None):
        # Django's get_or_set calls add() then get(); both miss while Redis is down,
        # so the computed default is what the caller gets.
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout=timeout, version=version)
        return value
