"""Writes go through the forms' save path: validation and clean() rules, reason and row version for an edit,
locks, roles; each write is in the audit trail with the user and the token's name."""

import pytest
from pghistory.core import event_models

from assessments.models import BloodCount, BoneMarrowAssessment, FlowMrd, NgsMrd
from integrity import audit
from integrity.models import LockScope
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory, MarrowFactory
from tests.factories.integrity import LockFactory

pytestmark = pytest.mark.django_db


def _marrow_body(participant, days_ago, **extra):
    return {"participant_id": participant.participant_id, "timepoint": "EOC1", "sample_date": days_ago(40).isoformat(),
            "aspirate_adequacy": "ADEQUATE", "blasts_pct": 1.5, "cellularity": "NORMO", "sample_id": "BM-1", **extra}


def _events(model):
    return list(event_models(tracks_model=model)[0].objects.order_by("pgh_id").values_list(
        "pgh_label", "pgh_context__metadata"))


def test_a_coordinator_enters_a_marrow_and_the_trail_names_user_and_token(api_as, coordinator, participant, days_ago):
    api = api_as(coordinator, name="lab sync")
    response = api.post("/api/v1/bone_marrow_assessments/", _marrow_body(participant, days_ago))
    assert response.status_code == 201, response.json()
    row = response.json()
    marrow = BoneMarrowAssessment.objects.get()
    assert row["record_id"] == marrow.pk and row["participant_id"] == participant.participant_id
    assert marrow.created_by == coordinator and marrow.blasts_pct == 1.5 and marrow.cycle_number == 1
    [(label, context)] = _events(BoneMarrowAssessment)
    assert (label, context["user"], context["api_token"], context["reason"]) == (
        "insert", coordinator.pk, "lab sync", "Initial entry")
    shown = audit.changes(user=coordinator, record=marrow)
    assert shown and {(c.username, c.api_token) for c in shown} == {("coord_a", "lab sync")}


def test_an_edit_with_reason_and_version_is_saved_and_audited(api_as, coordinator, participant):
    count = BloodCountFactory(participant=participant, platelets_e9_per_l=120)
    api = api_as(coordinator, name="lab sync")
    response = api.patch(f"/api/v1/blood_counts/{count.pk}/", {"platelets_e9_per_l": 95},
                         **{"X-Reason-For-Change": "Transcription error", "If-Match": '"1"'})
    assert response.status_code == 200, response.json()
    assert response.json()["platelets_e9_per_l"] == 95 and response.json()["row_version"] == 2
    count.refresh_from_db()
    assert count.platelets_e9_per_l == 95 and count.updated_by == coordinator
    label, context = _events(BloodCount)[-1]
    assert (label, context["reason"], context["api_token"], context["user"]) == (
        "update", "Transcription error", "lab sync", coordinator.pk)
    [change] = [c for c in audit.changes(user=coordinator, record=count) if c.field == "platelets_e9_per_l"
                and c.action == "update"]
    assert (change.old, change.new, change.reason, change.api_token) == ("120.0", "95.0", "Transcription error",
                                                                         "lab sync")


def test_the_audit_feed_shows_the_api_write_with_user_and_token(api_as, coordinator, participant):
    count = BloodCountFactory(participant=participant)
    api = api_as(coordinator, name="lab sync")
    api.patch(f"/api/v1/blood_counts/{count.pk}/", {"hb_g_per_l": 99, "reason": "Late result", "row_version": 1})
    events = api.get("/api/v1/audit/", {"form": "blood_counts", "page_size": 100}).json()["results"]
    last = events[-1]
    assert (last["action"], last["user"], last["api_token"], last["reason"]) == (
        "update", "coord_a", "lab sync", "Late result")
    assert [(c["field"], c["new"]) for c in last["changes"]] == [("hb_g_per_l", "99.0")]  # a float field


