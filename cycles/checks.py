"""Automatic edit checks of the treatment records (registered with integrity.edit_checks when the app is ready).

They flag existing data that break a rule the forms now refuse (data entered before the rule, or by another
path): the date order screening <= consent <= enrollment <= C1D1 <= every clinical date, and blinatumomab
segments outside their cycle (from day 1 to the next cycle's day 1, else day 28 + the longest allowed break).
A visit recorded outside its window is saved, not refused, and flagged: a protocol deviation, shown as such on
the calendar and the casebook too.
"""

import functools

from django.utils import timezone, translation

from cycles import rules, services
from cycles.models import Administration, AdministrationStatus, BlinatumomabSegment, Cycle, VisitRecord
from enrollment import checks as enrollment_checks
from enrollment import rules as enrollment_rules
from integrity.edit_checks import register

ENROLLMENT_DATES = ("enrollment.ScreeningRecord", "enrollment.Consent", "enrollment.Participant")
# C1D1 comes from the first dose, the first infusion segment and cycle 1's day 1.
C1D1_SOURCES = ("cycles.Cycle", "cycles.Administration", "cycles.BlinatumomabSegment")


def _in_english(func):
    """A check's problem is stored (the automatic query's text): written in English whatever the request's language
    (the dates of enrollment's messages follow the active language); pages show it translated."""

    @functools.wraps(func)
    def check(record, cache):
        with translation.override("en-gb"):
            return func(record, cache)

    return check


def trial_dates(cache: dict, not_before: str = "c1d1") -> enrollment_rules.TrialDates:
    """The participant's screening, consent, enrollment dates and C1D1, once per edit-check run. A check whose
    dates must not precede an earlier date than C1D1 (`not_before`; enrollment_rules.date_order_problem reads
    no later date) does not need C1D1: its three queries are left out, unless another check has read it."""
    if not_before != "c1d1" and "trial_dates_c1d1" not in cache:
        if "trial_dates" not in cache:
            cache["trial_dates"] = enrollment_checks.trial_dates(cache["participant"])
        return cache["trial_dates"]
    if "trial_dates_c1d1" not in cache:
        participant = cache["participant"]
        cache["trial_dates_c1d1"] = enrollment_checks.trial_dates(
            participant, c1d1=services.c1d1_anchor(participant.pk)
        )
    return cache["trial_dates_c1d1"]


def _local_date(value):
    return timezone.localtime(value).date() if value is not None else None


@register("DATE_ORDER_CYCLE", model="cycles.Cycle", field="day1_on", reads=ENROLLMENT_DATES, row_local=True)
@_in_english
def cycle_before_enrollment(cycle, cache) -> str | None:
    """A cycle's day 1 on or after the enrollment (and so consent and screening) date."""
    return enrollment_rules.date_order_problem(
        cycle.day1_on, trial_dates(cache, "enrolled_on"), "enrolled_on", "Day 1"
    )


def _given_doses(participant):
    return Administration.objects.filter(
        is_deleted=False,
        cycle__participant=participant,
        cycle__is_deleted=False,
        given_on__isnull=False,
        status__in=(AdministrationStatus.GIVEN, AdministrationStatus.REDUCED),
    )


@register(
    "DATE_ORDER_DOSE", model="cycles.Administration", field="given_on", records=_given_doses, reads=ENROLLMENT_DATES
)
@_in_english
def dose_before_enrollment(adm, cache) -> str | None:
    return enrollment_rules.date_order_problem(
        adm.given_on, trial_dates(cache, "enrolled_on"), "enrolled_on", "The date given"
    )


def _segments(participant):
    return BlinatumomabSegment.objects.filter(
        is_deleted=False, cycle__participant=participant, cycle__is_deleted=False
    ).select_related("cycle")


def _day1_by_number(cache: dict) -> dict[int, object]:
    if "cycle_day1" not in cache:
        cache["cycle_day1"] = dict(
            Cycle.objects.live().filter(participant=cache["participant"]).values_list("number", "day1_on")
        )
    return cache["cycle_day1"]


@register(
    "SEGMENT_OUTSIDE_CYCLE",
    model="cycles.BlinatumomabSegment",
    field="started_at",
    records=_segments,
    reads=("cycles.Cycle",),
)
@_in_english
def segment_outside_cycle(seg, cache) -> str | None:
    """A segment from its cycle's day 1 to the bound (next cycle's day 1, else day 28 + the longest break)."""
    cycle = seg.cycle
    next_day1 = _day1_by_number(cache).get(cycle.number + 1)
    bound = {"number": cycle.number, "day1": cycle.day1_on, "length_days": cycle.length_days, "next_day1": next_day1}
    return rules.segment_cycle_problem(_local_date(seg.started_at), None, **bound) or rules.segment_cycle_problem(
        None, _local_date(seg.stopped_at), **bound
    )


@register(
    "DATE_ORDER_VISIT", model="cycles.VisitRecord", field="visited_on", reads=(*ENROLLMENT_DATES, *C1D1_SOURCES),
    row_local=True,
)
@_in_english
def visit_before_c1d1(visit, cache) -> str | None:
    return enrollment_rules.date_order_problem(visit.visited_on, trial_dates(cache), "c1d1", "The visit date")


@register(
    "DATE_ORDER_TRANSPLANT",
    model="cycles.Transplant",
    field="transplanted_on",
    reads=(*ENROLLMENT_DATES, *C1D1_SOURCES),
    row_local=True,
)
@_in_english
def transplant_before_c1d1(tx, cache) -> str | None:
    return enrollment_rules.date_order_problem(tx.transplanted_on, trial_dates(cache), "c1d1", "The transplant date")


def _visits(participant):
    return VisitRecord.objects.filter(
        is_deleted=False, cycle__participant=participant, cycle__is_deleted=False
    ).select_related("cycle")


@register(
    "VISIT_OUTSIDE_WINDOW",
    model="cycles.VisitRecord",
    field="visited_on",
    records=_visits,
    reads=("cycles.Cycle.day1_on",),  # moving day 1 moves every window of the cycle
    inputs=("visited_on",),
)
@_in_english
def visit_outside_window(visit, cache) -> str | None:
    """A visit recorded outside its window (target ± window from the cycle's actual day 1): a protocol deviation."""
    cycle = visit.cycle
    spec = next((v for v in (cycle.regimen.visits if cycle.regimen else ()) if v.code == visit.visit_code), None)
    if spec is None:
        return None
    return rules.visit_window_problem(cycle.number, spec, cycle.day1_on, visit.visited_on)
