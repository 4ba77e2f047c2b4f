"""Pure response and MRD derivations (DOMAIN.md "Project decisions" 2-6, sections 3 and 5.5).

Shared by the marrow/MRD forms and by the endpoint engine (endpoints/calculations.py).
No Django, no I/O: plain values in, plain values out. Every threshold is a field of a frozen
criteria dataclass whose defaults are the DOMAIN defaults; nothing is hard-coded in the logic.

Decisions where DOMAIN leaves room (documented in each docstring as well):
- ``pb_blasts is None`` (no differential) cannot confirm "no circulating blasts": a marrow that would
  otherwise be CR/CRh/CRi is NE. It is never evidence of relapse.
- ``emd is None`` (not assessed) counts as "no EMD" by default
  (``ResponseCriteria.emd_not_assessed_as_absent``); set it to False to make such marrows NE
  instead of CR/CRh/CRi.
- nearest CBC ties: equal distance before and after the marrow -> the one on/before the marrow date;
  several CBCs on the same date -> the first one in input order.
- flow "not detected" is NEG only when LOD < cut-off (strict); NGS "not detected" is NEG when
  LOD <= 1e-6 (DOMAIN 3.3 words it that way for NGS).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from blinatrial.wording import gettext

T = TypeVar("T")

# Response categories (DOMAIN decision 2, section 3.2).
CR = "CR"
CRH = "CRh"
CRI = "CRi"
PR = "PR"
NR = "NR"
RELAPSE = "RELAPSE"
NE = "NE"
RESPONSES = (CR, CRH, CRI, NR, RELAPSE, NE)
REMISSION_RESPONSES = (CR, CRH, CRI)
# Best-response order (DOMAIN 3.2): CR > CRh > CRi > PR > NR; RELAPSE and NE rank below NR.
RESPONSE_RANK: dict[str, int] = {CR: 0, CRH: 1, CRI: 2, PR: 3, NR: 4, RELAPSE: 5, NE: 6}

# MRD classes (DOMAIN decision 4, section 3.3).
MRD_NEG = "NEG"
MRD_POS = "POS"
MRD_NE = "NE"
QUANTIFIED = "QUANTIFIED"
NOT_DETECTED = "NOT_DETECTED"
NOT_EVALUABLE = "NOT_EVALUABLE"
# Spellings seen in reference/worked_example_response.csv and lab exports.
RESULT_TYPE_ALIASES: dict[str, str] = {
    "QUANTIFIED": QUANTIFIED,
    "DETECTED": QUANTIFIED,
    "NOT_DETECTED": NOT_DETECTED,
    "NOT DETECTED": NOT_DETECTED,
    "UNDETECTABLE": NOT_DETECTED,
    "NOT_EVALUABLE": NOT_EVALUABLE,
    "NE": NOT_EVALUABLE,
}
# Reasons attached to an NE MRD class (reported by reason, DOMAIN decision 5).
MRD_REASON_MISSING = "MRD_MISSING"
MRD_REASON_NOT_EVALUABLE = "MRD_NOT_EVALUABLE"
MRD_REASON_INSUFFICIENT_SENSITIVITY = "INSUFFICIENT_SENSITIVITY"
MRD_REASON_LOD_MISSING = "LOD_MISSING"
MRD_REASON_VALUE_MISSING = "VALUE_MISSING"
MRD_REASON_NO_TRACKABLE_CLONE = "NO_TRACKABLE_CLONE"

NGS_BAND_LOW = "LT_1E-6"
NGS_BAND_MID = "1E-6_TO_LT_1E-4"
NGS_BAND_HIGH = "GE_1E-4"

_COMPARATORS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, ">": operator.gt}


@dataclass(frozen=True)
class ResponseCriteria:
    """Morphologic response settings (DOMAIN 3.2, decisions 2, 3 and 6); defaults = DOMAIN defaults."""

    marrow_blast_threshold_pct: float = 5.0  # remission needs blasts < this
    cr_anc_min: float = 1.0  # x10^9/L
    cr_plt_min: float = 100.0  # x10^9/L
    cr_comparator: str = ">="  # NCCN prints ">": a setting
    crh_enabled: bool = True
    crh_anc_min: float = 0.5
    crh_plt_min: float = 50.0
    crh_comparator: str = ">="  # the CRh* source uses ">": a setting
    relapse_marrow_threshold_pct: float = 5.0  # relapse if blasts >= this (BMT workshop: 25)
    emd_not_assessed_as_absent: bool = True
    cbc_window_days_before: int = 7
    cbc_window_days_after: int = 3

    def __post_init__(self) -> None:
        for name in ("cr_comparator", "crh_comparator"):
            if getattr(self, name) not in _COMPARATORS:
                raise ValueError(f"{name} must be one of {sorted(_COMPARATORS)}, not {getattr(self, name)!r}")
        if self.cbc_window_days_before < 0 or self.cbc_window_days_after < 0:
            raise ValueError("CBC window days must be >= 0")


@dataclass(frozen=True)
class MarrowInputs:
    """Inputs of one end-of-cycle marrow (DOMAIN 3.1): None = missing / not assessed."""

    bm_blast_pct: float | None
    pb_blasts: bool | None
    emd: bool | None
    anc: float | None
    plt: float | None
    prior_remission: bool


@dataclass(frozen=True)
class Cbc:
    """One blood count (DOMAIN 3.1): date, ANC and PLT in x10^9/L, circulating blasts seen."""

    sample_date: date
    anc: float | None = None
    plt: float | None = None
    pb_blasts: bool | None = None


@dataclass(frozen=True)
class MrdCriteria:
    """MRD cut-offs (DOMAIN 3.3, decision 4): flow in %, NGS as a fraction of nucleated cells."""

    flow_cutoff_pct: float = 0.1
    flow_reporting_cutoff_pct: float = 0.01
    ngs_cutoff_fraction: float = 1e-6
    ngs_high_fraction: float = 1e-4


DEFAULT_RESPONSE_CRITERIA = ResponseCriteria()
DEFAULT_MRD_CRITERIA = MrdCriteria()


@dataclass(frozen=True)
class MrdResult:
    """An MRD class ("NEG"/"POS"/"NE") with the reason when NE (DOMAIN 3.3)."""

    cls: str
    ne_reason: str | None = None

    @property
    def label(self) -> str:
        """Reporting label (DOMAIN 3.3): NE_INSUFFICIENT_SENSITIVITY = negative, insufficient sensitivity."""
        if self.cls == MRD_NE and self.ne_reason == MRD_REASON_INSUFFICIENT_SENSITIVITY:
            return f"{MRD_NE}_{MRD_REASON_INSUFFICIENT_SENSITIVITY}"
        return self.cls


# --------------------------------------------------------------------------- morphology


def derive_response(inputs: MarrowInputs, criteria: ResponseCriteria = DEFAULT_RESPONSE_CRITERIA) -> str:
    """Response category CR/CRh/CRi/NR/RELAPSE/NE of one marrow, algorithm of DOMAIN 3.2."""
    pb = inputs.pb_blasts is True
    emd = inputs.emd is True
    blasts = inputs.bm_blast_pct
    if blasts is None:
        return RELAPSE if inputs.prior_remission and (pb or emd) else NE
    if inputs.prior_remission and (blasts >= criteria.relapse_marrow_threshold_pct or pb or emd):
        return RELAPSE
    if blasts < criteria.marrow_blast_threshold_pct and not pb and not emd:
        emd_unknown = inputs.emd is None and not criteria.emd_not_assessed_as_absent
        if inputs.anc is None or inputs.plt is None or inputs.pb_blasts is None or emd_unknown:
            return NE
        cr_ge = _COMPARATORS[criteria.cr_comparator]
        if cr_ge(inputs.anc, criteria.cr_anc_min) and cr_ge(inputs.plt, criteria.cr_plt_min):
            return CR
        crh_ge = _COMPARATORS[criteria.crh_comparator]
        if (
            criteria.crh_enabled
            and crh_ge(inputs.anc, criteria.crh_anc_min)
            and crh_ge(inputs.plt, criteria.crh_plt_min)
        ):
            return CRH
        return CRI
    return NR


def _default_date_of(item: Any) -> date:
    return item if isinstance(item, date) else item.sample_date


def nearest_cbc(
    marrow_date: date,
    cbcs: Iterable[T],
    criteria: ResponseCriteria = DEFAULT_RESPONSE_CRITERIA,
    date_of: Callable[[T], date] = _default_date_of,
) -> T | None:
    """CBC nearest the marrow within -7/+3 days (DOMAIN decision 3); ties -> on/before, then input order."""
    best: T | None = None
    best_key: tuple[int, int] | None = None
    for cbc in cbcs:
        delta = (date_of(cbc) - marrow_date).days
        if not -criteria.cbc_window_days_before <= delta <= criteria.cbc_window_days_after:
            continue
        key = (abs(delta), 0 if delta <= 0 else 1)  # strict "<" below keeps the first in input order
        if best_key is None or key < best_key:
            best, best_key = cbc, key
    return best


def near_any_marrow(
    day: date, marrow_dates: Iterable[date], criteria: ResponseCriteria = DEFAULT_RESPONSE_CRITERIA
) -> bool:
    """Is `day` inside the -7/+3-day window of at least one marrow? A blood count or EMD assessment dated
    outside every window is nobody's nearest (nearest_cbc), so it cannot change a derived response."""
    return any(
        -criteria.cbc_window_days_before <= (day - marrow).days <= criteria.cbc_window_days_after
        for marrow in marrow_dates
    )


