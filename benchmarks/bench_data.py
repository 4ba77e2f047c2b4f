"""Data side of the benchmarks: SQL query counts, synthetic trial growth, save -> current latency, recompute.

All of it runs in the benchmark process, with Django set up on the bench database (run.py's django_setup:
no broker there, so Celery tasks run inline). Synthetic rows are bulk-created, not entered through the
services: the point is the size of the trial, not the load. The pages and the endpoint engine read them like
real ones. For speed the row triggers are off during the load (one PL/pgSQL audit call per row would take
minutes at 20,000 participants); the same insert events are then written set-based, the data version is
bumped, and the tables are ANALYZEd. The rows that follow from a cycle and the regimen (planned doses,
infusion bags, visits) are made by INSERT ... SELECT in the database.

`recompute_timing(size)` grows the bench database itself (blinatrial_bench) to `size` participants, after
the HTTP benchmarks are done: no second scratch database to migrate.
"""

from __future__ import annotations

import logging
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import bench_pages
from httpbench import Timing

GROW_CHUNK = 500  # participants per transaction
GROW_SEED = 2027
TODAY_MARGIN_DAYS = 20  # synthetic participants were enrolled at least this long ago
SPAN_DAYS = 730
logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # no "Task ... succeeded" line per inline task

# ---------------------------------------------------------------------------------------------------
# SQL query counts (Django test client, in-process)


@dataclass(frozen=True)
class QuerySpec:
    username: str
    action: Any  # bench_pages.Get | bench_pages.PostNew: has .django(test_client)


def query_specs(specs: list[tuple]) -> list[tuple[str, QuerySpec]]:
    """(label, QuerySpec) of every page spec of bench_pages.page_specs."""
    return [(label, QuerySpec(username, action)) for label, username, action, _target in specs]


