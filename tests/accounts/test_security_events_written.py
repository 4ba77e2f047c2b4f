"""The security event log records sign-ins, failures, lockouts, passwords, roles, sites and snapshot downloads."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from blinatrial import access
from enrollment.models import StaffProfile
from exports.models import SnapshotStatus
from integrity.models import SecurityEvent, SecurityEventKind
from tests.factories.enrollment import UserFactory
from tests.factories.exports import SnapshotFactory

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_a_sign_in_a_failure_and_a_sign_out_are_logged_with_the_address(client, coordinator, password):
    client.post(reverse("login"), {"username": coordinator.username, "password": "nope"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": coordinator.username, "password": password}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")

    events = SecurityEvent.objects.filter(user=coordinator).order_by("id")
    assert [e.kind for e in events][-3:] == ["login_failed", "login", "logout"]
    assert {e.ip_address for e in events.filter(kind__in=["login_failed", "login", "logout"])} == {"10.1.2.3"}


def test_a_failure_with_an_unknown_username_keeps_the_name_typed(client, db):
    client.post(reverse("login"), {"username": "mallory", "password": "x"})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert event.username == "mallory" and event.user is None


def test_a_lockout_is_logged(client, coordinator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": coordinator.username, "password": "wrong-password"})
    assert SecurityEventKind.LOCKED_OUT in kinds_of(coordinator)


def test_a_password_change_is_logged(coordinator_client, coordinator, password):
    coordinator_client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "a-new-long-pass-77", "new_password2": "a-new-long-pass-77"},
    )
    assert SecurityEvent.objects.filter(
        user=coordinator, kind=SecurityEventKind.PASSWORD_CHANGED, detail="changed"
    ).exists()


def test_role_site_and_scope_changes_are_logged(site_a, site_b):
    user = UserFactory(username="movable", role=access.COORDINATOR, sites=[site_a])
    user.groups.add(Group.objects.get(name=access.MONITOR))
    user.groups.remove(Group.objects.get(name=access.COORDINATOR))
    site_b.users.add(user)
    user.trial_sites.remove(site_a)
    StaffProfile.objects.create(user=user, all_sites=True)

    details = list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", "detail"))
    assert ("role_added", access.COORDINATOR) in details
    assert ("role_added", access.MONITOR) in details
    assert ("role_removed", access.COORDINATOR) in details
    assert ("site_added", "site 01") in details and ("site_added", "site 02") in details
    assert ("site_removed", "site 01") in details
    assert ("site_scope", "sees every site") in details


def test_a_snapshot_download_is_logged(data_manager_client, data_manager, monkeypatch):
    from exports import services

    snapshot = SnapshotFactory(created_by=data_manager, status=SnapshotStatus.DONE, file_name="x.zip", sha256="ab")
    monkeypatch.setattr(services, "open_snapshot", lambda s: io.BytesIO(b"PK"))
    response = data_manager_client.get(reverse("exports:snapshot-download", args=[snapshot.pk]))
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SNAPSHOT_DOWNLOADED)
    assert event.user == data_manager and f"snapshot {snapshot.pk}" in event.detail
