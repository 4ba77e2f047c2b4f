"""Per-participant explanation: the inputs of each EOC marrow, the rule applied and what the engine stored.

Reads one participant's assessments through assessments.derived (7 queries, one participant) and states
the DOMAIN 3.2-3.4 rule that turned them into a response, an MRD class and a primary-endpoint status.
The stored snapshot entry (what the endpoints were computed from) is shown beside it; when the two differ,
the snapshot is older than the data (the page says so).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from assessments import rules
from assessments.derived import derive_for_participant

STATUS_TEXT = {
    "RESPONDER": "responder",
    "NON_RESPONDER": "non-responder",
    "NOT_EVALUABLE": "not evaluable (counted as non-responder)",
    "PENDING": "pending (no assessment yet; its landmark is after the cut-off)",
}


def _cmp(comparator: str) -> str:
    return "≥" if comparator == ">=" else ">"


def response_rule_text(criteria: rules.ResponseCriteria = rules.DEFAULT_RESPONSE_CRITERIA) -> str:
    c = criteria
    return (
        f"Earlier remission and (marrow blasts ≥ {c.relapse_marrow_threshold_pct:g} % or circulating blasts or "
        f"EMD) → RELAPSE. Marrow blasts < {c.marrow_blast_threshold_pct:g} %, no circulating blasts, no EMD: "
        f"ANC {_cmp(c.cr_comparator)} {c.cr_anc_min:g} and platelets {_cmp(c.cr_comparator)} {c.cr_plt_min:g} "
        f"×10⁹/L → CR; ANC {_cmp(c.crh_comparator)} {c.crh_anc_min:g} and platelets "
        f"{_cmp(c.crh_comparator)} {c.crh_plt_min:g} → CRh; otherwise CRi. Otherwise NR. Missing blasts, counts "
        f"or differential → NE. Blood counts: the CBC nearest the marrow within −{c.cbc_window_days_before}/"
        f"+{c.cbc_window_days_after} days."
    )


def mrd_rule_text(mrd: rules.MrdCriteria = rules.DEFAULT_MRD_CRITERIA) -> str:
    return (
        f"Flow MRD negative: < {mrd.flow_cutoff_pct:g} % (exactly {mrd.flow_cutoff_pct:g} % is positive); "
        f"'not detected' is negative only if the LOD is below {mrd.flow_cutoff_pct:g} %. NGS (exploratory): "
        f"negative when not detected with LOD ≤ {mrd.ngs_cutoff_fraction:g}; needs a trackable clone."
    )


def primary_rule_text(status: str | None, response: str | None, flow_class: str | None, reason: str | None) -> str:
    if status is None:
        return "—"
    if status == "RESPONDER":
        return f"{response} and flow MRD {flow_class} → responder (MRD-negative CR)."
    if status == "NON_RESPONDER":
        if response != "CR":
            return f"Response {response} is not CR → non-responder."
        return f"CR but flow MRD {flow_class} → non-responder."
    return f"Not evaluable ({reason}) → counted as non-responder, reported by reason."


def _inputs(m) -> dict[str, Any]:
    cbc = m.cbc
    emd = m.emd_record
    return {
        "marrow_date": m.marrow_date,
        "blasts_pct": m.blasts_pct,
        "aspirate_adequacy": m.aspirate_adequacy,
        "prior_remission": m.prior_remission,
        "cbc": ({"date": cbc.sample_date, "anc": cbc.anc, "plt": cbc.plt, "pb_blasts": cbc.pb_blasts} if cbc else None),
        "emd": {"date": emd.sample_date, "status": emd.status, "cns": emd.cns_status} if emd else None,
        "derived_response": m.derived_response,
        "ne_reason": m.ne_reason,
        "investigator_call": m.investigator_call,
        "disagreement": m.disagreement,
        "flow": (
            {
                "result_type": m.flow.result_type,
                "value_pct": m.flow.value_pct,
                "lod_pct": m.flow.lod_pct,
                "class": m.flow_class,
                "label": m.flow_label,
                "reporting": m.flow_class_reporting,
                "ne_reason": m.flow_ne_reason,
            }
            if m.flow
            else None
        ),
        "ngs": (
            {
                "trackable": m.ngs.clone_trackable,
                "detected": m.ngs.detected,
                "fraction": m.ngs.fraction,
                "lod": m.ngs.lod_fraction,
                "class": m.ngs_class,
                "band": m.ngs_band,
                "ne_reason": m.ngs_ne_reason,
            }
            if m.ngs
            else None
        ),
    }


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
CLASS_WORDS = {"NEG": "negative", "POS": "positive", "NE": "not evaluable", None: "no result"}
BAND_WORDS = {"LT_1E-6": "< 10⁻⁶", "1E-6_TO_LT_1E-4": "10⁻⁶ to < 10⁻⁴", "GE_1E-4": "≥ 10⁻⁴", "NE": "—", None: "—"}


def scientific(value: float | None) -> str:
    """1.2e-05 -> '1.2 × 10⁻⁵', 1e-06 -> '10⁻⁶' (NGS fractions as investigators write them)."""
    if value is None:
        return "—"
    if value <= 0:
        return f"{value:g}"
    exponent = math.floor(math.log10(value))
    mantissa = round(value / 10**exponent, 2)
    if mantissa >= 10:
        mantissa, exponent = 1.0, exponent + 1
    power = "10" + str(exponent).translate(SUPERSCRIPTS)
    return power if mantissa == 1 else f"{mantissa:g} × {power}"


def _with_reason(cls: str | None, reason: str | None) -> str:
    text = CLASS_WORDS.get(cls, cls or "no result")
    return f"{text} ({reason.replace('_', ' ').lower()})" if cls == "NE" and reason else text


def mrd_kinetics(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Flow and NGS MRD at EOC1 and EOC2 with LODs and classes, from the stored participant block."""
    rows = []
    for tp in ("EOC1", "EOC2"):
        e = entry.get(tp) or {}
        flow, flow_lod = e.get("flow_value_pct"), e.get("flow_lod_pct")
        rows.append(
            {
                "timepoint": tp,
                "marrow_date": e.get("marrow_date"),
                "pending": e.get("pending", False),
                "flow_value": f"{flow:g} %" if flow is not None else ("not detected" if flow_lod is not None else "—"),
                "flow_lod": f"{flow_lod:g} %" if flow_lod is not None else "—",
                "flow_protocol": _with_reason(e.get("flow_class"), e.get("flow_ne_reason")),
                "flow_reporting": _with_reason(e.get("flow_class_reporting"), e.get("flow_reporting_ne_reason")),
                "ngs_value": scientific(e.get("ngs_value"))
                if e.get("ngs_value") is not None
                else ("not detected" if e.get("ngs_lod") is not None else "—"),
                "ngs_lod": scientific(e.get("ngs_lod")),
                "ngs_class": "no trackable clone"
                if e.get("ngs_clone_trackable") is False
                else _with_reason(e.get("ngs_class"), e.get("ngs_ne_reason")),
                "ngs_band": BAND_WORDS.get(e.get("ngs_band"), e.get("ngs_band")),
            }
        )
    return rows


