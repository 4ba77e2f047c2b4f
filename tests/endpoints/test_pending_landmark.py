"""Landmarks and pending (Project decision 10): EOC1 = study day 28 + allowed delay, EOC2 = study day 56 +
allowed delay (default 14), day 1 = C1D1; a treated participant without an assessment there by the cut-off is
pending while the landmark lies after the cut-off, and missing once it has passed."""

from datetime import date

import pytest

from endpoints.calculations import EocAssessment, Landmarks, ParticipantData, eoc_landmark, is_pending

C1D1 = date(2026, 1, 1)


def test_landmarks_are_study_days_28_and_56_plus_the_allowed_delay():
    assert eoc_landmark(C1D1, "EOC1") == date(2026, 2, 11)  # study day 42 = 1 Jan + 41 days
    assert eoc_landmark(C1D1, "EOC2") == date(2026, 3, 11)  # study day 70 = 1 Jan + 69 days
    assert eoc_landmark(C1D1, "EOC2", Landmarks(allowed_delay_days=0)) == date(2026, 2, 25)  # study day 56
    with pytest.raises(ValueError):
        eoc_landmark(C1D1, "BY_EOC2")


@pytest.mark.parametrize(
    ("cutoff", "eoc1", "expected"),
    [
        (date(2026, 2, 10), None, True),  # landmark 11 Feb after the cut-off
        (date(2026, 2, 11), None, False),  # on the landmark: missing, not pending
        (date(2026, 2, 10), EocAssessment(date(2026, 1, 29), "CR", "NEG"), False),  # assessed
        (date(2026, 2, 10), EocAssessment(date(2026, 2, 11), "CR", "NEG"), True),  # marrow after the cut-off
        (date(2025, 12, 31), None, False),  # not treated by the cut-off
        (None, None, False),  # no cut-off: nothing pending
    ],
)
def test_pending_needs_no_assessment_by_the_cutoff_and_a_later_landmark(cutoff, eoc1, expected):
    assert is_pending(ParticipantData("01-001", C1D1, eoc1), "EOC1", cutoff) is expected
