"""Cycle 2: not before cycle 1 exists, not before C1 day 1 + 28 - 3 days, late (after + 3) needs a reason."""

from datetime import date

from cycles import rules

C1D1 = date(2026, 1, 1)


def test_cycle2_refused_when_cycle1_missing():
    assert "day1_on" in rules.cycle_start_problems(2, date(2026, 2, 1), None, None)


def test_cycle2_refused_when_before_earliest_start():
    assert rules.earliest_next_start(C1D1, 28) == date(2026, 1, 26)
    assert "Too early" in rules.cycle_start_problems(2, date(2026, 1, 25), C1D1, 28)["day1_on"]
    assert rules.cycle_start_problems(2, date(2026, 1, 26), C1D1, 28) == {}


def test_cycle2_needs_delay_reason_when_late():
    assert rules.cycle_start_problems(2, date(2026, 2, 1), C1D1, 28) == {}  # day 29 + 3
    assert "delay_reason" in rules.cycle_start_problems(2, date(2026, 2, 2), C1D1, 28)
    assert rules.cycle_start_problems(2, date(2026, 2, 2), C1D1, 28, "Counts not recovered") == {}


def test_cycle3_refused_when_protocol_defines_two_cycles():
    assert "__all__" in rules.cycle_start_problems(3, date(2026, 3, 1), date(2026, 2, 1), 28)
