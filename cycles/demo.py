"""Demo treatment data: realistic cycles, administrations and blinatumomab segments through the services.

Nothing is dated after today: a recently enrolled participant may still be in cycle 1 or 2.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from cycles import services
from cycles.models import AdministrationStatus, ConditioningIntensity, CycleStatus, DonorType, SegmentStopReason
from cycles.regimen import REGIMEN

DELAY_REASONS = (
    "Neutrophil recovery awaited (ANC < 1.0 x10^9/L)",
    "Grade 2 infection resolving",
    "Bed not available on the scheduled date",
    "Participant request (family event)",
)
CONDITIONING = (
    (ConditioningIntensity.MYELOABLATIVE, "TBI 12 Gy + cyclophosphamide 120 mg/kg"),
    (ConditioningIntensity.MYELOABLATIVE, "Busulfan + cyclophosphamide"),
    (ConditioningIntensity.REDUCED, "Fludarabine + melphalan 140 mg/m2"),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _record_doses(cycle, *, rng: random.Random, user, today: date) -> None:
    for adm in cycle.administrations.all().order_by("planned_on"):
        if adm.planned_on > today:
            break
        roll = rng.random()
        if roll < 0.04:
            services.record_administration(
                administration=adm, status=AdministrationStatus.HELD, reason="Grade 3 neutropenia", user=user
            )
        elif roll < 0.10:
            dose = (adm.planned_dose_mg * Decimal("0.75")).quantize(Decimal("0.01"))
            services.record_administration(
                administration=adm,
                status=AdministrationStatus.REDUCED,
                given_on=adm.planned_on,
                actual_dose_mg=dose,
                reason="Dose reduced: grade 2 hepatotoxicity",
                user=user,
            )
        else:
            services.record_administration(
                administration=adm,
                status=AdministrationStatus.GIVEN,
                given_on=adm.planned_on,
                actual_dose_mg=adm.planned_dose_mg,
                user=user,
            )


def _infuse(cycle, *, rng: random.Random, user, now: datetime) -> None:
    """Bags of 48-96 h at the protocol rates; sometimes an adverse-event interruption and a restart."""
    steps = cycle.regimen.blinatumomab
    day1 = cycle.day1_on
    start = _at(day1, 8)
    end = _at(day1 + timedelta(days=cycle.length_days), 8)
    interrupt_at = start + timedelta(days=rng.randint(10, 20)) if rng.random() < 0.3 else None
    premed = start - timedelta(hours=1)
    # a segment starts before the cycle's end date (the next cycle may start that day, cycles.rules.segment_bound)
    while start < end and start < now and start.date() < end.date():
        day = (start.date() - day1).days + 1
        step = next((s for s in steps if s.from_day <= day <= s.to_day), steps[-1])
        step_end = _at(day1 + timedelta(days=step.to_day), 8)
        stop = min(start + timedelta(hours=rng.choice((48, 72, 96))), step_end, end)
        reason = SegmentStopReason.END_OF_CYCLE if stop >= end else SegmentStopReason.BAG_CHANGE
        if interrupt_at is not None and start < interrupt_at < stop:
            stop, reason = interrupt_at, SegmentStopReason.ADVERSE_EVENT
        running = stop > now
        services.add_segment(
            cycle=cycle,
            started_at=start,
            stopped_at=None if running else stop,
            rate_mcg_per_day=Decimal(str(step.rate_mcg_per_day)),
            stop_reason="" if running else reason,
            premedication_at=premed,
            user=user,
        )
        if running:
            return
        if reason == SegmentStopReason.ADVERSE_EVENT:
            start = stop + timedelta(hours=rng.choice((20, 30, 48)))  # CRS resolved: restart with premedication
            premed = start - timedelta(hours=1)
            interrupt_at = None
        else:
            start = stop
            next_day = (start.date() - day1).days + 1
            step_up = next_day == 8 and cycle.number == 1
            premed = start - timedelta(hours=1) if step_up and rng.random() < 0.9 else None  # sometimes forgotten


def _visits(cycle, *, rng: random.Random, user, today: date) -> None:
    """Past visits that no dose marks as done: recorded as done (a day or two off target) or, rarely, missed."""
    for v in services.calendars([cycle], today)[cycle.pk]:
        if v.status != "overdue":
            continue
        if v.code != "EOC" and rng.random() < 0.15:
            services.record_visit(
                cycle=cycle, visit_code=v.code, missed_reason="Participant unwell, seen by phone", user=user
            )
            continue
        on = min(v.target + timedelta(days=rng.randint(-2, 2)), v.window_end, today)
        services.record_visit(cycle=cycle, visit_code=v.code, visited_on=max(on, v.window_start), user=user)


def add_demo_treatment(participant, *, rng: random.Random, user) -> dict[str, date | None]:
    """Give `participant` cycles 1-2 with doses and infusion up to today; about half are transplanted.

    Returns {"c1d1", "c2d1", "hsct", "treatment_end"} (None when not reached yet; "treatment_end" is the
    day after cycle 2 once it is completed).
    """
    today = timezone.localdate()
    now = timezone.now()
    out: dict[str, date | None] = {"c1d1": None, "c2d1": None, "hsct": None, "treatment_end": None}
    c1d1 = participant.enrolled_on + timedelta(days=rng.randint(1, 5))
    if c1d1 > today:
        return out
    c1 = services.start_cycle(participant=participant, day1_on=c1d1, user=user)
    _record_doses(c1, rng=rng, user=user, today=today)
    _infuse(c1, rng=rng, user=user, now=now)
    _visits(c1, rng=rng, user=user, today=today)
    out["c1d1"] = c1d1
    length = c1.length_days
    if rng.random() < 0.3:
        c2d1 = c1d1 + timedelta(days=length + REGIMEN.next_cycle_window_after_days + rng.randint(2, 10))
        delay = rng.choice(DELAY_REASONS)
    else:
        c2d1 = c1d1 + timedelta(days=length + rng.randint(0, REGIMEN.next_cycle_window_after_days))
        delay = ""
    if c2d1 > today:
        return out
    weight = (Decimal(participant.weight_kg) * Decimal(str(rng.uniform(0.94, 1.01)))).quantize(Decimal("0.1"))
    c2 = services.start_cycle(participant=participant, day1_on=c2d1, user=user, weight_kg=weight, delay_reason=delay)
    _record_doses(c2, rng=rng, user=user, today=today)
    _infuse(c2, rng=rng, user=user, now=now)
    _visits(c2, rng=rng, user=user, today=today)
    out["c2d1"] = c2d1
    if c2d1 + timedelta(days=length) <= today:
        services.close_cycle(cycle=c2, status=CycleStatus.COMPLETED, user=user)
        out["treatment_end"] = c2d1 + timedelta(days=length)
    hsct = c2d1 + timedelta(days=length + rng.randint(20, 45))
    if rng.random() < 0.5 and hsct <= today:
        intensity, regimen = rng.choice(CONDITIONING)
        services.add_transplant(
            participant=participant,
            transplanted_on=hsct,
            donor_type=rng.choice(DonorType.values[:4]),
            conditioning_intensity=intensity,
            conditioning_regimen=regimen,
            user=user,
        )
        out["hsct"] = hsct
    return out