def test_an_edit_without_reason_is_refused_and_changes_nothing(api_as, coordinator, participant):
    count = BloodCountFactory(participant=participant, platelets_e9_per_l=120)
    before = _events(BloodCount)
    response = api_as(coordinator).patch(f"/api/v1/blood_counts/{count.pk}/", {"platelets_e9_per_l": 95,
                                                                                "row_version": 1})
    assert response.status_code == 400
    assert "reason" in response.json()["reason"][0]
    count.refresh_from_db()
    assert count.platelets_e9_per_l == 120 and count.row_version == 1 and _events(BloodCount) == before


def test_an_edit_without_a_version_is_refused(api_as, coordinator, participant):
    count = BloodCountFactory(participant=participant)
    response = api_as(coordinator).patch(f"/api/v1/blood_counts/{count.pk}/", {"hb_g_per_l": 99, "reason": "x"})
    assert response.status_code == 400 and "row_version" in response.json()


def test_a_stale_version_is_a_409_and_changes_nothing(api_as, coordinator, participant):
    count = BloodCountFactory(participant=participant, hb_g_per_l=110, row_version=3)
    response = api_as(coordinator).patch(f"/api/v1/blood_counts/{count.pk}/",
                                         {"hb_g_per_l": 99, "reason": "Late result", "row_version": 2})
    assert response.status_code == 409
    assert response.json()["row_version"] == 3 and "Nothing was saved" in response.json()["detail"]
    count.refresh_from_db()
    assert count.hb_g_per_l == 110


def test_bad_input_gets_field_messages_from_the_form_and_saves_nothing(api_as, coordinator, participant, days_ago):
    api = api_as(coordinator)
    inadequate = _marrow_body(participant, days_ago, aspirate_adequacy="INADEQUATE", blasts_pct=2)
    response = api.post("/api/v1/bone_marrow_assessments/", inadequate)
    assert response.status_code == 400
    assert response.json()["blasts_pct"] == ["Leave the blast % empty when the aspirate is inadequate."]
    response = api.post("/api/v1/bone_marrow_assessments/", _marrow_body(participant, days_ago, sample_date="soon"))
    assert response.status_code == 400 and "sample_date" in response.json()
    response = api.post("/api/v1/bone_marrow_assessments/", _marrow_body(participant, days_ago, colour="red"))
    assert response.json() == {"colour": ["Unknown field."]}
    assert not BoneMarrowAssessment.objects.exists()


def test_a_second_eoc_marrow_is_refused_with_words_not_html(api_as, coordinator, participant, days_ago):
    MarrowFactory(participant=participant, timepoint="EOC1")
    response = api_as(coordinator).post("/api/v1/bone_marrow_assessments/", _marrow_body(participant, days_ago))
    assert response.status_code == 400
    assert "<a" not in response.json()["timepoint"][0] and "already recorded" in response.json()["timepoint"][0]


def test_flow_and_ngs_mrd_are_entered_on_a_marrow(api_as, coordinator, participant):
    marrow = MarrowFactory(participant=participant)
    api = api_as(coordinator)
    flow = api.post("/api/v1/flow_mrd_results/", {
        "marrow_record_id": marrow.pk, "result_type": "NOT_DETECTED", "lod_pct": 0.005, "cells_analysed": 600000,
        "lab": "Central", "method_version": "v2"})
    assert flow.status_code == 201, flow.json()
    assert flow.json()["timepoint"] == marrow.timepoint and flow.json()["marrow_record_id"] == marrow.pk
    ngs = api.post("/api/v1/ngs_mrd_results/", {
        "marrow_record_id": marrow.pk, "clone_trackable": True, "result": "NOT_DETECTED", "lod_fraction": 1e-6,
        "lab": "NGS lab"})
    assert ngs.status_code == 201, ngs.json()
    assert NgsMrd.objects.get().clone_trackable is True and FlowMrd.objects.get().lod_pct == 0.005


