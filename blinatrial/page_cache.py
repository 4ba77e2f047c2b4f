"""Django's cache, read and written so that a cache outage costs the cache, never the page.

With several web servers the cache is Redis (settings: REDIS_CACHE_URL). Django's Redis backend raises on a
dead or hung server; a page that only saves work by caching must then be rendered as if nothing were cached.
"""

import logging

from django.core.cache import cache

log = logging.getLogger(__name__)


def cached(key: str) -> object | None:
    """The cached value, or None when there is none or the cache cannot be reached."""
    try:
        return cache.get(key)
    except Exception as exc:  # redis.RedisError, a socket timeout, a value that no longer unpickles
        log.warning("cache read failed (%s): rendering without the cache", exc)
        return None


def keep(key: str, value: object, seconds: int) -> None:
    """Cache `value`; a cache that cannot be reached is skipped."""
    try:
        cache.set(key, value, seconds)
    except Exception as exc:
        log.warning("cache write failed (%s): the page is not cached", exc)
