"""Acceptance 3: every validation rule refuses the bad value through the real view, with a field-level
message, and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from assessments import models
from tests.factories.assessments import BloodCountFactory, FlowMrdFactory, MarrowFactory, NgsMrdFactory
from tests.factories.enrollment import ParticipantFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
D = lambda n: (TODAY - datetime.timedelta(days=n)).isoformat()  # noqa: E731  (n days ago; consent was 100 days ago)

MARROW = {"timepoint": "UNSCHEDULED", "sample_date": D(40), "aspirate_adequacy": "ADEQUATE", "blasts_pct": "2",
          "cellularity": "NORMO"}
CBC = {"sample_date": D(40), "anc_e9_per_l": "1.5", "platelets_e9_per_l": "150", "hb_g_per_l": "100",
       "wbc_e9_per_l": "4", "circulating_blasts": "ABSENT"}
EMD = {"assessed_on": D(40), "status": "NONE", "cns_status": "CNS1"}
FLOW = {"result_type": "QUANTIFIED", "value_pct": "0.05", "lod_pct": "0.005"}
NGS = {"clone_trackable": "True", "result": "NOT_DETECTED", "lod_fraction": "1e-6"}
CONTACT = {"contact_date": D(10), "method": "VISIT", "vital_status": "ALIVE", "disease_status": "CONTINUED_REMISSION"}
DEAD = {**CONTACT, "vital_status": "DEAD", "disease_status": "NOT_ASSESSED", "death_date": D(12),
        "death_cause": "INFECTION"}

# (id, kind, changes to the valid data, field with the error, words in the message)
CASES = [
    ("marrow-blasts-above-100", "marrow", {"blasts_pct": "100.5"}, "blasts_pct", "less than or equal to 100"),
    ("marrow-blasts-negative", "marrow", {"blasts_pct": "-1"}, "blasts_pct", "greater than or equal to 0"),
    ("marrow-adequate-without-blasts", "marrow", {"blasts_pct": ""}, "blasts_pct", "Enter the blast %"),
    ("marrow-inadequate-with-blasts", "marrow", {"aspirate_adequacy": "DRY_TAP"}, "blasts_pct", "Leave the blast %"),
    ("marrow-before-consent", "marrow", {"sample_date": D(101)}, "sample_date", "before the date of consent"),
    ("marrow-in-future", "marrow", {"sample_date": D(-1)}, "sample_date", "in the future"),
    ("cbc-anc-above-100", "cbc", {"anc_e9_per_l": "100.5"}, "anc_e9_per_l", "less than or equal to 100"),
    ("cbc-anc-negative", "cbc", {"anc_e9_per_l": "-0.1"}, "anc_e9_per_l", "greater than or equal to 0"),
    ("cbc-platelets-above-2000", "cbc", {"platelets_e9_per_l": "2001"}, "platelets_e9_per_l", "less than or equal"),
    ("cbc-anc-unconfirmed", "cbc", {"anc_e9_per_l": "60"}, "anc_e9_per_l", "confirm"),
    ("cbc-hb-unconfirmed", "cbc", {"hb_g_per_l": "30"}, "hb_g_per_l", "confirm"),
    ("cbc-platelets-unconfirmed", "cbc", {"platelets_e9_per_l": "1200"}, "platelets_e9_per_l", "confirm"),
    ("cbc-unconfirmed-checkbox", "cbc", {"platelets_e9_per_l": "1200"}, "confirm_unusual", "Tick to confirm"),
    ("cbc-blast-pct-but-absent", "cbc", {"circulating_blasts_pct": "3"}, "circulating_blasts_pct", "present"),
    ("cbc-in-future", "cbc", {"sample_date": D(-2)}, "sample_date", "in the future"),
    ("cbc-before-consent", "cbc", {"sample_date": D(150)}, "sample_date", "before the date of consent"),
    ("emd-in-future", "emd", {"assessed_on": D(-1)}, "assessed_on", "in the future"),
    ("emd-present-without-site", "emd", {"status": "PRESENT"}, "sites", "Name the extramedullary"),
    ("flow-value-above-100", "flow", {"value_pct": "101"}, "value_pct", "less than or equal to 100"),
    ("flow-value-negative", "flow", {"value_pct": "-0.01"}, "value_pct", "greater than or equal to 0"),
    ("flow-lod-zero", "flow", {"lod_pct": "0"}, "lod_pct", "greater than 0"),
    ("flow-not-detected-without-lod", "flow", {"result_type": "NOT_DETECTED", "value_pct": "", "lod_pct": ""},
     "lod_pct", "limit of detection"),
    ("flow-quantified-without-value", "flow", {"value_pct": ""}, "value_pct", "Enter the MRD value"),
    ("flow-not-evaluable-without-reason", "flow", {"result_type": "NOT_EVALUABLE", "value_pct": ""},
     "not_evaluable_reason", "reason"),
    ("ngs-lod-zero", "ngs", {"lod_fraction": "0"}, "lod_fraction", "greater than 0"),
    ("ngs-not-detected-without-lod", "ngs", {"lod_fraction": ""}, "lod_fraction", "limit of detection"),
    ("ngs-trackable-without-result", "ngs", {"result": ""}, "result", "detected or not detected"),
    ("ngs-fraction-above-1", "ngs", {"result": "DETECTED", "value_fraction": "1.5"}, "value_fraction",
     "less than or equal to 1"),
    ("contact-in-future", "followup", {"contact_date": D(-3)}, "contact_date", "in the future"),
    ("contact-before-consent", "followup", {"contact_date": D(200)}, "contact_date", "before the date of consent"),
    ("dead-without-death-date", "followup", {**DEAD, "death_date": ""}, "death_date", "Enter the date of death"),
    ("death-after-contact", "followup", {**DEAD, "death_date": D(5)}, "death_date", "after the contact date"),
    ("death-before-last-alive", "followup", {**DEAD, "death_date": D(45)}, "death_date", "recorded alive on"),
    ("death-in-future", "followup", {**DEAD, "contact_date": D(0), "death_date": D(-1)}, "death_date", "future"),
    ("relapse-without-date", "followup", {"disease_status": "RELAPSE", "relapse_documented_by": "MARROW"},
     "relapse_date", "Enter the date"),
    ("relapse-after-contact", "followup", {"disease_status": "RELAPSE", "relapse_documented_by": "MARROW",
                                           "relapse_date": D(5)}, "relapse_date", "after the contact date"),
    ("transplant-without-date", "followup", {"transplant_since_last_contact": "on"}, "transplant_date", "Enter"),
]
VALID = {"marrow": MARROW, "cbc": CBC, "emd": EMD, "flow": FLOW, "ngs": NGS, "followup": CONTACT}
MODELS = {"marrow": models.BoneMarrowAssessment, "cbc": models.BloodCount, "emd": models.ExtramedullaryDisease,
          "flow": models.FlowMrd, "ngs": models.NgsMrd, "followup": models.FollowUpContact}


def _url(kind, participant, marrow):
    if kind in ("flow", "ngs", "call"):
        return reverse(f"assessments:{kind}-add", args=[marrow.pk])
    return reverse(f"assessments:{kind}-add", args=[participant.pk])


@pytest.fixture
def marrow(participant):
    # Alive on day -40 (marrow + CBC), so a death on day -45 is before the last record showing them alive.
    BloodCountFactory(participant=participant, sample_date=TODAY - datetime.timedelta(days=40))
    return MarrowFactory(
        participant=participant, timepoint="UNSCHEDULED", sample_date=TODAY - datetime.timedelta(days=40)
    )


@pytest.mark.parametrize(("kind", "changes", "field", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_assessment_refused_when_value_invalid(coordinator_client, participant, marrow, kind, changes, field, words):
    model = MODELS[kind]
    before = model.objects.count()
    response = coordinator_client.post(_url(kind, participant, marrow), {**VALID[kind], **changes})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(words in e for e in errors[field]), errors[field]
    assert model.objects.count() == before


@pytest.mark.parametrize("kind", sorted(VALID))
def test_assessment_saved_when_valid_data(coordinator_client, participant, marrow, kind):
    """The valid data of the cases above is accepted (so each refusal is caused by its one change)."""
    model = MODELS[kind]
    before = model.objects.count()
    response = coordinator_client.post(_url(kind, participant, marrow), VALID[kind])
    assert response.status_code == 302, response.context["form"].errors
    assert model.objects.count() == before + 1


def test_unusual_platelets_saved_when_confirmed(coordinator_client, participant):
    url = reverse("assessments:cbc-add", args=[participant.pk])
    first = coordinator_client.post(url, {**CBC, "platelets_e9_per_l": "1200"})
    assert 'type="checkbox" name="confirm_unusual"' in first.content.decode()
    response = coordinator_client.post(url, {**CBC, "platelets_e9_per_l": "1200", "confirm_unusual": "on"})
    assert response.status_code == 302
    assert models.BloodCount.objects.get().platelets_e9_per_l == 1200


def test_second_eoc_marrow_refused_with_link_to_first(coordinator_client, participant):
    first = MarrowFactory(participant=participant, timepoint="EOC1", sample_date=TODAY - datetime.timedelta(days=40))
    response = coordinator_client.post(
        reverse("assessments:marrow-add", args=[participant.pk]), {**MARROW, "timepoint": "EOC1"}
    )
    assert response.status_code == 400
    [error] = response.context["form"].errors["timepoint"]
    assert "correct the first instead" in error
    assert reverse("assessments:marrow-edit", args=[first.pk]) in response.content.decode()
    assert models.BoneMarrowAssessment.objects.count() == 1


def test_second_flow_mrd_on_same_marrow_refused(coordinator_client, participant, marrow):
    FlowMrdFactory(marrow=marrow)
    response = coordinator_client.post(reverse("assessments:flow-add", args=[marrow.pk]), FLOW)
    assert response.status_code == 400
    assert "correct the first instead" in str(response.context["form"].non_field_errors())
    assert models.FlowMrd.objects.count() == 1


def test_second_ngs_mrd_on_same_marrow_refused(coordinator_client, participant, marrow):
    NgsMrdFactory(marrow=marrow)
    response = coordinator_client.post(reverse("assessments:ngs-add", args=[marrow.pk]), NGS)
    assert response.status_code == 400
    assert models.NgsMrd.objects.count() == 1


def test_response_call_refused_when_marrow_not_end_of_cycle(coordinator_client, participant, marrow):
    response = coordinator_client.post(reverse("assessments:call-add", args=[marrow.pk]), {"response": "CR"})
    assert response.status_code == 400
    assert "end-of-cycle" in str(response.context["form"].non_field_errors())
    assert not models.ResponseCall.objects.exists()


@pytest.mark.parametrize("kind", ["marrow", "cbc", "emd", "followup"])
def test_assessment_refused_when_participant_not_enrolled(coordinator_client, site_a, kind):
    screening = ScreeningFactory(site=site_a, status="screen_failed", screened_on=TODAY - datetime.timedelta(days=100))
    participant = ParticipantFactory(screening=screening, site=site_a)
    response = coordinator_client.post(reverse(f"assessments:{kind}-add", args=[participant.pk]), VALID[kind])
    assert response.status_code == 400
    assert "only for an enrolled participant" in str(response.context["form"].non_field_errors())
    assert not MODELS[kind].objects.exists()


def test_assessment_refused_when_participant_removed(coordinator_client, participant):
    participant.is_deleted = True
    participant.save()
    response = coordinator_client.post(reverse("assessments:cbc-add", args=[participant.pk]), CBC)
    assert response.status_code == 404
    assert not models.BloodCount.objects.exists()
