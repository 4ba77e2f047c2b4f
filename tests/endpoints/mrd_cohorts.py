"""Generated cohorts for the MRD tests: raw marrow inputs (flow result type, value, LOD; NGS clone, result,
value, LOD) kept beside the engine's ParticipantData, so that a test can count from the raw inputs by its own
rules (plain loops) and compare with what the engine aggregated.

The engine's facts (EocAssessment classes) are made from the raw inputs by assessments.rules, as
assessments.derived does for the database; the tests never read those classes back.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from hypothesis import strategies as st

from assessments import rules
from endpoints.calculations import EocAssessment, ParticipantData

CUTOFF = date(2026, 6, 30)
RESPONSES = ("CR", "CRh", "CRi", "NR", "RELAPSE", "NE")
FLOW_TYPES = ("QUANTIFIED", "NOT_DETECTED", "NOT_EVALUABLE")
FLOW_VALUES = (None, 0.0, 0.005, 0.0099, 0.01, 0.05, 0.0999, 0.1, 0.5, 12.0)  # %, both cut-offs and their edges
FLOW_LODS = (None, 0.001, 0.0099, 0.01, 0.05, 0.1, 0.2)
NGS_VALUES = (None, 5e-7, 1e-6, 5e-5, 9.9e-5, 1e-4, 3e-3)
NGS_LODS = (None, 1e-7, 1e-6, 1e-5)


@dataclass(frozen=True)
class RawMarrow:
    day: int  # days after C1D1
    response: str
    flow: tuple | None  # (result type, value %, LOD %) or None = no flow result
    ngs: tuple | None  # (clone trackable, detected True/False/None, value, LOD) or None = no NGS result


@dataclass
class RawParticipant:
    pid: str
    c1d1: date | None
    marrows: dict[str, RawMarrow] = field(default_factory=dict)


def _flow_fields(flow: tuple | None) -> dict:
    if flow is None:
        return {}
    kind, value, lod = flow
    protocol = rules.flow_mrd_assessment(kind, value, lod, 0.1)
    reporting = rules.flow_mrd_assessment(kind, value, lod, 0.01)
    return {
        "flow_class": protocol.cls,
        "mrd_ne_reason": protocol.ne_reason,
        "flow_class_reporting": reporting.cls,
        "flow_reporting_ne_reason": reporting.ne_reason,
        "flow_value_pct": value,
        "flow_lod_pct": lod,
    }


def _ngs_fields(ngs: tuple | None) -> dict:
    if ngs is None:
        return {}
    trackable, detected, value, lod = ngs
    result = rules.ngs_mrd_assessment(trackable, detected, value, lod)
    return {
        "ngs_class": result.cls,
        "ngs_ne_reason": result.ne_reason,
        "ngs_band": rules.ngs_mrd_band(trackable, detected, value, lod),
        "ngs_value": value,
        "ngs_lod": lod,
        "ngs_clone_trackable": trackable,
    }


def to_participant(raw: RawParticipant) -> ParticipantData:
    eocs = {}
    for tp, m in raw.marrows.items():
        assert raw.c1d1 is not None
        eocs[tp.lower()] = EocAssessment(
            marrow_date=raw.c1d1 + timedelta(days=m.day),
            response=m.response,
            **_flow_fields(m.flow),
            **_ngs_fields(m.ngs),
        )
    return ParticipantData(raw.pid, raw.c1d1, **eocs)


flows = st.one_of(
    st.none(), st.tuples(st.sampled_from(FLOW_TYPES), st.sampled_from(FLOW_VALUES), st.sampled_from(FLOW_LODS))
)
ngs_results = st.one_of(
    st.none(),
    st.tuples(
        st.booleans() | st.just(True),
        st.sampled_from((True, False, None)),
        st.sampled_from(NGS_VALUES),
        st.sampled_from(NGS_LODS),
    ),
)


@st.composite
def raw_participant(draw, pid: str) -> RawParticipant:
    days_before_cutoff = draw(st.one_of(st.none(), st.integers(-30, 400)))  # negative: C1D1 after the cut-off
    c1d1 = None if days_before_cutoff is None else CUTOFF - timedelta(days=days_before_cutoff)
    raw = RawParticipant(pid, c1d1)
    if c1d1 is None:
        return raw
    for tp, days in (("EOC1", st.integers(20, 45)), ("EOC2", st.integers(50, 80))):
        if draw(st.integers(0, 5)) == 0:
            continue  # no marrow recorded at this time point
        raw.marrows[tp] = RawMarrow(draw(days), draw(st.sampled_from(RESPONSES)), draw(flows), draw(ngs_results))
    return raw


@st.composite
def raw_cohorts(draw, max_size: int = 30) -> list[RawParticipant]:
    n = draw(st.integers(0, max_size))
    return [draw(raw_participant(f"{1 + i % 2:02d}-{i + 1:03d}")) for i in range(n)]


# --------------------------------------------------------------------------- the tests' own reading of the inputs


def treated(raw: RawParticipant, cutoff: date = CUTOFF) -> bool:
    return raw.c1d1 is not None and raw.c1d1 <= cutoff


def marrow_by_cutoff(raw: RawParticipant, tp: str, cutoff: date = CUTOFF) -> RawMarrow | None:
    m = raw.marrows.get(tp)
    if m is None or raw.c1d1 + timedelta(days=m.day) > cutoff:
        return None
    return m


def pending(raw: RawParticipant, tp: str, cutoff: date = CUTOFF) -> bool:
    """No marrow by the cut-off and the landmark, study day 28 (EOC1) / 56 (EOC2) + 14 with C1D1 as day 1, after it
    (Project decision 10; issue 14: study day 42 is C1D1 + 41 days, study day 70 is C1D1 + 69)."""
    landmark = raw.c1d1 + timedelta(days={"EOC1": 28, "EOC2": 56}[tp] + 14 - 1)
    return marrow_by_cutoff(raw, tp, cutoff) is None and landmark > cutoff
