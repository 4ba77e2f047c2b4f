"""Issue 18: the dashboard's page cache on Redis (several web servers share it) costs nothing when Redis fails:
a dead or hung Redis means "no cache", the page is rendered from the stored result, never a 500."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from blinatrial.settings import redis_cache
from tests.endpoints.conftest import page_text
from tests.factories.endpoints import HAND_CUTOFF
from tests.redis_server import private_redis

URL = reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_page_cache(settings):
    """The production cache settings, on a private redis-server the test may stop or hang."""
    with private_redis() as server:
        settings.CACHES = {"default": redis_cache(server.url, 0.3)}
        yield server


def shows_results(response) -> bool:
    return response.status_code == 200 and "EOC1 2/3" in page_text(response)


def test_the_page_is_served_from_redis_when_redis_answers(monitor_client, hand_snapshot, redis_page_cache):
    monitor_client.get(URL)  # sets the CSRF cookie, part of the page's key
    rendered = monitor_client.get(URL)
    again = monitor_client.get(URL)
    assert shows_results(rendered) and again.content == rendered.content  # the same rendering, from Redis


@pytest.mark.parametrize("failure", ["stopped", "hung"])
def test_a_failed_redis_means_no_cache_not_an_error(monitor_client, hand_snapshot, redis_page_cache, failure, caplog):
    monitor_client.get(URL)
    redis_page_cache.stop() if failure == "stopped" else redis_page_cache.hang()

    with caplog.at_level(logging.WARNING, logger="blinatrial.page_cache"):
        first, second = monitor_client.get(URL), monitor_client.get(URL)

    assert shows_results(first) and shows_results(second)
    assert first.content != second.content  # each rendered afresh (the CSRF token is masked anew each time)
    assert any("cache read failed" in r.getMessage() for r in caplog.records)
    assert any("cache write failed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("url", "backend"), [
    ("redis://redis:6379/1", "django.core.cache.backends.redis.RedisCache"),
    ("", "django.core.cache.backends.locmem.LocMemCache"),
])
def test_redis_cache_url_chooses_the_shared_cache(url, backend):
    code = ("from django.conf import settings; c = settings.CACHES['default']; "
            "print(c['BACKEND'], c.get('LOCATION'), c.get('OPTIONS', {}).get('socket_timeout'))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "blinatrial.settings", "REDIS_CACHE_URL": url,
           "CACHE_SOCKET_TIMEOUT": "0.25"}
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=REPO, env=env,  # noqa: S603
                         capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert out == ([backend, url, "0.25"] if url else [backend, "blinatrial", "None"])
