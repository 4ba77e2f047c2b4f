"""Treatment writes that span models, and the bounded reads other apps use (treatment dates, calendars).

The write services (scripts and the demo; views save through integrity.services.save_record) refuse locked
data with integrity.services.RecordLocked and the lock's message, before writing; the database's lock
trigger (integrity.lock_triggers) stays the last line.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pghistory
from django.db import transaction
from django.db.models import DateTimeField, Min, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_noop

from blinatrial.request_memo import memoized
from cycles import rules
from cycles.models import (
    Administration,
    AdministrationStatus,
    BlinatumomabSegment,
    Cycle,
    CycleStatus,
    Transplant,
    VisitRecord,
)
from cycles.regimen import REGIMEN
from enrollment import rules as enrollment_rules
from enrollment.models import Participant
from enrollment.services import change_status
from integrity import locking, texts
from integrity.services import RecordLocked, refused_by_lock

# Reasons the system writes (stored in English, shown translated: integrity.texts).
ADMINISTRATION_RECORDED = gettext_noop("Administration recorded")
FIRST_DOSE = gettext_noop("First dose (C1D1)")
texts.register(ADMINISTRATION_RECORDED, FIRST_DOSE)

GIVEN_STATUSES = (AdministrationStatus.GIVEN, AdministrationStatus.REDUCED)


def _refuse_if_locked(record, *, new: bool) -> None:
    why = locking.create_blocked_reason(record) if new else locking.edit_blocked_reason(record)
    if why is not None:
        raise RecordLocked(why)


class CycleStartRefused(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class NextCycle:
    number: int
    previous: Cycle | None
    planned_day1_on: date | None
    earliest_on: date | None
    latest_on_time_on: date | None


def next_cycle(participant: Participant) -> NextCycle:
    """The number of the cycle to start next and its scheduling dates from the previous cycle (1 query)."""
    previous = Cycle.objects.live().filter(participant=participant).order_by("-number").first()
    if previous is None:
        return NextCycle(1, None, None, None, None)
    length = previous.length_days
    return NextCycle(
        previous.number + 1,
        previous,
        rules.scheduled_next_start(previous.day1_on, length),
        rules.earliest_next_start(previous.day1_on, length),
        rules.latest_on_time_start(previous.day1_on, length),
    )


def create_planned_administrations(*, cycle: Cycle, user) -> list[Administration]:
    """The cycle's plan from the regimen and its BSA (called inside the start transaction)."""
    plan = rules.planned_administrations(cycle.regimen, cycle.day1_on, float(cycle.bsa_m2))
    rows = [
        Administration(
            cycle=cycle,
            drug_code=p.drug_code,
            cycle_day=p.cycle_day,
            planned_on=p.planned_on,
            protocol_dose=Decimal(str(p.protocol_dose)),
            protocol_dose_unit=p.protocol_dose_unit,
            planned_dose_mg=Decimal(str(p.planned_dose_mg)),
            route=p.route,
            created_by=user,
            updated_by=user,
        )
        for p in plan
    ]
    Administration.objects.bulk_create(rows)
    if cycle.number > 1:
        Cycle.objects.filter(
            participant_id=cycle.participant_id, number=cycle.number - 1, status=CycleStatus.ONGOING
        ).update(status=CycleStatus.COMPLETED, updated_by=user)
    return rows


@transaction.atomic
def start_cycle(
    *, participant: Participant, day1_on: date, user, weight_kg: Decimal | None = None, delay_reason: str = ""
) -> Cycle:
    """Start the next cycle with its planned administrations, in one transaction.

    Refuses (CycleStartRefused) a cycle the protocol does not define, cycle n before cycle n-1, a start
    before the earliest allowed date, and a late start without a delay reason.
    """
    nxt = next_cycle(participant)
    prev = nxt.previous
    problems = rules.cycle_start_problems(
        nxt.number, day1_on, prev.day1_on if prev else None, prev.length_days if prev else None, delay_reason
    )
    dates = enrollment_rules.TrialDates(enrolled_on=participant.enrolled_on)
    if order := enrollment_rules.date_order_problem(day1_on, dates, "enrolled_on", "Day 1"):
        problems = {**problems, "day1_on": order}
    if problems:
        raise CycleStartRefused(problems)
    weight = weight_kg if weight_kg is not None else participant.weight_kg
    cycle = Cycle(
        participant=participant,
        number=nxt.number,
        day1_on=day1_on,
        planned_day1_on=nxt.planned_day1_on or day1_on,
        delay_reason=delay_reason,
        height_cm=participant.height_cm,
        weight_kg=weight,
        bsa_m2=Decimal(str(rules.bsa_mosteller(participant.height_cm, weight))),
        status=CycleStatus.ONGOING,
        created_by=user,
        updated_by=user,
    )
    _refuse_if_locked(cycle, new=True)
    with pghistory.context(reason="Initial entry", user=getattr(user, "pk", None)), refused_by_lock():
        cycle.save()
        create_planned_administrations(cycle=cycle, user=user)
    return cycle


