"""The data cut-off of a snapshot cannot be in the future (pure rule, no database)."""

import datetime

import pytest

from exports.rules import cutoff_problem

TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("cutoff", "refused"),
    [
        (TODAY, False),
        (TODAY - datetime.timedelta(days=365), False),
        (TODAY + datetime.timedelta(days=1), True),
        (None, False),
    ],
)
def test_a_cutoff_after_today_is_refused(cutoff, refused):
    assert (cutoff_problem(cutoff, TODAY) is not None) == refused
