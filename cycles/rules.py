"""Treatment rules as pure functions over plain data (no Django): doses, blinatumomab, cycle starts, calendar.

Every threshold comes from cycles.regimen (passed in, defaulting to REGIMEN). Every message is a cycles.text
Message: English as a string (stored, compared), shown in the reader's language by cycles.shown.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from blinatrial.dates import shown_date
from cycles.regimen import MG_PER_M2, REGIMEN, BlinatumomabStep, CycleRegimen, DrugSchedule, Regimen, VisitSpec
from cycles.text import DateRange, Message, gettext_noop, ngettext_lazy
from enrollment import rules as enrollment_rules
from enrollment.rules import bsa_mosteller  # noqa: F401 - the dose rules use it as rules.bsa_mosteller

# ---------------------------------------------------------------------------------------------------
# Doses


def first_dose_on(dose_dates: list[date], segment_starts: list[date]) -> date | None:
    """C1D1: the first date any protocol drug was given (a discrete dose or the start of a blinatumomab
    infusion); None when nothing was given."""
    return min([*dose_dates, *segment_starts], default=None)


def planned_dose_mg(drug: DrugSchedule, bsa_m2: float) -> float:
    """The planned single dose in mg: dose x BSA for per-m2 drugs, else the flat dose; never above a cap."""
    raw = drug.dose * float(bsa_m2) if drug.unit == MG_PER_M2 else drug.dose
    return round(raw if drug.cap_mg is None else min(raw, drug.cap_mg), 2)


def dose_rule(protocol_dose: float, unit: str, bsa_m2: float, planned_mg: float) -> str:
    """How a planned dose was produced, from the values stored with it: "3 mg/m2 x 1.82 m2 = 5.46 mg, capped
    at 5 mg" or "flat 400 mg"."""
    if unit != MG_PER_M2:
        return Message(gettext_noop("flat %(mg)s mg"), mg=f"{float(protocol_dose):g}")
    raw = round(float(protocol_dose) * float(bsa_m2), 2)
    text = Message("%(dose)s mg/m² × %(bsa)s m² = %(raw)s mg", dose=f"{float(protocol_dose):g}",
                   bsa=f"{float(bsa_m2):.2f}", raw=f"{raw:g}")
    if float(planned_mg) < raw:
        return Message(gettext_noop("%(rule)s, capped at %(mg)s mg"), rule=text, mg=f"{float(planned_mg):g}")
    return text


@dataclass(frozen=True)
class PlannedRate:
    """A participant's planned blinatumomab rate for one protocol step, and the rule that produced it."""

    from_day: int
    to_day: int
    rate_mcg_per_day: float
    rule: str


def planned_blinatumomab_rates(
    steps: Sequence[BlinatumomabStep], weight_kg: float, bsa_m2: float, regimen: Regimen = REGIMEN
) -> list[PlannedRate]:
    """The planned rate of each step (DOMAIN 2.2): the fixed dose at or above the weight threshold (45 kg);
    below it the per-m2 dose x BSA, never above the fixed dose."""
    threshold = regimen.blinatumomab_per_m2_below_kg
    out = []
    for step in steps:
        fixed = step.rate_mcg_per_day
        if threshold is None or float(weight_kg) >= threshold or step.rate_mcg_per_m2_per_day is None:
            above = (
                Message("%(weight)s kg ≥ %(threshold)s kg", weight=f"{float(weight_kg):g}", threshold=f"{threshold:g}")
                if threshold is not None else Message(gettext_noop("fixed dosing"))
            )
            rule = Message(gettext_noop("fixed dose %(rate)s µg/day (%(why)s)"), rate=f"{fixed:g}", why=above)
            out.append(PlannedRate(step.from_day, step.to_day, fixed, rule))
            continue
        raw = round(step.rate_mcg_per_m2_per_day * float(bsa_m2), 2)
        rule = Message(
            "%(per_m2)s µg/m²/day × %(bsa)s m² = %(raw)s µg/day (%(weight)s kg < %(threshold)s kg)",
            per_m2=f"{step.rate_mcg_per_m2_per_day:g}", bsa=f"{float(bsa_m2):.2f}", raw=f"{raw:g}",
            weight=f"{float(weight_kg):g}", threshold=f"{threshold:g}",
        )
        if raw > fixed:
            rule = Message(
                gettext_noop("%(rule)s, capped at the fixed dose %(rate)s µg/day"), rule=rule, rate=f"{fixed:g}"
            )
        out.append(PlannedRate(step.from_day, step.to_day, min(raw, fixed), rule))
    return out


