"""EFS rule 2 applies only before the landmark (issue 14, DOMAIN 5.5 and Project decision 10): a death without
any response assessment on or before the EOC2 landmark (day 56 + the allowed delay of 14 = day 70) is an event
at day 1; a later death of a participant never evaluable falls under rule 3, censored at day 1."""

import datetime
from datetime import date

import pytest
from django.utils import timezone

from endpoints import calculations as calc
from endpoints.calculations import Landmarks, ParticipantData
from endpoints.loaders import load_cohort
from tests.factories.assessments import FollowUpContactFactory
from tests.factories.cycles import CycleFactory, SegmentFactory
from tests.factories.enrollment import ParticipantFactory

C1D1 = date(2025, 1, 1)
CUTOFF = date(2026, 6, 30)
DAY_70 = date(2025, 3, 11)  # 1 Jan + 69 days: the EOC2 landmark


@pytest.mark.parametrize(
    ("death", "adt", "cnsr", "desc"),
    [
        (DAY_70, C1D1, 0, calc.DESC_DEATH_NO_RESPONSE_DAY1),  # on the landmark: rule 2
        (date(2025, 2, 1), C1D1, 0, calc.DESC_DEATH_NO_RESPONSE_DAY1),
        (date(2025, 3, 12), C1D1, 1, calc.DESC_NOT_EVALUABLE_DAY1),  # day 71: rule 3
        (date(2026, 1, 20), C1D1, 1, calc.DESC_NOT_EVALUABLE_DAY1),  # a year later: rule 3
    ],
)
def test_a_never_evaluable_death_is_an_event_at_day_1_only_up_to_the_landmark(death, adt, cnsr, desc):
    row = calc.derive_efs(ParticipantData("X", C1D1, death_date=death), CUTOFF)
    assert (row.ADT, row.AVAL_DAYS, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (adt, 1, cnsr, desc)


def test_the_landmark_follows_the_allowed_delay_setting():
    no_delay = Landmarks(allowed_delay_days=0)  # EOC2 landmark day 56 = 2025-02-25
    row = calc.derive_efs(ParticipantData("X", C1D1, death_date=date(2025, 3, 1)), CUTOFF, landmarks=no_delay)
    assert row.CNSR == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("death_day", "cnsr"), [(60, 0), (100, 1)])
def test_a_recorded_death_without_a_marrow_follows_the_landmark_through_the_loader(site_a, death_day, cnsr):
    today = timezone.localdate()
    participant = ParticipantFactory(
        screening__site=site_a, screening__screened_on=today - datetime.timedelta(days=200)
    )
    cycle = CycleFactory(participant=participant)  # C1D1 = enrollment + 2 days
    SegmentFactory(cycle=cycle)
    death = cycle.day1_on + datetime.timedelta(days=death_day - 1)  # study day 60 or 100
    FollowUpContactFactory(
        participant=participant,
        contact_date=death + datetime.timedelta(days=3),
        vital_status="DEAD",
        disease_status="NOT_ASSESSED",
        death_date=death,
        death_cause="INFECTION",
    )

    [data] = load_cohort(today).participants
    row = calc.derive_efs(data, today).to_dict()

    assert (row["ADT"], row["AVAL_DAYS"], row["CNSR"]) == (cycle.day1_on.isoformat(), 1, cnsr)
