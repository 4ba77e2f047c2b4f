"""Acceptance 2 (bad input): each refused value gets its message next to the field, through the real view, and
nothing is saved."""

import pytest
from django.urls import reverse

from safety import models
from tests.factories.safety import AdverseEventFactory, CrsAdverseEventFactory, IcansAssessmentFactory
from tests.safety.conftest import ae_data, at, crs_data, days_ago, icans_data

pytestmark = pytest.mark.django_db

SERIOUS = {"serious": "on", "sae_hospitalisation": "on"}
CHEMISTRY = {"sample_date": days_ago(40).isoformat(), "potassium_mmol_per_l": "4.2", "creatinine_umol_per_l": "80"}
CONMED = {"drug_name": "Aciclovir", "indication": "Antiviral prophylaxis", "dose": "400", "dose_unit": "mg",
          "route": "PO", "start_date": days_ago(40).isoformat(), "ongoing": "on"}
OK_ICE = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]

# (id, form, changes to the valid data, field with the message, words in the message)
CASES = [
    ("grade-not-allowed-for-term", "ae", {"worst_grade": "4"}, "worst_grade", "not allowed for Nausea"),
    ("resolution-before-onset", "ae", {"resolution_date": days_ago(45).isoformat()}, "resolution_date",
     "before the onset date"),
    ("serious-without-criterion", "ae", {"serious": "on"}, "serious", "at least one seriousness criterion"),
    ("criterion-without-serious", "ae", {"sae_life_threatening": "on"}, "serious", "tick serious too"),
    ("serious-without-awareness", "ae", {**SERIOUS, "aware_at": ""}, "aware_at", "24-hour reporting clock"),
    ("aware-before-onset", "ae", {"aware_at": at(days_ago(41))}, "aware_at", "before its onset"),
    ("onset-before-consent", "ae", {"onset_date": days_ago(101).isoformat()}, "onset_date",
     "before the date of consent"),
    ("onset-in-future", "ae", {"onset_date": days_ago(-1).isoformat(), "resolution_date": "", "ongoing": "on",
                               "outcome": "RECOVERING", "aware_at": ""}, "onset_date", "in the future"),
    ("neither-resolved-nor-ongoing", "ae", {"resolution_date": ""}, "resolution_date", "or tick ongoing"),
    ("ongoing-and-resolved", "ae", {"ongoing": "on"}, "ongoing", "not ongoing"),
    ("grade-5-not-fatal", "ae", {"term": "sepsis", "worst_grade": "5", **SERIOUS}, "outcome", "set the outcome"),
    ("fatal-not-grade-5", "ae", {"term": "sepsis", "worst_grade": "4", "outcome": "FATAL", **SERIOUS},
     "worst_grade", "A fatal event is grade 5"),
    ("other-specify-without-words", "ae", {"term": "other_gi"}, "verbatim_term", "Describe the event"),
    ("expected-cytopenia-not-reported", "ae", {"term": "anemia"}, "term", "expected cytopenia"),
    ("letters-in-grade", "ae", {"worst_grade": "two"}, "worst_grade", "Select a valid choice"),
    ("crs-low-flow-above-6", "crs", {"o2_device": "low_flow_nc_le6", "o2_flow_l_min": "8"}, "o2_device",
     "must be coded as high-flow"),
    ("crs-high-flow-at-6", "crs", {"o2_device": "high_flow_nc_gt6", "o2_flow_l_min": "6"}, "o2_device",
     "must be coded as low-flow"),
    ("crs-letters-in-temperature", "crs", {"max_temp_c": "39,5a"}, "max_temp_c", "Enter a number"),
    ("crs-temperature-above-45", "crs", {"max_temp_c": "45.5"}, "max_temp_c", "between 30 and 45"),
    ("crs-pressors-without-hypotension", "crs", {"vasopressors_excl_vasopressin": "1"}, "hypotension",
     "tick hypotension"),
    ("crs-before-onset", "crs", {"assessed_at": at(days_ago(41))}, "assessed_at", "before the event's onset"),
    ("crs-in-future", "crs", {"assessed_at": at(days_ago(-1))}, "assessed_at", "in the future"),
    ("ice-item-out-of-range", "icans", {"ice_orientation_year": "2"}, "ice_orientation_year",
     "less than or equal to 1"),
    ("ice-item-negative", "icans", {"ice_writes_sentence": "-1"}, "ice_writes_sentence", "greater than or equal to 0"),
    ("ice-letters-in-item", "icans", {"ice_naming_object_2": "a"}, "ice_naming_object_2", "Enter a whole number"),
    ("ice-items-partly-entered", "icans", {"ice_counts_back_by_10": ""}, "ice_orientation_year", "all ten"),
    ("ice-items-while-unable", "icans", {"unable_to_perform_ice": "on", "consciousness": "unarousable"},
     "ice_orientation_year", "leave the ten items empty"),
    ("chemistry-letters-in-number", "chemistry", {"potassium_mmol_per_l": "4.x"}, "potassium_mmol_per_l",
     "Enter a number"),
    ("chemistry-negative", "chemistry", {"creatinine_umol_per_l": "-5"}, "creatinine_umol_per_l",
     "greater than or equal to 0"),
    ("chemistry-empty", "chemistry", {"potassium_mmol_per_l": "", "creatinine_umol_per_l": ""}, "__all__",
     "at least one result"),
    ("chemistry-before-consent", "chemistry", {"sample_date": days_ago(120).isoformat()}, "sample_date",
     "before the date of consent"),
    ("conmed-stop-before-start", "conmed", {"ongoing": "", "stop_date": days_ago(41).isoformat()}, "stop_date",
     "before the start date"),
    ("conmed-no-indication", "conmed", {"indication": ""}, "indication", "Give the indication"),
    ("conmed-dose-without-unit", "conmed", {"dose_unit": ""}, "dose_unit", "unit of the dose"),
    ("conmed-letters-in-dose", "conmed", {"dose": "four hundred"}, "dose", "Enter a number"),
    ("conmed-start-in-future", "conmed", {"start_date": days_ago(-3).isoformat()}, "start_date", "in the future"),
]
MODELS = {"ae": models.AdverseEvent, "crs": models.CrsAssessment, "icans": models.IcansAssessment,
          "chemistry": models.ChemistryPanel, "conmed": models.ConcomitantMedication}


