"""Choice of the blood count used for a marrow: nearest within -7/+3 days (DOMAIN decision 3)."""

from datetime import date, timedelta

from assessments.rules import Cbc, ResponseCriteria, nearest_cbc

MARROW = date(2025, 2, 26)


def day(offset: int) -> date:
    return MARROW + timedelta(days=offset)


def test_empty_list():
    assert nearest_cbc(MARROW, []) is None


def test_picks_nearest():
    cbcs = [Cbc(day(-6), 1.0, 100), Cbc(day(-2), 2.0, 200), Cbc(day(3), 3.0, 300)]
    assert nearest_cbc(MARROW, cbcs) == cbcs[1]


def test_same_day_wins():
    cbcs = [Cbc(day(1), 1.0, 100), Cbc(day(0), 2.0, 200), Cbc(day(-1), 3.0, 300)]
    assert nearest_cbc(MARROW, cbcs) == cbcs[1]


def test_window_edges_included():
    assert nearest_cbc(MARROW, [Cbc(day(-7), 1.0, 100)]) is not None
    assert nearest_cbc(MARROW, [Cbc(day(3), 1.0, 100)]) is not None


def test_outside_window_excluded():
    assert nearest_cbc(MARROW, [Cbc(day(-8), 1.0, 100), Cbc(day(4), 1.0, 100)]) is None


def test_far_cbc_ignored_even_if_only_one_in_window_is_farther_in_list():
    cbcs = [Cbc(day(-30), 9.0, 900), Cbc(day(-7), 1.0, 100)]
    assert nearest_cbc(MARROW, cbcs) == cbcs[1]


def test_tie_prefers_on_or_before_marrow():
    after, before = Cbc(day(2), 1.0, 100), Cbc(day(-2), 2.0, 200)
    assert nearest_cbc(MARROW, [after, before]) == before
    assert nearest_cbc(MARROW, [before, after]) == before


def test_same_date_keeps_input_order():
    first, second = Cbc(day(-1), 1.0, 100), Cbc(day(-1), 2.0, 200)
    assert nearest_cbc(MARROW, [first, second]) is first
    assert nearest_cbc(MARROW, [second, first]) is second


def test_window_is_a_setting():
    criteria = ResponseCriteria(cbc_window_days_before=3, cbc_window_days_after=0)
    assert nearest_cbc(MARROW, [Cbc(day(-4), 1.0, 100), Cbc(day(1), 1.0, 100)], criteria) is None
    assert nearest_cbc(MARROW, [Cbc(day(-3), 1.0, 100)], criteria) is not None


def test_other_record_types_through_date_of():
    rows = [("x", day(-5)), ("y", day(2)), ("z", day(6))]
    assert nearest_cbc(MARROW, rows, date_of=lambda row: row[1]) == ("y", day(2))


def test_plain_dates_accepted():
    assert nearest_cbc(MARROW, [day(-4), day(-1)]) == day(-1)
