"""Visit calendar from the actual day 1 and the windows: done / due / overdue / upcoming / missed."""

from datetime import date

from cycles import rules
from cycles.regimen import REGIMEN

DAY1 = date(2026, 3, 2)


def by_code(visits):
    return {v.code: v for v in visits}


def test_statuses_when_day_8_of_the_cycle():
    cal = by_code(rules.cycle_calendar(1, DAY1, REGIMEN.cycle(1).visits, date(2026, 3, 9)))
    assert cal["D1"].status == rules.OVERDUE  # window 03-02..03-02, nothing recorded
    assert (cal["D8"].target, cal["D8"].window_start, cal["D8"].window_end) == (
        date(2026, 3, 9),
        date(2026, 3, 8),
        date(2026, 3, 10),
    )
    assert cal["D8"].status == rules.DUE
    assert cal["D15"].status == rules.UPCOMING
    assert (cal["EOC"].window_start, cal["EOC"].window_end) == (date(2026, 3, 27), date(2026, 4, 5))  # day 26-35


def test_visit_done_when_dose_given_in_window_or_recorded():
    cal = by_code(
        rules.cycle_calendar(
            1,
            DAY1,
            REGIMEN.cycle(1).visits,
            date(2026, 4, 10),
            records={"EOC": rules.VisitRecordData(date(2026, 3, 30)), "D22": rules.VisitRecordData(None, "Snowstorm")},
            dose_dates=[date(2026, 3, 2), date(2026, 3, 10)],
        )
    )
    assert cal["D1"].status == rules.DONE and cal["D1"].done_on == date(2026, 3, 2)
    assert cal["D8"].status == rules.DONE and cal["D8"].done_on == date(2026, 3, 10)
    assert cal["D15"].status == rules.OVERDUE
    assert cal["D22"].status == rules.MISSED
    assert cal["EOC"].status == rules.DONE


def test_calendar_shifts_when_day1_is_later():
    later = by_code(rules.cycle_calendar(2, date(2026, 4, 10), REGIMEN.cycle(2).visits, date(2026, 4, 1)))
    assert later["D8"].target == date(2026, 4, 17)
    assert all(v.status == rules.UPCOMING for v in later.values())
