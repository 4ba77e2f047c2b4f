"""Date helpers for ADTTE (DOMAIN 5.5): last known alive, last adequate assessment, relapse date."""

from datetime import date

from assessments.rules import (
    first_remission_date,
    last_adequate_disease_assessment,
    last_known_alive_date,
    relapse_date,
)

CUTOFF = date(2026, 6, 30)


def test_last_known_alive_latest_before_cutoff():
    assert last_known_alive_date([date(2025, 1, 1), date(2026, 5, 15), date(2025, 7, 1)], CUTOFF) == date(2026, 5, 15)


def test_last_known_alive_after_cutoff_truncated_to_cutoff():
    assert last_known_alive_date([date(2026, 5, 1), date(2026, 8, 1)], CUTOFF) == CUTOFF


def test_last_known_alive_on_cutoff():
    assert last_known_alive_date([CUTOFF], CUTOFF) == CUTOFF


def test_last_known_alive_none():
    assert last_known_alive_date([], CUTOFF) is None


def test_last_assessment_ignores_later_dates():
    dates = [date(2026, 6, 10), date(2026, 7, 20), date(2025, 3, 1)]
    assert last_adequate_disease_assessment(dates, CUTOFF) == date(2026, 6, 10)


def test_last_assessment_on_cutoff_kept_and_none_when_all_later():
    assert last_adequate_disease_assessment([CUTOFF], CUTOFF) == CUTOFF
    assert last_adequate_disease_assessment([date(2026, 7, 1)], CUTOFF) is None


def test_relapse_date_earliest_on_or_before_cutoff():
    dates = [date(2026, 1, 5), date(2025, 11, 10), date(2026, 7, 1)]
    assert relapse_date(dates, CUTOFF) == date(2025, 11, 10)


def test_relapse_after_cutoff_ignored():
    assert relapse_date([date(2026, 7, 1)], CUTOFF) is None
    assert relapse_date([CUTOFF], CUTOFF) == CUTOFF


def test_relapse_before_remission_ignored():
    dates = [date(2025, 1, 20), date(2025, 6, 1)]
    assert relapse_date(dates, CUTOFF, remission_date=date(2025, 2, 1)) == date(2025, 6, 1)
    assert relapse_date([date(2025, 2, 1)], CUTOFF, remission_date=date(2025, 2, 1)) is None


def test_first_remission_date():
    pairs = [(date(2025, 3, 1), "CR"), (date(2025, 2, 1), "NR"), (date(2025, 2, 20), "CRi"), (None, "CR")]
    assert first_remission_date(pairs) == date(2025, 2, 20)
    assert first_remission_date([(date(2025, 2, 1), "NR")]) is None