@pytest.fixture
def parents(participant, terms):
    return {
        "crs": CrsAdverseEventFactory(participant=participant, onset_date=days_ago(40), resolution_date=days_ago(35)),
        "icans": IcansAssessmentFactory(adverse_event__participant=participant, adverse_event__onset_date=days_ago(40),
                                        adverse_event__resolution_date=days_ago(35)).adverse_event,
    }


def _request(kind, participant, parents, terms, changes):
    if kind == "ae":
        term = terms[changes.pop("term", "nausea")]
        return reverse("safety:ae-add", args=[participant.pk]), ae_data(term, days_ago(40), **changes)
    if kind == "crs":
        return reverse("safety:crs-add", args=[parents["crs"].pk]), {**crs_data(days_ago(39)), **changes}
    if kind == "icans":
        return reverse("safety:icans-add", args=[parents["icans"].pk]), {**icans_data(days_ago(39), OK_ICE),
                                                                           **changes}
    valid = CHEMISTRY if kind == "chemistry" else CONMED
    return reverse(f"safety:{kind}-add", args=[participant.pk]), {**valid, **changes}


@pytest.mark.parametrize(("kind", "changes", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    kind, changes, field, words, participant, parents, terms, coordinator_client
):
    url, data = _request(kind, participant, parents, terms, dict(changes))
    before = MODELS[kind]._base_manager.count()

    response = coordinator_client.post(url, data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, dict(errors)
    assert words in " ".join(errors[field]), dict(errors)
    assert MODELS[kind]._base_manager.count() == before
    assert words.split()[0] in response.content.decode()  # the message is on the page


@pytest.mark.parametrize("kind", ["ae", "crs", "icans", "chemistry", "conmed"])
def test_the_valid_data_of_each_case_table_is_saved(kind, participant, parents, terms, coordinator_client):
    """The baseline the cases change is itself valid (so each case fails for its own reason)."""
    url, data = _request(kind, participant, parents, terms, {})
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def test_a_crs_sheet_is_refused_under_an_event_that_is_not_crs(participant, terms, coordinator_client):
    nausea = AdverseEventFactory(participant=participant, term=terms["nausea"], onset_date=days_ago(40),
                                 resolution_date=days_ago(35))
    response = coordinator_client.post(reverse("safety:crs-add", args=[nausea.pk]), crs_data(days_ago(39)))
    assert response.status_code == 400
    assert "cytokine release syndrome adverse event" in " ".join(response.context["form"].non_field_errors())
    assert not models.CrsAssessment.objects.exists()