@dataclass(frozen=True)
class PlannedDose:
    drug_code: str
    cycle_day: int
    planned_on: date
    protocol_dose: float
    protocol_dose_unit: str
    planned_dose_mg: float
    route: str


def day_date(day1: date, cycle_day: int) -> date:
    return day1 + timedelta(days=cycle_day - 1)


def planned_administrations(cycle: CycleRegimen, day1: date, bsa_m2: float) -> list[PlannedDose]:
    """One planned administration per drug and treatment day, dated from the cycle's actual day 1."""
    return [
        PlannedDose(d.code, day, day_date(day1, day), d.dose, d.unit, planned_dose_mg(d, bsa_m2), d.route)
        for d in cycle.drugs
        for day in d.days
    ]


def dose_deviation_pct(planned_mg: float, actual_mg: float) -> float:
    """Signed deviation of the actual from the planned dose, in % of planned (1 decimal)."""
    if not planned_mg:
        return 0.0
    return round((float(actual_mg) - float(planned_mg)) / float(planned_mg) * 100, 1)


def deviation_needs_reason(planned_mg: float, actual_mg: float, regimen: Regimen = REGIMEN) -> bool:
    """True when |deviation| is above the protocol threshold (10 %: exactly 10 % needs no reason)."""
    if not planned_mg or actual_mg is None:
        return False
    deviation = abs(float(actual_mg) - float(planned_mg)) / float(planned_mg) * 100
    return round(deviation, 9) > regimen.dose_deviation_threshold_pct  # rounding: float noise at exactly 10 %


def cap_problem(actual_mg: float | None, cap_mg: float | None) -> str | None:
    if actual_mg is None or cap_mg is None or float(actual_mg) <= cap_mg:
        return None
    return Message(
        gettext_noop("%(mg)s mg is above the protocol cap of %(cap)s mg for this drug."),
        mg=f"{float(actual_mg):g}", cap=f"{cap_mg:g}",
    )


def cycle_days_problem(given_on: date | None, day1: date, length_days: int) -> str | None:
    """A dose must fall within its cycle (day 1 .. day `length_days`)."""
    if given_on is None:
        return None
    last = day_date(day1, length_days)
    if given_on < day1 or given_on > last:
        return Message(
            gettext_noop("Outside this cycle: it runs from %(first)s (day 1) to %(last)s (day %(length)s)."),
            first=day1, last=last, length=length_days,
        )
    return None


# ---------------------------------------------------------------------------------------------------
# Cycle starts


def earliest_next_start(previous_day1: date, previous_length_days: int, regimen: Regimen = REGIMEN) -> date:
    """Cycle n+1 may start from cycle n's actual day 1 + length - the allowed window."""
    return previous_day1 + timedelta(days=previous_length_days - regimen.next_cycle_window_before_days)


def scheduled_next_start(previous_day1: date, previous_length_days: int) -> date:
    return previous_day1 + timedelta(days=previous_length_days)


def latest_on_time_start(previous_day1: date, previous_length_days: int, regimen: Regimen = REGIMEN) -> date:
    return previous_day1 + timedelta(days=previous_length_days + regimen.next_cycle_window_after_days)