# --------------------------------------------------------------------------- MRD


def _result_type(result_type: str | None) -> str | None:
    if result_type is None:
        return None
    key = result_type.strip().upper()
    if key not in RESULT_TYPE_ALIASES:
        raise ValueError(f"unknown MRD result type {result_type!r}")
    return RESULT_TYPE_ALIASES[key]


def flow_mrd_assessment(
    result_type: str | None, value_pct: float | None, lod_pct: float | None, cutoff_pct: float = 0.1
) -> MrdResult:
    """Flow-MRD class + NE reason (DOMAIN 3.3, decision 4): value < cut-off NEG; ND NEG iff LOD < cut-off."""
    kind = _result_type(result_type)
    if kind is None:
        return MrdResult(MRD_NE, MRD_REASON_MISSING)
    if kind == NOT_EVALUABLE:
        return MrdResult(MRD_NE, MRD_REASON_NOT_EVALUABLE)
    if kind == QUANTIFIED:
        if value_pct is None:
            return MrdResult(MRD_NE, MRD_REASON_VALUE_MISSING)
        return MrdResult(MRD_NEG if value_pct < cutoff_pct else MRD_POS)
    # NOT_DETECTED
    if lod_pct is None:
        return MrdResult(MRD_NE, MRD_REASON_LOD_MISSING)
    if lod_pct < cutoff_pct:
        return MrdResult(MRD_NEG)
    return MrdResult(MRD_NE, MRD_REASON_INSUFFICIENT_SENSITIVITY)


