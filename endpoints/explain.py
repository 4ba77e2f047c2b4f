"""Per-participant explanation: the inputs of each EOC marrow, the rule applied and what the engine stored.

Reads one participant's assessments through assessments.derived (7 queries, one participant) and states
the DOMAIN 3.2-3.4 rule that turned them into a response, an MRD class and a primary-endpoint status.
The stored snapshot entry (what the endpoints were computed from) is shown beside it; when the two differ,
the snapshot is older than the data (the page says so).
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from assessments import rules
from assessments.derived import derive_for_participant
from assessments.models import AspirateAdequacy, EmdStatus, FlowResultType

STATUS_TEXT = {
    "RESPONDER": _("responder"),
    "NON_RESPONDER": _("non-responder"),
    "NOT_EVALUABLE": _("not evaluable (counted as non-responder)"),
    "PENDING": _("pending (no assessment yet; its landmark is after the cut-off)"),
}


_ADTTE_REASON_TEXTS = (
    gettext_noop("DEATH"),
    gettext_noop("HEMATOLOGIC RELAPSE"),
    gettext_noop("TREATMENT FAILURE (NO CR/CRi BY EOC2) - EVENT AT DAY 1"),
    gettext_noop("DEATH BEFORE LANDMARK WITHOUT RESPONSE - EVENT AT DAY 1"),
    gettext_noop("NOT EVALUABLE FOR RESPONSE - CENSORED AT DAY 1"),
    gettext_noop("LAST KNOWN ALIVE"),
    gettext_noop("DATA CUTOFF"),
    gettext_noop("LAST ADEQUATE DISEASE ASSESSMENT"),
    gettext_noop("ALLOGENEIC HSCT (SENSITIVITY)"),
    gettext_noop("DEATH IN REMISSION"),
    gettext_noop("DEATH IN REMISSION (CENSORED)"),
    gettext_noop("ALLOGENEIC HSCT BEFORE REMISSION (SENSITIVITY)"),
)
ADTTE_REASONS = {text: _(text) for text in _ADTTE_REASON_TEXTS}
_CAPPED = re.compile(r"CAPPED AT (\d+) YEARS")


def adtte_reason(desc: str | None) -> str:
    """An ADTTE row's EVNTDESC/CNSDTDSC (stored in English, CDISC style) as the page shows it: in the active
    language (unchanged in English)."""
    if not desc:
        return ""
    if desc in ADTTE_REASONS:
        return str(ADTTE_REASONS[desc])
    capped = _CAPPED.fullmatch(desc)
    if capped:
        return gettext("CAPPED AT %(years)s YEARS") % {"years": capped.group(1)}
    return desc


def _cmp(comparator: str) -> str:
    return "≥" if comparator == ">=" else ">"


def response_rule_text(criteria: rules.ResponseCriteria = rules.DEFAULT_RESPONSE_CRITERIA) -> str:
    c = criteria
    return gettext(
        "Earlier remission and (marrow blasts ≥ %(relapse)s %% or circulating blasts or EMD) → RELAPSE. Marrow "
        "blasts < %(blasts)s %%, no circulating blasts, no EMD: ANC %(cr_cmp)s %(cr_anc)s and platelets %(cr_cmp)s "
        "%(cr_plt)s ×10⁹/L → CR; ANC %(crh_cmp)s %(crh_anc)s and platelets %(crh_cmp)s %(crh_plt)s → CRh; "
        "otherwise CRi. Otherwise NR. Missing blasts, counts or differential → NE. Blood counts: the CBC nearest "
        "the marrow within −%(before)s/+%(after)s days."
    ) % {
        "relapse": f"{c.relapse_marrow_threshold_pct:g}",
        "blasts": f"{c.marrow_blast_threshold_pct:g}",
        "cr_cmp": _cmp(c.cr_comparator),
        "cr_anc": f"{c.cr_anc_min:g}",
        "cr_plt": f"{c.cr_plt_min:g}",
        "crh_cmp": _cmp(c.crh_comparator),
        "crh_anc": f"{c.crh_anc_min:g}",
        "crh_plt": f"{c.crh_plt_min:g}",
        "before": c.cbc_window_days_before,
        "after": c.cbc_window_days_after,
    }


def mrd_rule_text(mrd: rules.MrdCriteria = rules.DEFAULT_MRD_CRITERIA) -> str:
    return gettext(
        "Flow MRD negative: < %(cut)s %% (exactly %(cut)s %% is positive); 'not detected' is negative only if the "
        "LOD is below %(cut)s %%. NGS (exploratory): negative when not detected with LOD ≤ %(ngs)s; needs a "
        "trackable clone."
    ) % {"cut": f"{mrd.flow_cutoff_pct:g}", "ngs": f"{mrd.ngs_cutoff_fraction:g}"}


def primary_rule_text(status: str | None, response: str | None, flow_class: str | None, reason: str | None) -> str:
    if status is None:
        return "—"
    if status == "RESPONDER":
        return gettext("%(response)s and flow MRD %(flow)s → responder (MRD-negative CR).") % {
            "response": response,
            "flow": flow_class,
        }
    if status == "NON_RESPONDER":
        if response != "CR":
            return gettext("Response %(response)s is not CR → non-responder.") % {"response": response}
        return gettext("CR but flow MRD %(flow)s → non-responder.") % {"flow": flow_class}
    return gettext("Not evaluable (%(reason)s) → counted as non-responder, reported by reason.") % {
        "reason": reason_text(reason)
    }


def reason_text(reason: str | None) -> str:
    """A stored not-evaluable reason ('MRD_NE', 'EOC1: MISSING_ASSESSMENT') as shown: as stored in the default
    language, in words in another."""
    from endpoints.presenters import primary_reason  # deferred: presenters loads matplotlib

    return primary_reason(reason) if reason else "—"


def _default_language() -> bool:
    return translation.get_language() in (None, settings.LANGUAGE_CODE)


def class_code_text(code: str | None) -> str | None:
    """A stored MRD class (NEG, POS, NE) as the page shows it: the code in the default language, words in another."""
    if code is None or _default_language():
        return code
    return str(CLASS_WORDS.get(code, code))


def reason_code_text(code: str | None) -> str | None:
    """A stored not-evaluable reason: integrity.words' spelling in the default language (as before), words in
    another."""
    if code is None:
        return None
    if _default_language():
        from integrity.words import words

        return words(code)
    return reason_text(code)


def status_code_text(code: str | None) -> str | None:
    """A stored primary-endpoint status (RESPONDER...): as stored in the default language, words in another."""
    if code is None or _default_language():
        return code
    return str(STATUS_TEXT.get(code, code))


def _choice_words(choices, value: str | None) -> str | None:
    """A stored choice code as its label in the reader's language, in lower case as inside a sentence."""
    if value is None:
        return None
    label = dict(choices.choices).get(value)
    return str(label).lower() if label is not None else value


