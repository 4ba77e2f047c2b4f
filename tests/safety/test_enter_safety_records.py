"""Acceptance 2, through the real views as a coordinator: an AE, a CRS AE with three assessments, an ICANS AE,
chemistry and concomitant medications are entered; the ASTCT grades computed from the sheets show beside the
investigator's; every write is audited (Initial entry; an edit with its reason)."""

import pytest
from django.urls import reverse

from integrity.audit import event_model_for
from safety.models import AdverseEvent, ChemistryPanel, ConcomitantMedication, CrsAssessment, IcansAssessment
from tests.safety.conftest import ae_data, crs_data, days_ago, icans_data

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict) -> str:
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response["Location"]


def inserted_once_by(record, user) -> None:
    events = list(event_model_for(type(record)).objects.filter(pgh_obj_id=record.pk))
    assert [e.pgh_label for e in events] == ["insert"], type(record).__name__
    assert events[0].pgh_context.metadata["user"] == user.pk
    assert events[0].pgh_context.metadata["reason"] == "Initial entry"


@pytest.fixture
def entered(treated, terms, coordinator_client):
    """The coordinator's entries; C1D1 was 60 days ago."""
    p, client = treated, coordinator_client
    post(client, reverse("safety:ae-add", args=[p.pk]), ae_data(terms["nausea"], days_ago(55)))
    post(client, reverse("safety:ae-add", args=[p.pk]), ae_data(terms["crs"], days_ago(59), worst_grade="2"))
    crs_ae = AdverseEvent.objects.get(term=terms["crs"])
    for data in (
        crs_data(days_ago(59), 12, max_temp_c="38.9"),  # fever only: grade 1
        crs_data(days_ago(58), 8, max_temp_c="39.4", hypotension="on", o2_device="low_flow_nc_le6",
                 o2_flow_l_min="2"),  # hypotension without vasopressor, low-flow O2: grade 2
        crs_data(days_ago(57), 8, max_temp_c="38.2", o2_device="low_flow_nc_le6", o2_flow_l_min="3"),  # grade 2
    ):
        post(client, reverse("safety:crs-add", args=[crs_ae.pk]), data)
    post(client, reverse("safety:ae-add", args=[p.pk]), ae_data(terms["icans"], days_ago(57), worst_grade="2"))
    icans_ae = AdverseEvent.objects.get(term=terms["icans"])
    post(client, reverse("safety:icans-add", args=[icans_ae.pk]),
         icans_data(days_ago(57), [1, 1, 0, 0, 1, 1, 0, 1, 0, 0]))  # ICE 5, awake: grade 2
    post(client, reverse("safety:chemistry-add", args=[p.pk]), {
        "sample_date": days_ago(58).isoformat(), "potassium_mmol_per_l": "4.1", "phosphate_mmol_per_l": "1.2",
        "calcium_mmol_per_l": "2.3", "uric_acid_umol_per_l": "310", "creatinine_umol_per_l": "85",
        "alt_u_per_l": "130", "ast_u_per_l": "45", "bilirubin_umol_per_l": "15", "glucose_mmol_per_l": "6.1",
    })
    post(client, reverse("safety:conmed-add", args=[p.pk]), {
        "drug_name": "Tocilizumab", "adverse_event": str(crs_ae.pk), "dose": "560", "dose_unit": "mg",
        "route": "IV", "frequency": "single dose", "start_date": days_ago(58).isoformat(),
        "stop_date": days_ago(58).isoformat(), "is_tocilizumab": "on",
    })
    post(client, reverse("safety:conmed-add", args=[p.pk]), {
        "drug_name": "Dexamethasone", "indication": "Premedication", "dose": "20", "dose_unit": "mg", "route": "IV",
        "start_date": days_ago(60).isoformat(), "stop_date": days_ago(60).isoformat(), "is_corticosteroid": "on",
    })
    return crs_ae, icans_ae


def test_every_record_entered_through_its_form_has_one_insert_event_by_the_coordinator(entered, coordinator):
    records = [*AdverseEvent.objects.all(), *CrsAssessment.objects.all(), *IcansAssessment.objects.all(),
               *ChemistryPanel.objects.all(), *ConcomitantMedication.objects.all()]
    assert len(records) == 3 + 3 + 1 + 1 + 2
    for record in records:
        inserted_once_by(record, coordinator)
    assert sorted(AdverseEvent.objects.values_list("reference", flat=True)) == ["AE-1", "AE-2", "AE-3"]


def test_the_astct_grade_computed_from_the_sheets_shows_beside_the_investigators_grade(entered, coordinator_client):
    crs_ae, icans_ae = entered

    page = coordinator_client.get(reverse("safety:ae-detail", args=[crs_ae.pk]))
    row = page.context["row"]
    assert [s.grade for s in row.crs] == [1, 2, 2]
    assert (row.computed_grade, crs_ae.worst_grade, row.disagreement) == (2, 2, False)
    html = page.content.decode()
    assert 'data-testid="investigator-grade"' in html and 'data-testid="computed-grade"' in html
    assert "ASTCT 2019 consensus" in html

    page = coordinator_client.get(reverse("safety:ae-detail", args=[icans_ae.pk]))
    assert [(s.ice_score, s.grade) for s in page.context["row"].icans] == [(5, 2)]


def test_the_casebook_shows_the_ae_log_the_sheets_lab_grades_and_medications(entered, treated, coordinator_client):
    html = coordinator_client.get(reverse("enrollment:participant-detail", args=[treated.pk])).content.decode()
    for text in ('data-testid="ae-log"', 'data-testid="astct-sheets"', 'data-testid="lab-grades"',
                 'data-testid="conmeds"', "Cytokine release syndrome", "Tocilizumab", "Nausea"):
        assert text in html, text
    # ALT 130 U/L with ULN 40 U/L: > 3 x ULN and <= 5 x ULN is grade 2 (CTCAE v5.0)
    assert 'title="Alanine aminotransferase increased grade 2"' in html
    row = next(r for r in coordinator_client.get(reverse("safety:participant-safety", args=[treated.pk]))
               .context["safety"].aes if r.ae.reference == "AE-1")
    # nausea 55 days ago, C1D1 60 days ago: study day 6, cycle 1, treatment-emergent
    assert (row.study_day, row.cycle, row.treatment_emergent) == (6, 1, True)


def test_an_edit_asks_for_a_reason_and_is_audited_with_it(entered, coordinator, coordinator_client, terms):
    crs_ae, _ = entered
    url = reverse("safety:ae-edit", args=[crs_ae.pk])
    data = ae_data(terms["crs"], days_ago(59), worst_grade="3", row_version=str(crs_ae.row_version))

    refused = coordinator_client.post(url, data)
    assert refused.status_code == 400 and "change_reason" in refused.context["form"].errors
    post(coordinator_client, url, {**data, "change_reason": "Transcription error"})

    crs_ae.refresh_from_db()
    assert (crs_ae.worst_grade, crs_ae.row_version) == (3, 2)
    events = list(event_model_for(AdverseEvent).objects.filter(pgh_obj_id=crs_ae.pk).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[1].pgh_context.metadata == {**events[1].pgh_context.metadata, "user": coordinator.pk,
                                              "reason": "Transcription error"}
