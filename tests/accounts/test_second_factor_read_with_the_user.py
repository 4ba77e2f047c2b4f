"""The session's second factor is checked against the authenticators read with the user (blinatrial.auth,
TrialOTPMiddleware): no query of its own, and django-otp's rules unchanged. A session is verified only by a
confirmed device of its own user; a device removed or unconfirmed since, or another user's, unverifies it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from blinatrial import access
from tests.factories.enrollment import UserFactory, give_authenticator
from tests.login import authenticator_of

pytestmark = pytest.mark.django_db

PAGE = reverse("endpoints:dashboard")


def _code_page(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("two-factor-verify"))


def test_a_verified_session_is_verified_by_its_authenticator_without_a_query_of_its_own(
    investigator_client, investigator
):
    investigator_client.get(reverse("participant-count"))  # the idle timer's first stamp
    with CaptureQueriesContext(connection) as queries:
        response = investigator_client.get(reverse("participant-count"))

    assert response.status_code == 200
    user = response.wsgi_request.user
    assert user.is_verified() and user.otp_device.pk == authenticator_of(investigator).pk
    assert user.otp_device.user_id == investigator.pk and user.otp_device.key == authenticator_of(investigator).key
    # session, the user (roles, sites, authenticators in one statement), the COUNT
    assert len(queries) == 3, [q["sql"][:80] for q in queries.captured_queries]
    assert not any(q["sql"].startswith('SELECT "otp_totp') for q in queries.captured_queries)


def test_an_authenticator_removed_since_unverifies_the_session(investigator_client, investigator):
    assert investigator_client.get(PAGE).status_code == 200
    authenticator_of(investigator).delete()

    assert _code_page(investigator_client.get(PAGE))
    assert DEVICE_ID_SESSION_KEY not in investigator_client.session


def test_an_authenticator_unconfirmed_since_unverifies_the_session(investigator_client, investigator):
    device = authenticator_of(investigator)
    device.confirmed = False
    device.save()

    assert _code_page(investigator_client.get(PAGE))


def test_a_session_naming_another_users_authenticator_is_not_verified(client, investigator, site_a):
    other = UserFactory(username="inv_other", role=access.INVESTIGATOR, sites=[site_a])
    client.force_login(investigator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = give_authenticator(other).persistent_id
    session.save()

    assert _code_page(client.get(PAGE))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_session_naming_no_such_authenticator_is_not_verified(client, investigator):
    client.force_login(investigator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/987654"
    session.save()

    assert _code_page(client.get(PAGE))


def test_a_session_verified_by_a_recovery_code_stays_verified(client, investigator):
    codes = StaticDevice.objects.create(user=investigator, name="recovery codes", confirmed=True)
    client.force_login(investigator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = codes.persistent_id
    session.save()

    response = client.get(PAGE)

    assert response.status_code == 200
    assert response.wsgi_request.user.otp_device == codes
