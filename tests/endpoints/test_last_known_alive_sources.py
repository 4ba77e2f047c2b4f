"""Last known alive (issue 14, DOMAIN 5.5 and Project decision 11): one definition of the dates that prove a
participant alive, read off every dated record that declares one (enrollment.alive): doses, blinatumomab
segment starts and stops, visits, transplants, non-death status changes such as withdrawal, marrows, blood
counts, EMD, 'alive' contacts. An OS row is censored at the latest of them (not before the cut-off)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cycles.models import Administration, AdministrationStatus, BlinatumomabSegment
from endpoints import calculations as calc
from endpoints.loaders import load_cohort
from enrollment import alive, services
from tests.factories.assessments import MarrowFactory
from tests.factories.cycles import SegmentFactory, start_cycle
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def treated(site_a, coordinator):
    """C1D1 100 days ago (a 48-h infusion segment), an end-of-cycle-1 marrow on day 28."""
    today = timezone.localdate()
    participant = ParticipantFactory(screening__site=site_a, screening__screened_on=today - D(days=110))
    cycle = start_cycle(participant, today - D(days=100), coordinator)
    SegmentFactory(cycle=cycle)
    MarrowFactory(participant=participant, sample_date=cycle.day1_on + D(days=27))
    return participant, cycle


def _os(participant):
    today = timezone.localdate()
    [data] = [p for p in load_cohort(today).participants if p.participant_id == participant.participant_id]
    return calc.derive_os(data, today)


def _censored_on(participant):
    row = _os(participant)
    assert row.CNSR == 1
    return row.to_dict()["ADT"]


def _day(cycle, day: int) -> str:
    return (cycle.day1_on + D(days=day - 1)).isoformat()


def test_without_later_records_os_is_censored_at_the_marrow(treated):
    participant, cycle = treated
    row = _os(participant)
    assert (row.ADT, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (cycle.day1_on + D(days=27), 1, calc.DESC_LAST_ALIVE)


def test_os_is_censored_at_a_later_dose(treated):
    participant, cycle = treated
    dose = Administration.objects.filter(cycle=cycle, drug_code="VDS", cycle_day=22).get()
    Administration.objects.filter(pk=dose.pk).update(
        status=AdministrationStatus.GIVEN, given_on=dose.planned_on, actual_dose_mg=dose.planned_dose_mg
    )
    # day 22 of cycle 1 is before the day-28 marrow, which stays the latest; then the dose moves after it
    assert _censored_on(participant) == _day(cycle, 28)
    Administration.objects.filter(pk=dose.pk).update(given_on=cycle.day1_on + D(days=40))
    assert _censored_on(participant) == _day(cycle, 41)


def test_os_is_censored_at_a_later_infusion_stop(treated):
    participant, cycle = treated
    start = datetime.datetime.combine(cycle.day1_on + D(days=30), datetime.time(8), tzinfo=datetime.UTC)
    BlinatumomabSegment.objects.create(
        cycle=cycle,
        started_at=start,
        stopped_at=start + D(days=14, hours=3),
        rate_mcg_per_day=Decimal("28"),
        stop_reason="end_of_cycle",
    )
    assert _censored_on(participant) == _day(cycle, 45)  # the stop: 14 days and 3 hours after the day-31 start


def test_os_is_censored_at_a_withdrawal_but_not_at_an_off_study_for_death(treated, coordinator):
    participant, cycle = treated
    withdrawn_on = cycle.day1_on + D(days=60)
    services.take_off_study(participant=participant, on=withdrawn_on, reason_code="consent_withdrawn", user=coordinator)
    assert _censored_on(participant) == withdrawn_on.isoformat()


def test_an_off_study_change_at_death_does_not_prove_the_participant_alive(treated, coordinator):
    participant, cycle = treated
    services.take_off_study(
        participant=participant, on=cycle.day1_on + D(days=60), reason_code="death", user=coordinator
    )
    assert alive.latest_alive_dates([participant.pk])[participant.pk] == cycle.day1_on + D(days=27)


def test_a_removed_record_does_not_count(treated):
    participant, cycle = treated
    seg = SegmentFactory(
        cycle=cycle,
        started_at=datetime.datetime.combine(cycle.day1_on + D(days=50), datetime.time(8), tzinfo=datetime.UTC),
    )
    assert _censored_on(participant) == _day(cycle, 53)  # day-51 start, stopped 48 h later
    BlinatumomabSegment.objects.filter(pk=seg.pk).update(is_deleted=True)
    assert _censored_on(participant) == _day(cycle, 28)


def test_the_sources_are_named_in_the_conventions_text():
    labels = alive.source_labels()
    for expected in (
        "doses",
        "blinatumomab infusion starts and stops",
        "visits",
        "transplants",
        "blood counts",
        "non-death status changes (withdrawal included)",
        "marrow and MRD samples",
    ):
        assert expected in labels
    text = calc.conventions_text(alive_sources=labels)
    assert "Last date known alive: the latest date, on or before the cut-off, of non-death status changes" in text
    assert "EOC2 = day 56 + 14 = study day 70 (day 1 = C1D1)" in text


def test_the_pure_default_names_the_same_sources_as_the_models_declare():
    assert alive.source_labels() == calc.DEFAULT_ALIVE_SOURCES