def count_queries(username: str, run: Callable[[Any], Any]) -> int:
    """SQL queries of one request made by `run(test_client)` as `username` (after one warm-up request).

    Writes are made under endpoints.triggers.suppressed(): in this process (no broker) the on-commit
    recompute would run inline inside the request and be counted; a real request only publishes a task.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from endpoints import triggers

    user = get_user_model().objects.get(username=username)
    client = DjangoClient()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:  # signed in with the second factor, as in the timed runs
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    with triggers.suppressed():
        # warm-up: per-process caches (content types, templates); twice, because the first response sets the CSRF
        # cookie that a browser already holds and that keys the dashboard's page cache
        run(client)
        run(client)
        with CaptureQueriesContext(connection) as ctx:
            resp = run(client)
    if resp.status_code >= 400 or "/accounts/" in resp.get("Location", ""):
        raise RuntimeError(f"query count of a page: HTTP {resp.status_code} {resp.get('Location', '')}")
    return len(ctx.captured_queries)


def query_count(spec: QuerySpec) -> int:
    return count_queries(spec.username, spec.action.django)


# ---------------------------------------------------------------------------------------------------
# Synthetic participants


@dataclass
class Plan:
    """What happens to one synthetic participant (dates up to today only)."""

    site: Any
    enrolled_on: date
    c1d1: date
    c2d1: date | None
    eoc: dict[str, tuple[date, str]]  # timepoint -> (marrow date, response category)
    relapse_on: date | None
    death: tuple[date, str] | None
    hsct_on: date | None
    height: Decimal
    weight: Decimal
    screen_failed_before: bool


@dataclass
class Seq:
    """Next screening and participant sequence numbers per site code."""

    screening: dict[str, int] = field(default_factory=dict)
    participant: dict[str, int] = field(default_factory=dict)

    def next_screening(self, code: str) -> int:
        self.screening[code] += 1
        return self.screening[code]

    def next_participant(self, code: str) -> int:
        self.participant[code] += 1
        return self.participant[code]


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    r, total = rng.random(), 0.0
    for value, weight in table:
        total += weight
        if r < total:
            return value
    return table[-1][0]


EOC1_OUTCOMES = (("CR", 0.52), ("CRh", 0.2), ("CRi", 0.16), ("NR", 0.08), ("NE", 0.04))


def _eoc_plan(rng: random.Random, today: date, c1d1: date, c2d1: date | None) -> dict[str, tuple[date, str]]:
    out: dict[str, tuple[date, str]] = {}
    eoc1 = c1d1 + timedelta(days=rng.randint(25, 27))
    if eoc1 > today:
        return out
    first = _pick(rng, EOC1_OUTCOMES)
    out["EOC1"] = (eoc1, first)
    if c2d1 is not None and (eoc2 := c2d1 + timedelta(days=rng.randint(25, 30))) <= today:
        out["EOC2"] = (eoc2, "NR" if first == "NR" and rng.random() < 0.5 else rng.choice(("CR", "CR", "CRh")))
    return out


def _events(rng: random.Random, today: date, after: date, remission: bool) -> tuple[date | None, tuple | None]:
    relapse_on = death = None
    span = (today - after).days
    if remission and span > 90 and rng.random() < 0.22:
        relapse_on = after + timedelta(days=rng.randint(60, span - 21))
        left = (today - relapse_on).days
        if left > 30 and rng.random() < 0.5:
            death = (relapse_on + timedelta(days=rng.randint(30, min(left, 300))), "DISEASE")
    elif not remission and span > 60 and rng.random() < 0.5:
        death = (after + timedelta(days=rng.randint(45, min(span, 400))), "DISEASE")
    return relapse_on, death


def plan_participant(rng: random.Random, today: date, sites: list) -> Plan:
    enrolled = today - timedelta(days=rng.randint(TODAY_MARGIN_DAYS, SPAN_DAYS))
    c1d1 = enrolled + timedelta(days=rng.randint(1, 5))
    c2d1 = c1d1 + timedelta(days=28 + rng.randint(0, 3))
    c2d1 = c2d1 if c2d1 <= today else None
    eoc = _eoc_plan(rng, today, c1d1, c2d1)
    last = max((d for d, _ in eoc.values()), default=c1d1)
    final = eoc[max(eoc)][1] if eoc else "NE"
    relapse_on, death = _events(rng, today, last, final in ("CR", "CRh", "CRi"))
    hsct = c2d1 + timedelta(days=28 + rng.randint(20, 45)) if c2d1 and rng.random() < 0.5 else None
    hsct = hsct if hsct and hsct <= today and (relapse_on is None or hsct < relapse_on) else None
    height = rng.gauss(170, 8)
    return Plan(
        site=sites[0] if rng.random() < 0.6 else sites[1], enrolled_on=enrolled, c1d1=c1d1, c2d1=c2d1, eoc=eoc,
        relapse_on=relapse_on, death=death, hsct_on=hsct, height=Decimal(f"{height:.1f}"),
        weight=Decimal(f"{rng.uniform(19, 30) * (height / 100) ** 2:.1f}"), screen_failed_before=rng.random() < 0.2,
    )


# --- rows of the enrollment app ----------------------------------------------------------------------


def _criteria() -> dict[str, str]:
    from enrollment.protocol import ENROLLMENT_PROTOCOL

    return {c.code: c.required_answer for c in ENROLLMENT_PROTOCOL.criteria}


def _screening(plan: Plan, seq: Seq, failed: bool, rng: random.Random) -> Any:
    from enrollment import rules
    from enrollment.models import ScreeningRecord
    from enrollment.protocol import ENROLLMENT_PROTOCOL as P

    code = plan.site.code
    screened = plan.enrolled_on - timedelta(days=rng.randint(3, 10) + (5 if failed else 0))
    # the screening data the enrolment rule reads (as the demo's): an enrolled candidate is eligible by its data,
    # a screen failure has CNS3 disease
    criteria = _criteria() | ({"EXC_CNS3": "met"} if failed else {})
    labs = {"bilirubin_x_uln": Decimal(f"{rng.uniform(0.3, 1.3):.2f}"),
            "alt_x_uln": Decimal(f"{rng.uniform(0.4, 2.5):.2f}"),
            "creatinine_x_uln": Decimal(f"{rng.uniform(0.5, 1.2):.2f}")}
    age_days = 365 * rng.randint(P.min_age_years, P.max_age_years) + rng.randint(10, 350)
    return ScreeningRecord(
        site=plan.site, screening_number=rules.format_screening_number(code, seq.next_screening(code)),
        screened_on=screened, initials="".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(2)),
        sex=rng.choice("FM"), birth_date=screened - timedelta(days=age_days),
        ph_test_method=rng.choice(("FISH", "PCR")), ph_test_date=screened - timedelta(days=2), ecog=rng.randint(0, 2),
        ph_result="NEGATIVE", cns_status="CNS3" if failed else rng.choice(("CNS1", "CNS1", "CNS1", "CNS2")), **labs,
        criteria=criteria, status=rules.SCREEN_FAILED if failed else rules.ENROLLED,
        screen_fail_reason="CNS3 disease: present (exclusion) (CNS3)" if failed else "",
    )


def _consent(screening: Any) -> Any:
    from enrollment.models import Consent
    from enrollment.protocol import ENROLLMENT_PROTOCOL

    signed = screening.screened_on + timedelta(days=1)
    versions = ENROLLMENT_PROTOCOL.approved_consent_versions(on=signed)
    versions = versions or ENROLLMENT_PROTOCOL.approved_consent_versions()
    return Consent(screening=screening, document_version=versions[-1], signed_on=signed, obtained_by="Dr Zhang Wei")


def _participant(plan: Plan, screening: Any, seq: Seq, today: date) -> Any:
    from enrollment import rules
    from enrollment.models import Participant

    code = plan.site.code
    number = seq.next_participant(code)
    dead = plan.death is not None and plan.death[0] <= today
    status = rules.OFF_STUDY if dead else (rules.ON_TREATMENT if plan.c2d1 is None else rules.FOLLOW_UP)
    return Participant(
        screening=screening, site=plan.site, sequence=number, participant_id=rules.format_participant_id(code, number),
        enrolled_on=plan.enrolled_on, height_cm=plan.height, weight_kg=plan.weight, status=status,
        status_on=plan.death[0] if dead else plan.enrolled_on, off_study_reason="death" if dead else "",
    )


# --- rows of the cycles app --------------------------------------------------------------------------


def _cycle(participant: Any, plan: Plan, number: int, day1: date, today: date) -> Any:
    from cycles import rules
    from cycles.models import Cycle, CycleStatus

    done = day1 + timedelta(days=28) <= today
    return Cycle(
        participant=participant, number=number, day1_on=day1, planned_day1_on=day1, height_cm=plan.height,
        weight_kg=plan.weight, bsa_m2=Decimal(str(rules.bsa_mosteller(plan.height, plan.weight))),
        status=CycleStatus.COMPLETED if done else CycleStatus.ONGOING,
    )


# The rows that follow from a cycle and the regimen alone (planned doses, infusion bags, visits) are made
# in the database, set-based: they are most of a participant's rows. Common columns of a clinical record:
CLINICAL_COLS = "created_at, updated_at, row_version, is_deleted, deleted_reason"
CLINICAL_VALUES = "now(), now(), 1, false, ''"
BAG_HOURS = 96


def _values(rows: list[tuple]) -> tuple[str, list]:
    """A VALUES list of placeholders and its flat parameters."""
    row = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    return ", ".join([row] * len(rows)), [v for r in rows for v in r]


def _administrations_sql(cursor: Any, cycle_ids: list[int], today: date) -> None:
    """Every planned dose of the regimen (rules.planned_administrations), given as planned up to today."""
    from cycles.regimen import MG_PER_M2, REGIMEN

    plan = [(c.number, d.code, day, d.dose, d.unit, d.route, d.cap_mg, d.unit == MG_PER_M2)
            for c in REGIMEN.cycles for d in c.drugs for day in d.days]
    values, params = _values(plan)
    cursor.execute(
        f"""INSERT INTO cycles_administration (cycle_id, drug_code, cycle_day, planned_on, protocol_dose,
            protocol_dose_unit, planned_dose_mg, given_on, actual_dose_mg, route, status, reason, {CLINICAL_COLS})
        SELECT c.id, v.code, v.day, x.planned_on, v.dose, v.unit, x.mg,
            CASE WHEN x.planned_on <= %s THEN x.planned_on END, CASE WHEN x.planned_on <= %s THEN x.mg END,
            v.route, CASE WHEN x.planned_on <= %s THEN 'given' ELSE 'planned' END, '', {CLINICAL_VALUES}
        FROM cycles_cycle c
        JOIN (VALUES {values}) v(number, code, day, dose, unit, route, cap, per_m2) ON v.number = c.number
        CROSS JOIN LATERAL (SELECT c.day1_on + (v.day - 1) AS planned_on, round(least(CASE WHEN v.per_m2
            THEN v.dose * c.bsa_m2 ELSE v.dose END, v.cap)::numeric, 2) AS mg) x
        WHERE c.id = ANY(%s)""",  # noqa: S608 - placeholders only
        [today, today, today, *params, cycle_ids],
    )


def _segments_sql(cursor: Any, cycle_ids: list[int], now: datetime) -> None:
    """The blinatumomab infusion in 96-hour bags at each step's rate, from day 1 08:00 UTC up to now."""
    from cycles.regimen import REGIMEN

    steps = [(c.number, s.from_day, min(s.to_day, c.length_days), s.rate_mcg_per_day, c.length_days)
             for c in REGIMEN.cycles for s in c.blinatumomab]
    values, params = _values(steps)
    at8 = "time '08:00') AT TIME ZONE 'UTC'"
    cursor.execute(
        f"""INSERT INTO cycles_blinatumomabsegment (cycle_id, started_at, stopped_at, rate_mcg_per_day,
            stop_reason, stop_reason_detail, premedication_at, {CLINICAL_COLS})
        SELECT w.id, b.s, CASE WHEN b.e > %s THEN NULL ELSE b.e END, w.rate,
            CASE WHEN b.e > %s THEN '' WHEN b.e >= w.cycle_end THEN 'end_of_cycle' ELSE 'bag_change' END, '',
            CASE WHEN b.k = 0 THEN b.s - interval '1 hour' END, {CLINICAL_VALUES}
        FROM (SELECT c.id, v.rate, (c.day1_on + (v.from_day - 1) + {at8} AS ws, (c.day1_on + v.to_day + {at8} AS we,
                (c.day1_on + v.length + {at8} AS cycle_end
              FROM cycles_cycle c JOIN (VALUES {values}) v(number, from_day, to_day, rate, length)
                ON v.number = c.number WHERE c.id = ANY(%s)) w
        CROSS JOIN LATERAL generate_series(0, ceil(extract(epoch FROM w.we - w.ws) / {BAG_HOURS * 3600})::int - 1) k
        CROSS JOIN LATERAL (SELECT k.k, w.ws + k.k * interval '{BAG_HOURS} hours' AS s,
            least(w.ws + (k.k + 1) * interval '{BAG_HOURS} hours', w.we) AS e) b
        WHERE b.s < %s""",  # noqa: S608 - placeholders and constants only
        [now, now, *params, cycle_ids, now],
    )


