"""Talking to the broker without ever hanging a request on it."""

import logging
import threading

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)


_clients: dict[tuple[str, float], redis.Redis] = {}
_clients_lock = threading.Lock()


def redis_client() -> redis.Redis | None:
    """The process's Redis client on the broker URL, with short timeouts; None in eager mode (no broker).

    One client (and connection pool) per URL and timeout, shared by the process's requests: a save asks Redis
    one question after commit, and opening a connection for it cost more than the question. The pool hands out
    a connection only after checking it (a Redis restarted meanwhile is reconnected to, not failed on), and
    redis-py starts a new pool in a forked child (gunicorn, the worker's children)."""
    if not settings.CELERY_BROKER_URL:
        return None
    key = (settings.CELERY_BROKER_URL, settings.BROKER_SOCKET_TIMEOUT)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = redis.Redis.from_url(
                    settings.CELERY_BROKER_URL,
                    socket_timeout=settings.BROKER_SOCKET_TIMEOUT,
                    socket_connect_timeout=settings.BROKER_SOCKET_TIMEOUT,
                    retry_on_timeout=False,
                    retry=Retry(NoBackoff(), 0),  # redis-py retries 3 times by default: 4 x the timeout when hung
                )
    return client


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