def flow_mrd_class(
    result_type: str | None, value_pct: float | None, lod_pct: float | None, cutoff_pct: float = 0.1
) -> str:
    """Flow-MRD class "NEG"/"POS"/"NE" at a cut-off in % (DOMAIN 3.3, decision 4)."""
    return flow_mrd_assessment(result_type, value_pct, lod_pct, cutoff_pct).cls


def ngs_mrd_assessment(
    clone_trackable: bool | None,
    detected: bool | None,
    value_fraction: float | None,
    lod_fraction: float | None,
    cutoff: float = 1e-6,
) -> MrdResult:
    """NGS-MRD class + NE reason (DOMAIN 3.3): needs a trackable clone; ND is NEG only if LOD <= cut-off."""
    if clone_trackable is not True:
        return MrdResult(MRD_NE, MRD_REASON_NO_TRACKABLE_CLONE)
    if detected is None:
        return MrdResult(MRD_NE, MRD_REASON_MISSING)
    if detected:
        # Detected but not quantifiable is still positive (DOMAIN 3.3 "positive not quantifiable").
        if value_fraction is None:
            return MrdResult(MRD_POS)
        return MrdResult(MRD_NEG if value_fraction < cutoff else MRD_POS)
    if lod_fraction is None:
        return MrdResult(MRD_NE, MRD_REASON_LOD_MISSING)
    if lod_fraction <= cutoff:
        return MrdResult(MRD_NEG)
    return MrdResult(MRD_NE, MRD_REASON_INSUFFICIENT_SENSITIVITY)


