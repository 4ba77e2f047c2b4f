"""Acceptance 2 through the real views: each bad input gets a field-level message and nothing is saved."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Administration, AdministrationStatus, BlinatumomabSegment, Cycle
from tests.factories.cycles import start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def at(day: datetime.date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00"


@pytest.fixture
def cycle(participant, today, coordinator):
    return start_cycle(participant, today - D(days=10), coordinator)


def post_adm(client, adm, **fields):
    data = {
        "status": "given",
        "given_on": adm.planned_on.isoformat(),
        "actual_dose_mg": str(adm.planned_dose_mg),
        "route": adm.route,
        "reason": "",
        "row_version": adm.row_version,
        **fields,
    }
    return client.post(reverse("cycles:administration-record", args=[adm.pk]), data)


def assert_adm_unchanged(adm):
    adm.refresh_from_db()
    assert adm.status == AdministrationStatus.PLANNED and adm.given_on is None and adm.row_version == 1


def test_administration_refused_when_outside_its_cycle(coordinator_client, cycle):
    adm = cycle.administrations.get(drug_code="VDS", cycle_day=1)
    response = post_adm(coordinator_client, adm, given_on=(cycle.day1_on - D(days=1)).isoformat())
    assert response.status_code == 400
    assert "Outside this cycle" in response.context["form"].errors["given_on"][0]
    assert_adm_unchanged(adm)


def test_administration_refused_when_dose_above_cap(coordinator_client, cycle):
    adm = cycle.administrations.get(drug_code="VDS", cycle_day=1)
    response = post_adm(coordinator_client, adm, actual_dose_mg="5.5", reason="Physician decision")
    assert "above the protocol cap of 5 mg" in response.context["form"].errors["actual_dose_mg"][0]
    assert_adm_unchanged(adm)


def test_administration_asks_reason_when_deviation_beyond_10_percent(coordinator_client, cycle):
    adm = cycle.administrations.get(drug_code="CTX", cycle_day=3)  # planned 364 mg
    response = post_adm(coordinator_client, adm, actual_dose_mg="320")
    assert "deviates -12.1 %" in response.context["form"].errors["reason"][0]
    assert_adm_unchanged(adm)


def test_administration_refused_when_date_in_future(coordinator_client, participant, today, coordinator):
    cycle = start_cycle(participant, today - D(days=2), coordinator)
    adm = cycle.administrations.get(drug_code="CTX", cycle_day=5)  # planned for tomorrow
    response = post_adm(coordinator_client, adm)
    assert any("future" in e for e in response.context["form"].errors["given_on"])
    assert_adm_unchanged(adm)


def post_segment(client, cycle, start, stop, rate="9", stop_reason="bag_change"):
    data = {"started_at": start, "stopped_at": stop or "", "rate_mcg_per_day": rate, "stop_reason": stop_reason}
    return client.post(reverse("cycles:segment-add", args=[cycle.pk]), data)


def test_segment_refused_when_stop_before_start(coordinator_client, cycle):
    d = cycle.day1_on
    response = post_segment(coordinator_client, cycle, at(d + D(days=2), 8), at(d + D(days=1), 8))
    assert response.status_code == 400
    assert "after the start" in response.context["form"].errors["stopped_at"][0]
    assert not BlinatumomabSegment.objects.exists()


def test_segment_refused_when_overlapping_another(coordinator_client, cycle):
    d = cycle.day1_on
    assert post_segment(coordinator_client, cycle, at(d, 8), at(d + D(days=2), 8)).status_code == 302
    response = post_segment(coordinator_client, cycle, at(d + D(days=1), 8), at(d + D(days=3), 8))
    assert "Overlaps the segment" in response.context["form"].errors["started_at"][0]
    assert BlinatumomabSegment.objects.count() == 1


def test_segment_refused_when_in_future(coordinator_client, cycle, today):
    response = post_segment(coordinator_client, cycle, at(today + D(days=1), 8), None)
    assert any("future" in e for e in response.context["form"].errors["started_at"])
    assert not BlinatumomabSegment.objects.exists()


def start_form(client, participant, day1, **extra):
    token = client.get(reverse("cycles:cycle-start", args=[participant.pk])).context["form"]["submission_token"].value()
    data = {"day1_on": day1.isoformat(), "weight_kg": "70", "submission_token": token, **extra}
    return client.post(reverse("cycles:cycle-start", args=[participant.pk]), data)


def test_cycle2_refused_when_too_early_after_cycle1(coordinator_client, participant, today, coordinator):
    cycle = start_cycle(participant, today - D(days=40), coordinator)
    response = start_form(coordinator_client, participant, cycle.day1_on + D(days=24))  # earliest: + 25
    assert "Too early" in response.context["form"].errors["day1_on"][0]
    assert not Cycle.objects.filter(number=2).exists()


def test_cycle_start_refused_when_before_consent(coordinator_client, participant, today):
    response = start_form(coordinator_client, participant, today - D(days=61))  # consent 60 days ago
    assert response.status_code == 400
    assert any("consent" in e for e in response.context["form"].errors["day1_on"])
    assert not Cycle.objects.exists() and not Administration.objects.exists()


def test_cycle_start_refused_when_in_future(coordinator_client, participant, today):
    response = start_form(coordinator_client, participant, today + D(days=1))
    assert any("future" in e for e in response.context["form"].errors["day1_on"])
    assert not Cycle.objects.exists()


def test_transplant_refused_when_before_consent(coordinator_client, participant, today):
    data = {
        "transplanted_on": (today - D(days=90)).isoformat(),
        "donor_type": "matched_sibling",
        "conditioning_intensity": "MAC",
        "conditioning_regimen": "TBI",
    }
    response = coordinator_client.post(reverse("cycles:transplant-add", args=[participant.pk]), data)
    assert any("consent" in e for e in response.context["form"].errors["transplanted_on"])
    assert not participant.transplants.exists()
