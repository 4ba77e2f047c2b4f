"""Constants, the engine's input (ParticipantData), ADTTE rows and small helpers shared by the endpoint calculations."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from scipy import special

from assessments.facts import EocAssessment
from safety.calculations import ParticipantSafetyFacts

# 2: numeric MRD inputs, drill-down lists; 3: per-participant values stored as rows; 4 (issue 14): pending at an
# interim cut-off, EFS rule 2 only up to the EOC2 landmark, last known alive from every dated record, N by cut-off;
# 5 (issue 20): flow MRD by cycle, NGS MRD, flow-NGS concordance, responder analyses (RFS, DOR, CIR);
# 6 (issue 15): the safety block (AE table, CRS/ICANS, deaths, SAEs, boundary) stored per participant;
# 7 (issue 15): every safety count a drill-down group ("safety." keys in each participant's groups)
CALC_VERSION = "7"
DAYS_PER_MONTH = 30.4375
TIMEPOINTS = ("EOC1", "EOC2")
PRIMARY_TIMEPOINTS = ("EOC1", "EOC2", "BY_EOC2")
RESPONSE_TABLE_TIMEPOINTS = ("EOC1", "EOC2", "BY_EOC2")

# ADTTE parameter codes (sensitivity variants censor at HSCT).
PARAM_OS = "OS"
PARAM_EFS = "EFS"
PARAM_OS_HSCT = "OSHSCT"
PARAM_EFS_HSCT = "EFSHSCT"
# Responder analyses, from the first CR/CRh/CRi (issue 20, DOMAIN 5.6 "other outputs").
PARAM_RFS = "RFS"
PARAM_RFS_HSCT = "RFSHSCT"
PARAM_DOR = "DOR"
PARAM_DOR_HSCT = "DORHSCT"
PARAM_CIR = "CIR"
PARAM_CIR_HSCT = "CIRHSCT"
CNSR_COMPETING = 2  # CIR rows: death in remission, the competing event (CNSR > 1 encodes a reason, DOMAIN 5.5)

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
DESC_DEATH_IN_REMISSION = "DEATH IN REMISSION"
DESC_DEATH_IN_REMISSION_CENSORED = "DEATH IN REMISSION (CENSORED)"
DESC_HSCT_BEFORE_REMISSION = "ALLOGENEIC HSCT BEFORE REMISSION (SENSITIVITY)"

# Reasons for "not evaluable" in the primary endpoint (besides those carried by the data).
REASON_MISSING_ASSESSMENT = "MISSING_ASSESSMENT"
REASON_RESPONSE_NE = "RESPONSE_NE"
REASON_MRD_MISSING = "MRD_MISSING"
REASON_MRD_NE = "MRD_NE"

RESPONDER = "RESPONDER"
NON_RESPONDER = "NON_RESPONDER"
NOT_EVALUABLE = "NOT_EVALUABLE"
# No assessment yet and the timepoint's landmark lies after the cut-off (Project decision 10): listed and
# reported apart, neither not evaluable nor missing.
PENDING = "PENDING"


DEFAULT_LANDMARKS_MONTHS = (12, 36, 60)
DEFAULT_RISK_TIMES_MONTHS = (0, 6, 12, 18, 24, 36, 48, 60)


# --------------------------------------------------------------------------- protocol settings


@dataclass(frozen=True)
class Landmarks:
    """The response landmarks (DOMAIN Project decision 10), protocol settings with these defaults: the EOC1
    landmark is study day 28 + the allowed delay, the EOC2 landmark study day 56 + the allowed delay."""

    eoc1_day: int = 28
    eoc2_day: int = 56
    allowed_delay_days: int = 14

    def study_day(self, timepoint: str) -> int:
        """The landmark as a study day (day 1 = C1D1): 42 for EOC1, 70 for EOC2 by default."""
        base = {"EOC1": self.eoc1_day, "EOC2": self.eoc2_day}[timepoint]
        return base + self.allowed_delay_days

    def date(self, c1d1: date, timepoint: str) -> date:
        """The landmark's date: C1D1 + study day - 1 (no day 0)."""
        return c1d1 + timedelta(days=self.study_day(timepoint) - 1)