def ngs_mrd_class(
    clone_trackable: bool | None,
    detected: bool | None,
    value_fraction: float | None,
    lod_fraction: float | None,
    cutoff: float = 1e-6,
) -> str:
    """NGS-MRD class "NEG"/"POS"/"NE" at a cut-off given as a fraction (DOMAIN 3.3)."""
    return ngs_mrd_assessment(clone_trackable, detected, value_fraction, lod_fraction, cutoff).cls


def ngs_mrd_band(
    clone_trackable: bool | None,
    detected: bool | None,
    value_fraction: float | None,
    lod_fraction: float | None,
    criteria: MrdCriteria = DEFAULT_MRD_CRITERIA,
) -> str:
    """NGS 3-band class <1e-6 / 1e-6..<1e-4 / >=1e-4, else "NE" (DOMAIN 3.3; ND with LOD > 1e-6 is NE)."""
    low, high = criteria.ngs_cutoff_fraction, criteria.ngs_high_fraction
    result = ngs_mrd_assessment(clone_trackable, detected, value_fraction, lod_fraction, low)
    if result.cls == MRD_NEG:
        return NGS_BAND_LOW
    if result.cls == MRD_NE or value_fraction is None:
        return MRD_NE  # not evaluable, or detected without a value (band unknown)
    return NGS_BAND_MID if value_fraction < high else NGS_BAND_HIGH


# --------------------------------------------------------------------------- response summaries


def is_remission(response: str | None) -> bool:
    """True for CR, CRh or CRi (DOMAIN 3.2, decision 6: the states relapse is measured from)."""
    return response in REMISSION_RESPONSES


def composite_cr_cri(response: str | None) -> bool:
    """Composite "CR/CRi" = CR or CRh or CRi (DOMAIN decision 2, section 3.2)."""
    return is_remission(response)


def best_response(responses: Iterable[str | None]) -> str | None:
    """Best response, CR > CRh > CRi > PR > NR > RELAPSE > NE (DOMAIN 3.2); None if nothing recorded."""
    known = [r for r in responses if r is not None]
    for r in known:
        if r not in RESPONSE_RANK:
            raise ValueError(f"unknown response {r!r}")
    return min(known, key=RESPONSE_RANK.__getitem__) if known else None


def primary_responder(response: str | None, flow_class: str | None, include_cri: bool = False) -> bool:
    """MRD-negative CR on one marrow (DOMAIN 3.4, decision 5); include_cri also accepts CRh and CRi."""
    accepted = REMISSION_RESPONSES if include_cri else (CR,)
    return response in accepted and flow_class == MRD_NEG


# --------------------------------------------------------------------------- dates for ADTTE


def last_known_alive_date(dates_alive: Iterable[date], cutoff: date) -> date | None:
    """LSTALVDT truncated at the cut-off (DOMAIN 5.5): known alive on/after DCUTDT -> DCUTDT."""
    dates = list(dates_alive)
    if not dates:
        return None
    return min(max(dates), cutoff)


def last_adequate_disease_assessment(dates: Iterable[date], cutoff: date) -> date | None:
    """Latest adequate disease assessment on/before the cut-off (DOMAIN 5.5 rule 4); later ones ignored."""
    kept = [d for d in dates if d <= cutoff]
    return max(kept) if kept else None


def relapse_date(relapse_dates: Iterable[date], cutoff: date, remission_date: date | None = None) -> date | None:
    """Earliest haematologic relapse after remission, on/before cut-off (DOMAIN 5.5 rule 4, decision 6)."""
    kept = [d for d in relapse_dates if d <= cutoff and (remission_date is None or d > remission_date)]
    return min(kept) if kept else None


def first_remission_date(assessments: Sequence[tuple[date | None, str | None]]) -> date | None:
    """Earliest dated CR/CRh/CRi among (marrow date, response) pairs (DOMAIN 3.2, 5.5 rule 4)."""
    dates = [d for d, r in assessments if d is not None and is_remission(r)]
    return min(dates) if dates else None


# --------------------------------------------------------------------------- NE reasons and entry limits

