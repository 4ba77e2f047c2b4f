import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_account_is_locked_after_repeated_failed_logins(client, coordinator, password):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": coordinator.username, "password": "wrong-password"})
    assert response.status_code == 429
    # Even the right password is refused while the account is locked.
    response = client.post(url, {"username": coordinator.username, "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_fewer_failures_than_the_limit_still_allow_login(client, coordinator, password):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": coordinator.username, "password": "wrong-password"})
    response = client.post(url, {"username": coordinator.username, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)
