"""Wrong second-factor codes count towards the django-axes lockout, which is keyed on username and address."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from integrity.models import SecurityEvent, SecurityEventKind
from tests.login import current_code

pytestmark = pytest.mark.django_db


def _sign_in_password(client, user, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=ip
    )


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, investigator, password):
    _sign_in_password(client, investigator, password)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("two-factor-verify"), {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200
    response = client.post(reverse("two-factor-verify"), {"code": "000001"}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get(username=investigator.username).failures_since_start == settings.AXES_FAILURE_LIMIT
    # Locked: the right password is refused, and so would be the right code.
    assert _sign_in_password(client, investigator, password).status_code == 429
    assert SecurityEvent.objects.filter(user=investigator, kind=SecurityEventKind.LOCKED_OUT).exists()
    assert SecurityEvent.objects.filter(user=investigator, kind=SecurityEventKind.TWO_FACTOR_FAILED).count() == 5


def test_a_right_password_does_not_wipe_the_count_of_wrong_codes(client, investigator, password):
    for _ in range(settings.AXES_FAILURE_LIMIT):  # password, wrong code; password again, wrong code; ...
        assert _sign_in_password(client, investigator, password).status_code == 302
        client.post(reverse("two-factor-verify"), {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    assert _sign_in_password(client, investigator, password).status_code == 429


def test_failures_from_another_address_do_not_lock_the_investigator_out(client, investigator, password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": investigator.username, "password": "guess"}, REMOTE_ADDR="10.6.6.6")
    assert _sign_in_password(client, investigator, password, ip="10.6.6.6").status_code == 429

    assert _sign_in_password(client, investigator, password, ip="10.0.0.1").status_code == 302
    response = client.post(reverse("two-factor-verify"), {"code": current_code(investigator)}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(investigator.pk)