RESPONSE_NE_MARROW_INADEQUATE = "MARROW_INADEQUATE"
RESPONSE_NE_NO_CBC_IN_WINDOW = "NO_CBC_IN_WINDOW"
RESPONSE_NE_COUNTS_MISSING = "COUNTS_MISSING"
RESPONSE_NE_DIFFERENTIAL_MISSING = "DIFFERENTIAL_MISSING"
RESPONSE_NE_EMD_NOT_ASSESSED = "EMD_NOT_ASSESSED"


def response_ne_reason(
    inputs: MarrowInputs, cbc_found: bool = True, criteria: ResponseCriteria = DEFAULT_RESPONSE_CRITERIA
) -> str | None:
    """Why derive_response gives NE for these inputs (DOMAIN 3.2, decision 5 "NE by reason"); None if not NE."""
    if derive_response(inputs, criteria) != NE:
        return None
    if inputs.bm_blast_pct is None:
        return RESPONSE_NE_MARROW_INADEQUATE
    if not cbc_found:
        return RESPONSE_NE_NO_CBC_IN_WINDOW
    if inputs.anc is None or inputs.plt is None:
        return RESPONSE_NE_COUNTS_MISSING
    if inputs.pb_blasts is None:
        return RESPONSE_NE_DIFFERENTIAL_MISSING
    return RESPONSE_NE_EMD_NOT_ASSESSED


@dataclass(frozen=True)
class EntryLimits:
    """Hard ranges (refused) and plausibility limits (asked to confirm) of the assessment forms (issue 5).

    Units: blasts and MRD in %, ANC/platelets/WBC in x10^9/L, haemoglobin in g/L, NGS as a fraction.
    """

    blasts_pct_max: float = 100.0
    anc_max: float = 100.0
    platelets_max: float = 2000.0
    hb_max: float = 250.0
    wbc_max: float = 1000.0
    mrd_pct_max: float = 100.0
    ngs_fraction_max: float = 1.0
    # Clinically implausible but possible: entry asks for confirmation.
    platelets_confirm_above: float = 1000.0
    anc_confirm_above: float = 50.0
    wbc_confirm_above: float = 200.0
    hb_confirm_below: float = 40.0
    hb_confirm_above: float = 200.0


DEFAULT_ENTRY_LIMITS = EntryLimits()


def implausible_count_warnings(
    *,
    anc: float | None,
    platelets: float | None,
    hb: float | None,
    wbc: float | None,
    limits: EntryLimits = DEFAULT_ENTRY_LIMITS,
) -> dict[str, str]:
    """Field name -> warning for blood counts that are possible but implausible (confirm rather than refuse).

    Values outside the hard ranges get no warning: they are refused by the range check instead.
    """
    warnings: dict[str, str] = {}
    if platelets is not None and limits.platelets_confirm_above < platelets <= limits.platelets_max:
        warnings["platelets_e9_per_l"] = gettext(
            "Platelets above %(limit)s x10^9/L are unusual: check the value and confirm."
        ) % {"limit": f"{limits.platelets_confirm_above:g}"}
    if anc is not None and limits.anc_confirm_above < anc <= limits.anc_max:
        warnings["anc_e9_per_l"] = gettext("ANC above %(limit)s x10^9/L is unusual: check and confirm.") % {
            "limit": f"{limits.anc_confirm_above:g}"}
    if wbc is not None and limits.wbc_confirm_above < wbc <= limits.wbc_max:
        warnings["wbc_e9_per_l"] = gettext("WBC above %(limit)s x10^9/L is unusual: check and confirm.") % {
            "limit": f"{limits.wbc_confirm_above:g}"}
    if hb is not None and 0 <= hb <= limits.hb_max and not limits.hb_confirm_below <= hb <= limits.hb_confirm_above:
        warnings["hb_g_per_l"] = gettext("Haemoglobin outside %(low)s-%(high)s g/L is unusual: check and confirm.") % {
            "low": f"{limits.hb_confirm_below:g}", "high": f"{limits.hb_confirm_above:g}"}
    return warnings


def emd_present(status: str | None, cns_status: str | None) -> bool | None:
    """EMD for the response rules (DOMAIN 3.1/3.2): present, or CNS2/CNS3 -> True; none and CNS1 -> False.

    None when neither was assessed (the criteria decide how "not assessed" counts).
    """
    if status == "PRESENT" or cns_status in ("CNS2", "CNS3"):
        return True
    if status == "NONE" or cns_status == "CNS1":
        return False
    return None
