"""Pure endpoint derivations: primary endpoint, response tables, OS/EFS ADTTE rows, Kaplan-Meier.

DOMAIN.md "Project decisions" 1, 5, 7, 8 and sections 3.4, 5.1, 5.3-5.5. Plain dataclasses in,
plain JSON-serialisable data out (Python int/float/str/None, ISO dates); no Django, no I/O.
A loader (endpoints app) fills ``ParticipantData`` from the database; ``compute_all`` assembles
what the dashboard shows.

Decisions where DOMAIN leaves room (also printed by ``conventions_text``):
- Anything dated after the data cut-off is ignored: EOC marrows, relapses, deaths, assessments.
  A participant whose C1D1 is after the cut-off is not (yet) treated.
- Known alive on/after the cut-off (or a death after it) -> OS censored at the cut-off ("DATA CUTOFF").
- EFS rule 2 ("death before the landmark without any response assessment"): a death on/before the
  cut-off with no evaluable EOC1/EOC2 response counts here, since the EOC2 assessment never happened.
- EFS rule 1 applies as soon as an evaluable EOC1/EOC2 response exists and none is CR/CRh/CRi
  (at an interim cut-off between EOC1 NR and EOC2 this is provisional).
- Relapse and death on the same day: the event is reported as relapse.
- HSCT sensitivity: censored at the HSCT date when HSCT (on/before the cut-off) precedes the
  primary ADT; an event on the HSCT day stays an event. Day-1 EFS outcomes are unaffected.
- 5-year cap: STARTDT + 5 calendar years (29 Feb -> 28 Feb); ADT after it -> censored at it.
- KM: table CIs are None where S = 1 or S = 0 (log-log undefined, DOMAIN 5.3), Greenwood SE is
  None where S = 0; the median is the first time with S <= 0.5 (exact integer arithmetic, no
  midpoint rule); its CI inverts lifelines' log-log curves (which equal 1 where S = 1 and 0 where
  S = 0); a landmark beyond the longest follow-up time is not estimable (None).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from lifelines import KaplanMeierFitter
from scipy import stats

from assessments.rules import (
    CR,
    MRD_NEG,
    MRD_POS,
    NE,
    RELAPSE,
    REMISSION_RESPONSES,
    RESPONSES,
    best_response,
    composite_cr_cri,
    first_remission_date,
    is_remission,
    last_adequate_disease_assessment,
    last_known_alive_date,
    primary_responder,
    relapse_date,
)

CALC_VERSION = "3"  # 2: numeric MRD inputs, drill-down lists; 3: per-participant values stored as rows
DAYS_PER_MONTH = 30.4375
TIMEPOINTS = ("EOC1", "EOC2")
PRIMARY_TIMEPOINTS = ("EOC1", "EOC2", "BY_EOC2")
RESPONSE_TABLE_TIMEPOINTS = ("EOC1", "EOC2", "BY_EOC2")

# ADTTE parameter codes (sensitivity variants censor at HSCT).
PARAM_OS = "OS"
PARAM_EFS = "EFS"
PARAM_OS_HSCT = "OSHSCT"
PARAM_EFS_HSCT = "EFSHSCT"

# EVNTDESC / CNSDTDSC strings, exactly as in reference/worked_example_adtte.csv ...
DESC_DEATH = "DEATH"
DESC_RELAPSE = "HEMATOLOGIC RELAPSE"
DESC_FAILURE_DAY1 = "TREATMENT FAILURE (NO CR/CRi BY EOC2) - EVENT AT DAY 1"
DESC_DEATH_NO_RESPONSE_DAY1 = "DEATH BEFORE LANDMARK WITHOUT RESPONSE - EVENT AT DAY 1"
DESC_NOT_EVALUABLE_DAY1 = "NOT EVALUABLE FOR RESPONSE - CENSORED AT DAY 1"
DESC_LAST_ALIVE = "LAST KNOWN ALIVE"
DESC_DATA_CUTOFF = "DATA CUTOFF"
DESC_LAST_ASSESSMENT = "LAST ADEQUATE DISEASE ASSESSMENT"
# ... and two the reference file has no example of (project choice).
DESC_HSCT = "ALLOGENEIC HSCT (SENSITIVITY)"
DESC_CAP_TEMPLATE = "CAPPED AT {years} YEARS"

# Reasons for "not evaluable" in the primary endpoint (besides those carried by the data).
REASON_MISSING_ASSESSMENT = "MISSING_ASSESSMENT"
REASON_RESPONSE_NE = "RESPONSE_NE"
REASON_MRD_MISSING = "MRD_MISSING"
REASON_MRD_NE = "MRD_NE"

RESPONDER = "RESPONDER"
NON_RESPONDER = "NON_RESPONDER"
NOT_EVALUABLE = "NOT_EVALUABLE"

DEFAULT_LANDMARKS_MONTHS = (12, 36, 60)
DEFAULT_RISK_TIMES_MONTHS = (0, 6, 12, 18, 24, 36, 48, 60)


# --------------------------------------------------------------------------- input data


@dataclass(frozen=True)
class EocAssessment:
    """One end-of-cycle marrow as the engine needs it (DOMAIN 3.2-3.4); derived by assessments.rules.

    response: CR/CRh/CRi/NR/RELAPSE/NE or None (= not recorded); flow_class: NEG/POS/NE at the
    protocol cut-off or None (= no flow result); ne_reason / mrd_ne_reason: why response / flow is NE.
    """

    marrow_date: date | None = None
    response: str | None = None
    flow_class: str | None = None
    ne_reason: str | None = None
    mrd_ne_reason: str | None = None
    # Numeric MRD for the dashboard plot only (classes above drive every endpoint):
    # flow in % of cells, NGS as a fraction (1e-6 = one cell in a million); LODs in the same units.
    flow_value_pct: float | None = None
    flow_lod_pct: float | None = None
    ngs_value: float | None = None
    ngs_lod: float | None = None
    ngs_class: str | None = None

    def __post_init__(self) -> None:
        if self.response is not None and self.response not in RESPONSES:
            raise ValueError(f"unknown response {self.response!r}")
        if self.flow_class is not None and self.flow_class not in (MRD_NEG, MRD_POS, NE):
            raise ValueError(f"unknown flow MRD class {self.flow_class!r}")


@dataclass(frozen=True)
class ParticipantData:
    """Everything the endpoint engine needs for one participant (DOMAIN 3.4, 5.5).

    c1d1: first dose of any protocol drug (None = never treated, excluded from every denominator).
    eoc1 / eoc2: the EOC marrows (None = no assessment recorded).
    death_date: any-cause death; relapse_dates: dates of samples/exams documenting haematologic
    relapse (an EOC marrow with response RELAPSE counts as well); dates_alive: every complete date
    the participant is known alive (visits, dosing, labs, contacts; C1D1, marrow and assessment
    dates are added automatically); assessment_dates: adequate disease assessments (EOC marrows
    with an evaluable response are added automatically); hsct_date: allogeneic HSCT.
    Lists are accepted and stored as tuples.
    """

    participant_id: str
    c1d1: date | None
    eoc1: EocAssessment | None = None
    eoc2: EocAssessment | None = None
    death_date: date | None = None
    relapse_dates: tuple[date, ...] = ()
    dates_alive: tuple[date, ...] = ()
    assessment_dates: tuple[date, ...] = ()
    hsct_date: date | None = None
    cycle_starts: tuple[date, ...] = ()  # day 1 of each treatment cycle (swimmer plot only)

    def __post_init__(self) -> None:
        for name in ("relapse_dates", "dates_alive", "assessment_dates", "cycle_starts"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def eoc(self, timepoint: str) -> EocAssessment | None:
        """The EOC1 or EOC2 assessment (DOMAIN 3.4)."""
        if timepoint == "EOC1":
            return self.eoc1
        if timepoint == "EOC2":
            return self.eoc2
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {TIMEPOINTS}")

    def treated(self, cutoff: date | None = None) -> bool:
        """Received any dose on/before the cut-off (DOMAIN decision 5 denominator)."""
        return self.c1d1 is not None and (cutoff is None or self.c1d1 <= cutoff)


@dataclass(frozen=True)
class AdtteRow:
    """One ADTTE row (DOMAIN 5.5; CDISC ADaM BDS-TTE): CNSR 0 = event, 1 = censored."""

    USUBJID: str
    PARAMCD: str
    STARTDT: date
    ADT: date
    AVAL_DAYS: int
    AVAL_MONTHS: float  # full precision; round only for display
    CNSR: int
    EVNTDESC_or_CNSDTDSC: str

    @property
    def event(self) -> bool:
        """True for an event (CNSR = 0)."""
        return self.CNSR == 0

    @property
    def aval_months_display(self) -> str:
        """AVAL in months with 2 decimals, for display only."""
        return f"{self.AVAL_MONTHS:.2f}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict (ISO dates, full-precision months)."""
        return {
            "USUBJID": self.USUBJID,
            "PARAMCD": self.PARAMCD,
            "STARTDT": self.STARTDT.isoformat(),
            "ADT": self.ADT.isoformat(),
            "AVAL_DAYS": self.AVAL_DAYS,
            "AVAL_MONTHS": self.AVAL_MONTHS,
            "CNSR": self.CNSR,
            "EVNTDESC_or_CNSDTDSC": self.EVNTDESC_or_CNSDTDSC,
        }


