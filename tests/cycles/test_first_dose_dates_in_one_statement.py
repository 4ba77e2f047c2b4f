"""first_dose_dates(): the first given dose and the first infusion start per participant read in one statement,
with the rule unchanged: C1D1 = the earlier of the first GIVEN/REDUCED dose's date (as entered) and the local
calendar date of the first live infusion segment's start."""

import datetime

import pytest
from django.utils import timezone

from cycles import services
from cycles.models import AdministrationStatus
from tests.factories.cycles import SegmentFactory, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def _give(adm, user) -> None:
    services.record_administration(
        administration=adm, status=AdministrationStatus.GIVEN, given_on=adm.planned_on,
        actual_dose_mg=adm.planned_dose_mg, user=user,
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def test_an_infusion_started_first_gives_its_local_date_in_one_statement(
    participant, today, coordinator, django_assert_num_queries
):
    day1 = today - D(days=20)
    c1 = start_cycle(participant, day1, coordinator)
    _give(c1.administrations.get(drug_code="VDS", cycle_day=8), coordinator)
    SegmentFactory(cycle=c1, started_at=_at(day1 + D(days=2), 22))  # late evening UTC: the next day in Auckland
    with django_assert_num_queries(1):
        in_utc = services.first_dose_dates([participant.pk])
    with timezone.override("Pacific/Auckland"), django_assert_num_queries(1):
        in_auckland = services.first_dose_dates([participant.pk])
    assert in_utc == {participant.pk: day1 + D(days=2)}
    assert in_auckland == {participant.pk: day1 + D(days=3)}


def test_a_dose_given_first_keeps_its_date_as_entered_in_every_time_zone(participant, today, coordinator):
    day1 = today - D(days=20)
    c1 = start_cycle(participant, day1, coordinator)
    dose = c1.administrations.get(drug_code="VDS", cycle_day=8)
    _give(dose, coordinator)
    SegmentFactory(cycle=c1, started_at=_at(dose.planned_on + D(days=3), 8))
    SegmentFactory(cycle=c1, started_at=_at(day1, 8), is_deleted=True)  # a removed segment counts for nothing
    for zone in ("UTC", "Pacific/Honolulu", "Pacific/Auckland"):
        with timezone.override(zone):
            assert services.first_dose_dates([participant.pk]) == {participant.pk: dose.planned_on}, zone


def test_a_participant_with_nothing_given_has_no_first_dose(participant, participant_b, today, coordinator):
    start_cycle(participant, today - D(days=3), coordinator)
    assert services.first_dose_dates([participant.pk, participant_b.pk]) == {}