@transaction.atomic
def record_administration(
    *,
    administration: Administration,
    status: str,
    user,
    given_on: date | None = None,
    actual_dose_mg: Decimal | None = None,
    reason: str = "",
    route: str | None = None,
) -> Administration:
    """Record what was given for a planned administration (service path for scripts and the demo).

    Views use AdministrationForm + integrity.recording.handle_record_form instead; both then call
    `mark_on_treatment_if_first_dose`.
    """
    adm = Administration.objects.select_for_update().get(pk=administration.pk)
    _refuse_if_locked(adm, new=False)
    adm.status, adm.given_on, adm.actual_dose_mg, adm.reason = status, given_on, actual_dose_mg, reason
    adm.route = route or adm.route
    adm.row_version += 1
    adm.updated_by = user
    with pghistory.context(reason=ADMINISTRATION_RECORDED, user=getattr(user, "pk", None)), refused_by_lock():
        adm.save()
    mark_on_treatment_if_first_dose(participant=adm.cycle.participant, user=user)
    return adm


@transaction.atomic
def add_segment(
    *,
    cycle: Cycle,
    started_at: datetime,
    rate_mcg_per_day: Decimal,
    user,
    stopped_at: datetime | None = None,
    stop_reason: str = "",
    premedication_at: datetime | None = None,
) -> BlinatumomabSegment:
    """Add a blinatumomab segment (service path for scripts and the demo; views go through the form)."""
    seg = BlinatumomabSegment(
        cycle=cycle,
        started_at=started_at,
        stopped_at=stopped_at,
        rate_mcg_per_day=rate_mcg_per_day,
        stop_reason=stop_reason,
        premedication_at=premedication_at,
        created_by=user,
        updated_by=user,
    )
    _refuse_if_locked(seg, new=True)
    with pghistory.context(reason="Initial entry", user=getattr(user, "pk", None)), refused_by_lock():
        seg.save()
    mark_on_treatment_if_first_dose(participant=cycle.participant, user=user)
    return seg


def first_dose_dates(participant_ids: list[int], among: QuerySet | None = None) -> dict[int, date]:
    """C1D1 per participant: the first date any protocol drug was given (one statement: the first given dose
    and the first infusion start per participant, UNION ALL). `among`: the same participants as a queryset of
    pks, to select them in SQL instead of sending the list."""
    participant_ids = among if among is not None else participant_ids
    given = (
        Administration.objects.live()
        .filter(cycle__participant_id__in=participant_ids, cycle__is_deleted=False, status__in=GIVEN_STATUSES)
        .values("cycle__participant_id")
        .annotate(first=Cast(Min("given_on"), DateTimeField()), infusion=Value(False))  # a date: midnight UTC
        .values_list("cycle__participant_id", "first", "infusion")
    )
    segs = (
        BlinatumomabSegment.objects.live()
        .filter(cycle__participant_id__in=participant_ids, cycle__is_deleted=False)
        .values("cycle__participant_id")
        .annotate(first=Min("started_at"), infusion=Value(True))
        .values_list("cycle__participant_id", "first", "infusion")
    )
    firsts: dict[int, date] = {}
    for pid, first, infusion in given.union(segs, all=True):
        if first is None:
            continue
        # a dose's date as entered (the cast's UTC midnight); an infusion's start on the local calendar
        on = timezone.localtime(first).date() if infusion else first.astimezone(UTC).date()
        firsts[pid] = min(on, firsts.get(pid, on))
    return firsts