def cycle_start_problems(
    number: int,
    day1: date | None,
    previous_day1: date | None,
    previous_length_days: int | None,
    delay_reason: str = "",
    regimen: Regimen = REGIMEN,
) -> dict[str, str]:
    """Field -> problem for starting cycle `number` on `day1` (previous cycle's actual day 1 given)."""
    if regimen.cycle(number) is None:
        return {"__all__": Message(gettext_noop("The protocol defines cycles 1 to %(last)s only."),
                                   last=regimen.max_cycles)}
    if day1 is None or number == 1:
        return {}
    if previous_day1 is None:
        return {"day1_on": Message(
            gettext_noop("Cycle %(previous)s has not been started: cycle %(number)s cannot start before it."),
            previous=number - 1, number=number,
        )}
    earliest = earliest_next_start(previous_day1, previous_length_days, regimen)
    if day1 < earliest:
        return {
            "day1_on": Message(
                gettext_noop(
                    "Too early: cycle %(number)s can start from %(earliest)s "
                    "(cycle %(previous)s day 1 + %(length)s days - %(before)s)."
                ),
                number=number, earliest=earliest, previous=number - 1, length=previous_length_days,
                before=regimen.next_cycle_window_before_days,
            )
        }
    if day1 > latest_on_time_start(previous_day1, previous_length_days, regimen) and not delay_reason.strip():
        return {"delay_reason": Message(gettext_noop("This is a late start: give the reason for the delay."))}
    return {}


# ---------------------------------------------------------------------------------------------------
# Blinatumomab infusion segments


@dataclass(frozen=True)
class Segment:
    start: datetime
    stop: datetime | None  # None: still running
    rate_mcg_per_day: float
    premedication_at: datetime | None = None
    key: object = None  # the caller's id, handed back in problems


@dataclass(frozen=True)
class Interruption:
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class BlinatumomabSummary:
    delivered_mcg: float
    infusion_hours: float
    infusion_days: float
    interruptions: tuple[Interruption, ...]
    new_cycle_required: bool
    step_up_at: datetime | None
    restarts: tuple[datetime, ...]
    premedication_missing: tuple[tuple[datetime, str], ...]

    @property
    def interruption_count(self) -> int:
        return len(self.interruptions)

    @property
    def interruption_total_hours(self) -> float:
        return round(sum(i.hours for i in self.interruptions), 2)

    @property
    def longest_interruption_hours(self) -> float:
        return round(max((i.hours for i in self.interruptions), default=0.0), 2)


def _hours(start: datetime, stop: datetime) -> float:
    return max((stop - start).total_seconds(), 0) / 3600


def blinatumomab_summary(
    segments: Iterable[Segment], *, now: datetime, regimen: Regimen = REGIMEN
) -> BlinatumomabSummary:
    """Derived figures of one cycle's infusion (a running segment counts up to `now`).

    delivered = sum(rate x hours / 24); infusion days = infused hours / 24; an interruption is a gap
    between segments longer than a bag change; a gap > max_interruption_days requires a new cycle;
    the step-up is the first rise in rate; a restart is a start after a gap longer than the
    premedication threshold; a cycle start, step-up or restart without premedication in the
    tolerance window before it is flagged.
    """
    segs = sorted(segments, key=lambda s: s.start)
    stops = [s.stop or now for s in segs]
    delivered = sum(s.rate_mcg_per_day * _hours(s.start, stop) / 24 for s, stop in zip(segs, stops, strict=True))
    hours = sum(_hours(s.start, stop) for s, stop in zip(segs, stops, strict=True))
    premed = regimen.premedication
    interruptions, restarts, events = [], [], []
    if segs:
        events.append((segs[0], Message(gettext_noop("cycle start"))))
    step_up_at = None
    for i in range(1, len(segs)):
        prev, seg, prev_stop = segs[i - 1], segs[i], stops[i - 1]
        gap_hours = _hours(prev_stop, seg.start)
        if gap_hours * 60 > regimen.bag_change_gap_minutes:
            interruptions.append(Interruption(prev_stop, seg.start))
        if gap_hours > premed.restart_after_interruption_hours:
            restarts.append(seg.start)
            events.append((seg, Message(gettext_noop("restart"))))
        elif step_up_at is None and seg.rate_mcg_per_day > prev.rate_mcg_per_day:
            step_up_at = seg.start
            events.append((seg, Message(gettext_noop("step-up"))))
    tolerance = timedelta(hours=premed.tolerance_hours)
    missing = tuple(
        (seg.start, label)
        for seg, label in events
        if seg.premedication_at is None or not (seg.start - tolerance <= seg.premedication_at <= seg.start)
    )
    limit_hours = regimen.max_interruption_days * 24
    return BlinatumomabSummary(
        delivered_mcg=round(delivered, 2),
        infusion_hours=round(hours, 2),
        infusion_days=round(hours / 24, 2),
        interruptions=tuple(interruptions),
        new_cycle_required=any(i.hours > limit_hours for i in interruptions),
        step_up_at=step_up_at,
        restarts=tuple(restarts),
        premedication_missing=missing,
    )


