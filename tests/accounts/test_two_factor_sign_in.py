"""Sign-in with a second factor: the password alone signs no one in; the code (or a recovery code, once) does."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from blinatrial import access
from integrity import two_factor
from tests.factories.enrollment import UserFactory, give_authenticator
from tests.login import current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator_with_app(site_a):
    return UserFactory(username="inv_2fa", role=access.INVESTIGATOR, sites=[site_a])


def _password(client, user, password, next_url=""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_the_password_alone_signs_in_nobody_when_the_user_has_an_authenticator(client, investigator_with_app, password):
    response = _password(client, investigator_with_app, password)

    assert response.status_code == 302 and response["Location"] == reverse("two-factor-verify")
    assert SESSION_KEY not in client.session
    home = client.get(reverse("enrollment:participant-list"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("login"))


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(client, investigator_with_app, password):
    target = reverse("enrollment:participant-list")
    _password(client, investigator_with_app, password, next_url=target)

    wrong = client.post(reverse("two-factor-verify"), {"code": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert SESSION_KEY not in client.session

    right = client.post(reverse("two-factor-verify"), {"code": current_code(investigator_with_app)})
    assert right.status_code == 302 and right["Location"] == target
    assert client.session[SESSION_KEY] == str(investigator_with_app.pk)
    assert DEVICE_ID_SESSION_KEY in client.session
    assert client.get(target).status_code == 200


def test_a_recovery_code_signs_in_once(client, investigator_with_app, password, rf):
    request = rf.get("/")
    request.session = client.session
    codes = two_factor.new_recovery_codes(request=request, user=investigator_with_app)

    _password(client, investigator_with_app, password)
    assert client.post(reverse("two-factor-verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    _password(client, investigator_with_app, password)
    again = client.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert again.status_code == 200 and SESSION_KEY not in client.session


def test_a_session_signed_in_another_way_gets_only_the_code_page(client, investigator_with_app):
    client.force_login(investigator_with_app)  # e.g. the admin's login page: a password, no code

    for url in (reverse("home"), reverse("endpoints:dashboard"), reverse("account-security")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-verify")), url
    assert client.get(reverse("two-factor-verify")).status_code == 200
    code = current_code(investigator_with_app)
    response = client.post(reverse("two-factor-verify") + "?next=/endpoints/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/endpoints/"
    assert client.get(reverse("home")).status_code == 200


def test_a_pending_sign_in_lapses(client, investigator_with_app, password, settings):
    settings.TWO_FACTOR_PENDING_SECONDS = -1
    _password(client, investigator_with_app, password)
    response = client.post(reverse("two-factor-verify"), {"code": current_code(investigator_with_app)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_a_coordinator_without_an_authenticator_signs_in_with_the_password(client, coordinator, password):
    assert _password(client, coordinator, password).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_coordinator_who_enrolled_is_asked_for_the_code_at_the_next_sign_in(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("home")).status_code == 200  # no authenticator: free to go on (noted in the session)
    give_authenticator(coordinator)
    client.force_login(coordinator)  # a new sign-in: the note of the first one no longer applies
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-verify"))
