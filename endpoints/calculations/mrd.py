"""MRD outcomes: flow MRD by cycle (two cut-offs, two denominators), NGS MRD with its bands, and the flow-NGS
concordance, per participant as drill-down groups and aggregated from the group counts (DOMAIN 3.3, 5.1,
Project decisions 4, 5 and 10; issue 20).

Conventions (printed beside each table by the dashboard):
- A participant whose EOC landmark lies after the cut-off and who has no marrow there yet is *pending*:
  listed apart and left out of that timepoint's denominators (decision 10); nothing else is left out.
- Flow MRD among all treated (the primary endpoint's denominator): negative = flow MRD class NEG at the cut-off
  (< 0.1 % protocol, < 0.01 % reporting); no marrow, no flow result or a not-evaluable flow result count in the
  denominator as not negative and are reported by reason. Among those in CR/CRh/CRi at that timepoint: the
  same over the participants whose marrow there is CR, CRh or CRi.
- NGS MRD (clonoSEQ-type, cut-off 1e-6): bands < 1e-6 (= negative), 1e-6 to < 1e-4, >= 1e-4 and positive not
  quantifiable; "no trackable clone" on any NGS result of the participant makes every timepoint not evaluable
  (DOMAIN 3.3 "NE for the whole subject"), "not detected" with a LOD above 1e-6 is insufficient sensitivity:
  both are reasons of their own, never negative.
- Concordance: over the participants with a marrow at that timepoint, flow class at 0.1 % by NGS class at 1e-6;
  a missing or not-evaluable result on either side goes to the NE row or column, outside the 2 x 2 table.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from assessments.facts import EocAssessment
from assessments.rules import (
    MRD_NE,
    MRD_NEG,
    MRD_POS,
    MRD_REASON_NO_TRACKABLE_CLONE,
    NGS_BAND_HIGH,
    NGS_BAND_LOW,
    NGS_BAND_MID,
    REMISSION_RESPONSES,
)
from blinatrial.wording import gettext, gettext_noop
from endpoints.calculations.common import (
    PENDING,
    REASON_MISSING_ASSESSMENT,
    REASON_MRD_MISSING,
    REASON_MRD_NE,
    TIMEPOINTS,
    ParticipantData,
    clopper_pearson,
    eoc_at,
    is_pending,
    rate_with_ci,
)

FLOW_PROTOCOL = "flow1e-3"  # < 0.1 % (Project decision 4)
FLOW_REPORTING = "flow1e-4"  # < 0.01 %, reported beside it
FLOW_CUTS = (FLOW_PROTOCOL, FLOW_REPORTING)
FLOW_CUT_PCT = {FLOW_PROTOCOL: 0.1, FLOW_REPORTING: 0.01}
ALL_TREATED = "all"
IN_REMISSION = "rem"
NGS_POS_NOT_QUANTIFIABLE = "POS_NQ"
NGS_BANDS = (NGS_BAND_LOW, NGS_BAND_MID, NGS_BAND_HIGH, NGS_POS_NOT_QUANTIFIABLE)
MRD_CLASSES = (MRD_NEG, MRD_POS, MRD_NE)


def pending_key(tp: str) -> str:
    return f"mrd.{tp}.{PENDING}"


def remission_key(tp: str) -> str:
    return f"mrd.{tp}.{IN_REMISSION}"


def due_key(tp: str) -> str:
    """Treated and not pending at `tp`: the all-treated denominator of the MRD tables."""
    return f"mrd.{tp}.DUE"


def flow_key(cut: str, tp: str, denominator: str, status: str, reason: str | None = None) -> str:
    """Drill-down key of a flow MRD count: denominator ALL_TREATED or IN_REMISSION, status NEG/POS/NE."""
    return f"mrd.{cut}.{tp}.{denominator}.{status}" + (f".{reason}" if reason else "")


def ngs_key(tp: str, status: str, reason: str | None = None) -> str:
    return f"mrd.ngs.{tp}.{status}" + (f".{reason}" if reason else "")


def band_key(tp: str, band: str) -> str:
    return f"mrd.ngs.{tp}.band.{band}"


def concordance_key(tp: str, flow: str, ngs: str) -> str:
    return f"concord.{tp}.{flow}.{ngs}"


# --------------------------------------------------------------------------- one participant


def flow_status(a: EocAssessment | None, cut: str) -> tuple[str, str | None]:
    """(NEG / POS / NE, reason when NE) of one EOC marrow at a flow cut-off (DOMAIN 3.3, decision 4)."""
    if a is None:
        return MRD_NE, REASON_MISSING_ASSESSMENT
    if cut == FLOW_PROTOCOL:
        cls, reason = a.flow_class, a.mrd_ne_reason
    elif cut == FLOW_REPORTING:
        cls, reason = a.flow_class_reporting, a.flow_reporting_ne_reason
    else:
        raise ValueError(f"unknown flow cut-off {cut!r}; expected one of {FLOW_CUTS}")
    if cls is None:
        return MRD_NE, REASON_MRD_MISSING
    if cls == MRD_NE:
        return MRD_NE, reason or REASON_MRD_NE
    return cls, None


def no_trackable_clone(p: ParticipantData, cutoff: date | None) -> bool:
    """An NGS result on or before the cut-off says the baseline clone is not trackable (DOMAIN 3.3)."""
    return any(a is not None and a.ngs_clone_trackable is False for a in (eoc_at(p, tp, cutoff) for tp in TIMEPOINTS))


def ngs_status(p: ParticipantData, tp: str, cutoff: date | None) -> tuple[str, str | None, str | None]:
    """(NEG / POS / NE, reason when NE, band when evaluable) of NGS MRD at EOC1/EOC2 (DOMAIN 3.3)."""
    if no_trackable_clone(p, cutoff):
        return MRD_NE, MRD_REASON_NO_TRACKABLE_CLONE, None
    a = eoc_at(p, tp, cutoff)
    if a is None:
        return MRD_NE, REASON_MISSING_ASSESSMENT, None
    if a.ngs_class is None:
        return MRD_NE, REASON_MRD_MISSING, None
    if a.ngs_class == MRD_NE:
        return MRD_NE, a.ngs_ne_reason or REASON_MRD_NE, None
    if a.ngs_class == MRD_NEG:
        return MRD_NEG, None, NGS_BAND_LOW
    band = a.ngs_band if a.ngs_band in (NGS_BAND_MID, NGS_BAND_HIGH) else NGS_POS_NOT_QUANTIFIABLE
    return MRD_POS, None, band


def _status_keys(key: str, status: str, reason: str | None) -> list[str]:
    """The status key, and under NE the key of its reason too."""
    return [key, f"{key}.{reason}"] if status == MRD_NE else [key]


def mrd_groups(p: ParticipantData, cutoff: date | None) -> list[str]:
    """The MRD drill-down keys of one treated participant (see mrd_from_counts for what each counts)."""
    keys: list[str] = []
    for tp in TIMEPOINTS:
        if is_pending(p, tp, cutoff):
            keys.append(pending_key(tp))
            continue
        keys.append(due_key(tp))
        a = eoc_at(p, tp, cutoff)
        in_remission = a is not None and a.response in REMISSION_RESPONSES
        if in_remission:
            keys.append(remission_key(tp))
        for cut in FLOW_CUTS:
            status, reason = flow_status(a, cut)
            keys += _status_keys(flow_key(cut, tp, ALL_TREATED, status), status, reason)
            if in_remission:
                keys += _status_keys(flow_key(cut, tp, IN_REMISSION, status), status, reason)
        ngs, ngs_reason, band = ngs_status(p, tp, cutoff)
        keys += _status_keys(ngs_key(tp, ngs), ngs, ngs_reason)
        if band is not None:
            keys.append(band_key(tp, band))
        if a is not None:
            keys.append(concordance_key(tp, flow_status(a, FLOW_PROTOCOL)[0], ngs))
    return keys


# --------------------------------------------------------------------------- aggregation from counts


def _reasons(counts: Counter, prefix: str) -> dict[str, int]:
    start = f"{prefix}.{MRD_NE}."
    return dict(sorted((key[len(start) :], n) for key, n in counts.items() if key.startswith(start) and n))


def _rate_block(counts: Counter, prefix: str, n: int) -> dict[str, Any]:
    """Negative / positive / NE (by reason) of `n` participants, exact CIs over n and over the evaluable."""
    n_neg, n_pos, n_ne = (counts[f"{prefix}.{c}"] for c in MRD_CLASSES)
    n_evaluable = n_neg + n_pos
    return {
        "n": n,
        "n_negative": n_neg,
        "n_positive": n_pos,
        "n_not_evaluable": n_ne,
        "ne_by_reason": _reasons(counts, prefix),
        "rate": n_neg / n if n else None,
        "ci95": list(clopper_pearson(n_neg, n)),
        "n_evaluable": n_evaluable,
        "rate_evaluable": n_neg / n_evaluable if n_evaluable else None,
        "ci95_evaluable": list(clopper_pearson(n_neg, n_evaluable)),
    }


def flow_definition_text(cut: str) -> str:
    """The definition printed under a flow MRD table, in the active language (stored in English by the task)."""
    pct = FLOW_CUT_PCT[cut]
    role = (
        gettext("protocol cut-off")
        if cut == FLOW_PROTOCOL
        else gettext("reporting cut-off (European consensus 10⁻⁴)")
    )
    return gettext(
        "Flow MRD negative: < %(pct)s %% (%(role)s; exactly %(pct)s %% is positive; 'not detected' is negative "
        "only if the LOD is below %(pct)s %%, otherwise not evaluable for insufficient sensitivity). All treated: "
        "the primary endpoint's denominator, missing or not-evaluable results counted as not negative and "
        "reported by reason. In CR/CRh/CRi: those whose marrow at that time point is CR, CRh or CRi. Pending "
        "participants (landmark after the cut-off, no marrow yet) are listed apart, outside both denominators. "
        "95 %% CI: exact Clopper-Pearson."
    ) % {"pct": f"{pct:g}", "role": role}


NGS_DEFINITION_TEXT = gettext_noop(
    "NGS MRD (Ig/TCR sequencing): negative = below 10⁻⁶ (not detected with LOD ≤ 10⁻⁶, or a value < 10⁻⁶); "
    "bands < 10⁻⁶, 10⁻⁶ to < 10⁻⁴, ≥ 10⁻⁴, and detected but not quantifiable. No trackable baseline clone "
    "makes the participant not evaluable at every time point; 'not detected' with a LOD above 10⁻⁶ is "
    "insufficient sensitivity; neither is ever negative. Denominator: all treated but pending; exact "
    "Clopper-Pearson 95 % CIs."
)
CONCORDANCE_DEFINITION_TEXT = gettext_noop(
    "Participants with a marrow at the time point: flow MRD at 0.1 % by NGS MRD at 10⁻⁶. Missing or "
    "not-evaluable results on either side are counted apart (NE row and column); agreement and Cohen's kappa "
    "use the 2 × 2 table only (exact Clopper-Pearson 95 % CI for the agreement)."
)


def flow_block(counts: Counter, cut: str, tp: str) -> dict[str, Any]:
    n_pending = counts[pending_key(tp)]
    return {
        "timepoint": tp,
        "cut_pct": FLOW_CUT_PCT[cut],
        "n_treated": counts["treated"],
        "n_pending": n_pending,
        ALL_TREATED: _rate_block(counts, f"mrd.{cut}.{tp}.{ALL_TREATED}", counts[due_key(tp)]),
        IN_REMISSION: _rate_block(counts, f"mrd.{cut}.{tp}.{IN_REMISSION}", counts[remission_key(tp)]),
        "definition_text": flow_definition_text(cut),
    }


def ngs_block(counts: Counter, tp: str) -> dict[str, Any]:
    n_pending = counts[pending_key(tp)]
    n = counts[due_key(tp)]
    block = _rate_block(counts, f"mrd.ngs.{tp}", n)
    block.update(
        {
            "timepoint": tp,
            "n_treated": counts["treated"],
            "n_pending": n_pending,
            "bands": {band: rate_with_ci(counts[band_key(tp, band)], n) for band in NGS_BANDS},
            "definition_text": NGS_DEFINITION_TEXT,
        }
    )
    return block


def cohen_kappa(a: int, b: int, c: int, d: int) -> float | None:
    """Cohen's kappa of the 2 x 2 table [[a, b], [c, d]]; None when undefined (no pairs, or chance agreement 1)."""
    n = a + b + c + d
    if n == 0:
        return None
    observed = (a + d) / n
    expected = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def concordance_block(counts: Counter, tp: str) -> dict[str, Any]:
    cells = {f: {g: counts[concordance_key(tp, f, g)] for g in MRD_CLASSES} for f in MRD_CLASSES}
    a, b = cells[MRD_NEG][MRD_NEG], cells[MRD_NEG][MRD_POS]
    c, d = cells[MRD_POS][MRD_NEG], cells[MRD_POS][MRD_POS]
    return {
        "timepoint": tp,
        "cells": cells,  # flow class -> NGS class -> participants
        "n": sum(sum(row.values()) for row in cells.values()),
        "n_both_evaluable": a + b + c + d,
        "agreement": rate_with_ci(a + d, a + b + c + d),
        "kappa": cohen_kappa(a, b, c, d),
        "definition_text": CONCORDANCE_DEFINITION_TEXT,
    }


def mrd_from_counts(counts: Counter) -> dict[str, Any]:
    """The MRD blocks of the dashboard from the participants' group counts (calculations.aggregate)."""
    return {
        "mrd_flow": {cut: {tp: flow_block(counts, cut, tp) for tp in TIMEPOINTS} for cut in FLOW_CUTS},
        "mrd_ngs": {tp: ngs_block(counts, tp) for tp in TIMEPOINTS},
        "concordance": {tp: concordance_block(counts, tp) for tp in TIMEPOINTS},
    }