def _visits_sql(cursor: Any, cycle_ids: list[int], today: date) -> None:
    """Every scheduled visit of the cycle done on its target day, up to today."""
    from cycles.regimen import REGIMEN

    values, params = _values([(c.number, v.code, v.day) for c in REGIMEN.cycles for v in c.visits])
    cursor.execute(
        f"""INSERT INTO cycles_visitrecord (cycle_id, visit_code, visited_on, missed_reason, {CLINICAL_COLS})
        SELECT c.id, v.code, c.day1_on + (v.day - 1), '', {CLINICAL_VALUES}
        FROM cycles_cycle c JOIN (VALUES {values}) v(number, code, day) ON v.number = c.number
        WHERE c.id = ANY(%s) AND c.day1_on + (v.day - 1) <= %s""",  # noqa: S608 - placeholders only
        [*params, cycle_ids, today],
    )


def _transplant(participant: Any, on: date) -> Any:
    from cycles.models import Transplant

    return Transplant(participant=participant, transplanted_on=on, donor_type="matched_unrelated",
                      conditioning_intensity="MAC", conditioning_regimen="TBI 12 Gy + cyclophosphamide")


# --- rows of the assessments app ---------------------------------------------------------------------

COUNTS = {"CR": (2.5, 180), "CRh": (0.8, 80), "CRi": (0.3, 30), "NR": (0.6, 40), "NE": (1.5, 120)}


