"""Every signed-in user makes, lists and revokes their own API tokens; the key is shown once."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.factories.api import make_token

pytestmark = pytest.mark.django_db


def test_a_user_makes_a_token_and_sees_its_key_once(monitor_client, monitor):
    response = monitor_client.post(reverse("api-token-create"), {"name": "monitoring report", "days": "30"})
    assert response.status_code == 302
    page = monitor_client.get(reverse("api-token-list")).content.decode()
    token = ApiToken.objects.get(user=monitor)
    assert 'data-testid="new-token-key"' in page
    shown = page.split('data-testid="new-token-key">')[1].split("<")[0]
    assert shown.startswith(token.prefix)
    again = monitor_client.get(reverse("api-token-list")).content.decode()
    assert shown not in again and token.prefix in again  # the key once; afterwards only its prefix


@pytest.mark.parametrize(("data", "field"), [({"name": "", "days": "30"}, "name"),
                                             ({"name": "x", "days": "366"}, "days"),
                                             ({"name": "x", "days": "0"}, "days"),
                                             ({"name": "x", "days": "soon"}, "days")])
def test_bad_input_is_refused_with_a_message_and_makes_nothing(coordinator_client, data, field):
    response = coordinator_client.post(reverse("api-token-create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_the_user_s_own_tokens(coordinator_client, coordinator, monitor):
    make_token(coordinator, name="mine")
    make_token(monitor, name="someone else's")
    page = coordinator_client.get(reverse("api-token-list")).content.decode()
    assert "mine" in page and "someone else" not in page


def test_a_user_revokes_their_token(coordinator_client, coordinator):
    token, _key = make_token(coordinator)
    response = coordinator_client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == coordinator


def test_another_user_s_token_cannot_be_revoked(coordinator_client, monitor):
    token, _key = make_token(monitor)
    assert coordinator_client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_account_menu_links_the_token_page(coordinator_client):
    assert reverse("api-token-list") in coordinator_client.get(reverse("home")).content.decode()
