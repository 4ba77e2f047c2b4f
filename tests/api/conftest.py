import datetime
import json

import pytest
from django.test import Client

from tests.factories.api import bearer, make_token
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory


def _enrolled(site):
    screening = ScreeningFactory(
        site=site, status="enrolled", screened_on=datetime.date.today() - datetime.timedelta(days=100)
    )
    return ParticipantFactory(screening=screening, site=site)


@pytest.fixture
def participant(site_a):
    """Enrolled at site A; consent signed 100 days ago, enrolled 98 days ago."""
    return _enrolled(site_a)


@pytest.fixture
def participant_b(site_b):
    return _enrolled(site_b)


@pytest.fixture
def days_ago():
    return lambda n: datetime.date.today() - datetime.timedelta(days=n)


class ApiClient:
    """A test client that sends an API token with every request and JSON bodies."""

    def __init__(self, key: str):
        self.client = Client()
        self.headers = bearer(key)

    def get(self, url, params=None, **headers):
        return self.client.get(url, params or {}, headers={**self.headers, **headers})

    def post(self, url, body, **headers):
        return self.client.post(url, json.dumps(body), content_type="application/json",
                                headers={**self.headers, **headers})

    def patch(self, url, body, **headers):
        return self.client.patch(url, json.dumps(body), content_type="application/json",
                                 headers={**self.headers, **headers})


@pytest.fixture
def api_as():
    """api_as(user, name=...) -> an ApiClient with a fresh token of `user`."""

    def make(user, **kwargs) -> ApiClient:
        _token, key = make_token(user, **kwargs)
        return ApiClient(key)

    return make