def _cbc(participant: Any, on: date, category: str, rng: random.Random, blasts: bool = False) -> Any:
    from assessments.models import BloodCount

    anc, plt = COUNTS[category]
    return BloodCount(
        participant=participant, sample_date=on, anc_e9_per_l=Decimal(f"{anc * rng.uniform(0.9, 1.1):.2f}"),
        platelets_e9_per_l=Decimal(f"{plt * rng.uniform(0.9, 1.1):.0f}"), hb_g_per_l=Decimal("105"),
        wbc_e9_per_l=Decimal(f"{anc * 1.8:.2f}"), circulating_blasts="PRESENT" if blasts else "ABSENT",
        circulating_blasts_pct=Decimal("20") if blasts else None,
    )


def _marrow(participant: Any, timepoint: str, on: date, category: str, rng: random.Random) -> Any:
    from assessments.models import EOC_CYCLE_NUMBER, BoneMarrowAssessment

    adequate = category != "NE"
    blasts = rng.uniform(6, 60) if category in ("NR", "RELAPSE") else rng.uniform(0, 4.5)
    return BoneMarrowAssessment(
        participant=participant, timepoint=timepoint, cycle_number=EOC_CYCLE_NUMBER.get(timepoint), sample_date=on,
        aspirate_adequacy="ADEQUATE" if adequate else "DRY_TAP",
        blasts_pct=Decimal(f"{blasts:.1f}") if adequate else None, cellularity="NORMO",
        sample_id=f"{participant.participant_id}-{timepoint}",
    )


def _mrd(marrow: Any, category: str, rng: random.Random) -> list[Any]:
    from assessments.models import FlowMrd, NgsMrd, ResponseCall

    negative = category in ("CR", "CRh", "CRi") and rng.random() < 0.7
    if negative:
        flow = FlowMrd(marrow=marrow, result_type="NOT_DETECTED", lod_pct=0.005)
        ngs = NgsMrd(marrow=marrow, clone_trackable=True, result="NOT_DETECTED", lod_fraction=1e-6)
    else:
        flow = FlowMrd(marrow=marrow, result_type="QUANTIFIED", value_pct=round(rng.uniform(0.1, 3), 3), lod_pct=0.005)
        ngs = NgsMrd(marrow=marrow, clone_trackable=True, result="DETECTED", value_fraction=10 ** rng.uniform(-4, -2),
                     lod_fraction=1e-6)
    flow.cells_analysed, flow.lab, ngs.lab = 500_000, "Central flow laboratory", "NGS reference laboratory"
    return [flow, ngs, ResponseCall(marrow=marrow, response=category)]


def _emd(participant: Any, on: date, cns: str = "CNS1") -> Any:
    from assessments.models import ExtramedullaryDisease

    return ExtramedullaryDisease(participant=participant, assessed_on=on, status="NONE", cns_status=cns)


def _contacts(participant: Any, plan: Plan, today: date, rng: random.Random) -> Iterator[Any]:
    from assessments.models import FollowUpContact

    remission = bool(plan.eoc) and plan.eoc[max(plan.eoc)][1] in ("CR", "CRh", "CRi")
    last = max((d for d, _ in plan.eoc.values()), default=plan.c1d1)
    day, reported, previous = last + timedelta(days=91), False, last
    death_on = plan.death[0] if plan.death else None
    while day <= today and (death_on is None or day < death_on):
        c = FollowUpContact(participant=participant, contact_date=day, vital_status="ALIVE",
                            disease_status="CONTINUED_REMISSION" if remission else "NOT_ASSESSED")
        if plan.relapse_on is not None and plan.relapse_on <= day:
            c.disease_status = "NOT_ASSESSED"
            if not reported:
                c.disease_status, c.relapse_date, c.relapse_documented_by = "RELAPSE", plan.relapse_on, "MARROW"
                reported = True
        if plan.hsct_on is not None and previous < plan.hsct_on <= day:
            c.transplant_since_last_contact, c.transplant_date = True, plan.hsct_on
        yield c
        previous, day = day, day + timedelta(days=91 + rng.randint(-14, 14))
    if death_on is not None and death_on <= today:
        yield FollowUpContact(participant=participant, contact_date=min(death_on + timedelta(days=7), today),
                              method="RECORDS", vital_status="DEAD", disease_status="NOT_ASSESSED",
                              death_date=death_on, death_cause=plan.death[1])


