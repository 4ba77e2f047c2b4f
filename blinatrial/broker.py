"""Talking to the broker without ever hanging a request on it."""

import logging

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)


def redis_client() -> redis.Redis | None:
    """A Redis client on the broker URL with short timeouts; None in eager mode (no broker)."""
    if not settings.CELERY_BROKER_URL:
        return None
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=settings.BROKER_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.BROKER_SOCKET_TIMEOUT,
        retry_on_timeout=False,
        retry=Retry(NoBackoff(), 0),  # redis-py retries 3 times by default: 4 x the timeout on a hung server
    )


def broker_status() -> str:
    client = redis_client()
    if client is None:
        return "eager"
    try:
        client.ping()
        return "ok"
    except redis.RedisError as exc:
        log.warning("broker unreachable: %s", exc)
        return "error"
    finally:
        client.close()
