"""A data manager requests a snapshot in the browser, follows its progress and downloads it (no browser needed)."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from exports import services
from exports.models import Snapshot, SnapshotDownload, SnapshotStatus

pytestmark = pytest.mark.django_db


def status_of(client, snapshot: Snapshot) -> dict:
    response = client.get(reverse("exports:snapshot-status", args=[snapshot.pk]))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    return response.json()


def test_create_follow_progress_and_download(
    trial, data_manager, data_manager_client, django_capture_on_commit_callbacks
):
    page = data_manager_client.get(reverse("exports:snapshot-create"))
    assert page.status_code == 200
    assert b"New CSV snapshot" in page.content

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = data_manager_client.post(reverse("exports:snapshot-create"), {"cutoff": "2026-06-30"})
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:snapshot-detail", args=[snapshot.pk])
    assert (snapshot.created_by, snapshot.cutoff.isoformat(), snapshot.sites) == (data_manager, "2026-06-30", None)

    detail = data_manager_client.get(response["Location"])
    assert detail.status_code == 200
    assert b'data-testid="snapshot-progress"' in detail.content
    assert reverse("exports:snapshot-status", args=[snapshot.pk]).encode() in detail.content
    before = status_of(data_manager_client, snapshot)
    assert (before["status"], before["progress"], before["finished"], before["download_url"]) == (
        SnapshotStatus.QUEUED,
        0,
        False,
        None,
    )

    for callback in queued:  # the queued task runs (inline: no broker in tests)
        callback()
    after = status_of(data_manager_client, snapshot)
    assert (after["status"], after["progress"], after["finished"], after["error"]) == (
        SnapshotStatus.DONE,
        100,
        True,
        "",
    )
    assert after["download_url"] == reverse("exports:snapshot-download", args=[snapshot.pk])

    listing = data_manager_client.get(reverse("exports:snapshot-list"))
    assert listing.status_code == 200
    assert after["download_url"].encode() in listing.content
    assert b"dm" in listing.content

    download = data_manager_client.get(after["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("manifest.json"))
    assert manifest["created_by"] == "dm"
    assert manifest["data_cutoff"] == "2026-06-30"
    detail = data_manager_client.get(reverse("exports:snapshot-detail", args=[snapshot.pk])).content.decode()
    assert 'data-testid="snapshot-downloads"' in detail and "<td>dm</td>" in detail


def test_progress_rises_step_by_step_while_building(trial, data_manager, monkeypatch):
    seen = []
    report = services.ProgressReporter.report

    def spy(self, percent, label):
        seen.append((percent, label))
        report(self, percent, label)

    monkeypatch.setattr(services.ProgressReporter, "report", spy)
    snapshot = Snapshot.objects.create(created_by=data_manager, cutoff="2026-06-30")
    services.build_snapshot(snapshot.pk)

    percents = [p for p, _ in seen]
    assert len(seen) >= 5
    assert percents == sorted(percents)
    assert percents[0] == 0 and percents[-1] < 100
    assert any("audit trail" in label for _, label in seen)
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.progress, snapshot.progress_label) == (SnapshotStatus.DONE, 100, "Done")


def test_generating_and_downloading_are_in_the_audit_trail(
    trial, data_manager, data_manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_manager_client.post(reverse("exports:snapshot-create"), {"cutoff": "2026-06-30"})
    snapshot = Snapshot.objects.get()
    data_manager_client.get(reverse("exports:snapshot-download", args=[snapshot.pk]))
    data_manager_client.get(reverse("exports:snapshot-download", args=[snapshot.pk]))

    events = list(snapshot.events.order_by("pgh_id").values_list("pgh_label", "status", "pgh_context__metadata"))
    assert events[0][:2] == ("insert", SnapshotStatus.QUEUED)
    assert events[0][2]["user"] == data_manager.pk
    assert events[-1][1] == SnapshotStatus.DONE
    assert events[-1][2]["user"] == data_manager.pk
    downloads = SnapshotDownload.objects.filter(snapshot=snapshot)
    assert downloads.count() == 2
    download_events = [
        e for d in downloads for e in d.events.values_list("pgh_label", "user_id", "pgh_context__metadata")
    ]
    assert [(label, user) for label, user, _ in download_events] == [("insert", data_manager.pk)] * 2
    assert all(meta["user"] == data_manager.pk for _, _, meta in download_events)


def test_a_failed_build_shows_its_error_and_offers_no_download(trial, data_manager, data_manager_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "write_contents", broken)
    snapshot = Snapshot.objects.create(created_by=data_manager, cutoff="2026-06-30")
    services.build_snapshot(snapshot.pk)
    state = status_of(data_manager_client, snapshot)
    assert (state["status"], state["finished"], state["download_url"]) == (SnapshotStatus.FAILED, True, None)
    assert "disk full" in state["error"]
    assert data_manager_client.get(reverse("exports:snapshot-download", args=[snapshot.pk])).status_code == 404
    assert not list(services.snapshot_storage().listdir("")[1])  # no half-written file left behind


def test_a_future_cutoff_is_refused_next_to_the_field(data_manager_client):
    response = data_manager_client.post(reverse("exports:snapshot-create"), {"cutoff": "2999-01-01"})
    assert response.status_code == 400
    assert b"cannot be after today" in response.content
    assert not Snapshot.objects.exists()


def test_a_redelivered_task_message_builds_nothing_twice(trial, data_manager):
    snapshot = Snapshot.objects.create(created_by=data_manager, cutoff="2026-06-30")
    assert services.build_snapshot(snapshot.pk) == SnapshotStatus.DONE
    assert services.build_snapshot(snapshot.pk) == "skipped"