def _participant_assessments(participant: Any, plan: Plan, today: date, rng: random.Random) -> dict[str, list]:
    """Blood counts, EMD, marrows (EOC and relapse) and follow-up contacts; the marrows' MRD comes later."""
    rows: dict[str, list] = {"cbc": [], "emd": [], "marrow": [], "contact": list(_contacts(participant, plan, today,
                                                                                             rng))}
    for day in (8, 15):
        if (on := plan.c1d1 + timedelta(days=day - 1)) <= today:
            rows["cbc"].append(_cbc(participant, on, "NR", rng, blasts=day == 8 and rng.random() < 0.3))
    for timepoint, (on, category) in plan.eoc.items():
        rows["cbc"].append(_cbc(participant, on, category, rng))
        rows["emd"].append(_emd(participant, on))
        rows["marrow"].append((_marrow(participant, timepoint, on, category, rng), category))
    if plan.relapse_on is not None:
        rows["cbc"].append(_cbc(participant, plan.relapse_on, "NR", rng, blasts=True))
        rows["emd"].append(_emd(participant, plan.relapse_on))
        rows["marrow"].append((_marrow(participant, "UNSCHEDULED", plan.relapse_on, "RELAPSE", rng), None))
    return rows


# --- one chunk ------------------------------------------------------------------------------------------


def _bulk(model: Any, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=2000) if rows else []


def _enrollment_rows(plans: list[Plan], seq: Seq, rng: random.Random, today: date) -> list[Any]:
    """Screenings (plus the screen failures), consents and participants; returns the participants."""
    from enrollment.models import Consent, Participant, ScreeningRecord

    screenings, kept = [], []
    for plan in plans:
        if plan.screen_failed_before:
            screenings.append(_screening(plan, seq, True, rng))
        kept.append(_screening(plan, seq, False, rng))
        screenings.append(kept[-1])
    _bulk(ScreeningRecord, screenings)
    _bulk(Consent, [_consent(s) for s in kept])
    return _bulk(Participant, [_participant(p, s, seq, today) for p, s in zip(plans, kept, strict=True)])


def _cycle_rows(pairs: list[tuple[Any, Plan]], today: date, now: datetime) -> None:
    from django.db import connection

    from cycles.models import Cycle, Transplant

    cycles = [_cycle(p, plan, n, d, today) for p, plan in pairs for n, d in ((1, plan.c1d1), (2, plan.c2d1)) if d]
    ids = [c.pk for c in _bulk(Cycle, cycles)]
    with connection.cursor() as cursor:
        _administrations_sql(cursor, ids, today)
        _segments_sql(cursor, ids, now)
        _visits_sql(cursor, ids, today)
    _bulk(Transplant, [_transplant(p, plan.hsct_on) for p, plan in pairs if plan.hsct_on])


def _assessment_rows(pairs: list[tuple[Any, Plan]], today: date, rng: random.Random) -> None:
    from assessments.models import (
        BloodCount,
        BoneMarrowAssessment,
        ExtramedullaryDisease,
        FlowMrd,
        FollowUpContact,
        NgsMrd,
        ResponseCall,
    )

    rows: dict[str, list] = {"cbc": [], "emd": [], "marrow": [], "contact": []}
    for participant, plan in pairs:
        for key, items in _participant_assessments(participant, plan, today, rng).items():
            rows[key].extend(items)
    _bulk(BloodCount, rows["cbc"])
    _bulk(ExtramedullaryDisease, rows["emd"])
    _bulk(FollowUpContact, rows["contact"])
    _bulk(BoneMarrowAssessment, [m for m, _ in rows["marrow"]])
    mrd = [r for m, category in rows["marrow"] if category for r in _mrd(m, category, rng)]
    for model in (FlowMrd, NgsMrd, ResponseCall):
        _bulk(model, [r for r in mrd if isinstance(r, model)])


