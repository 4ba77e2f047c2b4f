"""Synthetic endpoint data: ParticipantData cohorts of any size, and stored snapshots built from them.

The snapshot is made by the real pipeline pieces (calculations.summarise, services.store_snapshot with its aggregation,
presenters.render_panels, services.store_snapshot), only the database loader is replaced.
"""

import datetime
import random
from datetime import date, timedelta

from assessments import rules
from endpoints.calculations import EocAssessment, ParticipantData
from endpoints.loaders import Cohort
from safety.calculations import AeFact, CrsIcansEvent, ParticipantSafetyFacts

RESPONSES = ("CR", "CR", "CR", "CRh", "CRi", "NR", "NE")
SYNTHETIC_AE_TERMS = (  # (term, SOC); the safety terms the synthetic participants draw from
    ("Cytokine release syndrome", "Immune system disorders"),
    ("Immune effector cell-associated neurotoxicity syndrome", "Nervous system disorders"),
    ("Nausea", "Gastrointestinal disorders"),
    ("Febrile neutropenia", "Blood and lymphatic system disorders"),
    ("Sepsis", "Infections and infestations"),
    ("Alanine aminotransferase increased", "Investigations"),
)
SAFETY_KINDS = {"Cytokine release syndrome": "crs", "Immune effector cell-associated neurotoxicity syndrome": "icans"}


def synthetic_safety(pid: str, c1d1: date) -> ParticipantSafetyFacts:
    """Zero to three AEs on the first weeks of treatment (their own random stream, keyed by the participant)."""
    rng = random.Random(f"safety-{pid}")
    aes, events = [], []
    for _ in range(rng.randint(0, 3)):
        term, soc = rng.choice(SYNTHETIC_AE_TERMS)
        onset, grade = c1d1 + timedelta(days=rng.randint(0, 30)), rng.randint(1, 5)
        related = {"blinatumomab": rng.choice(("possible", "not_related")), "venetoclax": "not_related"}
        aes.append(AeFact(pid, term, soc, grade, rng.random() < 0.2, onset, True, related, 1))
        if term in SAFETY_KINDS:
            events.append(CrsIcansEvent(pid, SAFETY_KINDS[term], grade, onset, onset + timedelta(days=3), 1))
    return ParticipantSafetyFacts(tuple(aes), tuple(events), {1: c1d1})


def synthetic_flow(kind: float, value: float) -> dict:
    """EocAssessment flow fields of a result drawn by `kind` (uniform 0-1): mostly quantified at `value` %, some
    "not detected" with a LOD of 0.05 % (negative at 0.1 %, insufficient sensitivity at 0.01 %), some NE."""
    if kind < 0.08:
        result_type, value, lod = "NOT_DETECTED", None, 0.05
    elif kind < 0.11:
        result_type, value, lod = "NOT_EVALUABLE", None, None
    else:
        result_type, lod = "QUANTIFIED", 0.01
    protocol = rules.flow_mrd_assessment(result_type, value, lod, 0.1)
    reporting = rules.flow_mrd_assessment(result_type, value, lod, 0.01)
    return {
        "flow_class": protocol.cls,
        "mrd_ne_reason": protocol.ne_reason,
        "flow_class_reporting": reporting.cls,
        "flow_reporting_ne_reason": reporting.ne_reason,
        "flow_value_pct": value,
        "flow_lod_pct": lod,
    }


def synthetic_ngs(trackable: bool, kind: float, value: float) -> dict:
    """EocAssessment NGS fields: no trackable clone, not detected (LOD 1e-5: insufficient sensitivity, or
    1e-6: negative), detected without a value, or detected at `value`."""
    detected, lod = True, 1e-6
    if not trackable:
        detected, value, lod = None, None, None
    elif kind < 0.06:
        detected, value, lod = False, None, 1e-5
    elif kind < 0.10:
        value = None
    elif kind < 0.25:
        detected, value = False, None
    result = rules.ngs_mrd_assessment(trackable, detected, value, lod)
    return {
        "ngs_class": result.cls,
        "ngs_ne_reason": result.ne_reason,
        "ngs_band": rules.ngs_mrd_band(trackable, detected, value, lod),
        "ngs_value": value,
        "ngs_lod": lod,
        "ngs_clone_trackable": trackable,
    }


