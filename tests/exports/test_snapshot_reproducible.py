"""Two snapshots of unchanged data hold byte-identical files (CSV, ODM ...); only the manifest's timestamps differ."""

import json

import pghistory
import pytest

from exports.models import SnapshotStatus
from tests.exports.conftest import build, open_zip

pytestmark = pytest.mark.django_db


def contents(snapshot) -> dict[str, bytes]:
    archive = open_zip(snapshot)
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_unchanged_data_gives_identical_csv_files(trial, data_manager):
    first, second = build(data_manager), build(data_manager)
    assert first.status == second.status == SnapshotStatus.DONE
    one, two = contents(first), contents(second)
    assert one.keys() == two.keys()
    for name in one.keys() - {"manifest.json"}:
        assert one[name] == two[name], name
    manifest_one, manifest_two = json.loads(one["manifest.json"]), json.loads(two["manifest.json"])
    assert manifest_one["created_at"] != manifest_two["created_at"]
    del manifest_one["created_at"], manifest_two["created_at"]
    assert manifest_one == manifest_two
    # The zip entries themselves carry no build time either.
    assert {i.date_time for i in open_zip(first).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_change_shows_in_the_changed_file_only(trial, data_manager, coordinator):
    before = contents(build(data_manager))
    participant = trial["b1"]
    with pghistory.context(user=coordinator.pk, reason="Typo"):
        participant.weight_kg = 71
        participant.row_version += 1
        participant.save()
    after = contents(build(data_manager))
    changed = {name for name in before if before[name] != after[name]}
    # odm.xml holds the weight and its audit record, and its creation time is the time of the last change.
    assert changed == {"participants.csv", "audit_trail.csv", "odm.xml", "manifest.json"}
