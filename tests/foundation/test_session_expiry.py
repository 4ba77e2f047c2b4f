import datetime

import pytest
import time_machine
from django.urls import reverse

START = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def login(client, user, password):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
def test_session_expires_after_30_minutes_idle(client, coordinator, password):
    with time_machine.travel(START, tick=False):
        login(client, coordinator, password)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(START + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_activity_renews_the_30_minutes(client, coordinator, password):
    with time_machine.travel(START, tick=False):
        login(client, coordinator, password)
    with time_machine.travel(START + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(START + datetime.timedelta(minutes=29 + 29), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(START + datetime.timedelta(minutes=29 + 29 + 31), tick=False):
        assert client.get(reverse("home")).status_code == 302
