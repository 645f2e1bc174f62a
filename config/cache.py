"""A Redis cache that fails open: a dead Redis degrades the cache instead of answering 500.

allauth keeps its rate limits in the default cache, so with Django's own RedisCache a Redis
outage means nobody can sign in, sign up or reset a password. Here every operation that cannot
reach Redis logs a warning and answers as an empty cache would (or as if a write succeeded), and
Redis is then left alone for a few seconds so that a dead server costs one timeout per thread per
pause rather than one per cache call. Rate limits are not enforced while Redis is down: the
per-account limits come back with it, and an outage is short next to locking everyone out.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Only "cannot reach the server" fails open; a wrong command or type is a bug and still raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class FailOpenRedisCache(RedisCache):
    # Seconds to skip Redis after a failure (per process and thread, as cache objects are).
    pause_after_failure = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, name, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            self._down_until = time.monotonic() + self.pause_after_failure
            logger.warning(
                "cache %s unreachable, failing open for %ss: %s",
                self._servers[0].rsplit("@", 1)[-1],  # no password in the log
                self.pause_after_failure,
                exc,
            )
            return fallback

    # An add that cannot be stored answers True: allauth takes a cache lock with add() and
    # would otherwise wait a second and then refuse the login as rate limited.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", delta, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)
