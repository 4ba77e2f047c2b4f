"""`manage.py export_snapshot`: the same snapshot from the command line, for scheduled exports."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from exports.models import Snapshot, SnapshotStatus

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export_snapshot", *args, stdout=out)
    return out.getvalue()


def test_the_command_builds_a_listed_snapshot_and_copies_it(trial, tmp_path):
    target = tmp_path / "weekly.zip"
    output = run("--cutoff", "2026-06-30", "--output", str(target))
    snapshot = Snapshot.objects.get()
    assert snapshot.status == SnapshotStatus.DONE
    assert snapshot.created_by is None
    assert f"snapshot {snapshot.pk}" in output and snapshot.sha256 in output
    manifest = json.loads(zipfile.ZipFile(target).read("manifest.json"))
    assert (manifest["created_by"], manifest["data_cutoff"], manifest["filters"]["sites"]) == (
        "command line",
        "2026-06-30",
        "all",
    )
    event = snapshot.events.order_by("pgh_id").first()
    assert event.pgh_context.metadata["command"] == "export_snapshot"


def test_without_a_cutoff_the_command_uses_today(trial):
    run()
    assert Snapshot.objects.get().cutoff == timezone.localdate()


def test_as_a_monitor_the_command_exports_their_sites_only(trial, monitor, tmp_path):
    target = tmp_path / "monitor.zip"
    run("--user", monitor.username, "--output", str(target))
    snapshot = Snapshot.objects.get()
    assert (snapshot.created_by, snapshot.sites) == (monitor, ["01"])
    participants = zipfile.ZipFile(target).read("participants.csv").decode("utf-8")
    assert {row["site"] for row in csv.DictReader(io.StringIO(participants))} == {"01"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cutoff", "30/06/2026"], "YYYY-MM-DD"),
        (["--cutoff", "2999-01-01"], "cannot be after today"),
        (["--sites", "77"], "Unknown site"),
        (["--user", "nobody"], "No user"),
        (["--user", "coord_a"], "may not export"),
        (["--user", "mon_a", "--sites", "02"], "own sites"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_built(trial, monitor, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Snapshot.objects.exists()


def test_an_existing_output_file_is_never_overwritten(trial, tmp_path):
    target = tmp_path / "kept.zip"
    target.write_bytes(b"precious")
    with pytest.raises(CommandError, match="never overwritten"):
        run("--output", str(target))
    assert target.read_bytes() == b"precious"