def segment_bound(day1: date, length_days: int, next_day1: date | None, regimen: Regimen = REGIMEN) -> date:
    """The date a cycle's blinatumomab segments must start before and stop by (DOMAIN 2.2): the next cycle's
    day 1 when it has started, else day `length_days` + the longest interruption the protocol allows before a
    new cycle must start (7 days: day 28 + 7 -> the segments end by day 36 at 00:00, i.e. within day 35)."""
    if next_day1 is not None:
        return next_day1
    return day1 + timedelta(days=length_days + int(regimen.max_interruption_days))


def segment_cycle_problem(
    start: date | None,
    stop: date | None,
    *,
    number: int,
    day1: date,
    length_days: int,
    next_day1: date | None,
    regimen: Regimen = REGIMEN,
) -> str | None:
    """A segment of cycle `number` must start on/after its day 1 and before the bound, and stop by the bound
    (dates in local time). The message names the bound and where it comes from."""
    if start is not None and start < day1:
        return Message(gettext_noop("Before this cycle's day 1 (%(day1)s)."), day1=day1)
    bound = segment_bound(day1, length_days, next_day1, regimen)
    if next_day1 is not None:
        why = Message(gettext_noop("cycle %(number)s started on %(day1)s"), number=number + 1, day1=bound)
    else:
        why = Message(
            gettext_noop(
                "day %(length)s + %(days)s days, the longest break the protocol allows before a new cycle must start"
            ),
            length=length_days, days=f"{regimen.max_interruption_days:g}",
        )
    if (start is not None and start >= bound) or (stop is not None and stop > bound):
        return Message(
            gettext_noop(
                "Outside cycle %(number)s: its blinatumomab segments must start before %(bound)s and stop by "
                "then (%(why)s)."
            ),
            number=number, bound=bound, why=why,
        )
    return None


def rate_text(rate: float) -> str:
    """A blinatumomab rate as people write it: one decimal, two when needed (9.0, 6.45, 19.35)."""
    text = f"{float(rate):.2f}"
    return text[:-1] if text.endswith("0") else text


def segment_order_problem(start: datetime | None, stop: datetime | None) -> str | None:
    if start is not None and stop is not None and stop <= start:
        return Message(gettext_noop("The stop must be after the start."))
    return None


def overlapping_segments(start: datetime, stop: datetime | None, others: Sequence[Segment]) -> list[Segment]:
    """Other segments whose time overlaps [start, stop) (a running segment extends without end)."""
    far = datetime.max.replace(tzinfo=start.tzinfo)
    end = stop or far
    return [o for o in others if o.start < end and start < (o.stop or far)]


def rate_problem(rate: float | None, regimen: Regimen = REGIMEN) -> str | None:
    if rate is not None and rate > regimen.blinatumomab_max_rate_mcg_per_day:
        return Message(
            gettext_noop("Above the protocol maximum of %(rate)s ug/day."),
            rate=f"{regimen.blinatumomab_max_rate_mcg_per_day:g}",
        )
    return None


# ---------------------------------------------------------------------------------------------------
# Visit calendar

DONE, DUE, OVERDUE, UPCOMING, MISSED = "done", "due", "overdue", "upcoming", "missed"


