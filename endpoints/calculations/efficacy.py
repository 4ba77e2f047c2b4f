"""Efficacy rates: the primary endpoint (MRD-negative CR) and the response tables, with exact CIs (DOMAIN 3.4, 5.1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from assessments.facts import EocAssessment
from assessments.rules import (
    CR,
    MRD_POS,
    NE,
    REMISSION_RESPONSES,
    RESPONSES,
    best_response,
    composite_cr_cri,
    primary_responder,
)
from blinatrial.wording import gettext
from endpoints.calculations.common import (
    LANDMARKS,
    NON_RESPONDER,
    NOT_EVALUABLE,
    PENDING,
    PRIMARY_TIMEPOINTS,
    REASON_MISSING_ASSESSMENT,
    REASON_MRD_MISSING,
    REASON_MRD_NE,
    REASON_RESPONSE_NE,
    RESPONDER,
    RESPONSE_TABLE_TIMEPOINTS,
    TIMEPOINTS,
    Landmarks,
    ParticipantData,
    clopper_pearson,
    eoc_at,
    rate_with_ci,
    treated_participants,
)

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
    p: ParticipantData,
    timepoint: str,
    include_cri: bool = False,
    cutoff: date | None = None,
    landmarks: Landmarks = LANDMARKS,
) -> tuple[str, str | None]:
    """Primary-endpoint status at EOC1, EOC2 or BY_EOC2 (responder at either) (DOMAIN 3.4).

    PENDING: no assessment at the timepoint by the cut-off and its landmark after the cut-off (Project
    decision 10). BY_EOC2: responder if responder at EOC1 or EOC2; else pending if a timepoint is pending;
    non-responder if evaluable non-responder at both; otherwise not evaluable, with the reason of the first
    NE timepoint, prefixed "EOC1: "/"EOC2: ".
    """
    if timepoint in TIMEPOINTS:
        if p.pending(timepoint, cutoff, landmarks):
            return PENDING, None
        return primary_status(eoc_at(p, timepoint, cutoff), include_cri)
    if timepoint != "BY_EOC2":
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {PRIMARY_TIMEPOINTS}")
    statuses = [(tp, *participant_primary_status(p, tp, include_cri, cutoff, landmarks)) for tp in TIMEPOINTS]
    if any(status == RESPONDER for _, status, _ in statuses):
        return RESPONDER, None
    if any(status == PENDING for _, status, _ in statuses):
        return PENDING, None
    for tp, status, reason in statuses:
        if status == NOT_EVALUABLE:
            return NOT_EVALUABLE, f"{tp}: {reason}"
    return NON_RESPONDER, None


def primary_definition_text(
    timepoint: str, include_cri: bool = False, mrd_cut_pct: float = 0.1, n_treated: int | None = None
) -> str:
    """Plain-language definition printed beside the primary endpoint (DOMAIN 3.4, decision 5), in the active
    language (stored in English by the task)."""
    response = (
        gettext("CR, CRh or CRi")
        if include_cri
        else gettext("morphologic CR with full count recovery (CRh/CRi excluded)")
    )
    where = {
        "EOC1": gettext("on the end-of-cycle-1 (EOC1) marrow"),
        "EOC2": gettext("on the end-of-cycle-2 (EOC2) marrow"),
        "BY_EOC2": gettext("on the same marrow at EOC1 or at EOC2 (responder at either time point)"),
    }[timepoint]
    n_text = gettext(" (N = %(n)s)") % {"n": n_treated} if n_treated is not None else ""
    return gettext(
        "MRD-negative CR: %(response)s and flow MRD < %(cut)s %% "
        "(exactly %(cut)s %% is positive; 'not detected' is negative only if the assay LOD "
        "is below the cut-off) %(where)s. "
        "Denominator: all participants who received any dose of study treatment by the cut-off%(n_text)s. "
        "Not evaluable or missing assessments count as non-responders and are reported by reason. "
        "Pending: no assessment yet and the timepoint's landmark after the cut-off; listed apart, neither "
        "responder nor not evaluable (the second line gives the rate among those evaluable so far). "
        "95 %% CI: exact Clopper-Pearson."
    ) % {"response": response, "cut": f"{mrd_cut_pct:g}", "where": where, "n_text": n_text}


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
    treated = treated_participants(participants, cutoff)
    statuses = {p.participant_id: participant_primary_status(p, timepoint, include_cri, cutoff) for p in treated}
    responders = sorted(pid for pid, (s, _) in statuses.items() if s == RESPONDER)
    ne_reasons = Counter(reason for s, reason in statuses.values() if s == NOT_EVALUABLE)
    n_pending = sum(1 for s, _ in statuses.values() if s == PENDING)
    block = primary_block(timepoint, include_cri, mrd_cut_pct, len(treated), len(responders), ne_reasons, n_pending)
    block["responder_ids"] = responders
    return block


def primary_block(
    timepoint: str,
    include_cri: bool,
    mrd_cut_pct: float,
    n_treated: int,
    n_resp: int,
    ne_reasons: dict[str, int],
    n_pending: int = 0,
) -> dict[str, Any]:
    """The primary-endpoint figures of one timepoint from its counts: the rate over all treated (DOMAIN
    decision 5) with its exact CI, NE by reason, the pending apart, and the rate among those evaluable so far
    (treated - not evaluable - pending)."""
    n_ne = sum(ne_reasons.values())
    n_evaluable = n_treated - n_ne - n_pending
    lo, hi = clopper_pearson(n_resp, n_treated)
    lo_e, hi_e = clopper_pearson(n_resp, n_evaluable)
    return {
        "timepoint": timepoint,
        "include_cri": include_cri,
        "mrd_cut_pct": mrd_cut_pct,
        "n_treated": n_treated,
        "n_responders": n_resp,
        "n_non_responders": n_treated - n_resp - n_pending,
        "n_not_evaluable": n_ne,
        "ne_by_reason": dict(sorted(ne_reasons.items())),
        "n_pending": n_pending,
        "rate": (n_resp / n_treated) if n_treated else None,
        "ci95": [lo, hi],
        # sensitivity analysis (DOMAIN 3.3) and the interim view: evaluable so far (not NE, not pending)
        "n_evaluable": n_evaluable,
        "rate_evaluable": (n_resp / n_evaluable) if n_evaluable else None,
        "ci95_evaluable": [lo_e, hi_e],
        "definition_text": primary_definition_text(timepoint, include_cri, mrd_cut_pct, n_treated),
    }


PENDING_RESPONSE = "pending"  # the response-table column of PENDING (Project decision 10)


def participant_response(
    p: ParticipantData, timepoint: str, cutoff: date | None = None, landmarks: Landmarks = LANDMARKS
) -> str | None:
    """Response at EOC1/EOC2, or best of both for BY_EOC2 (DOMAIN 3.2); None = missing; "pending" = no
    assessment yet and the landmark after the cut-off. BY_EOC2 is pending while EOC2 is, unless EOC1 is
    already CR (nothing better can come)."""
    if timepoint in TIMEPOINTS:
        if p.pending(timepoint, cutoff, landmarks):
            return PENDING_RESPONSE
        a = eoc_at(p, timepoint, cutoff)
        return a.response if a else None
    if timepoint != "BY_EOC2":
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {RESPONSE_TABLE_TIMEPOINTS}")
    responses = [participant_response(p, tp, cutoff, landmarks) for tp in TIMEPOINTS]
    known = [r for r in responses if r != PENDING_RESPONSE]
    if len(known) < len(responses) and CR not in known:
        return PENDING_RESPONSE
    return best_response(known)


def response_table(
    participants: Iterable[ParticipantData], timepoint: str, cutoff: date | None = None
) -> dict[str, Any]:
    """Counts of CR, CRh, CRi, NR, RELAPSE, NE, missing and CR / composite CR/CRi rates (DOMAIN 3.2, 5.6)."""
    if timepoint not in RESPONSE_TABLE_TIMEPOINTS:
        raise ValueError(f"unknown timepoint {timepoint!r}; expected one of {RESPONSE_TABLE_TIMEPOINTS}")
    treated = treated_participants(participants, cutoff)
    counts = dict.fromkeys((*RESPONSES, "missing", PENDING_RESPONSE), 0)
    for p in treated:
        response = participant_response(p, timepoint, cutoff)
        counts[response if response is not None else "missing"] += 1
    n = len(treated)
    n_cr_cri = sum(counts[r] for r in RESPONSES if composite_cr_cri(r))
    return {
        "timepoint": timepoint,
        "n_treated": n,
        "counts": counts,
        "cr": rate_with_ci(counts[CR], n),
        "cr_cri": rate_with_ci(n_cr_cri, n),
        "definition_text": response_definition_text(timepoint),
    }


def response_definition_text(timepoint: str) -> str:
    """The definition printed under a response table (DOMAIN 3.2, Project decision 10)."""
    return (
        "Response per DOMAIN 3.2 "
        + ("(best of EOC1 and EOC2: CR > CRh > CRi > NR > RELAPSE > NE). " if timepoint == "BY_EOC2" else "")
        + "CR/CRi = CR or CRh or CRi; denominator all treated; exact Clopper-Pearson 95 % CI; pending = no marrow "
        "yet and the landmark after the cut-off (not counted as missing)."
    )
