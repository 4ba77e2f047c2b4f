"""The zip holds every file, and each file's SHA-256 and row count match the manifest (checked independently)."""

import csv
import datetime
import hashlib
import io
import json
import subprocess

import pandas as pd
import pghistory
import pytest
from django.conf import settings

from endpoints.calculations import CALC_VERSION
from enrollment.models import Consent, Participant, ScreeningRecord
from exports.datasets import clinical_models
from exports.models import SnapshotStatus
from integrity.models import current_data_version
from integrity.services import soft_delete_record
from tests.exports.conftest import build, open_zip

pytestmark = pytest.mark.django_db

FIXED_FILES = {
    "adsl.csv",
    "adrs.csv",
    "adtte.csv",
    "adae.csv",
    "audit_trail.csv",
    "security_events.csv",
    "data_dictionary.csv",
    "data_dictionary_codes.csv",
    "manifest.json",
    "odm.xml",
}
# The forms of the issue, by model; a model another app has not written yet is simply not there.
ISSUE_FORMS = {
    "enrollment.ScreeningRecord": "screening_records.csv",
    "enrollment.Consent": "consents.csv",
    "enrollment.Participant": "participants.csv",
    "cycles.Cycle": "cycles.csv",
    "cycles.Administration": "administrations.csv",
    "cycles.BlinatumomabSegment": "blinatumomab_segments.csv",
    "cycles.Transplant": "transplants.csv",
    "assessments.BoneMarrowAssessment": "bone_marrow_assessments.csv",
    "assessments.BloodCount": "blood_counts.csv",
    "assessments.ExtramedullaryDisease": "extramedullary_disease_assessments.csv",
    "assessments.FlowMrd": "flow_mrd_results.csv",
    "assessments.NgsMrd": "ngs_mrd_results.csv",
    "assessments.ResponseCall": "response_calls.csv",
    "assessments.FollowUpContact": "follow_up_contacts.csv",
}


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def pandas_rows(data: bytes) -> int:
    """The number of data rows pandas reads (its own C parser, every column as text)."""
    return len(pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False))


CR_REASON = "\rCR cmd"


def test_the_zip_holds_one_file_per_form_and_the_fixed_files(trial, data_manager):
    snapshot = build(data_manager)
    names = set(open_zip(snapshot).namelist())
    labels = {m._meta.label for m in clinical_models()}
    assert labels >= set(ISSUE_FORMS)
    form_names = {name for name in names - FIXED_FILES if "/" not in name}  # folders hold the other formats
    assert names >= FIXED_FILES
    assert len(form_names) == len(labels)
    assert set(ISSUE_FORMS.values()) <= form_names


def test_every_file_matches_its_sha256_and_row_count(trial, data_manager):
    snapshot = build(data_manager)
    archive = open_zip(snapshot)
    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for name, entry in listed.items():
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data) == entry["bytes"], name
        if not name.endswith(".csv"):  # XML, JSON and binary files: their rows are checked by their own tests
            continue
        rows = csv_rows(data)
        assert len(rows) - 1 == entry["rows"], name
        assert all(len(row) == len(rows[0]) for row in rows), name
    with open(settings.EXPORT_ROOT / snapshot.file_name, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == snapshot.sha256


def test_row_counts_equal_the_live_records_in_the_database(trial, data_manager, coordinator):
    soft_delete_record(Consent.objects.filter(obtained_by="Zoë 李").get(), user=coordinator, reason="Duplicate")
    manifest = json.loads(open_zip(build(data_manager)).read("manifest.json"))
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    assert rows["screening_records.csv"] == ScreeningRecord.objects.count() == 4
    assert rows["participants.csv"] == Participant.objects.count() == 3
    assert rows["consents.csv"] == Consent.objects.filter(is_deleted=False).count() == 3
    assert rows["adsl.csv"] == 3


def test_the_manifest_says_who_when_what_and_with_which_versions(trial, data_manager, monitor):
    snapshot = build(data_manager, cutoff=datetime.date(2026, 6, 30))
    assert snapshot.status == SnapshotStatus.DONE
    manifest = json.loads(open_zip(snapshot).read("manifest.json"))
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    assert manifest["created_at"].endswith("Z")
    assert created == snapshot.created_at
    assert manifest["created_by"] == "dm"
    assert manifest["data_cutoff"] == "2026-06-30"
    assert manifest["data_version"] == current_data_version() == snapshot.data_version
    assert manifest["calc_version"] == CALC_VERSION == snapshot.calc_version
    revision = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert manifest["software_version"] == revision == snapshot.software_version
    assert manifest["filters"] == {"sites": "all", "records": "live"}

    own = build(monitor)
    assert json.loads(open_zip(own).read("manifest.json"))["filters"] == {"sites": ["01"], "records": "live"}


def test_a_reason_with_a_bare_carriage_return_round_trips_with_equal_row_counts(trial, data_manager, coordinator):
    a1 = trial["a1"]
    with pghistory.context(user=coordinator.pk, reason=CR_REASON):
        a1.weight_kg = a1.weight_kg + 1
        a1.row_version += 1
        a1.save()
    with pghistory.context(user=coordinator.pk, reason="Transcription error"):
        # Hostile text in a form file too (written by PostgreSQL's COPY): CR, LF, CRLF, comma and quote.
        Consent.objects.filter(obtained_by="Zoë 李").update(obtained_by='Dr "A"\rB,\nC\r\nD')

    archive = open_zip(build(data_manager))
    manifest = json.loads(archive.read("manifest.json"))

    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        if not entry["name"].endswith(".csv"):
            continue
        rows = csv_rows(data)
        assert len(rows) - 1 == entry["rows"] == pandas_rows(data), entry["name"]
        assert all(len(row) == len(rows[0]) for row in rows), entry["name"]
    trail = csv_rows(archive.read("audit_trail.csv"))
    reasons = [row[trail[0].index("reason")] for row in trail[1:]]
    # A leading CR is a spreadsheet formula trigger: the cell carries the export's apostrophe prefix.
    assert "'" + CR_REASON in reasons
    consents = csv_rows(archive.read("consents.csv"))
    assert 'Dr "A"\rB,\nC\r\nD' in [row[consents[0].index("obtained_by")] for row in consents[1:]]
