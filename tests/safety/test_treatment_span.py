"""safety.derived.treatment_span (the casebook's first and last treatment day from rows already read) agrees with
dose_dates (the same in SQL)."""

import datetime

import pytest

from cycles.services import GIVEN_STATUSES, participant_treatment
from safety.derived import dose_dates, treatment_span
from tests.factories.cycles import CycleFactory, SegmentFactory

D = datetime.date
UTC = datetime.UTC


def test_untreated_has_no_span():
    assert treatment_span([], []) == (None, None)
    assert treatment_span([None], []) == (None, None)


def test_doses_alone_span_from_first_to_last():
    assert treatment_span([D(2026, 3, 5), None, D(2026, 3, 1)], []) == (D(2026, 3, 1), D(2026, 3, 5))


def test_a_segment_before_the_doses_starts_the_span_and_a_running_one_leaves_it_open():
    started = datetime.datetime(2026, 2, 27, 8, tzinfo=UTC)
    stopped = datetime.datetime(2026, 3, 9, 8, tzinfo=UTC)
    assert treatment_span([D(2026, 3, 5)], [(started, stopped)]) == (D(2026, 2, 27), D(2026, 3, 9))
    assert treatment_span([D(2026, 3, 5)], [(started, None)]) == (D(2026, 2, 27), None)


@pytest.mark.django_db
def test_it_agrees_with_dose_dates_on_a_treated_participant(participant):
    day1 = participant.enrolled_on + datetime.timedelta(days=2)
    cycle = CycleFactory(participant=participant, number=1, day1_on=day1)
    SegmentFactory(cycle=cycle)
    treatment = participant_treatment(participant.pk)
    span = treatment_span(
        [a.given_on for a in treatment.administrations if a.status in GIVEN_STATUSES],
        [(s.started_at, s.stopped_at) for segments in treatment.segments.values() for s in segments],
    )
    assert span == dose_dates([participant.pk])[participant.pk]