def explain_participant(participant_pk: int, snapshot: dict[str, Any] | None, cutoff: date) -> dict[str, Any]:
    """Per EOC timepoint: current inputs and derivation, the stored values, and the rules in words."""
    derived = derive_for_participant(participant_pk, cutoff)
    entry = (snapshot or {}).get("entry") or {}
    timepoints = []
    for tp in ("EOC1", "EOC2"):
        m = derived.eoc.get(tp)
        stored = entry.get(tp) or {}
        status = stored.get("primary_status")
        timepoints.append(
            {
                "timepoint": tp,
                "inputs": _inputs(m) if m else None,
                "stored": stored,
                "status_text": STATUS_TEXT.get(status, "—"),
                "primary_rule": primary_rule_text(
                    status, stored.get("response"), stored.get("flow_class"), stored.get("ne_reason")
                ),
                "differs": bool(m and stored and m.derived_response != stored.get("response")),
            }
        )
    return {
        "timepoints": timepoints,
        "entry": entry,
        "mrd_kinetics": mrd_kinetics(entry) if entry else [],
        "response_rule": response_rule_text(),
        "mrd_rule": mrd_rule_text(),
        "relapse_dates": derived.relapse_dates,
        "death_date": derived.death_date,
        "last_known_alive": derived.last_known_alive,
        "last_adequate_assessment": derived.last_adequate_assessment,
    }
