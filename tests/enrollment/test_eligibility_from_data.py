"""Eligibility is derived from the data (issue 14): every criterion with a data field (age, ECOG, BCR::ABL1
result, CNS status, organ-function values, consent) is evaluated from it by the protocol rules; the tick is the
answer only for the criteria without data, and a tick that contradicts the data is refused next to the field."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from enrollment import rules
from enrollment.models import ScreeningRecord
from enrollment.protocol import ENROLLMENT_PROTOCOL
from tests.enrollment.conftest import screening_data
from tests.factories.enrollment import ConsentFactory, ScreeningFactory, all_criteria_met

pytestmark = pytest.mark.django_db

ECOG = ENROLLMENT_PROTOCOL.criterion("INC_ECOG").text
ORGAN = ENROLLMENT_PROTOCOL.criterion("INC_ORGAN").text


def _add(client, data):
    return client.post(reverse("enrollment:screening-add"), data)


def test_an_ecog_3_candidate_ticked_met_is_refused_next_to_the_ecog_through_the_view(coordinator_client, site_a):
    response = _add(coordinator_client, screening_data(site_a, ecog="3", criterion_INC_ECOG="met"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert f"'{ECOG}' is ticked met, but the data say not met (ECOG 3)" in errors["ecog"][0]
    assert errors["criterion_INC_ECOG"]
    assert not ScreeningRecord.objects.exists()


def test_consent_ticked_met_is_refused_when_no_consent_is_recorded(coordinator_client, site_a):
    response = _add(coordinator_client, screening_data(site_a, criterion_INC_CONSENT="met"))

    assert response.status_code == 400
    assert "no signed consent recorded" in response.context["form"].errors["criterion_INC_CONSENT"][0]
    assert not ScreeningRecord.objects.exists()


def test_an_ecog_3_candidate_is_saved_not_eligible_when_the_tick_is_left_to_the_data(coordinator_client, site_a):
    response = _add(coordinator_client, screening_data(site_a, ecog="3", criterion_INC_ECOG="not_assessed"))

    assert response.status_code == 302
    screening = ScreeningRecord.objects.get()
    assert screening.criteria["INC_ECOG"] == "not_met"  # stored as the data give it
    assert f"{ECOG}: not met (ECOG 3)" in screening.eligibility.failed


def test_ticks_of_every_criterion_do_not_make_a_candidate_eligible_without_the_data(site_a):
    screening = ScreeningFactory(site=site_a, criteria=all_criteria_met(), ph_result="", cns_status="", alt_x_uln=None)
    ConsentFactory(screening=screening)

    failed = screening.eligibility.failed

    assert not screening.eligibility.eligible
    assert failed == (
        "Ph-negative confirmed (BCR::ABL1 negative by FISH or PCR): not assessed (no BCR::ABL1 result)",
        f"{ORGAN}: not assessed (not entered: ALT)",
        "CNS3 disease: not assessed (CNS status not assessed)",
    )


FULL = rules.ScreeningData(
    age_years=35,
    ecog=1,
    ph_result="NEGATIVE",
    cns_status="CNS1",
    labs={"bilirubin_x_uln": 1.0, "alt_x_uln": 1.0, "creatinine_x_uln": 1.0},
    consent_on=None,
)


# (changes to the data, criterion, answer the protocol rules give). Limits: age 18-59, ECOG <= 2, bilirubin and
# creatinine <= 1.5 x ULN, ALT <= 3 x ULN (enrollment/protocol.py); CNS3 is the excluding condition.
CASES = [
    ({"age_years": 59}, "INC_AGE", "met"),
    ({"age_years": 60}, "INC_AGE", "not_met"),
    ({"age_years": None}, "INC_AGE", "not_assessed"),
    ({"ecog": 2}, "INC_ECOG", "met"),
    ({"ecog": 3}, "INC_ECOG", "not_met"),
    ({"ph_result": "POSITIVE"}, "INC_PH_NEG", "not_met"),
    ({"cns_status": "CNS2"}, "EXC_CNS3", "not_met"),
    ({"cns_status": "CNS3"}, "EXC_CNS3", "met"),
    ({"cns_status": "NOT_ASSESSED"}, "EXC_CNS3", "not_assessed"),
    ({"labs": {"bilirubin_x_uln": 1.5, "alt_x_uln": 3.0, "creatinine_x_uln": 1.5}}, "INC_ORGAN", "met"),
    ({"labs": {"bilirubin_x_uln": 1.51, "alt_x_uln": 1.0, "creatinine_x_uln": 1.0}}, "INC_ORGAN", "not_met"),
    ({"labs": {"bilirubin_x_uln": 1.0, "alt_x_uln": 3.2, "creatinine_x_uln": 1.0}}, "INC_ORGAN", "not_met"),
    ({"labs": {"bilirubin_x_uln": 1.0, "alt_x_uln": None, "creatinine_x_uln": 1.0}}, "INC_ORGAN", "not_assessed"),
    ({"consent_on": None}, "INC_CONSENT", "not_assessed"),
]


@pytest.mark.parametrize(("changes", "code", "answer"), CASES)
def test_each_data_criterion_is_answered_by_its_data_whatever_the_tick(changes, code, answer):
    data = replace(FULL, **changes)
    ticks = {c.code: "met" if c.kind == "inclusion" else "not_met" for c in ENROLLMENT_PROTOCOL.criteria}

    evaluated = rules.criterion_answers(ticks, data, ENROLLMENT_PROTOCOL)

    assert evaluated[code][0] == answer


def test_a_criterion_without_data_keeps_its_tick():
    ticks = {"EXC_INFECTION": "met"}
    evaluated = rules.criterion_answers(ticks, FULL, ENROLLMENT_PROTOCOL)
    assert evaluated["EXC_INFECTION"] == ("met", None)
    assert evaluated["EXC_PREGNANCY"] == ("not_assessed", None)


def test_a_screening_edit_stores_the_lab_values_and_the_answer_they_give(coordinator_client, site_a):
    _add(coordinator_client, screening_data(site_a, bilirubin_x_uln="2.0", criterion_INC_ORGAN="not_assessed"))
    screening = ScreeningRecord.objects.get()
    assert screening.bilirubin_x_uln == Decimal("2.00")
    assert screening.criteria["INC_ORGAN"] == "not_met"
    assert f"{ORGAN}: not met (Total bilirubin 2 x ULN (limit 1.5))" in screening.eligibility.failed
