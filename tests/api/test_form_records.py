"""Every clinical form is served with its keys as people know them, and filtered by site, participant,
timepoint and updated_since; a bad filter value is a 400 naming the parameter."""

import datetime

import pytest
from django.utils import timezone

from api.records import api_forms
from assessments.models import BoneMarrowAssessment
from exports.datasets import form_files
from tests.factories.assessments import FlowMrdFactory, MarrowFactory

pytestmark = pytest.mark.django_db


def test_every_clinical_form_has_a_list_endpoint(api_as, data_manager):
    api = api_as(data_manager)
    names = [f.file_name.removesuffix(".csv") for f in form_files()]
    assert len(names) > 20
    for name in names:
        response = api.get(f"/api/v1/{name}/")
        assert response.status_code == 200, name
        assert response.json()["results"] == []
    assert sorted(f.name for f in api_forms()) == sorted(names)


def test_a_row_carries_the_keys_people_know(api_as, coordinator, participant):
    marrow = MarrowFactory(participant=participant, timepoint="EOC1", blasts_pct=1.5)
    flow = FlowMrdFactory(marrow=marrow)
    api = api_as(coordinator)
    row = api.get(f"/api/v1/flow_mrd_results/{flow.pk}/").json()
    assert row["record_id"] == flow.pk
    assert row["participant_id"] == participant.participant_id
    assert participant.participant_id.startswith("01-")
    assert row["site"] == "01"
    assert row["timepoint"] == "EOC1"
    assert row["marrow_record_id"] == marrow.pk
    assert row["row_version"] == 1
    assert datetime.datetime.fromisoformat(row["updated_at"].replace("Z", "+00:00")) == flow.updated_at
    marrow_row = api.get(f"/api/v1/bone_marrow_assessments/{marrow.pk}/").json()
    assert marrow_row["blasts_pct"] == 1.5 and marrow_row["timepoint"] == "EOC1"


def test_filters_pick_the_rows(api_as, data_manager, participant, participant_b):
    a1 = MarrowFactory(participant=participant, timepoint="EOC1")
    a2 = MarrowFactory(participant=participant, timepoint="EOC2")
    b1 = MarrowFactory(participant=participant_b, timepoint="EOC1")
    api = api_as(data_manager)

    def ids(**params):
        return {r["record_id"] for r in api.get("/api/v1/bone_marrow_assessments/", params).json()["results"]}

    assert ids() == {a1.pk, a2.pk, b1.pk}
    assert ids(site="02") == {b1.pk}
    assert ids(participant=participant.participant_id) == {a1.pk, a2.pk}
    assert ids(timepoint="EOC1") == {a1.pk, b1.pk}
    later = timezone.now()
    BoneMarrowAssessment.objects.filter(pk=a2.pk).update(updated_at=later + datetime.timedelta(seconds=1))
    assert ids(updated_since=later.isoformat()) == {a2.pk}


def test_a_bad_filter_value_is_a_400_naming_the_parameter(api_as, coordinator):
    response = api_as(coordinator).get("/api/v1/bone_marrow_assessments/", {"updated_since": "yesterday"})
    assert response.status_code == 400
    assert list(response.json()) == ["updated_since"]


def test_a_bad_cursor_is_refused(api_as, coordinator):
    not_a_position = "bz1hYmM="  # base64 of "o=abc"
    assert api_as(coordinator).get("/api/v1/bone_marrow_assessments/", {"cursor": not_a_position}).status_code == 404
    assert api_as(coordinator).get("/api/v1/audit/", {"cursor": "???"}).status_code == 400