def synthetic_participant(rng: random.Random, pid: str, cutoff: date) -> ParticipantData:
    """One plausible participant: C1D1, EOC1/EOC2 marrows with flow and NGS, relapse, HSCT, death."""
    c1d1 = cutoff - timedelta(days=rng.randint(40, 1500))
    if rng.random() < 0.05:
        return ParticipantData(pid, None)
    cycles = (c1d1, c1d1 + timedelta(days=42))
    mrd_rng = random.Random(pid)  # MRD result kinds: a second stream, the first one draws what it always drew
    trackable = mrd_rng.random() < 0.9

    def marrow(day: date) -> EocAssessment:
        response = rng.choice(RESPONSES)
        flow = 10 ** rng.uniform(-3.5, 0.5)
        ngs = 10 ** rng.uniform(-6.5, -2)
        flow_fields = synthetic_flow(mrd_rng.random(), flow) if response != "NE" else {}
        return EocAssessment(
            marrow_date=day,
            response=response,
            ne_reason="HEMODILUTED" if response == "NE" else None,
            **flow_fields,
            **synthetic_ngs(trackable, mrd_rng.random(), ngs),
        )

    eoc1 = marrow(c1d1 + timedelta(days=28))
    eoc2 = marrow(c1d1 + timedelta(days=70)) if rng.random() < 0.85 else None
    last = c1d1 + timedelta(days=rng.randint(80, 1500))
    relapse = [c1d1 + timedelta(days=rng.randint(100, 700))] if rng.random() < 0.3 else []
    death = last if rng.random() < 0.25 else None
    hsct = c1d1 + timedelta(days=rng.randint(90, 200)) if rng.random() < 0.3 else None
    return ParticipantData(
        pid,
        c1d1,
        eoc1,
        eoc2,
        death_date=death,
        relapse_dates=relapse,
        dates_alive=[] if death else [last],
        assessment_dates=[c1d1 + timedelta(days=180)],
        hsct_date=hsct,
        cycle_starts=cycles,
        safety=synthetic_safety(pid, c1d1),
    )


def synthetic_cohort(n: int, cutoff: date, site_codes: tuple[str, ...] = ("01", "02"), seed: int = 1) -> Cohort:
    rng = random.Random(seed)
    participants, site_of = [], {}
    for i in range(n):
        code = site_codes[i % len(site_codes)]
        pid = f"{code}-{i + 1:05d}"
        participants.append(synthetic_participant(rng, pid, cutoff))
        site_of[pid] = code
    return Cohort(participants=participants, site_of=site_of)


def synthetic_funnel(cohort: Cohort) -> dict[str, dict[str, int]]:
    """Site code -> screened, eligible, consented: each site screened its participants and 5 more who failed."""
    out = {}
    for code, members in cohort.by_site().items():
        out[code] = {"screened": len(members) + 5, "eligible": len(members), "consented": len(members)}
    return out


def store_synthetic_snapshot(
    cohort: Cohort,
    cutoff: date,
    data_version: int | None = None,
    draw_plots: bool = True,
    funnel: dict[str, dict[str, int]] | None = None,
):
    """Compute, render and store a snapshot for `cohort` as the task does (only the database loader is
    replaced); returns the EndpointSnapshot."""
    import time

    from endpoints import calculations, presenters, services
    from endpoints.models import EndpointSnapshot
    from integrity.models import current_data_version

    version = current_data_version() if data_version is None else data_version
    services.store_snapshot(
        cutoff=cutoff,
        data_version=version,
        calc_version=calculations.CALC_VERSION,
        summaries=[calculations.summarise(p, cutoff) for p in cohort.participants],
        cohort=cohort,
        funnel=synthetic_funnel(cohort) if funnel is None else funnel,
        target=20,
        started=time.perf_counter(),
        render=presenters.render_panels,
    )
    if draw_plots:  # as tasks.render_endpoint_plots does after the numbers
        services.store_plots(cutoff=cutoff, data_version=version, draw=presenters.render_plots)
    return EndpointSnapshot.objects.get(cutoff=cutoff)


