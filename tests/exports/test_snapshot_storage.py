"""Snapshot files live in the storage the settings name (a local folder by default) and are never changed."""

import datetime
import io
import json
import stat
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from exports import services
from exports.models import Snapshot, SnapshotStatus
from exports.storage import SnapshotFileStorage, snapshot_storage
from tests.exports.conftest import build

pytestmark = pytest.mark.django_db


def test_by_default_a_read_only_file_in_the_export_folder(trial, data_manager, export_root):
    snapshot = build(data_manager)
    path = export_root / snapshot.file_name
    assert isinstance(snapshot_storage(), SnapshotFileStorage)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert [p.name for p in export_root.iterdir()] == [snapshot.file_name]  # no temporary file left


def test_a_stored_file_is_never_overwritten_renamed_or_deleted(export_root):
    storage = SnapshotFileStorage()
    storage.save("a.zip", ContentFile(b"first"))
    with pytest.raises(FileExistsError):
        storage.save("a.zip", ContentFile(b"second"))
    with pytest.raises(PermissionError):
        storage.delete("a.zip")
    assert (export_root / "a.zip").read_bytes() == b"first"
    assert sorted(p.name for p in export_root.iterdir()) == ["a.zip"]


def test_a_build_refuses_to_replace_an_existing_file(trial, data_manager, export_root):
    snapshot = Snapshot.objects.create(created_by=data_manager, cutoff=datetime.date(2026, 6, 30))
    export_root.mkdir(parents=True)
    squatter = export_root / services.snapshot_file_name(snapshot)
    squatter.write_bytes(b"older file")
    services.build_snapshot(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED
    assert "never overwritten" in snapshot.error
    assert squatter.read_bytes() == b"older file"


def test_a_storage_configured_in_settings_is_used(trial, data_manager, data_manager_client, settings, export_root):
    settings.STORAGES = {**settings.STORAGES, "exports": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    snapshot = build(data_manager)
    assert snapshot.status == SnapshotStatus.DONE, snapshot.error
    assert not export_root.exists()
    assert snapshot_storage().exists(snapshot.file_name)
    response = data_manager_client.get(reverse("exports:snapshot-download", args=[snapshot.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("manifest.json"))["created_by"] == "dm"


def test_a_missing_file_is_a_404_and_no_download_is_recorded(trial, data_manager, data_manager_client, export_root):
    snapshot = build(data_manager)
    path = export_root / snapshot.file_name
    path.chmod(0o644)
    path.unlink()
    response = data_manager_client.get(reverse("exports:snapshot-download", args=[snapshot.pk]))
    assert response.status_code == 404
    assert not snapshot.downloads.exists()