def _grow_chunk(count: int, seq: Seq, sites: list, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    today, now = timezone.localdate(), timezone.now()
    plans = [plan_participant(rng, today, sites) for _ in range(count)]
    with transaction.atomic():
        _row_triggers_off()
        participants = _enrollment_rows(plans, seq, rng, today)
        pairs = list(zip(participants, plans, strict=True))
        _cycle_rows(pairs, today, now)
        _assessment_rows(pairs, today, rng)


def grown_models() -> list[Any]:
    """Every model grow() bulk-creates (all audited by pghistory)."""
    from assessments import models as a
    from cycles import models as c
    from enrollment import models as e

    return [e.ScreeningRecord, e.Consent, e.Participant, c.Cycle, c.Administration, c.BlinatumomabSegment,
            c.VisitRecord, c.Transplant, a.BloodCount, a.ExtramedullaryDisease, a.FollowUpContact,
            a.BoneMarrowAssessment, a.FlowMrd, a.NgsMrd, a.ResponseCall]


def _row_triggers_off() -> None:
    """In the current transaction: no row triggers (session_replication_role = replica; needs a superuser).

    The audit triggers run one PL/pgSQL call (with an exception block) per inserted row: bulk loads crawl.
    _audit_inserts() writes the same insert events afterwards, set-based; the data version is bumped by
    hand. Without the privilege, the triggers stay on (slower, same result).
    """
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def _max_ids(models: list[Any]) -> dict[Any, int]:
    from django.db.models import Max

    return {m: m.objects.aggregate(m=Max("pk"))["m"] or 0 for m in models}


def _audit_inserts(marks: dict[Any, int]) -> None:
    """The insert events the pghistory triggers would have written for rows above `marks` (no context)."""
    from django.db import connection

    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, mark in marks.items():
            event = model.pgh_event_model
            cols = [f.column for f in event._meta.concrete_fields if not f.column.startswith("pgh_")]
            if _has_events_above(cursor, event._meta.db_table, mark):
                continue  # the triggers were on (no privilege to turn them off): the events are there
            names = ", ".join(q(c) for c in cols)
            cursor.execute(
                f"INSERT INTO {q(event._meta.db_table)} ({names}, pgh_created_at, pgh_label, pgh_obj_id) "  # noqa: S608
                f"SELECT {names}, now(), 'insert', id FROM {q(model._meta.db_table)} WHERE id > %s",
                [mark],
            )


def _has_events_above(cursor: Any, event_table: str, mark: int) -> bool:
    cursor.execute(f'SELECT 1 FROM "{event_table}" WHERE pgh_obj_id > %s LIMIT 1', [mark])  # noqa: S608
    return bool(cursor.fetchall())


def analyze(models: list[Any] | None = None) -> None:
    """Planner statistics and visibility maps after a bulk load, as autovacuum would leave them (it may be off
    on a test server): VACUUM ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        if models is None:
            cursor.execute("VACUUM ANALYZE")
            return
        for model in models:
            for table in (model._meta.db_table, model.pgh_event_model._meta.db_table):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def _bump_data_version() -> None:
    from django.db.models import F
    from django.utils import timezone

    from integrity.models import DataVersion

    DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())


def _sequences(sites: list) -> Seq:
    from django.db.models import Max

    from enrollment.models import Participant, ScreeningRecord

    seq = Seq()
    for site in sites:
        seq.screening[site.code] = ScreeningRecord.objects.filter(site=site).count()
        seq.participant[site.code] = Participant.objects.filter(site=site).aggregate(m=Max("sequence"))["m"] or 0
    return seq


def _raise_target(n: int) -> None:
    from enrollment.models import StudySettings

    settings = StudySettings.current()
    if settings.target_enrollment < n:
        StudySettings.objects.filter(pk=settings.pk).update(target_enrollment=min(n, 32767))


def grow(n: int) -> int:
    """Bring the trial to `n` live participants with synthetic rows at sites 01/02; returns how many were added.

    Then the endpoint snapshot of today is recomputed (inline here: no broker in this process), so the
    dashboard has a current stored result.
    """
    from django.utils import timezone

    from endpoints import triggers
    from enrollment.models import Participant, Site

    sites = list(Site.objects.filter(code__in=("01", "02")).order_by("code"))
    missing = n - Participant.objects.live().count()
    if missing <= 0:
        return 0
    _raise_target(n)
    seq, rng = _sequences(sites), random.Random(f"{GROW_SEED}-{n}")
    start = time.perf_counter()
    marks = _max_ids(grown_models())
    with triggers.suppressed():  # one recompute at the end, not one per bulk INSERT
        for first in range(0, missing, GROW_CHUNK):
            _grow_chunk(min(GROW_CHUNK, missing - first), seq, sites, rng)
        _audit_inserts(marks)
        _bump_data_version()
        # Loaded with row triggers off, so no participant was queued as changed: today's rows are dropped
        # and the recompute at the end of this block derives the whole trial again.
        _drop_today(timezone.localdate())
    analyze(grown_models())
    ensure_current_snapshot()
    print(f"  grew the trial by {missing} participants in {time.perf_counter() - start:.1f} s "
          f"(endpoint recompute included)", flush=True)
    return missing


# ---------------------------------------------------------------------------------------------------
# The stored endpoint result


def snapshot_current(version: int | None = None) -> bool:
    """Is today's stored endpoint snapshot computed from `version` (default: the current data version) or later?"""
    from django.utils import timezone

    from endpoints.calculations import CALC_VERSION
    from endpoints.services import snapshot_is_current
    from integrity.models import current_data_version

    version = current_data_version() if version is None else version
    return snapshot_is_current(timezone.localdate(), version, CALC_VERSION)


def ensure_current_snapshot() -> None:
    """Recompute today's snapshot in this process unless it is current already (raises if it stays behind)."""
    from endpoints.tasks import recompute_endpoints

    if not snapshot_current():
        recompute_endpoints.run()
    if not snapshot_current():
        raise RuntimeError("the endpoint snapshot is still behind the data after a recompute")


def settle(timeout: float = 120.0) -> None:
    """Wait for the real worker to be idle: today's snapshot current and its plots drawn (before timing pages)."""
    from django.utils import timezone

    from endpoints.services import panels_without_plots

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if snapshot_current() and panels_without_plots(timezone.localdate()) is None:
            time.sleep(0.5)  # the plot task has returned; let the worker go back to waiting
            return
        time.sleep(0.2)
    print(f"  (the worker was still busy after {timeout:.0f} s; timing anyway)", flush=True)


def _wait_current(version: int, start: float, timeout: float) -> float:
    """Seconds from `start` until today's snapshot is computed from `version` or later (polled every 10 ms)."""
    while not snapshot_current(version):
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"the stored endpoint result did not reach data version {version} in {timeout:.0f} s")
        time.sleep(0.01)
    return time.perf_counter() - start


