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