HAND_CUTOFF = date(2026, 6, 30)


def hand_cohort(site_a_ids: list[str], site_b_ids: list[str]) -> Cohort:
    """Four treated participants with numbers known by hand (3 at site A, 1 at site B), C1D1 2025-01-01.

    EOC1: A and B MRD-negative CR, C NR, D not evaluable (HEMODILUTED) -> 2/4 pooled, 2/3 at site A.
    OS: B dies on day 100, C on day 200; A censored on day 366, D on day 335 -> S = 3/4, then 1/2 at day
    200: median 200 days = 6.57 months.
    """
    a, b, c = site_a_ids
    (d,) = site_b_ids
    start = date(2025, 1, 1)
    eoc1_day = date(2025, 1, 29)
    cr_neg = EocAssessment(eoc1_day, "CR", "NEG", flow_value_pct=0.004, flow_lod_pct=0.001)
    participants = [
        ParticipantData(a, start, cr_neg, dates_alive=[date(2026, 1, 1)], cycle_starts=[start]),
        ParticipantData(b, start, cr_neg, death_date=date(2025, 4, 10), cycle_starts=[start]),
        ParticipantData(
            c, start, EocAssessment(eoc1_day, "NR", "POS", flow_value_pct=3.0), death_date=date(2025, 7, 19)
        ),
        ParticipantData(
            d, start, EocAssessment(eoc1_day, "NE", ne_reason="HEMODILUTED"), dates_alive=[date(2025, 12, 1)]
        ),
    ]
    return Cohort(participants=participants, site_of={a: "01", b: "01", c: "01", d: "02"})


HAND_FUNNEL = {  # screened 6, eligible 5, consented 5 in all; enrolled 4 and treated 4 come from the cohort
    "01": {"screened": 4, "eligible": 3, "consented": 3},
    "02": {"screened": 2, "eligible": 2, "consented": 2},
}


def treated_with_mrd_negative_cr(site):
    """C1D1 by a blinatumomab segment, EOC1 marrow with blasts 1 %, ANC 2.0, PLT 180, no EMD, flow 0.02 %."""
    from tests.factories.assessments import FlowMrdFactory, NgsMrdFactory

    p, cycle, marrow = _treated_in_cr_at_eoc1(site)
    FlowMrdFactory(marrow=marrow, value_pct=0.02, lod_pct=0.005)
    NgsMrdFactory(marrow=marrow)
    return p, cycle


def treated_without_flow_mrd(site):
    """As `treated_with_mrd_negative_cr`, but the EOC1 marrow has no MRD yet (a CR, not MRD-negative so far):
    the participant and the marrow."""
    p, _, marrow = _treated_in_cr_at_eoc1(site)
    return p, marrow


def _treated_in_cr_at_eoc1(site):
    from tests.factories.assessments import BloodCountFactory, EmdFactory, MarrowFactory
    from tests.factories.cycles import CycleFactory, SegmentFactory
    from tests.factories.enrollment import ParticipantFactory

    p = ParticipantFactory(screening__site=site)
    cycle = CycleFactory(participant=p)
    SegmentFactory(cycle=cycle)
    marrow_on = cycle.day1_on + datetime.timedelta(days=27)
    marrow = MarrowFactory(participant=p, sample_date=marrow_on, blasts_pct=1.0)
    BloodCountFactory(participant=p, sample_date=marrow_on)
    EmdFactory(participant=p, assessed_on=marrow_on)
    return p, cycle, marrow
