"""An administrator resets a lost second factor (admin action or command), in the security log; the user enrols
again before anything else."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from integrity.models import SecurityEvent, SecurityEventKind
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db


def test_the_admin_action_resets_and_is_logged_and_the_user_must_enrol_again(admin_client, admin_user, investigator):
    user_client = force_verified_login(Client(), investigator)
    assert user_client.get(reverse("home")).status_code == 200

    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [investigator.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=investigator).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_RESET)
    assert event.user == investigator and event.actor == admin_user
    # The verified session of the lost phone is no longer verified: enrolment first.
    response = user_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-enrol"))


def test_the_command_resets_with_a_reason(admin_user, data_manager):
    call_command("reset_two_factor", data_manager.username, "--by", admin_user.username, "--reason", "phone lost")
    assert not TOTPDevice.objects.filter(user=data_manager).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_RESET)
    assert (event.user, event.actor, event.detail) == (data_manager, admin_user, "phone lost")


def test_the_device_pages_of_django_otp_are_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404