def _inputs(m) -> dict[str, Any]:
    cbc = m.cbc
    emd = m.emd_record
    return {
        "marrow_date": m.marrow_date,
        "blasts_pct": m.blasts_pct,
        "aspirate_adequacy": _choice_words(AspirateAdequacy, m.aspirate_adequacy),
        "prior_remission": m.prior_remission,
        "cbc": ({"date": cbc.sample_date, "anc": cbc.anc, "plt": cbc.plt, "pb_blasts": cbc.pb_blasts} if cbc else None),
        "emd": (
            {"date": emd.sample_date, "status": _choice_words(EmdStatus, emd.status), "cns": emd.cns_status}
            if emd else None
        ),
        "derived_response": m.derived_response,
        "ne_reason": reason_code_text(m.ne_reason),
        "investigator_call": m.investigator_call,
        "disagreement": m.disagreement,
        "flow": (
            {
                "result_type": _choice_words(FlowResultType, m.flow.result_type),
                "value_pct": m.flow.value_pct,
                "lod_pct": m.flow.lod_pct,
                "class": class_code_text(m.flow_class),
                "label": m.flow_label,
                "reporting": class_code_text(m.flow_class_reporting),
                "ne_reason": reason_code_text(m.flow_ne_reason),
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
                "class": class_code_text(m.ngs_class),
                "band": m.ngs_band,
                "ne_reason": m.ngs_ne_reason,
            }
            if m.ngs
            else None
        ),
    }


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
CLASS_WORDS = {"NEG": _("negative"), "POS": _("positive"), "NE": _("not evaluable"), None: _("no result")}
BAND_WORDS = {"LT_1E-6": "< 10⁻⁶", "1E-6_TO_LT_1E-4": _("10⁻⁶ to < 10⁻⁴"), "GE_1E-4": "≥ 10⁻⁴", "NE": "—", None: "—"}


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
    text = str(CLASS_WORDS.get(cls, cls or gettext("no result")))
    if cls == "NE" and reason:
        return gettext("%(class)s (%(reason)s)") % {"class": text, "reason": _reason_words(reason)}
    return text


def _reason_words(reason: str) -> str:
    from endpoints.presenters import REASON_WORDS  # deferred: presenters loads matplotlib

    english = reason.replace("_", " ").lower()
    return english if translation.get_language() in (None, settings.LANGUAGE_CODE) else str(
        REASON_WORDS.get(reason, english)
    )


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
                "flow_value": f"{flow:g} %"
                if flow is not None
                else (gettext("not detected") if flow_lod is not None else "—"),
                "flow_lod": f"{flow_lod:g} %" if flow_lod is not None else "—",
                "flow_protocol": _with_reason(e.get("flow_class"), e.get("flow_ne_reason")),
                "flow_reporting": _with_reason(e.get("flow_class_reporting"), e.get("flow_reporting_ne_reason")),
                "ngs_value": scientific(e.get("ngs_value"))
                if e.get("ngs_value") is not None
                else (gettext("not detected") if e.get("ngs_lod") is not None else "—"),
                "ngs_lod": scientific(e.get("ngs_lod")),
                "ngs_class": gettext("no trackable clone")
                if e.get("ngs_clone_trackable") is False
                else _with_reason(e.get("ngs_class"), e.get("ngs_ne_reason")),
                "ngs_band": str(BAND_WORDS.get(e.get("ngs_band"), e.get("ngs_band"))),
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
                "status_text": str(STATUS_TEXT.get(status, "—")),
                "flow_class_text": class_code_text(stored.get("flow_class")),
                "ne_reason_text": reason_code_text(stored.get("ne_reason")),
                "primary_rule": primary_rule_text(
                    status, stored.get("response"), class_code_text(stored.get("flow_class")), stored.get("ne_reason")
                ),
                "differs": bool(m and stored and m.derived_response != stored.get("response")),
            }
        )
    return {
        "timepoints": timepoints,
        "entry": entry,
        "mrd_kinetics": mrd_kinetics(entry) if entry else [],
        "primary_by_eoc2": status_code_text(entry.get("primary_by_eoc2")),
        "response_rule": response_rule_text(),
        "mrd_rule": mrd_rule_text(),
        "relapse_dates": derived.relapse_dates,
        "death_date": derived.death_date,
        "last_known_alive": derived.last_known_alive,
        "last_adequate_assessment": derived.last_adequate_assessment,
    }
