"""A monitor verifies every critical field of an end of cycle 1: its status-matrix cell says "verified" and its
forms leave the monitor's "Records not yet verified". The coordinator then corrects the marrow blasts: the mark
is cleared, the cell is complete again and the marrow is back on the list, said to be edited after verification.

Expected values are written from how the records were built: the end of cycle 1 holds a marrow (critical:
sample date, aspirate adequacy, blasts), a flow MRD (result type, value, limit of detection) and the
investigator's call (response)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.assessments.sdv_pages import MATRIX, matrix_cell, not_verified, verify
from tests.factories.assessments import FlowMrdFactory, MarrowFactory, ResponseCallFactory
from tests.factories.integrity import form_data

pytestmark = pytest.mark.django_db
CRITICAL = {
    "marrow": ("sample_date", "aspirate_adequacy", "blasts_pct"),
    "flow": ("result_type", "value_pct", "lod_pct"),
    "call": ("response",),
}


@pytest.fixture
def eoc1(participant):
    marrow = MarrowFactory(participant=participant, blasts_pct=1.0)
    return {"marrow": marrow, "flow": FlowMrdFactory(marrow=marrow), "call": ResponseCallFactory(marrow=marrow)}


def test_verifying_every_critical_field_makes_the_cell_verified_and_an_edit_undoes_it(
    monitor_client, coordinator_client, participant, eoc1
):
    pid = participant.participant_id
    marrow_item = f"{pid} · End of cycle 1 · Bone marrow"
    marrow_url = reverse("assessments:marrow-edit", args=[eoc1["marrow"].pk])

    assert matrix_cell(monitor_client, participant) == ("matrix-complete", ["complete"])
    waiting = not_verified(monitor_client)
    assert waiting[marrow_item] == (marrow_url, "3 critical fields not verified")
    assert waiting[f"{pid} · End of cycle 1 · Flow MRD"] == (
        reverse("assessments:flow-edit", args=[eoc1["flow"].pk]), "3 critical fields not verified")
    assert waiting[f"{pid} · End of cycle 1 · Response call"] == (
        reverse("assessments:call-edit", args=[eoc1["call"].pk]), "1 critical field not verified")
    # the item opens the marrow read-only, with a verify button beside each critical field
    form_page = monitor_client.get(marrow_url).content.decode()
    assert all(f'data-testid="verify-field-{name}"' in form_page for name in CRITICAL["marrow"])

    verify(monitor_client, eoc1["marrow"], "sample_date")
    assert not_verified(monitor_client)[marrow_item] == (marrow_url, "1 of 3 critical fields verified")
    for kind, names in CRITICAL.items():
        for name in names:
            verify(monitor_client, eoc1[kind], name)

    assert matrix_cell(monitor_client, participant) == ("matrix-verified", ["verified"])
    assert matrix_cell(coordinator_client, participant) == ("matrix-verified", ["verified"])
    assert [label for label in not_verified(monitor_client) if "End of cycle 1" in label] == []
    assert f"{pid} · Screening record" in not_verified(monitor_client)  # its eligibility is not verified
    assert f'data-participant="{pid}"' in monitor_client.get(MATRIX, {"state": "verified"}).content.decode()

    marrow = eoc1["marrow"]
    marrow.refresh_from_db()
    data = {**form_data(marrow), "blasts_pct": "3", "row_version": marrow.row_version,
            "change_reason": "Transcription error"}
    assert coordinator_client.post(marrow_url, data).status_code == 302

    # The edit also ran the check comparing the call (CR) with the derived response, not evaluable here (no
    # blood count recorded): its automatic query shows beside the cell's progress.
    assert matrix_cell(monitor_client, participant) == ("matrix-complete", ["complete", "open query"])
    waiting = not_verified(monitor_client)
    assert waiting[marrow_item] == (marrow_url, "2 of 3 critical fields verified, edited after verification")
    assert [label for label in waiting if "End of cycle 1" in label] == [marrow_item]
    assert f'data-participant="{pid}"' not in monitor_client.get(MATRIX, {"state": "verified"}).content.decode()


def test_the_whole_form_mark_counts_for_every_critical_field(monitor_client, participant, eoc1):
    for record in eoc1.values():
        verify(monitor_client, record)
    assert matrix_cell(monitor_client, participant) == ("matrix-verified", ["verified"])


def test_an_open_query_shows_beside_verified(monitor_client, participant, eoc1):
    for kind, names in CRITICAL.items():
        for name in names:
            verify(monitor_client, eoc1[kind], name)
    raise_url = reverse("integrity:query-raise",
                        args=[ContentType.objects.get_for_model(type(eoc1["call"])).pk, eoc1["call"].pk])
    response = monitor_client.post(raise_url, {"field_name": "response", "text": "Please confirm against the notes."})
    assert response.status_code == 302
    assert matrix_cell(monitor_client, participant) == ("matrix-verified", ["verified", "open query"])
