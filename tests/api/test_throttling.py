"""Requests are limited per token: past the rate the API answers 429; another token has its own count."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_past_the_rate_the_token_gets_429(api_as, coordinator, settings):
    cache.clear()
    settings.API_THROTTLE_RATE = "3/minute"
    api = api_as(coordinator, name="busy")
    assert [api.get("/api/v1/participants/").status_code for _ in range(4)] == [200, 200, 200, 429]
    other = api_as(coordinator, name="quiet")
    assert other.get("/api/v1/participants/").status_code == 200
    cache.clear()


def test_a_cache_outage_lets_requests_through_instead_of_a_500(api_as, coordinator, settings):
    """The throttle counts in the shared cache (Redis in production); a Redis that cannot be reached costs the
    count, never the answer."""
    api = api_as(coordinator, name="during-outage")
    settings.API_THROTTLE_RATE = "1/minute"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert [api.get("/api/v1/participants/").status_code for _ in range(2)] == [200, 200]