def save_to_current_latency(client_cls: type, port: int, password: str, saves: int = 20,
                            timeout: float = 60.0) -> Timing:
    """Save a CBC over HTTP, then poll until the stored endpoint result has caught up; 1 s idle between saves.

    Against the running gunicorn and the real Celery worker. Sample: POST start -> snapshot current.
    """
    from django.urls import reverse
    from django.utils import timezone

    from integrity.models import current_data_version

    settle()
    action = bench_pages.save_action(reverse, port)
    client = client_cls("127.0.0.1", port)
    client.login(bench_pages.COORDINATOR, password)
    samples, began = [], timezone.now()
    for _ in range(saves):
        start = time.perf_counter()
        resp = action(client)
        if resp.status != 302:
            raise RuntimeError(f"save for the latency benchmark failed: HTTP {resp.status}")
        samples.append(_wait_current(current_data_version(), start, timeout))
        time.sleep(1.0)
    _print_worker_runs(began)
    return Timing("save -> stored endpoint result current", samples)


def _print_worker_runs(since: datetime) -> None:
    """What the worker's recompute runs took during the latency test (diagnosis of a miss)."""
    from endpoints.models import RecomputeRun

    runs = list(RecomputeRun.objects.filter(started_at__gte=since).values_list("outcome", "duration_ms"))
    computed = [ms / 1000 for outcome, ms in runs if outcome == RecomputeRun.Outcome.COMPUTED]
    if computed:
        print(f"  worker: {len(runs)} recompute runs during the latency test, {len(computed)} computed, "
              f"median {statistics.median(computed):.2f} s each (the settings' debounce: "
              f"{_debounce():.1f} s; the same worker draws plots ENDPOINT_PLOT_DELAY_SECONDS after a result, "
              "unless a newer one came)", flush=True)


def _debounce() -> float:
    from django.conf import settings

    return float(settings.ENDPOINT_DEBOUNCE_SECONDS)


# ---------------------------------------------------------------------------------------------------
# Endpoint recompute against a bare SELECT

# (table, has is_deleted): every table load_cohort reads (participants and sites, the treatment tables,
# the assessments, and the CONSORT funnel's screening and consent rows, plus the study settings row).
LOADER_TABLES = (
    ("enrollment_participant", True),
    ("enrollment_site", False),
    ("enrollment_studysettings", False),
    ("enrollment_screeningrecord", True),
    ("enrollment_consent", True),
    ("cycles_cycle", True),
    ("cycles_administration", True),
    ("cycles_blinatumomabsegment", True),
    ("cycles_transplant", True),
    ("assessments_bonemarrowassessment", True),
    ("assessments_flowmrd", True),
    ("assessments_ngsmrd", True),
    ("assessments_responsecall", True),
    ("assessments_bloodcount", True),
    ("assessments_extramedullarydisease", True),
    ("assessments_followupcontact", True),
)