def mark_on_treatment_if_first_dose(*, participant: Participant, user) -> bool:
    """Move an enrolled participant to "on treatment" once a dose is recorded, dated C1D1. Idempotent."""
    current = Participant.objects.filter(pk=participant.pk).values_list("status", flat=True).first()
    if current != enrollment_rules.ENROLLED:
        return False
    first = first_dose_dates([participant.pk]).get(participant.pk)
    if first is None:
        return False
    change_status(
        participant=participant,
        to_status=enrollment_rules.ON_TREATMENT,
        on=first,
        reason=FIRST_DOSE,
        user=user,
    )
    return True


@dataclass
class TreatmentDates:
    c1d1: date | None = None  # first given dose of any protocol drug (DOMAIN, Project decisions 1)
    cycle_day1: dict[int, date] = field(default_factory=dict)  # cycle number -> actual day 1
    hsct: date | None = None  # first live transplant date


def treatment_dates(participant_ids: list[int], among: QuerySet | None = None) -> dict[int, TreatmentDates]:
    """C1D1, each cycle's actual day 1 and the HSCT date for every participant id (3 queries in all).
    `among`: as for first_dose_dates."""
    out = {pid: TreatmentDates() for pid in participant_ids}
    ids = among if among is not None else list(participant_ids)
    for pid, on in first_dose_dates(ids).items():
        out[pid].c1d1 = on
    for pid, number, day1 in (
        Cycle.objects.live().filter(participant_id__in=ids).values_list("participant_id", "number", "day1_on")
    ):
        out[pid].cycle_day1[number] = day1
    for row in (
        Transplant.objects.live()
        .filter(participant_id__in=ids)
        .values("participant_id")
        .annotate(first=Min("transplanted_on"))
    ):
        out[row["participant_id"]].hsct = row["first"]
    return out


def calendars(
    cycles: list[Cycle], today: date, administrations: list[Administration] | None = None
) -> dict[int, list[rules.CalendarVisit]]:
    """Cycle pk -> its visit calendar, for any number of cycles in 2 queries (1 when the cycles' live
    `administrations` are given, already read)."""
    ids = [c.pk for c in cycles]
    records: dict[int, dict[str, rules.VisitRecordData]] = defaultdict(dict)
    for cid, code, on, missed in (
        VisitRecord.objects.live()
        .filter(cycle_id__in=ids)
        .values_list("cycle_id", "visit_code", "visited_on", "missed_reason")
    ):
        records[cid][code] = rules.VisitRecordData(on, missed)
    if administrations is None:
        given = Administration.objects.live().filter(cycle_id__in=ids, status__in=GIVEN_STATUSES)
        administrations = list(given.filter(given_on__isnull=False).only("cycle_id", "status", "given_on"))
    doses = dose_days_by_cycle(administrations)
    out = {}
    for c in cycles:
        spec = REGIMEN.cycle(c.number)
        visits = spec.visits if spec else ()
        out[c.pk] = rules.cycle_calendar(
            c.number, c.day1_on, visits, today, records=records[c.pk], dose_dates=doses[c.pk]
        )
    return out


def dose_days_by_cycle(administrations: list[Administration]) -> dict[int, set[date]]:
    """Cycle pk -> the days a dose was given (given or reduced, with a date)."""
    doses: dict[int, set[date]] = defaultdict(set)
    for a in administrations:
        if a.status in GIVEN_STATUSES and a.given_on is not None:
            doses[a.cycle_id].add(a.given_on)
    return doses


@dataclass(frozen=True)
class Treatment:
    """A participant's live cycles (by number), their live administrations (by planned date and drug) and
    blinatumomab segments (per cycle, by start)."""

    cycles: list[Cycle]
    administrations: list[Administration]
    segments: dict[int, list[BlinatumomabSegment]]


def participant_treatment(participant_id: int) -> Treatment:
    """The treatment records of one participant (3 queries, 1 without cycles), read once per page within a
    ``blinatrial.request_memo.shared_loads`` scope: the casebook's treatment and safety sections share them."""
    return memoized(("cycles.treatment", participant_id), lambda: _load_treatment(participant_id))


def _load_treatment(participant_id: int) -> Treatment:
    cycles = list(Cycle.objects.live().filter(participant_id=participant_id).order_by("number"))
    ids = [c.pk for c in cycles]
    adms = list(Administration.objects.live().filter(cycle_id__in=ids).order_by("planned_on", "drug_code"))
    segments = segments_by_cycle(ids)
    return Treatment(cycles, adms, {pk: segments.get(pk, []) for pk in ids})