# --------------------------------------------------------------------------- small helpers


def clean_float(value: Any) -> float | None:
    """Plain Python float, or None for None/NaN/inf (JSON-safe output, DOMAIN 5.6)."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def days_to_months(days: float) -> float:
    """Days -> months with 30.4375 days a month (DOMAIN decision 1)."""
    return days / DAYS_PER_MONTH


def add_years(start: date, years: int) -> date:
    """Same calendar day `years` later, 29 Feb -> 28 Feb (DOMAIN 5.5 cap)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def _eoc_at(p: ParticipantData, timepoint: str, cutoff: date | None) -> EocAssessment | None:
    a = p.eoc(timepoint)
    if a is None or a.response is None:
        return None
    if cutoff is not None and a.marrow_date is not None and a.marrow_date > cutoff:
        return None
    return a


def _treated(participants: Iterable[ParticipantData], cutoff: date | None) -> list[ParticipantData]:
    return [p for p in participants if p.treated(cutoff)]


def clopper_pearson(x: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact two-sided Clopper-Pearson CI for x/n (DOMAIN 5.1); n = 0 gives (0.0, 1.0)."""
    if n < 0 or not 0 <= x <= n:
        raise ValueError(f"need 0 <= x <= n, got x={x}, n={n}")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lower, upper


def _rate(x: int, n: int) -> dict[str, Any]:
    lo, hi = clopper_pearson(x, n)
    return {"n": x, "denominator": n, "rate": (x / n) if n else None, "ci95": [lo, hi]}


# --------------------------------------------------------------------------- primary endpoint


def primary_status(assessment: EocAssessment | None, include_cri: bool = False) -> tuple[str, str | None]:
    """RESPONDER / NON_RESPONDER / NOT_EVALUABLE (+ reason) for one EOC marrow (DOMAIN 3.4, decision 5)."""
    if assessment is None or assessment.response is None:
        return NOT_EVALUABLE, REASON_MISSING_ASSESSMENT
    if assessment.response == NE:
        return NOT_EVALUABLE, assessment.ne_reason or REASON_RESPONSE_NE
    accepted = REMISSION_RESPONSES if include_cri else (CR,)
    if assessment.response not in accepted:
        return NON_RESPONDER, None
    if primary_responder(assessment.response, assessment.flow_class, include_cri):
        return RESPONDER, None
    if assessment.flow_class == MRD_POS:
        return NON_RESPONDER, None
    if assessment.flow_class is None:
        return NOT_EVALUABLE, assessment.mrd_ne_reason or REASON_MRD_MISSING
    return NOT_EVALUABLE, assessment.mrd_ne_reason or REASON_MRD_NE


def participant_primary_status(
    p: ParticipantData, timepoint: str, include_cri: bool = False, cutoff: date | None = None
) -> tuple[str, str | None]:
    """Primary-endpoint status at EOC1, EOC2 or BY_EOC2 (responder at either) (DOMAIN 3.4).

    BY_EOC2: responder if responder at EOC1 or EOC2; non-responder if evaluable non-responder at
    both; otherwise not evaluable, with the reason of the first NE timepoint, prefixed "EOC1: "/"EOC2: ".
    """
    if timepoint in TIMEPOINTS:
        return primary_status(_eoc_at(p, timepoint, cutoff), include_cri)
    if timepoint != "BY_EOC2":
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {PRIMARY_TIMEPOINTS}")
    statuses = [(tp, *primary_status(_eoc_at(p, tp, cutoff), include_cri)) for tp in TIMEPOINTS]
    if any(status == RESPONDER for _, status, _ in statuses):
        return RESPONDER, None
    for tp, status, reason in statuses:
        if status == NOT_EVALUABLE:
            return NOT_EVALUABLE, f"{tp}: {reason}"
    return NON_RESPONDER, None


def primary_definition_text(
    timepoint: str, include_cri: bool = False, mrd_cut_pct: float = 0.1, n_treated: int | None = None
) -> str:
    """Plain-language definition printed beside the primary endpoint (DOMAIN 3.4, decision 5)."""
    response = "CR, CRh or CRi" if include_cri else "morphologic CR with full count recovery (CRh/CRi excluded)"
    where = {
        "EOC1": "on the end-of-cycle-1 (EOC1) marrow",
        "EOC2": "on the end-of-cycle-2 (EOC2) marrow",
        "BY_EOC2": "on the same marrow at EOC1 or at EOC2 (responder at either time point)",
    }[timepoint]
    n_text = f" (N = {n_treated})" if n_treated is not None else ""
    return (
        f"MRD-negative CR: {response} and flow MRD < {mrd_cut_pct:g} % "
        f"(exactly {mrd_cut_pct:g} % is positive; 'not detected' is negative only if the assay LOD "
        f"is below the cut-off) {where}. "
        f"Denominator: all participants who received any dose of study treatment{n_text}. "
        "Not evaluable or missing assessments count as non-responders and are reported by reason. "
        "95 % CI: exact Clopper-Pearson."
    )


def primary_endpoint(
    participants: Iterable[ParticipantData],
    timepoint: str,
    include_cri: bool = False,
    cutoff: date | None = None,
    mrd_cut_pct: float = 0.1,
) -> dict[str, Any]:
    """MRD-negative CR rate at EOC1/EOC2/BY_EOC2 over all treated, exact CI, NE by reason (DOMAIN 3.4)."""
    if timepoint not in PRIMARY_TIMEPOINTS:
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {PRIMARY_TIMEPOINTS}")
    treated = _treated(participants, cutoff)
    statuses = {p.participant_id: participant_primary_status(p, timepoint, include_cri, cutoff) for p in treated}
    responders = sorted(pid for pid, (s, _) in statuses.items() if s == RESPONDER)
    ne_reasons = Counter(reason for s, reason in statuses.values() if s == NOT_EVALUABLE)
    block = _primary_block(timepoint, include_cri, mrd_cut_pct, len(treated), len(responders), ne_reasons)
    block["responder_ids"] = responders
    return block


def _primary_block(
    timepoint: str, include_cri: bool, mrd_cut_pct: float, n_treated: int, n_resp: int, ne_reasons: dict[str, int]
) -> dict[str, Any]:
    """The primary-endpoint figures of one timepoint from its counts: rates, exact CIs, NE by reason."""
    n_ne = sum(ne_reasons.values())
    n_evaluable = n_treated - n_ne
    lo, hi = clopper_pearson(n_resp, n_treated)
    lo_e, hi_e = clopper_pearson(n_resp, n_evaluable)
    return {
        "timepoint": timepoint,
        "include_cri": include_cri,
        "mrd_cut_pct": mrd_cut_pct,
        "n_treated": n_treated,
        "n_responders": n_resp,
        "n_non_responders": n_treated - n_resp,
        "n_not_evaluable": n_ne,
        "ne_by_reason": dict(sorted(ne_reasons.items())),
        "rate": (n_resp / n_treated) if n_treated else None,
        "ci95": [lo, hi],
        # sensitivity analysis (DOMAIN 3.3): evaluable-only denominator
        "n_evaluable": n_evaluable,
        "rate_evaluable": (n_resp / n_evaluable) if n_evaluable else None,
        "ci95_evaluable": [lo_e, hi_e],
        "definition_text": primary_definition_text(timepoint, include_cri, mrd_cut_pct, n_treated),
    }


def participant_response(p: ParticipantData, timepoint: str, cutoff: date | None = None) -> str | None:
    """Response at EOC1/EOC2, or best of both for BY_EOC2 (DOMAIN 3.2); None = missing."""
    if timepoint in TIMEPOINTS:
        a = _eoc_at(p, timepoint, cutoff)
        return a.response if a else None
    if timepoint != "BY_EOC2":
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {RESPONSE_TABLE_TIMEPOINTS}")
    return best_response(participant_response(p, tp, cutoff) for tp in TIMEPOINTS)


def response_table(
    participants: Iterable[ParticipantData], timepoint: str, cutoff: date | None = None
) -> dict[str, Any]:
    """Counts of CR, CRh, CRi, NR, RELAPSE, NE, missing and CR / composite CR/CRi rates (DOMAIN 3.2, 5.6)."""
    if timepoint not in RESPONSE_TABLE_TIMEPOINTS:
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {RESPONSE_TABLE_TIMEPOINTS}")
    treated = _treated(participants, cutoff)
    counts = dict.fromkeys((*RESPONSES, "missing"), 0)
    for p in treated:
        response = participant_response(p, timepoint, cutoff)
        counts[response if response is not None else "missing"] += 1
    n = len(treated)
    n_cr_cri = sum(counts[r] for r in RESPONSES if composite_cr_cri(r))
    return {
        "timepoint": timepoint,
        "n_treated": n,
        "counts": counts,
        "cr": _rate(counts[CR], n),
        "cr_cri": _rate(n_cr_cri, n),
        "definition_text": (
            "Response per DOMAIN 3.2 "
            + ("(best of EOC1 and EOC2: CR > CRh > CRi > NR > RELAPSE > NE). " if timepoint == "BY_EOC2" else "")
            + "CR/CRi = CR or CRh or CRi; denominator all treated; exact Clopper-Pearson 95 % CI."
        ),
    }


# --------------------------------------------------------------------------- ADTTE (OS / EFS)


def _alive_dates(p: ParticipantData) -> list[date]:
    dates = list(p.dates_alive)
    dates += [d for d in (p.c1d1, p.hsct_date) if d is not None]
    dates += [a.marrow_date for a in (p.eoc1, p.eoc2) if a is not None and a.marrow_date is not None]
    dates += list(p.assessment_dates) + list(p.relapse_dates)
    if p.death_date is not None:
        dates = [d for d in dates if d <= p.death_date]
    return dates


def _make_row(
    p: ParticipantData,
    paramcd: str,
    adt: date,
    cnsr: int,
    desc: str,
    cutoff: date,
    cap_years: int | None,
    censor_at_hsct: bool,
) -> AdtteRow:
    start = p.c1d1
    assert start is not None
    if censor_at_hsct and p.hsct_date is not None and p.hsct_date <= cutoff and start <= p.hsct_date < adt:
        adt, cnsr, desc = p.hsct_date, 1, DESC_HSCT
    if cap_years is not None:
        cap = add_years(start, cap_years)
        if adt > cap:
            adt, cnsr, desc = cap, 1, DESC_CAP_TEMPLATE.format(years=cap_years)
    if adt < start:
        raise ValueError(f"{p.participant_id}: {paramcd} date {adt} is before C1D1 {start}")
    days = (adt - start).days + 1
    return AdtteRow(
        USUBJID=p.participant_id,
        PARAMCD=paramcd,
        STARTDT=start,
        ADT=adt,
        AVAL_DAYS=days,
        AVAL_MONTHS=days_to_months(days),
        CNSR=cnsr,
        EVNTDESC_or_CNSDTDSC=desc,
    )


def derive_os(
    p: ParticipantData, cutoff: date, cap_years: int | None = 5, censor_at_hsct: bool = False
) -> AdtteRow | None:
    """OS ADTTE row (DOMAIN 5.5 OS): death <= cut-off is the event, else censored at LSTALVDT/DCUTDT."""
    if not p.treated(cutoff):
        return None
    if p.death_date is not None and p.death_date <= cutoff:
        adt, cnsr, desc = p.death_date, 0, DESC_DEATH
    elif p.death_date is not None:  # death after the cut-off: alive at the cut-off
        adt, cnsr, desc = cutoff, 1, DESC_DATA_CUTOFF
    else:
        last_alive = last_known_alive_date(_alive_dates(p), cutoff)
        assert last_alive is not None  # C1D1 is always a date known alive
        adt, cnsr = last_alive, 1
        desc = DESC_DATA_CUTOFF if last_alive == cutoff else DESC_LAST_ALIVE
    paramcd = PARAM_OS_HSCT if censor_at_hsct else PARAM_OS
    return _make_row(p, paramcd, adt, cnsr, desc, cutoff, cap_years, censor_at_hsct)


def derive_efs(
    p: ParticipantData, cutoff: date, cap_years: int | None = 5, censor_at_hsct: bool = False
) -> AdtteRow | None:
    """EFS ADTTE row, DOMAIN 5.5 rules 1-5 (ELN-2022 day-1 convention, cut-off, cap, HSCT sensitivity)."""
    if not p.treated(cutoff):
        return None
    start = p.c1d1
    assert start is not None
    assessments = [a for a in (_eoc_at(p, tp, cutoff) for tp in TIMEPOINTS) if a is not None]
    responses = [a.response for a in assessments]
    death = p.death_date if p.death_date is not None and p.death_date <= cutoff else None

    if any(is_remission(r) for r in responses):  # rule 4
        remission = first_remission_date([(a.marrow_date, a.response) for a in assessments])
        candidates = list(p.relapse_dates) + [
            a.marrow_date for a in assessments if a.response == RELAPSE and a.marrow_date is not None
        ]
        relapse = relapse_date(candidates, cutoff, remission)
        if relapse is not None and (death is None or relapse <= death):
            adt, cnsr, desc = relapse, 0, DESC_RELAPSE
        elif death is not None:
            adt, cnsr, desc = death, 0, DESC_DEATH
        else:
            evaluable_marrows = [a.marrow_date for a in assessments if a.marrow_date is not None and a.response != NE]
            last = last_adequate_disease_assessment([*p.assessment_dates, *evaluable_marrows], cutoff)
            adt, cnsr, desc = (last or start), 1, DESC_LAST_ASSESSMENT
    elif any(r is not None and r != NE for r in responses):  # rule 1: evaluable, never in remission
        adt, cnsr, desc = start, 0, DESC_FAILURE_DAY1
    elif death is not None:  # rule 2
        adt, cnsr, desc = start, 0, DESC_DEATH_NO_RESPONSE_DAY1
    else:  # rule 3
        adt, cnsr, desc = start, 1, DESC_NOT_EVALUABLE_DAY1
    paramcd = PARAM_EFS_HSCT if censor_at_hsct else PARAM_EFS
    return _make_row(p, paramcd, adt, cnsr, desc, cutoff, cap_years, censor_at_hsct)


# --------------------------------------------------------------------------- Kaplan-Meier


def _first_time_at_or_below_half_exact(
    times: Sequence[float], n_risk: Sequence[int], n_event: Sequence[int]
) -> float | None:
    """First time with S(t) <= 0.5 using exact integer products (no floating-point ties)."""
    num, den = 1, 1
    for t, n, d in zip(times, n_risk, n_event, strict=True):
        if d == 0:
            continue
        num *= n - d
        den *= n
        if 2 * num <= den:
            return float(t)
    return None


def _first_time_at_or_below(times: Sequence[float], curve: Sequence[float], q: float = 0.5) -> float | None:
    for t, value in zip(times, curve, strict=True):
        if value <= q:
            return float(t)
    return None


def _fit(times: Sequence[float], events: Sequence[bool], conf_level: float) -> dict[str, Any]:
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("times and events must have the same length")
    if np.any(t < 0) or np.any(~np.isfinite(t)):
        raise ValueError("times must be finite and >= 0")
    kmf = KaplanMeierFitter(alpha=1 - conf_level).fit(t, e)
    table = kmf.event_table[kmf.event_table["removed"] > 0]  # drop lifelines' artificial time-0 row
    surv = kmf.survival_function_.iloc[:, 0].loc[table.index]
    ci = kmf.confidence_interval_.loc[table.index]
    return {
        "times": [float(x) for x in table.index],
        "n_risk": [int(x) for x in table["at_risk"]],
        "n_event": [int(x) for x in table["observed"]],
        "n_censor": [int(x) for x in table["censored"]],
        "surv": [float(x) for x in surv],
        "lower": [float(x) for x in ci.iloc[:, 0]],
        "upper": [float(x) for x in ci.iloc[:, 1]],
        "t": t,
    }


def reverse_km_median_followup(times: Sequence[float], events: Sequence[bool]) -> float | None:
    """Median follow-up by reverse Kaplan-Meier (censorings as events) (DOMAIN 5.4, decision 8)."""
    if len(times) == 0:
        return None
    fit = _fit(times, [not bool(x) for x in events], 0.95)
    return _first_time_at_or_below_half_exact(fit["times"], fit["n_risk"], fit["n_event"])


def kaplan_meier(
    times: Sequence[float],
    events: Sequence[bool],
    conf_level: float = 0.95,
    landmarks_months: Sequence[float] = DEFAULT_LANDMARKS_MONTHS,
    risk_times_months: Sequence[float] = DEFAULT_RISK_TIMES_MONTHS,
) -> dict[str, Any]:
    """Product-limit estimate, Greenwood SE, log-log CI, median (CI), landmarks, at-risk (DOMAIN 5.3-5.4).

    Times in days; months = days / 30.4375. Plain Python numbers / None only.
    """
    n = len(times)
    result: dict[str, Any] = {
        "n": n,
        "n_events": int(sum(bool(x) for x in events)),
        "conf_level": conf_level,
        "conf_type": "log-log",
        "variance": "Greenwood",
        "table": [],
        "median": {"est": None, "lcl": None, "ucl": None},
        "median_months": {"est": None, "lcl": None, "ucl": None},
        "landmarks": {},
        "at_risk": [],
        "median_followup_days": None,
        "median_followup_months": None,
    }
    result["n_censored"] = n - result["n_events"]
    if n == 0:
        return result
    fit = _fit(times, events, conf_level)
    cum = 0.0
    rows = []
    for i, time in enumerate(fit["times"]):
        n_risk, d = fit["n_risk"][i], fit["n_event"][i]
        if d:
            cum = cum + d / (n_risk * (n_risk - d)) if n_risk > d else math.inf
        s = fit["surv"][i]
        defined = 0.0 < s < 1.0
        rows.append(
            {
                "time": time,
                "n_risk": n_risk,
                "n_event": d,
                "n_censor": fit["n_censor"][i],
                "surv": s,
                "se": clean_float(s * math.sqrt(cum)) if s > 0.0 else None,
                "lcl": clean_float(fit["lower"][i]) if defined else None,
                "ucl": clean_float(fit["upper"][i]) if defined else None,
            }
        )
    result["table"] = rows

    est = _first_time_at_or_below_half_exact(fit["times"], fit["n_risk"], fit["n_event"])
    lcl = _first_time_at_or_below(fit["times"], fit["lower"])
    ucl = _first_time_at_or_below(fit["times"], fit["upper"])
    result["median"] = {"est": est, "lcl": lcl, "ucl": ucl}
    result["median_months"] = {k: (days_to_months(v) if v is not None else None) for k, v in result["median"].items()}

    max_time = float(np.max(fit["t"]))
    landmarks: dict[str, Any] = {}
    for months in landmarks_months:
        days = months * DAYS_PER_MONTH
        entry: dict[str, Any] = {"months": months, "days": days}
        entry.update(dict.fromkeys(("surv", "se", "lcl", "ucl")))
        if days <= max_time:
            entry.update({"surv": 1.0, "se": 0.0})
            for row in rows:
                if row["time"] > days:
                    break
                entry.update({k: row[k] for k in ("surv", "se", "lcl", "ucl")})
        landmarks[f"{months:g}m"] = entry
    result["landmarks"] = landmarks

    t = fit["t"]
    result["at_risk"] = [
        {"months": m, "days": m * DAYS_PER_MONTH, "n_risk": int(np.sum(t >= m * DAYS_PER_MONTH))}
        for m in risk_times_months
    ]
    follow = reverse_km_median_followup(times, events)
    result["median_followup_days"] = follow
    result["median_followup_months"] = days_to_months(follow) if follow is not None else None
    return result


def km_from_rows(rows: Iterable[AdtteRow], **kwargs: Any) -> dict[str, Any]:
    """Kaplan-Meier on ADTTE rows (AVAL_DAYS, event = CNSR 0) (DOMAIN 5.3-5.5)."""
    rows = list(rows)
    return kaplan_meier([r.AVAL_DAYS for r in rows], [r.event for r in rows], **kwargs)


# --------------------------------------------------------------------------- conventions and assembly


def conventions_text(cap_years: int | None = 5) -> str:
    """EFS/OS/KM conventions to print beside every result (DOMAIN 5.5 'print the convention')."""
    cap = (
        f"Results are capped at {cap_years} years: a date after C1D1 + {cap_years} years is censored there."
        if cap_years is not None
        else "No cap on follow-up."
    )
    return "\n".join(
        [
            "Time origin: Day 1 = C1D1 (first dose of any protocol drug). AVAL (days) = ADT - C1D1 + 1; "
            "months = days / 30.4375.",
            "Everything dated after the data cut-off is ignored.",
            "OS: event = death from any cause on/before the cut-off; otherwise censored at the last date "
            "known alive, or at the cut-off if known alive on/after it (a death after the cut-off is "
            "censored at the cut-off).",
            "EFS (ELN-2022 / registration wording): no CR/CRh/CRi by EOC2 (evaluable) = treatment failure, "
            "event at day 1; death without any response assessment = event at day 1; alive and not "
            "evaluable for response = censored at day 1; in CR/CRh/CRi by EOC2 = event at the earliest "
            "haematologic relapse (date of the documenting sample or exam) or death, otherwise censored at "
            "the last adequate disease assessment. MRD relapse is not an event.",
            "Allogeneic HSCT is neither an event nor a censoring in the primary analysis; the sensitivity "
            "analysis (OSHSCT/EFSHSCT) censors at the HSCT date.",
            cap,
            "Kaplan-Meier: product-limit; Greenwood variance; 95 % CI on the log-log scale (undefined where "
            "S = 1 or 0); median = first time S <= 0.5, its CI = first times the log-log CI curves are "
            "<= 0.5; landmarks at 12/36/60 months = step function at the last event time <= landmark "
            "(not estimable beyond the longest follow-up); median follow-up by reverse Kaplan-Meier.",
        ]
    )


def _eoc_summary(p: ParticipantData, tp: str, cutoff: date) -> dict[str, Any]:
    a = _eoc_at(p, tp, cutoff)
    status, reason = primary_status(a, include_cri=False)
    return {
        "marrow_date": a.marrow_date.isoformat() if a and a.marrow_date else None,
        "response": a.response if a else None,
        "flow_class": a.flow_class if a else None,
        "primary_status": status,
        "ne_reason": reason,
        "cr_cri": composite_cr_cri(a.response) if a else False,
        "flow_value_pct": clean_float(a.flow_value_pct) if a else None,
        "flow_lod_pct": clean_float(a.flow_lod_pct) if a else None,
        "ngs_value": clean_float(a.ngs_value) if a else None,
        "ngs_lod": clean_float(a.ngs_lod) if a else None,
        "ngs_class": a.ngs_class if a else None,
    }


KM_PARAMS = (PARAM_OS, PARAM_EFS, PARAM_OS_HSCT, PARAM_EFS_HSCT)  # the order of ParticipantSummary.km
KM_KEYS = {"OS": PARAM_OS, "EFS": PARAM_EFS, "EFS_HSCT_CENSORED": PARAM_EFS_HSCT, "OS_HSCT_CENSORED": PARAM_OS_HSCT}


@dataclass(frozen=True)
class ParticipantSummary:
    """Everything the counts, rates and curves need from one participant, at one cut-off.

    groups: the drill-down keys this participant belongs to (see participant_groups); entry: the
    per-participant block the dashboard pages show, with "adtte" (PARAMCD -> ADTTE row), None when not
    treated or in error; km: (AVAL_DAYS, CNSR) per KM_PARAMS, None likewise; error: why the ADTTE rows
    could not be derived (a data error in one record must not hide everyone else's results).
    """

    participant_id: str
    groups: tuple[str, ...]
    entry: dict[str, Any] | None = None
    km: tuple[int, ...] | None = None
    error: str | None = None


def summarise(p: ParticipantData, cutoff: date, cap_years: int | None = 5) -> ParticipantSummary:
    """One participant's endpoint values at `cutoff` (DOMAIN 3.2-3.4, 5.5)."""
    pid = p.participant_id
    if not p.treated(cutoff):
        return ParticipantSummary(pid, ("all", "not_treated"))
    groups = ["all", "treated"]
    for prefix, include_cri in (("primary", False), ("primary_cri", True)):
        for tp in PRIMARY_TIMEPOINTS:
            status, reason = participant_primary_status(p, tp, include_cri, cutoff)
            groups.append(f"{prefix}.{tp}.{status}")
            if status == NOT_EVALUABLE:
                groups.append(f"{prefix}.{tp}.NE.{reason}")
    for tp in RESPONSE_TABLE_TIMEPOINTS:
        response = participant_response(p, tp, cutoff)
        groups.append(f"response.{tp}.{response if response is not None else 'missing'}")
        if composite_cr_cri(response):
            groups.append(f"response.{tp}.CR_CRI")
    try:
        rows = {
            PARAM_OS: derive_os(p, cutoff, cap_years),
            PARAM_EFS: derive_efs(p, cutoff, cap_years),
            PARAM_OS_HSCT: derive_os(p, cutoff, cap_years, censor_at_hsct=True),
            PARAM_EFS_HSCT: derive_efs(p, cutoff, cap_years, censor_at_hsct=True),
        }
    except ValueError as exc:
        return ParticipantSummary(pid, tuple(groups), error=str(exc))
    km: list[int] = []
    for paramcd in KM_PARAMS:
        row = rows[paramcd]
        assert row is not None
        groups.append(f"{paramcd}.{'event' if row.event else 'censored'}")
        km += [row.AVAL_DAYS, row.CNSR]
    best = participant_response(p, "BY_EOC2", cutoff)
    entry = {
        "participant_id": pid,
        "c1d1": p.c1d1.isoformat() if p.c1d1 else None,
        "EOC1": _eoc_summary(p, "EOC1", cutoff),
        "EOC2": _eoc_summary(p, "EOC2", cutoff),
        "best_response_by_eoc2": best,
        "cr_cri_by_eoc2": composite_cr_cri(best),
        "primary_by_eoc2": participant_primary_status(p, "BY_EOC2", False, cutoff)[0],
        "hsct_date": p.hsct_date.isoformat() if p.hsct_date and p.hsct_date <= cutoff else None,
        "cycle_starts": sorted(d.isoformat() for d in p.cycle_starts if d <= cutoff),
        "os": rows[PARAM_OS].to_dict(),
        "efs": rows[PARAM_EFS].to_dict(),
        "adtte": {paramcd: row.to_dict() for paramcd, row in rows.items() if row is not None},
    }
    return ParticipantSummary(pid, tuple(groups), entry, tuple(km))


def participant_groups(summaries: Iterable[ParticipantSummary]) -> dict[str, list[str]]:
    """The participant ids behind every count the dashboard shows (drill-down lists), sorted.

    Keys: "all", "treated", "not_treated"; "primary.<TP>.<RESPONDER|NON_RESPONDER|NOT_EVALUABLE>" and
    "primary.<TP>.NE.<reason>" (and "primary_cri." for the CR/CRh/CRi variant); "response.<TP>.<category>"
    (categories of RESPONSES, "missing", "CR_CRI"); "<PARAMCD>.event" / "<PARAMCD>.censored".
    """
    groups: dict[str, list[str]] = {"all": [], "treated": [], "not_treated": []}
    for summary in summaries:
        for key in summary.groups:
            groups.setdefault(key, []).append(summary.participant_id)
    return {key: sorted(ids) for key, ids in sorted(groups.items())}


def _primary_from_counts(counts: Counter, prefix: str, tp: str, include_cri: bool) -> dict[str, Any]:
    ne_prefix = f"{prefix}.{tp}.NE."
    ne_reasons = {key[len(ne_prefix):]: n for key, n in counts.items() if key.startswith(ne_prefix) and n}
    return _primary_block(tp, include_cri, 0.1, counts["treated"], counts[f"{prefix}.{tp}.{RESPONDER}"], ne_reasons)


def _responses_from_counts(counts: Counter, tp: str) -> dict[str, Any]:
    n = counts["treated"]
    table = {r: counts[f"response.{tp}.{r}"] for r in (*RESPONSES, "missing")}
    return {
        "timepoint": tp,
        "n_treated": n,
        "counts": table,
        "cr": _rate(table[CR], n),
        "cr_cri": _rate(counts[f"response.{tp}.CR_CRI"], n),
        "definition_text": (
            "Response per DOMAIN 3.2 "
            + ("(best of EOC1 and EOC2: CR > CRh > CRi > NR > RELAPSE > NE). " if tp == "BY_EOC2" else "")
            + "CR/CRi = CR or CRh or CRi; denominator all treated; exact Clopper-Pearson 95 % CI."
        ),
    }


def km_digest(km_inputs: Sequence[Sequence[int]], paramcd: str) -> str:
    """A fingerprint of the multiset of (AVAL_DAYS, CNSR) of one parameter: equal fingerprints, equal curves."""
    i = 2 * KM_PARAMS.index(paramcd)
    pairs = np.asarray(km_inputs, dtype=np.int64).reshape(-1, 2 * len(KM_PARAMS))[:, i : i + 2]
    ordered = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    return hashlib.sha1(ordered.tobytes(), usedforsecurity=False).hexdigest()


def aggregate(
    counts: Counter,
    km_inputs: Sequence[Sequence[int]],
    errors: Sequence[dict[str, str]],
    cutoff: date,
    cap_years: int | None = 5,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every number the dashboard shows, from the participants' summaries reduced to their group counts
    (key -> number of participants) and their KM inputs (one ParticipantSummary.km per treated
    participant without error). The same function serves a full recompute and an incremental one, so the
    two cannot disagree; tests compare it with primary_endpoint and response_table on random cohorts.

    previous: an earlier result of this function for the same cut-off and CALC_VERSION; a curve whose
    inputs are the same multiset (km_digest) is taken from it instead of being fitted again.
    """
    kms, digests = {}, {}
    for key, paramcd in KM_KEYS.items():
        digests[key] = km_digest(km_inputs, paramcd)
        if previous is not None and previous.get("km_digests", {}).get(key) == digests[key]:
            kms[key] = previous["km"][key]
            continue
        i = 2 * KM_PARAMS.index(paramcd)
        kms[key] = kaplan_meier([row[i] for row in km_inputs], [row[i + 1] == 0 for row in km_inputs])
    return {
        "calc_version": CALC_VERSION,
        "cutoff": cutoff.isoformat(),
        "cap_years": cap_years,
        "conventions_text": conventions_text(cap_years),
        "n_participants": counts["all"],
        "n_treated": counts["treated"],
        "primary_endpoint": {tp: _primary_from_counts(counts, "primary", tp, False) for tp in PRIMARY_TIMEPOINTS},
        "primary_endpoint_incl_cri": {
            tp: _primary_from_counts(counts, "primary_cri", tp, True) for tp in PRIMARY_TIMEPOINTS
        },
        "response_tables": {tp: _responses_from_counts(counts, tp) for tp in RESPONSE_TABLE_TIMEPOINTS},
        "km": kms,
        "km_digests": digests,
        "errors": sorted(errors, key=lambda e: e["participant_id"]),
    }


def aggregate_summaries(
    summaries: Sequence[ParticipantSummary],
    cutoff: date,
    cap_years: int | None = 5,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """aggregate() over summaries held in memory."""
    counts = Counter(key for s in summaries for key in s.groups)
    km_inputs = [s.km for s in summaries if s.km is not None]
    errors = [{"participant_id": s.participant_id, "error": s.error} for s in summaries if s.error]
    return aggregate(counts, km_inputs, errors, cutoff, cap_years, previous)


def compute_all(participants: Iterable[ParticipantData], cutoff: date, cap_years: int | None = 5) -> dict[str, Any]:
    """Everything the endpoint dashboard shows, JSON-serialisable (DOMAIN 3.4, 5.1-5.6), with the
    per-participant blocks ("participants"), ADTTE rows ("adtte") and drill-down lists ("groups")."""
    participants = list(participants)
    ids = [p.participant_id for p in participants]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate participant_id")
    summaries = [summarise(p, cutoff, cap_years) for p in participants]
    results = aggregate_summaries(summaries, cutoff, cap_years)
    groups = participant_groups(summaries)
    for tp, block in results["primary_endpoint"].items():
        block["responder_ids"] = groups.get(f"primary.{tp}.{RESPONDER}", [])
    entries = [s.entry for s in summaries if s.entry is not None]
    results["participants"] = [{k: v for k, v in e.items() if k != "adtte"} for e in entries]
    results["adtte"] = {paramcd: [e["adtte"][paramcd] for e in entries] for paramcd in KM_PARAMS}
    results["groups"] = groups
    return results
