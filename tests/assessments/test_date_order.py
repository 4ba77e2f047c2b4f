"""Assessment dates in the trial's order (issue 14): marrows and follow-up on or after C1D1 (the first dose),
blood counts and EMD on or after consent; existing records breaking it raise automatic queries."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import BoneMarrowAssessment, FollowUpContact
from integrity import edit_checks
from integrity.models import DataQuery, QueryStatus
from tests.dates import read
from tests.factories.assessments import MarrowFactory
from tests.factories.cycles import CycleFactory, SegmentFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def c1d1(participant):
    """Cycle 1 started (and the infusion with it) 5 days after enrollment."""
    cycle = CycleFactory(participant=participant, day1_on=participant.enrolled_on + D(days=5))
    SegmentFactory(cycle=cycle)
    return cycle.day1_on


def test_a_marrow_before_c1d1_is_refused_naming_both_dates(coordinator_client, participant, c1d1):
    on = c1d1 - D(days=1)
    response = coordinator_client.post(
        reverse("assessments:marrow-add", args=[participant.pk]),
        {
            "timepoint": "UNSCHEDULED",
            "sample_date": on.isoformat(),
            "aspirate_adequacy": "ADEQUATE",
            "blasts_pct": "2",
            "cellularity": "NORMO",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["sample_date"] == [
        f"Aspirate date ({read(on)}) is before C1D1 (the first dose) ({read(c1d1)})."
    ]
    assert not BoneMarrowAssessment.objects.exists()


def test_a_follow_up_contact_before_c1d1_is_refused(coordinator_client, participant, c1d1):
    on = c1d1 - D(days=2)
    response = coordinator_client.post(
        reverse("assessments:followup-add", args=[participant.pk]),
        {"contact_date": on.isoformat(), "method": "VISIT", "vital_status": "ALIVE", "disease_status": "NOT_ASSESSED"},
    )
    assert response.status_code == 400
    assert "is before C1D1 (the first dose)" in response.context["form"].errors["contact_date"][0]
    assert not FollowUpContact.objects.exists()


def test_a_baseline_blood_count_between_consent_and_c1d1_is_accepted(coordinator_client, participant, c1d1):
    response = coordinator_client.post(
        reverse("assessments:cbc-add", args=[participant.pk]),
        {
            "sample_date": (c1d1 - D(days=3)).isoformat(),
            "anc_e9_per_l": "1.5",
            "platelets_e9_per_l": "150",
            "hb_g_per_l": "100",
            "wbc_e9_per_l": "4",
            "circulating_blasts": "ABSENT",
        },
    )
    assert response.status_code == 302


def test_an_existing_marrow_before_c1d1_raises_a_query(participant, c1d1):
    marrow = MarrowFactory(participant=participant, timepoint="UNSCHEDULED", sample_date=c1d1 - D(days=1))

    edit_checks.run_for_participant(participant)

    [query] = DataQuery.objects.filter(check_code="DATE_ORDER_MARROW").exclude(status=QueryStatus.CLOSED)
    assert (query.object_id, query.field_name) == (marrow.pk, "sample_date")
    assert query.text == (
        f"The aspirate date ({read(marrow.sample_date)}) is before C1D1 (the first dose) ({read(c1d1)})."
    )
