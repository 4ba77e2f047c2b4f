"""The snapshot list: who made each snapshot and when, a bounded number of queries, stalled builds marked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import Snapshot, SnapshotStatus
from tests.dates import read_utc
from tests.factories.exports import SnapshotFactory

pytestmark = pytest.mark.django_db


def make(n: int, user) -> None:
    for i in range(n):
        SnapshotFactory(created_by=user, status=SnapshotStatus.DONE, file_name=f"s{i}.zip", size_bytes=1, sha256="ab")


@pytest.mark.parametrize("count", [2, 25])
def test_the_list_runs_a_constant_number_of_queries(
    count, data_manager, data_manager_client, monitor, django_assert_max_num_queries
):
    make(count, monitor)
    # 10: one of them looks up the session's second-factor device (django-otp), so a reset takes effect at once
    with django_assert_max_num_queries(10):
        response = data_manager_client.get(reverse("exports:snapshot-list"))
    assert response.status_code == 200
    assert response.content.count(b'data-testid="snapshot-row"') == count
    assert response.content.count(b"mon_a") == count


def test_the_list_shows_who_when_and_offers_downloads(data_manager, data_manager_client):
    snapshot = SnapshotFactory(created_by=data_manager, status=SnapshotStatus.DONE, file_name="x.zip", sha256="ab" * 32)
    SnapshotFactory(created_by=None, status=SnapshotStatus.RUNNING)
    page = data_manager_client.get(reverse("exports:snapshot-list")).content.decode()
    assert "CSV snapshots" in page and 'data-testid="snapshot-table"' in page
    assert read_utc(snapshot.created_at) in page
    assert "command line" in page
    assert page.count(reverse("exports:snapshot-download", args=[snapshot.pk])) == 1
    assert page.count("/download/") == 1  # nothing to download for the running one


def test_a_build_past_the_time_limit_is_marked_failed(data_manager, data_manager_client):
    stalled = SnapshotFactory(created_by=data_manager, status=SnapshotStatus.RUNNING)
    Snapshot.objects.filter(pk=stalled.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    running = SnapshotFactory(created_by=data_manager, status=SnapshotStatus.RUNNING, started_at=timezone.now())
    state = data_manager_client.get(reverse("exports:snapshot-status", args=[stalled.pk])).json()
    assert (state["status"], state["finished"]) == (SnapshotStatus.FAILED, True)
    assert "make a new snapshot" in state["error"]
    running.refresh_from_db()
    assert running.status == SnapshotStatus.RUNNING
