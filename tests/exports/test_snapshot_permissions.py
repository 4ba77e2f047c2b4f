"""Data managers export every site, monitors their own sites only, coordinators and investigators nothing."""

import csv
import io

import pytest
from django.urls import reverse

from exports import services
from exports.models import Snapshot, SnapshotStatus
from tests.exports.conftest import build, open_zip
from tests.factories.enrollment import UserFactory

pytestmark = pytest.mark.django_db

# Which column of each file holds the site code (every file of a site-limited snapshot is checked).
SITE_COLUMNS = ("site", "SITEID")


def urls(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("exports:snapshot-list")),
        ("get", reverse("exports:snapshot-create")),
        ("post", reverse("exports:snapshot-create")),
        ("get", reverse("exports:snapshot-detail", args=[pk])),
        ("get", reverse("exports:snapshot-status", args=[pk])),
        ("get", reverse("exports:snapshot-download", args=[pk])),
    ]


@pytest.mark.parametrize("role_client", ["coordinator_client", "investigator_client"])
def test_coordinators_and_investigators_get_403_everywhere(request, role_client, trial, data_manager):
    client = request.getfixturevalue(role_client)
    snapshot = build(data_manager)
    for method, url in urls(snapshot.pk):
        response = getattr(client, method)(url, {"cutoff": "2026-06-30"} if method == "post" else None)
        assert response.status_code == 403, f"{method} {url}"
    assert Snapshot.objects.count() == 1


def test_a_monitors_snapshot_holds_only_their_sites_rows(trial, monitor):
    snapshot = build(monitor)
    assert snapshot.sites == ["01"]
    archive = open_zip(snapshot)
    participant_ids_seen = set()
    for name in archive.namelist():
        if not name.endswith(".csv") or name in ("data_dictionary.csv", "data_dictionary_codes.csv", "sdtm/define.csv"):
            continue
        reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
        column = next((c for c in SITE_COLUMNS if c in reader.fieldnames), None)
        if column is None:  # an SDTM domain: only DM names the site, the others the participant
            assert name.startswith("sdtm/") and "USUBJID" in reader.fieldnames, f"{name} has no site column"
        for row in reader:
            if column is not None:
                assert row[column] == "01", f"{name}: {row}"
            participant_ids_seen.add(row.get("participant_id") or row.get("USUBJID"))
    own = {trial["a1"].participant_id, trial["a2"].participant_id}
    other = trial["b1"].participant_id
    assert participant_ids_seen - {"", None} == own
    assert other.encode() not in b"".join(archive.read(n) for n in archive.namelist())


def test_a_monitor_cannot_ask_for_another_site(trial, monitor, monitor_client, site_b):
    page = monitor_client.get(reverse("exports:snapshot-create"))
    assert b'value="01"' in page.content
    assert b'value="02"' not in page.content
    response = monitor_client.post(reverse("exports:snapshot-create"), {"cutoff": "2026-06-30", "sites": ["02"]})
    assert response.status_code == 400
    assert not Snapshot.objects.exists()


def test_a_monitor_sees_and_downloads_only_snapshots_within_their_sites(
    trial, data_manager, monitor, monitor_client, site_b
):
    everything = build(data_manager)
    site_a_only = build(data_manager, sites=["01"])
    site_b_only = build(data_manager, sites=["02"])
    listing = monitor_client.get(reverse("exports:snapshot-list")).content.decode()
    assert reverse("exports:snapshot-detail", args=[site_a_only.pk]) in listing
    for hidden in (everything, site_b_only):
        assert reverse("exports:snapshot-detail", args=[hidden.pk]) not in listing
        for method, url in urls(hidden.pk)[3:]:
            assert getattr(monitor_client, method)(url).status_code == 404, url
    assert monitor_client.get(reverse("exports:snapshot-download", args=[site_a_only.pk])).status_code == 200


def test_a_data_manager_sees_every_snapshot(trial, data_manager, data_manager_client, monitor):
    own = build(monitor)
    assert data_manager_client.get(reverse("exports:snapshot-download", args=[own.pk])).status_code == 200


def test_the_build_refuses_sites_the_creator_may_not_export(trial, monitor):
    forged = Snapshot.objects.create(created_by=monitor, cutoff="2026-06-30", sites=None)
    services.build_snapshot(forged.pk)
    forged.refresh_from_db()
    assert forged.status == SnapshotStatus.FAILED
    assert "may not export" in forged.error
    assert not forged.file_name


def test_the_build_refuses_a_creator_who_lost_the_role(trial, site_a):
    former = UserFactory(username="former_monitor", sites=[site_a])
    snapshot = Snapshot.objects.create(created_by=former, cutoff="2026-06-30", sites=["01"])
    services.build_snapshot(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED
    assert "may no longer export" in snapshot.error