LANDMARKS = Landmarks()


# --------------------------------------------------------------------------- input data


@dataclass(frozen=True)
class ParticipantData:
    """Everything the endpoint engine needs for one participant (DOMAIN 3.4, 5.5).

    c1d1: first dose of any protocol drug (None = never treated, excluded from every denominator).
    eoc1 / eoc2: the EOC marrows (None = no assessment recorded).
    death_date: any-cause death; relapse_dates: dates of samples/exams documenting haematologic
    relapse (an EOC marrow with response RELAPSE counts as well); dates_alive: the dates that prove
    the participant alive (Project decision 11: enrollment.alive reads them off every dated record that
    declares one; C1D1, marrow and assessment dates are added here too); assessment_dates: adequate
    disease assessments (EOC marrows with an evaluable response are added automatically); hsct_date:
    allogeneic HSCT; enrolled_on: the enrollment date (a cut-off before it does not count the participant);
    safety: the participant's adverse events and CRS/ICANS events (None: none loaded, counted as none).
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
    enrolled_on: date | None = None  # None: counted at every cut-off (synthetic data)
    safety: ParticipantSafetyFacts | None = None

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

    def enrolled(self, cutoff: date | None = None) -> bool:
        """Enrolled on/before the cut-off (the participants a cut-off counts at all)."""
        return self.enrolled_on is None or cutoff is None or self.enrolled_on <= cutoff

    def pending(self, timepoint: str, cutoff: date | None, landmarks: Landmarks = LANDMARKS) -> bool:
        """No assessment at `timepoint` by the cut-off and its landmark after the cut-off: the window is still
        open (Project decision 10). Never pending without a cut-off or before treatment."""
        if cutoff is None or self.c1d1 is None or eoc_at(self, timepoint, cutoff) is not None:
            return False
        return landmarks.date(self.c1d1, timepoint) > cutoff


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


def eoc_at(p: ParticipantData, timepoint: str, cutoff: date | None) -> EocAssessment | None:
    a = p.eoc(timepoint)
    if a is None or a.response is None:
        return None
    if cutoff is not None and a.marrow_date is not None and a.marrow_date > cutoff:
        return None
    return a


def eoc_landmark(c1d1: date, timepoint: str, landmarks: Landmarks = LANDMARKS) -> date:
    """The landmark date of EOC1 / EOC2 (Project decision 10): study day 28 / 56 + the allowed delay."""
    if timepoint not in TIMEPOINTS:
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {TIMEPOINTS}")
    return landmarks.date(c1d1, timepoint)


def is_pending(p: ParticipantData, timepoint: str, cutoff: date | None, landmarks: Landmarks = LANDMARKS) -> bool:
    """Treated by the cut-off, no assessment at `timepoint` by it, and its landmark after it (decision 10):
    reported apart, neither not evaluable nor missing. Without a cut-off nothing is pending."""
    return p.treated(cutoff) and p.pending(timepoint, cutoff, landmarks)


def treated_participants(participants: Iterable[ParticipantData], cutoff: date | None) -> list[ParticipantData]:
    return [p for p in participants if p.treated(cutoff)]


def clopper_pearson(x: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact two-sided Clopper-Pearson CI for x/n (DOMAIN 5.1); n = 0 gives (0.0, 1.0)."""
    if n < 0 or not 0 <= x <= n:
        raise ValueError(f"need 0 <= x <= n, got x={x}, n={n}")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    # the beta quantile (scipy.stats.beta.ppf, Boost's ibeta_inv) called as its ufunc, without the distribution
    # object's argument checks, which cost ten times the quantile (a snapshot asks for some 300 of them)
    lower = 0.0 if x == 0 else float(special.betaincinv(x, n - x + 1, alpha / 2))
    upper = 1.0 if x == n else float(special.betaincinv(x + 1, n - x, 1 - alpha / 2))
    return lower, upper


def rate_with_ci(x: int, n: int) -> dict[str, Any]:
    lo, hi = clopper_pearson(x, n)
    return {"n": x, "denominator": n, "rate": (x / n) if n else None, "ci95": [lo, hi]}