def date_text(on: date) -> str:
    """A date written one way everywhere, as a person reads it: 29 Nov 2026 (blinatrial.dates)."""
    return shown_date(on)


def date_range_text(start: date, end: date) -> str:
    """A window in words, without repeating what the two ends share: 6–10 Mar 2026, 27 Nov – 3 Dec 2026,
    29 Dec 2026 – 2 Jan 2027; a one-day window is its date."""
    return str(DateRange(start, end))


def _days(n: int) -> Message:
    return ngettext_lazy("%(count)s day", "%(count)s days", n, count=n)


def visit_window(spec: VisitSpec, day1: date) -> tuple[date, date, date]:
    """(target, first, last day of the window) of a scheduled visit, anchored to the cycle's ACTUAL day 1;
    both ends belong to the window."""
    target = day_date(day1, spec.day)
    return (
        target,
        target - timedelta(days=spec.window_before_days),
        target + timedelta(days=spec.window_after_days),
    )


def visit_window_problem(cycle_number: int, spec: VisitSpec, day1: date, visited_on: date | None) -> str | None:
    """A visit recorded outside its window (target ± window from the cycle's actual day 1) is a protocol
    deviation: the message says which visit, when, its window and by how much; None inside (ends included)."""
    if visited_on is None:
        return None
    _, start, end = visit_window(spec, day1)
    if start <= visited_on <= end:
        return None
    if visited_on < start:
        off = Message(gettext_noop("%(days)s early"), days=_days((start - visited_on).days))
    else:
        off = Message(gettext_noop("%(days)s late"), days=_days((visited_on - end).days))
    return Message(
        gettext_noop(
            "Cycle %(number)s %(label)s visit on %(date)s is outside its window (%(window)s), %(off)s: "
            "protocol deviation."
        ),
        number=cycle_number, label=Message(spec.label), date=visited_on, window=DateRange(start, end), off=off,
    )


@dataclass(frozen=True)
class VisitRecordData:
    visited_on: date | None
    missed_reason: str = ""


STATUS_WORDS = {
    DONE: gettext_noop("Done"),
    DUE: gettext_noop("Due"),
    OVERDUE: gettext_noop("Overdue — not recorded"),
    UPCOMING: gettext_noop("Upcoming"),
    MISSED: gettext_noop("Missed"),
}


def visit_status_text(status: str, missed_reason: str = "") -> str:
    """A visit's status in words: a visit past its window with nothing recorded is "Overdue — not recorded";
    one recorded as missed shows its reason ("Missed: participant in ICU")."""
    if status == MISSED and missed_reason.strip():
        return Message(gettext_noop("Missed: %(reason)s"), reason=missed_reason.strip())
    return Message(STATUS_WORDS.get(status, status))


@dataclass(frozen=True)
class CalendarVisit:
    cycle_number: int
    code: str
    label: str
    target: date
    window_start: date
    window_end: date
    status: str
    done_on: date | None = None
    missed_reason: str = ""
    deviation: str = ""  # the visit was recorded outside its window: the protocol deviation in words

    @property
    def status_text(self) -> str:
        return visit_status_text(self.status, self.missed_reason)

    @property
    def window_text(self) -> DateRange:
        """The window, written in the reader's language when shown (cycles.shown)."""
        return DateRange(self.window_start, self.window_end)


def visit_status(spec_window: tuple[date, date], today: date, *, done_on: date | None, missed_reason: str = "") -> str:
    start, end = spec_window
    if done_on is not None:
        return DONE
    if missed_reason:
        return MISSED
    if today < start:
        return UPCOMING
    return DUE if today <= end else OVERDUE


