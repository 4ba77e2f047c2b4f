"""POST /api/v1/lab-import/: the central-lab MRD import through the API, as on the page: all rows or none, a
per-row report, a dry run, the user's sites only, the token's name in each saved row's audit context."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import FlowMrd, NgsMrd
from integrity.audit import event_model_for
from tests.assessments.lab_files import as_csv, as_json, flow_row, ngs_row
from tests.factories.assessments import MarrowFactory

pytestmark = pytest.mark.django_db
URL = reverse("api:lab-import")


@pytest.fixture
def marrows(participant):
    return [
        MarrowFactory(participant=participant, timepoint="EOC1", sample_id="BM-0001"),
        MarrowFactory(participant=participant, timepoint="EOC2", sample_id="BM-0002",
                      sample_date=participant.enrolled_on + datetime.timedelta(days=58)),
    ]


def _post(api, data: bytes, content_type: str, query: str = ""):
    return api.client.post(URL + query, data, content_type=content_type, headers=api.headers)


def test_a_good_csv_file_saves_every_row_audited_with_the_token_name(api_as, coordinator, marrows):
    api = api_as(coordinator, name="central-lab-feed")
    rows = [flow_row(marrows[0]), ngs_row(marrows[1])]

    response = _post(api, as_csv(rows), "text/csv")

    assert response.status_code == 200, response.content
    assert (response.json()["saved"], response.json()["errors"], response.json()["dry_run"]) == (2, [], False)
    for record in [FlowMrd.objects.get(), NgsMrd.objects.get()]:
        [event] = event_model_for(type(record)).objects.filter(pgh_obj_id=record.pk)
        metadata = event.pgh_context.metadata
        assert (metadata["user"], metadata["api_token"]) == (coordinator.pk, "central-lab-feed")
        assert metadata["reason"].startswith("Central laboratory import ")


def test_a_json_file_with_one_bad_row_saves_nothing_and_names_the_row_and_column(api_as, coordinator, marrows):
    rows = [flow_row(marrows[0]), flow_row(marrows[1], value_pct="150")]

    response = _post(api_as(coordinator), as_json(rows), "application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["saved"] == 0
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "value_pct")]
    assert not FlowMrd.objects.exists()


def test_a_dry_run_saves_nothing(api_as, coordinator, marrows):
    response = _post(api_as(coordinator), as_csv([flow_row(marrows[0])]), "text/csv", "?dry_run=true")

    assert response.status_code == 200
    assert (response.json()["saved"], response.json()["rows"], response.json()["dry_run"]) == (0, 1, True)
    assert not FlowMrd.objects.exists()


def test_another_sites_participant_is_refused(api_as, coordinator, participant_b):
    theirs = MarrowFactory(participant=participant_b, sample_id="BM-B1")

    response = _post(api_as(coordinator), as_csv([flow_row(theirs)]), "text/csv")

    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == ["No such participant at your sites."]
    assert not FlowMrd.objects.exists()


def test_a_monitors_token_cannot_import(api_as, monitor, marrows):
    response = _post(api_as(monitor), as_csv([flow_row(marrows[0])]), "text/csv")

    assert response.status_code == 403
    assert not FlowMrd.objects.exists()


def test_a_dry_run_that_is_neither_true_nor_false_is_refused_as_a_report(api_as, coordinator, marrows):
    response = _post(api_as(coordinator), as_csv([flow_row(marrows[0])]), "text/csv", "?dry_run=maybe")

    assert response.status_code == 400
    assert response.json() == {"saved": 0, "rows": 0, "dry_run": False, "batch": "",
                               "errors": [{"row": 0, "field": "dry_run", "message": "Give true or false."}]}
    assert not FlowMrd.objects.exists()
