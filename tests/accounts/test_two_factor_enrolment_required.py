"""Investigators and data managers without an authenticator are sent to enrolment before any page; the other roles
may enrol from their Security page."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from blinatrial import access
from integrity.models import SecurityEvent, SecurityEventKind
from tests.factories.enrollment import UserFactory
from tests.login import code_for_device

pytestmark = pytest.mark.django_db

PAGES = ("home", "enrollment:participant-list", "endpoints:dashboard", "integrity:query-list", "password_change")


@pytest.mark.parametrize("role", [access.INVESTIGATOR, access.DATA_MANAGER])
def test_a_signer_without_an_authenticator_is_sent_to_enrolment_before_any_page(client, site_a, role):
    client.force_login(UserFactory(username="new_signer", role=role, sites=[site_a], two_factor=False))

    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("two-factor-enrol") + "?next="), name
    page = client.get(reverse("two-factor-enrol"))
    assert page.status_code == 200 and b'data-testid="two-factor-required"' in page.content
    assert client.get(reverse("health")).status_code in (200, 503)
    assert client.post(reverse("logout")).status_code == 302


def test_enrolment_confirms_the_authenticator_issues_recovery_codes_and_opens_the_app(client, site_a):
    user = UserFactory(username="new_inv", role=access.INVESTIGATOR, sites=[site_a], two_factor=False)
    client.force_login(user)
    page = client.get(reverse("two-factor-enrol") + "?next=/endpoints/")
    assert page.content.count(b"data:image/svg+xml") == 1  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post(reverse("two-factor-enrol"), {"code": "123456"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    done = client.post(reverse("two-factor-enrol") + "?next=/endpoints/", {"code": code_for_device(device)})
    assert done.status_code == 302 and done["Location"] == reverse("recovery-codes")
    shown = client.get(reverse("recovery-codes"))
    assert b'data-testid="recovery-codes"' in shown.content and b'href="/endpoints/"' in shown.content
    assert client.get(reverse("recovery-codes")).status_code == 302  # shown once
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get(reverse("endpoints:dashboard")).status_code == 200
    kinds = list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert SecurityEventKind.TWO_FACTOR_ENROLLED in kinds and SecurityEventKind.TWO_FACTOR_FAILED in kinds


@pytest.mark.parametrize("role", [access.COORDINATOR, access.MONITOR])
def test_the_other_roles_are_not_asked_and_may_enrol_from_the_security_page(client, site_a, role):
    user = UserFactory(username="opt", role=role, sites=[site_a])
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    security = client.get(reverse("account-security"))
    assert security.status_code == 200 and reverse("two-factor-enrol").encode() in security.content
    device = TOTPDevice.objects.get(user=user) if client.get(reverse("two-factor-enrol")).status_code == 200 else None
    client.post(reverse("two-factor-enrol"), {"code": code_for_device(device)})
    assert TOTPDevice.objects.get(user=user).confirmed
    assert b"On: an authenticator app" in client.get(reverse("account-security")).content