def bare_select() -> dict[str, tuple[float, int]]:
    """table -> (seconds, rows): SELECT * of the live rows of every table the loader reads, fetched with a cursor."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table, live in LOADER_TABLES:
            where = " WHERE NOT is_deleted" if live else ""
            start = time.perf_counter()
            cursor.execute(f"SELECT * FROM {table}{where}")  # noqa: S608 - constant table names
            rows = len(cursor.fetchall())
            out[table] = (time.perf_counter() - start, rows)
    return out


def _drop_today(cutoff: date) -> None:
    from endpoints.models import EndpointSnapshot, ParticipantResult

    EndpointSnapshot.objects.filter(cutoff=cutoff).delete()
    ParticipantResult.objects.filter(cutoff=cutoff).delete()


def recompute_once(cutoff: date) -> dict[str, float]:
    """A recompute of the whole trial (the first of a day, or a past cut-off), as the Celery task does it
    (endpoints.tasks.recompute_endpoints), in phases; returns seconds per phase.

    Today's snapshot and participant rows are dropped first (untimed), so that every participant is
    derived and stored again.
    """
    from django.db import transaction

    from endpoints import calculations, presenters, services, tasks
    from integrity.models import current_data_version

    _drop_today(cutoff)
    t0 = time.perf_counter()
    with transaction.atomic(), transaction.get_connection().cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        version = current_data_version()
        work = tasks.load_work(cutoff)
    t1 = time.perf_counter()
    summaries = [calculations.summarise(p, cutoff) for p in work["cohort"].participants]
    t2 = time.perf_counter()
    outcome = services.store_snapshot(
        cutoff=cutoff, data_version=version, calc_version=calculations.CALC_VERSION, summaries=summaries,
        started=t0, render=presenters.render_panels, **work,
    )
    t3 = time.perf_counter()
    if outcome != "computed" or work["changed_pks"] is not None:
        raise RuntimeError(f"the timed recompute did not store a whole-trial result: {outcome}")
    return {"load": t1 - t0, "derive": t2 - t1, "aggregate+store": t3 - t2, "total": t3 - t0}


def _results_md5(cutoff: date) -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT md5(results::text) FROM endpoints_endpointsnapshot WHERE cutoff = %s", [cutoff])
        row = cursor.fetchone()
    return row[0] if row else None


# One clinical change through Django with every trigger on: a blood count touched (the recompute finds no number
# moved), or a flow MRD value moved across the MRD cut-off (the stored counts move, and the results are rewritten).
TOUCH = "a blood count touched"
MOVE = "a flow MRD value moved"
_CHANGES = {
    TOUCH: ("assessments.BloodCount", "UPDATE assessments_bloodcount SET updated_at = now() WHERE id = %s"),
    MOVE: ("assessments.FlowMrd",
           "UPDATE assessments_flowmrd SET value_pct = CASE WHEN value_pct >= 0.01 THEN 0.001 ELSE 0.5 END "
           "WHERE id = %s"),
}


def incremental_once(cutoff: date, rng: random.Random, change: str = TOUCH) -> tuple[float, float]:
    """One clinical change of a random participant (`change`: TOUCH or MOVE), then the recompute the commit runs
    (inline in this process: no broker here, as in development). Returns (the task's own duration, seconds from
    the UPDATE to its return). A MOVE whose participant no count reads (not treated, say) is tried again with
    another row, so that every timed MOVE did move the stored results."""
    from django.apps import apps
    from django.db import connection

    from endpoints.models import RecomputeRun

    model, sql = _CHANGES[change]
    ids = apps.get_model(model).objects.live().values_list("pk", flat=True)
    for _ in range(50):
        before = _results_md5(cutoff) if change == MOVE else None
        pk = ids[rng.randrange(ids.count())]
        start = time.perf_counter()
        with connection.cursor() as cursor:  # autocommit: the on-commit recompute runs before this returns
            cursor.execute(sql, [pk])
        wall = time.perf_counter() - start
        run = RecomputeRun.objects.order_by("-started_at").values_list("outcome", "duration_ms").first()
        if run is None or run[0] != RecomputeRun.Outcome.COMPUTED:
            raise RuntimeError(f"the change did not lead to a computed recompute: {run}")
        if change == TOUCH or _results_md5(cutoff) != before:
            return run[1] / 1000, wall
    raise RuntimeError("no flow MRD change moved the stored results in 50 tries")


def bare_select_results(cutoff: date) -> float:
    """Seconds to SELECT what an incremental recompute aggregates: every participant row of the cut-off."""
    from django.db import connection

    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            "SELECT site_code, groups, km, error FROM endpoints_participantresult WHERE cutoff = %s", [cutoff]
        )
        cursor.fetchall()
        return time.perf_counter() - start


def recompute_timing(size: int, repeat: int = 3) -> dict[str, float]:
    """Medians of `repeat` with the bench database grown to `size`: "full" (whole trial) and "bare" (a bare
    SELECT of every row it reads); "incremental" (after one change: the slower of a TOUCH and a MOVE) and
    "bare_rows" (a bare SELECT of the participant rows it aggregates)."""
    from django.utils import timezone

    grow(size)
    cutoff = timezone.localdate()
    runs = [recompute_once(cutoff) for _ in range(repeat)]
    bares = [bare_select() for _ in range(repeat)]
    phases = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    bare = statistics.median(sum(s for s, _ in b.values()) for b in bares)
    print("  whole trial, phases (median s): " + ", ".join(f"{k} {v:.3f}" for k, v in phases.items()), flush=True)
    print(f"  bare SELECT: {sum(n for _, n in bares[0].values())} rows; the largest tables (median s): "
          + ", ".join(f"{t} {statistics.median(b[t][0] for b in bares):.2f} ({bares[0][t][1]} rows)"
                      for t in sorted(bares[0], key=lambda t: -bares[0][t][1])[:3]), flush=True)
    rng = random.Random(size)
    tasks = {}
    for change in (TOUCH, MOVE):
        incremental = [incremental_once(cutoff, rng, change) for _ in range(max(repeat, 5))]
        tasks[change] = statistics.median(t for t, _ in incremental)
        print(f"  after one change ({change}): the task {tasks[change]:.3f} s (median of {len(incremental)}), "
              f"the UPDATE with its on-commit recompute {statistics.median(w for _, w in incremental):.3f} s",
              flush=True)
    bare_rows = statistics.median(bare_select_results(cutoff) for _ in range(repeat))
    # judged on the slower kind of change
    return {"full": phases["total"], "bare": bare, "incremental": max(tasks.values()), "bare_rows": bare_rows}
