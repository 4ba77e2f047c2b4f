"""Dose deviation: signed % of planned; more than +/-10 % needs a reason (exactly 10 % does not)."""

import pytest

from cycles import rules


@pytest.mark.parametrize(
    ("planned", "actual", "pct", "needs_reason"),
    [
        (364, 364, 0.0, False),
        (364, 327.6, -10.0, False),  # exactly -10 %
        (364, 327.5, -10.0, True),  # -10.027 %: displayed -10.0 but beyond the threshold
        (364, 400.4, 10.0, False),  # exactly +10 %
        (364, 401, 10.2, True),
        (5, 3.75, -25.0, True),
    ],
)
def test_deviation_needs_reason_when_beyond_10_percent(planned, actual, pct, needs_reason):
    assert rules.dose_deviation_pct(planned, actual) == pct
    assert rules.deviation_needs_reason(planned, actual) is needs_reason