def cycle_calendar(
    cycle_number: int,
    day1: date,
    visits: Sequence[VisitSpec],
    today: date,
    *,
    records: dict[str, VisitRecordData] | None = None,
    dose_dates: Iterable[date] = (),
) -> list[CalendarVisit]:
    """The scheduled visits of one cycle, anchored to its ACTUAL day 1.

    A visit is done when recorded as done, or when a dose was given inside its window (the participant
    was seen); missed when recorded as missed with a reason; otherwise upcoming, due or overdue by today.
    A visit recorded on a date outside its window carries the protocol deviation.
    """
    records = records or {}
    doses = sorted(set(dose_dates))
    out = []
    for v in visits:
        target, start, end = visit_window(v, day1)
        rec = records.get(v.code)
        done_on = rec.visited_on if rec else None
        deviation = visit_window_problem(cycle_number, v, day1, done_on) or ""
        if done_on is None and v.code != "EOC":
            done_on = next((d for d in doses if start <= d <= end), None)
        missed = rec.missed_reason if rec else ""
        status = visit_status((start, end), today, done_on=done_on, missed_reason=missed)
        out.append(CalendarVisit(cycle_number, v.code, v.label, target, start, end, status, done_on, missed, deviation))
    return out


# ---------------------------------------------------------------------------------------------------
# The next cycle's start, prompted

# Participants who may still start a cycle: not in follow-up, not off study (death and withdrawal included).
STARTS_CYCLES = (enrollment_rules.ENROLLED, enrollment_rules.ON_TREATMENT)


@dataclass(frozen=True)
class NextCycleDue:
    number: int
    due_on: date  # the previous cycle's actual day 1 + its length
    earliest_on: date  # the window the protocol allows, both ends included
    latest_on: date
    status: str  # UPCOMING (window not open yet), DUE (open today), OVERDUE (closed: a start now is late)

    @property
    def when_text(self) -> Message:
        return Message(
            gettext_noop("due %(due)s (window %(window)s)"),
            due=self.due_on, window=DateRange(self.earliest_on, self.latest_on),
        )

    @property
    def text(self) -> Message:
        return Message(gettext_noop("Cycle %(number)s %(when)s"), number=self.number, when=self.when_text)


def next_cycle_due(
    participant_status: str, last_number: int | None, last_day1: date | None, today: date, regimen: Regimen = REGIMEN
) -> NextCycleDue | None:
    """When cycle n is under way or over and the protocol has a cycle n+1 not started yet: its due date and
    window from cycle n's actual day 1 (the same dates the start form checks). None before cycle 1, after the
    last cycle, and for a participant in follow-up or off study."""
    if last_number is None or last_day1 is None or participant_status not in STARTS_CYCLES:
        return None
    last, following = regimen.cycle(last_number), regimen.cycle(last_number + 1)
    if last is None or following is None:
        return None
    earliest = earliest_next_start(last_day1, last.length_days, regimen)
    latest = latest_on_time_start(last_day1, last.length_days, regimen)
    status = UPCOMING if today < earliest else DUE if today <= latest else OVERDUE
    return NextCycleDue(last_number + 1, scheduled_next_start(last_day1, last.length_days), earliest, latest, status)


def protocol_rate_on(steps: Sequence[BlinatumomabStep | PlannedRate], cycle_day: int) -> float | None:
    """The protocol blinatumomab rate (ug/day) on a day of the cycle; None outside the infusion days."""
    return next((s.rate_mcg_per_day for s in steps if s.from_day <= cycle_day <= s.to_day), None)


def rate_above_step(
    segments: Iterable[Segment], day1: date, steps: Sequence[BlinatumomabStep | PlannedRate]
) -> tuple[Segment, ...]:
    """Segments started at a rate above the protocol step of their start day (e.g. 28 ug/day before C1D8): a query.
    Pass the participant's planned rates (planned_blinatumomab_rates) so a per-m2 dose is compared with its own.

    A start after the last infusion day (a cycle prolonged by an interruption) is compared with the last step.
    """
    flagged = []
    for seg in segments:
        day = (seg.start.date() - day1).days + 1
        rate = protocol_rate_on(steps, day)
        if rate is None and steps and day > steps[-1].to_day:
            rate = steps[-1].rate_mcg_per_day
        if rate is not None and seg.rate_mcg_per_day > rate:
            flagged.append(seg)
    return tuple(flagged)
