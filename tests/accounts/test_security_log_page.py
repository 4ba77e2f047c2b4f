"""Data managers read the security log of their sites' accounts, page by page; no other role reaches it."""

import pytest
from django.urls import reverse

from blinatrial import access
from integrity.account_views import LOG_PAGE_ROWS
from integrity.models import SecurityEventKind
from integrity.security_log import record_security_event
from tests.factories.enrollment import UserFactory
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db
URL = reverse("integrity:security-log")


def test_the_menu_of_a_data_manager_links_the_log(data_manager_client):
    assert URL.encode() in data_manager_client.get(reverse("home")).content


@pytest.mark.parametrize("who", ["coordinator_client", "investigator_client", "monitor_client"])
def test_other_roles_are_refused(request, who):
    assert request.getfixturevalue(who).get(URL).status_code == 403


def test_the_log_is_paginated_and_filtered_by_event(data_manager_client, coordinator):
    for _ in range(LOG_PAGE_ROWS + 5):
        record_security_event(SecurityEventKind.LOGIN_FAILED, user=coordinator)
    first = data_manager_client.get(URL, {"kind": "login_failed"})
    assert first.content.count(b'data-testid="security-event"') == LOG_PAGE_ROWS
    second = data_manager_client.get(URL, {"kind": "login_failed", "page": 2})
    assert second.content.count(b'data-testid="security-event"') == 5
    assert data_manager_client.get(URL, {"kind": "nonsense"}).status_code == 400


def test_a_data_manager_of_one_site_sees_the_accounts_of_that_site_only(client, site_a, site_b, coordinator):
    other = UserFactory(username="coord_far", role=access.COORDINATOR, sites=[site_b])
    record_security_event(SecurityEventKind.LOGIN, user=coordinator, detail="near")
    record_security_event(SecurityEventKind.LOGIN, user=other, detail="far")
    record_security_event(SecurityEventKind.LOGIN_FAILED, username="mallory", detail="unknown")
    force_verified_login(client, UserFactory(username="dm_a", role=access.DATA_MANAGER, sites=[site_a]))

    page = client.get(URL, {"kind": "login"}).content.decode()
    assert "near" in page and "far" not in page
    assert "mallory" not in client.get(URL).content.decode()
