"""The build on real parts: a Celery worker process on Redis, progress seen by the web side while it runs."""

import io
import json
import time
import zipfile

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from exports import services
from exports.models import Snapshot, SnapshotStatus
from tests.celery_worker import TEST_REDIS_URL, running_worker
from tests.celery_worker import test_database_url as database_url
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    return TEST_REDIS_URL


def poll_until_finished(client, snapshot_id: int, timeout: float) -> list[dict]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(reverse("exports:snapshot-status", args=[snapshot_id])).json()
        seen.append(state)
        if state["finished"]:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"snapshot {snapshot_id} not finished after {timeout} s: {seen[-1]}")


def test_a_worker_builds_the_requested_snapshot(live_broker, site_a, data_manager, data_manager_client, export_root):
    ParticipantFactory.create_batch(3, screening__site=site_a)
    with running_worker(extra_env={"BLINATRIAL_EXPORT_ROOT": str(export_root)}):
        response = data_manager_client.post(reverse("exports:snapshot-create"), {"cutoff": "2026-06-30"})
        assert response.status_code == 302
        snapshot_id = Snapshot.objects.get().pk
        states = poll_until_finished(data_manager_client, snapshot_id, timeout=60)
    final = states[-1]
    assert (final["status"], final["progress"], final["error"]) == (SnapshotStatus.DONE, 100, "")
    assert [s["progress"] for s in states] == sorted(s["progress"] for s in states)
    download = data_manager_client.get(final["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert {f["name"]: f["rows"] for f in manifest["files"]}["participants.csv"] == 3
    assert manifest["created_by"] == data_manager.username


def test_progress_is_visible_to_other_connections_during_the_build(site_a, data_manager, monkeypatch):
    """The build reads in one long REPEATABLE READ transaction; its progress must not wait for it to end."""
    ParticipantFactory(screening__site=site_a)
    snapshot = Snapshot.objects.create(created_by=data_manager, cutoff="2026-06-30")
    seen_from_outside = []
    derive = services.analysis.analysis_datasets

    def look_from_another_connection(*args, **kwargs):
        assert connection.in_atomic_block  # we are inside the build's reading transaction
        with psycopg.connect(database_url()) as other:
            row = other.execute(
                "SELECT status, progress, progress_label FROM exports_snapshot WHERE id = %s", [snapshot.pk]
            ).fetchone()
        seen_from_outside.append(row)
        return derive(*args, **kwargs)

    monkeypatch.setattr(services.analysis, "analysis_datasets", look_from_another_connection)
    assert services.build_snapshot(snapshot.pk) == SnapshotStatus.DONE
    [(status, progress, label)] = seen_from_outside
    assert status == SnapshotStatus.RUNNING
    assert 0 < progress < 100
    assert label == "Deriving the analysis datasets"
