"""Treatment dates in the trial's order (issue 14): a cycle starts on or after the enrollment date; visits and
transplants come on or after C1D1; existing data breaking the order raise automatic queries."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Cycle, Transplant, VisitRecord
from integrity import edit_checks
from integrity.models import DataQuery, QueryStatus
from tests.dates import read
from tests.factories.cycles import CycleFactory, SegmentFactory, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def _start(client, participant, day1):
    page = client.get(reverse("cycles:cycle-start", args=[participant.pk]))
    token = page.context["form"]["submission_token"].value()
    data = {"day1_on": day1.isoformat(), "weight_kg": "70", "submission_token": token}
    return client.post(reverse("cycles:cycle-start", args=[participant.pk]), data)


def _open(code):
    return list(DataQuery.objects.filter(check_code=code).exclude(status=QueryStatus.CLOSED))


def test_a_c1d1_before_the_enrollment_date_is_refused_through_the_view(coordinator_client, participant):
    # participant: screened and consented 60 days ago, enrolled 58 days ago
    day1 = participant.enrolled_on - D(days=1)

    response = _start(coordinator_client, participant, day1)

    assert response.status_code == 400
    assert response.context["form"].errors["day1_on"] == [
        f"Day 1 (actual start) ({read(day1)}) is before the enrollment date "
        f"({read(participant.enrolled_on)})."
    ]
    assert not Cycle.objects.exists()


def test_a_c1d1_on_the_enrollment_date_is_accepted(coordinator_client, participant):
    assert _start(coordinator_client, participant, participant.enrolled_on).status_code == 302


def test_a_visit_before_c1d1_is_refused_naming_both_dates(coordinator_client, participant, coordinator):
    cycle = start_cycle(participant, participant.enrolled_on + D(days=5), coordinator)
    SegmentFactory(cycle=cycle)  # C1D1 = cycle day 1, the infusion start
    url = reverse("cycles:visit-record", args=[cycle.pk, "D8"])
    visited = cycle.day1_on - D(days=1)

    response = coordinator_client.post(url, {"visited_on": visited.isoformat(), "missed_reason": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["visited_on"] == [
        f"Visit date ({read(visited)}) is before C1D1 (the first dose) ({read(cycle.day1_on)})."
    ]
    assert not VisitRecord.objects.exists()


def test_a_transplant_before_c1d1_is_refused(coordinator_client, participant, coordinator):
    cycle = start_cycle(participant, participant.enrolled_on + D(days=5), coordinator)
    on = cycle.day1_on - D(days=2)
    response = coordinator_client.post(
        reverse("cycles:transplant-add", args=[participant.pk]),
        {
            "transplanted_on": on.isoformat(),
            "donor_type": "matched_sibling",
            "conditioning_intensity": "MAC",
            "conditioning_regimen": "TBI",
        },
    )
    assert response.status_code == 400
    assert "is before C1D1 (the first dose)" in response.context["form"].errors["transplanted_on"][0]
    assert not Transplant.objects.exists()


def test_an_existing_cycle_started_before_enrollment_raises_a_query_and_closes_when_fixed(participant):
    cycle = CycleFactory(participant=participant, day1_on=participant.enrolled_on - D(days=1))  # after consent

    edit_checks.run_for_participant(participant)

    [query] = _open("DATE_ORDER_CYCLE")
    assert query.object_id == cycle.pk and query.field_name == "day1_on"
    assert query.text == (
        f"Day 1 ({read(cycle.day1_on)}) is before the enrollment date ({read(participant.enrolled_on)})."
    )
    Cycle.objects.filter(pk=cycle.pk).update(day1_on=participant.enrolled_on)
    edit_checks.run_for_participant(participant)
    assert _open("DATE_ORDER_CYCLE") == []


def test_an_existing_transplant_before_c1d1_raises_a_query(participant, coordinator):
    cycle = start_cycle(participant, participant.enrolled_on + D(days=5), coordinator)
    Transplant.objects.create(
        participant=participant,
        transplanted_on=cycle.day1_on - D(days=1),
        donor_type="matched_sibling",
        conditioning_intensity="MAC",
        conditioning_regimen="TBI",
    )
    edit_checks.run_for_participant(participant)
    [query] = _open("DATE_ORDER_TRANSPLANT")
    assert f"is before C1D1 (the first dose) ({read(cycle.day1_on)})" in query.text