def test_a_marrow_of_another_site_cannot_be_written_to(api_as, coordinator, participant_b):
    theirs = MarrowFactory(participant=participant_b)
    flow = FlowMrdFactory(marrow=theirs)
    api = api_as(coordinator)
    response = api.post("/api/v1/flow_mrd_results/", {"marrow_record_id": theirs.pk, "result_type": "NOT_DETECTED"})
    assert response.status_code == 400 and "at your sites" in response.json()["marrow_record_id"][0]
    patch = api.patch(f"/api/v1/flow_mrd_results/{flow.pk}/", {"lab": "x", "reason": "y", "row_version": 1})
    assert patch.status_code == 404


def test_a_monitor_s_token_cannot_write(api_as, monitor, participant, days_ago):
    count = BloodCountFactory(participant=participant)
    api = api_as(monitor)
    assert api.post("/api/v1/bone_marrow_assessments/", _marrow_body(participant, days_ago)).status_code == 403
    response = api.patch(f"/api/v1/blood_counts/{count.pk}/", {"hb_g_per_l": 1, "reason": "r", "row_version": 1})
    assert response.status_code == 403
    assert not BoneMarrowAssessment.objects.exists() and BloodCount.objects.get().hb_g_per_l == count.hb_g_per_l


def test_locked_data_is_refused_with_the_lock_s_message(api_as, coordinator, data_manager, participant):
    count = BloodCountFactory(participant=participant)
    LockFactory(scope=LockScope.PARTICIPANT, participant=participant, reason="Interim analysis",
                locked_by=data_manager)
    response = api_as(coordinator).patch(f"/api/v1/blood_counts/{count.pk}/",
                                         {"hb_g_per_l": 99, "reason": "Late result", "row_version": 1})
    assert response.status_code == 423
    assert "lock" in response.json()["detail"].lower()
    count.refresh_from_db()
    assert count.hb_g_per_l != 99


def test_put_and_delete_are_not_offered(api_as, coordinator, participant):
    count = BloodCountFactory(participant=participant)
    api = api_as(coordinator)
    assert api.client.put(f"/api/v1/blood_counts/{count.pk}/", "{}", content_type="application/json",
                          headers=api.headers).status_code == 405
    assert api.client.delete(f"/api/v1/blood_counts/{count.pk}/", headers=api.headers).status_code == 405
    assert api.post("/api/v1/participants/", {}).status_code == 405


def test_a_null_character_in_the_participant_id_is_a_400_not_a_server_error(api_as, coordinator, participant):
    response = api_as(coordinator).post("/api/v1/bone_marrow_assessments/", {"participant_id": "01-\x00"})
    assert response.status_code == 400
    assert response.json() == {"participant_id": ["Null characters are not allowed."]}


def test_the_audit_trail_page_names_the_token(api_as, coordinator, data_manager_client, participant):
    from django.urls import reverse

    count = BloodCountFactory(participant=participant)
    api_as(coordinator, name="lab sync").patch(
        f"/api/v1/blood_counts/{count.pk}/", {"hb_g_per_l": 99, "reason": "Late result", "row_version": 1}
    )
    page = data_manager_client.get(reverse("integrity:audit-list")).content.decode()
    assert 'data-testid="audit-api-token">API token: lab sync<' in page


def test_the_snapshot_audit_trail_names_the_token(api_as, coordinator, participant):
    from exports.audit_trail import AUDIT_COLUMNS, all_usernames, audit_rows
    from exports.datasets import form_files

    count = BloodCountFactory(participant=participant)
    api_as(coordinator, name="lab sync").patch(
        f"/api/v1/blood_counts/{count.pk}/", {"hb_g_per_l": 99, "reason": "Late result", "row_version": 1}
    )
    names = [c.name for c in AUDIT_COLUMNS]
    rows = [dict(zip(names, row, strict=True)) for row in audit_rows(form_files(), None, all_usernames())]
    [update] = [r for r in rows if r["record_type"] == "blood_counts" and r["action"] == "update"]
    assert (update["field"], update["user"], update["reason"], update["api_token"]) == (
        "hb_g_per_l", "coord_a", "Late result", "lab sync")
    assert {r["api_token"] for r in rows if r["action"] == "insert"} == {None}