def segments_by_cycle(cycle_ids: list[int]) -> dict[int, list[BlinatumomabSegment]]:
    out: dict[int, list[BlinatumomabSegment]] = defaultdict(list)
    for seg in BlinatumomabSegment.objects.live().filter(cycle_id__in=cycle_ids).order_by("started_at"):
        out[seg.cycle_id].append(seg)
    return out


def blinatumomab_summary(segments: list[BlinatumomabSegment], now: datetime | None = None) -> rules.BlinatumomabSummary:
    return rules.blinatumomab_summary(
        [
            rules.Segment(s.started_at, s.stopped_at, float(s.rate_mcg_per_day), s.premedication_at, s.pk)
            for s in segments
        ],
        now=now or timezone.now(),
    )


@transaction.atomic
def add_transplant(*, participant: Participant, user, **fields) -> Transplant:
    """Record a consolidation HSCT (service path for scripts and the demo; views go through the form)."""
    tx = Transplant(participant=participant, created_by=user, updated_by=user, **fields)
    _refuse_if_locked(tx, new=True)
    with pghistory.context(reason="Initial entry", user=getattr(user, "pk", None)), refused_by_lock():
        tx.save()
    return tx


@transaction.atomic
def close_cycle(*, cycle: Cycle, status: str, user, reason: str = "") -> Cycle:
    """Mark a cycle completed or stopped early (service path; views use CycleEditForm)."""
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _refuse_if_locked(current, new=False)
    current.status, current.status_reason = status, reason
    current.row_version += 1
    current.updated_by = user
    with pghistory.context(reason=f"Cycle {status}", user=getattr(user, "pk", None)), refused_by_lock():
        current.save()
    return current


@transaction.atomic
def record_visit(*, cycle: Cycle, visit_code: str, user, visited_on: date | None = None, missed_reason: str = ""):
    """Mark a scheduled visit done (date) or missed (reason) (service path; views use VisitRecordForm)."""
    rec = VisitRecord(
        cycle=cycle,
        visit_code=visit_code,
        visited_on=visited_on,
        missed_reason=missed_reason,
        created_by=user,
        updated_by=user,
    )
    _refuse_if_locked(rec, new=True)
    with pghistory.context(reason="Initial entry", user=getattr(user, "pk", None)), refused_by_lock():
        rec.save()
    return rec


def rate_queries(cycle: Cycle, segments: list[BlinatumomabSegment]) -> list[BlinatumomabSegment]:
    """Segments of `cycle` run above the protocol step rate of their start day (to be queried)."""
    if cycle.regimen is None:
        return []
    plain = [rules.Segment(s.started_at, s.stopped_at, float(s.rate_mcg_per_day), key=s) for s in segments]
    return [p.key for p in rules.rate_above_step(plain, cycle.day1_on, planned_rates(cycle))]


def planned_rates(cycle: Cycle) -> list[rules.PlannedRate]:
    """The cycle's planned blinatumomab rates from its weight and BSA at the cycle start (DOMAIN 2.2)."""
    if cycle.regimen is None:
        return []
    return rules.planned_blinatumomab_rates(cycle.regimen.blinatumomab, float(cycle.weight_kg), float(cycle.bsa_m2))


def next_day1(cycle: Cycle) -> date | None:
    """The actual day 1 of the cycle after `cycle`, if it has started (1 query)."""
    return (
        Cycle.objects.live()
        .filter(participant_id=cycle.participant_id, number=cycle.number + 1)
        .values_list("day1_on", flat=True)
        .first()
    )


def c1d1_anchor(participant_id: int) -> date | None:
    """C1D1 for the date order (2 queries): the first dose of any protocol drug, or cycle 1's day 1 when that
    is earlier or nothing is given yet (a cycle-1 day-1 visit precedes a first dose held on day 1)."""
    first = first_dose_dates([participant_id]).get(participant_id)
    day1 = (
        Cycle.objects.live().filter(participant_id=participant_id, number=1).values_list("day1_on", flat=True).first()
    )
    return min((d for d in (first, day1) if d is not None), default=None)
