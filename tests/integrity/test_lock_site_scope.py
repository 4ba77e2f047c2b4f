"""Locks go through the site scope: a data manager of one site neither sees nor ends another site's locks, only a
data manager who sees every site freezes the study (or ends a freeze), and the audit filter names only the users
who share a site with the viewer."""

import pytest
from django.test import Client
from django.urls import reverse

from blinatrial import access
from integrity import locking
from integrity.models import Lock, LockScope
from tests.factories.enrollment import UserFactory
from tests.login import force_verified_login


@pytest.fixture
def site_a_data_manager(site_a):
    return UserFactory(username="dm_a", role=access.DATA_MANAGER, sites=[site_a])


@pytest.fixture
def site_a_dm_client(site_a_data_manager):
    client = Client()
    force_verified_login(client, site_a_data_manager)
    return client


@pytest.fixture
def lock_b(participant_b, data_manager):
    return locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant_b, reason="SDV")


def test_a_site_01_data_manager_gets_404_for_a_site_02_lock(site_a_dm_client, lock_b):
    url = reverse("integrity:lock-unlock", args=[lock_b.pk])

    assert site_a_dm_client.get(url).status_code == 404
    assert site_a_dm_client.post(url, {"reason": "Ended from another site"}).status_code == 404
    lock_b.refresh_from_db()
    assert lock_b.active


def test_the_lock_list_of_a_site_01_data_manager_shows_its_sites_locks_and_the_freeze_only(
    site_a_dm_client, lock_b, participant, data_manager
):
    own = locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant)
    freeze = locking.lock(user=data_manager, scope=LockScope.STUDY, reason="Interim analysis")

    response = site_a_dm_client.get(reverse("integrity:lock-list"))

    assert response.status_code == 200
    assert {lock.pk for lock in response.context["locks"]} == {own.pk, freeze.pk}
    assert str(participant.participant_id) in response.content.decode()
    assert reverse("integrity:lock-unlock", args=[own.pk]) in response.content.decode()
    assert reverse("integrity:lock-unlock", args=[freeze.pk]) not in response.content.decode()


def test_a_site_01_data_manager_gets_403_for_a_study_freeze(site_a_dm_client):
    response = site_a_dm_client.post(
        reverse("integrity:lock-create"), {"scope": "study", "reason": "Freeze", "confirm_freeze": "on"}
    )

    assert response.status_code == 403
    assert not Lock.objects.exists()


def test_a_site_01_data_manager_gets_403_for_ending_a_study_freeze(site_a_dm_client, data_manager):
    freeze = locking.lock(user=data_manager, scope=LockScope.STUDY, reason="Final analysis")

    response = site_a_dm_client.post(reverse("integrity:lock-unlock", args=[freeze.pk]), {"reason": "Reopen"})

    assert response.status_code == 403
    freeze.refresh_from_db()
    assert freeze.active


def test_a_site_01_data_manager_cannot_lock_a_site_02_participant(site_a_dm_client, participant_b):
    response = site_a_dm_client.post(
        reverse("integrity:lock-create"), {"scope": "participant", "participant": participant_b.pk, "reason": "x"}
    )

    assert response.status_code == 400
    assert "participant" in response.context["form"].errors
    assert not Lock.objects.exists()


def test_a_data_manager_of_every_site_freezes_the_study_and_ends_a_site_02_lock(data_manager_client, lock_b):
    freeze = data_manager_client.post(
        reverse("integrity:lock-create"), {"scope": "study", "reason": "Final", "confirm_freeze": "on"}
    )
    unlock = data_manager_client.post(reverse("integrity:lock-unlock", args=[lock_b.pk]), {"reason": "Query answer"})

    assert (freeze.status_code, unlock.status_code) == (302, 302)
    assert Lock.objects.filter(scope=LockScope.STUDY, unlocked_at__isnull=True).count() == 1
    lock_b.refresh_from_db()
    assert not lock_b.active


def _user_choices(client) -> set[str]:
    response = client.get(reverse("integrity:audit-list"))
    assert response.status_code == 200
    return {user.username for user in response.context["form"].fields["user"].queryset}


def test_the_audit_filter_lists_only_users_sharing_a_site_with_the_viewer(
    site_a_dm_client, site_a_data_manager, coordinator, coordinator_b, monitor, data_manager, monitor_client
):
    assert _user_choices(site_a_dm_client) == {"dm_a", "coord_a", "mon_a", "dm"}
    assert _user_choices(monitor_client) == {"dm_a", "coord_a", "mon_a", "dm"}


def test_the_audit_filter_lists_every_user_for_a_viewer_of_every_site(
    data_manager_client, coordinator, coordinator_b, monitor
):
    assert _user_choices(data_manager_client) >= {"coord_a", "coord_b", "mon_a", "dm"}
