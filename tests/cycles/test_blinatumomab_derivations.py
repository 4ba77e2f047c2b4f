"""Blinatumomab figures from infusion segments, on hand-computed cases (DOMAIN 2.2)."""

from datetime import UTC, datetime, timedelta

from cycles import rules


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


NOW = datetime(2026, 2, 1, tzinfo=UTC)
# Cycle 1: 9 ug/day 48 h, bag change, 9 ug/day 120 h, step-up 28 ug/day 48 h, stopped for an AE,
# 30 h off, restart at 9 ug/day for 24 h.
CYCLE = [
    rules.Segment(at(1), at(3), 9, premedication_at=at(1, 7)),
    rules.Segment(at(3), at(8), 9),
    rules.Segment(at(8), at(10), 28),  # step-up without premedication
    rules.Segment(at(11, 14), at(12, 14), 9, premedication_at=at(11, 13, 30)),
]


def test_delivered_dose_and_infusion_days_when_step_up_and_restart():
    s = rules.blinatumomab_summary(CYCLE, now=NOW)
    # 9 x 48/24 + 9 x 120/24 + 28 x 48/24 + 9 x 24/24 = 18 + 45 + 56 + 9
    assert s.delivered_mcg == 128
    assert s.infusion_hours == 240 and s.infusion_days == 10


def test_interruptions_counted_when_gap_longer_than_a_bag_change():
    s = rules.blinatumomab_summary(CYCLE, now=NOW)
    assert s.interruption_count == 1
    assert s.interruption_total_hours == 30
    assert s.longest_interruption_hours == 30
    assert s.new_cycle_required is False


def test_step_up_and_restart_found_when_rate_rises_and_infusion_resumes():
    s = rules.blinatumomab_summary(CYCLE, now=NOW)
    assert s.step_up_at == at(8)
    assert s.restarts == (at(11, 14),)


def test_premedication_missing_flagged_when_step_up_has_none():
    s = rules.blinatumomab_summary(CYCLE, now=NOW)
    assert s.premedication_missing == ((at(8), "step-up"),)


def test_premedication_flagged_when_given_too_early():
    segs = [rules.Segment(at(1), at(2), 9, premedication_at=at(1, 5, 59))]  # 2 h 1 min before
    assert rules.blinatumomab_summary(segs, now=NOW).premedication_missing == ((at(1), "cycle start"),)


def test_short_gap_is_a_bag_change_when_at_most_60_minutes():
    segs = [rules.Segment(at(1), at(2), 28), rules.Segment(at(2, 9), at(3), 28)]  # 60 min gap
    assert rules.blinatumomab_summary(segs, now=NOW).interruption_count == 0
    segs = [rules.Segment(at(1), at(2), 28), rules.Segment(at(2, 9, 1), at(3), 28)]  # 61 min gap
    assert rules.blinatumomab_summary(segs, now=NOW).interruption_count == 1


def test_new_cycle_required_when_interruption_longer_than_7_days():
    exactly_7 = [rules.Segment(at(1), at(2), 28), rules.Segment(at(9), at(10), 28)]  # 168 h
    assert rules.blinatumomab_summary(exactly_7, now=NOW).new_cycle_required is False
    longer = [rules.Segment(at(1), at(2), 28), rules.Segment(at(9, 8, 1), at(10), 28)]  # 168 h 1 min
    s = rules.blinatumomab_summary(longer, now=NOW)
    assert s.new_cycle_required is True
    assert s.interruption_total_hours == 168.02


def test_running_segment_counts_until_now_when_not_stopped():
    segs = [rules.Segment(at(1), None, 28)]
    s = rules.blinatumomab_summary(segs, now=at(1) + timedelta(hours=36))
    assert s.delivered_mcg == 42  # 28 x 36 / 24
    assert s.infusion_days == 1.5


def test_no_segments_gives_zero_figures():
    s = rules.blinatumomab_summary([], now=NOW)
    assert (s.delivered_mcg, s.infusion_days, s.interruption_count, s.step_up_at) == (0, 0, 0, None)


def test_overlap_and_order_checks_when_segments_clash():
    others = [rules.Segment(at(1, 10), at(1, 12), 9)]
    assert rules.overlapping_segments(at(1, 11), at(1, 13), others) == others
    assert rules.overlapping_segments(at(1, 12), at(1, 14), others) == []  # touching is fine
    running = [rules.Segment(at(1, 10), None, 9)]
    assert rules.overlapping_segments(at(5), at(6), running) == running
    assert rules.segment_order_problem(at(2), at(1)) is not None
    assert rules.segment_order_problem(at(1), at(2)) is None


def test_rate_query_when_28_before_cycle1_day8():
    from cycles.regimen import REGIMEN

    steps = REGIMEN.cycle(1).blinatumomab
    early = rules.Segment(at(5), at(7), 28)  # day 5 at 28 ug/day: step is 9
    on_time = rules.Segment(at(8), at(10), 28)  # day 8
    low = rules.Segment(at(1), at(3), 9)
    late = rules.Segment(at(30), at(31), 28)  # prolonged cycle, last step applies
    assert rules.rate_above_step([early, on_time, low, late], at(1).date(), steps) == (early,)
