"""Assembly: the per-participant summary, the conventions text and the aggregation of stored rows."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from assessments.rules import (
    CR,
    RESPONSES,
    composite_cr_cri,
)
from blinatrial.wording import gettext, gettext_noop, pgettext
from endpoints.calculations.common import (
    CALC_VERSION,
    CNSR_COMPETING,
    LANDMARKS,
    NOT_EVALUABLE,
    PARAM_CIR,
    PARAM_CIR_HSCT,
    PARAM_DOR,
    PARAM_DOR_HSCT,
    PARAM_EFS,
    PARAM_EFS_HSCT,
    PARAM_OS,
    PARAM_OS_HSCT,
    PARAM_RFS,
    PARAM_RFS_HSCT,
    PENDING,
    PRIMARY_TIMEPOINTS,
    RESPONDER,
    RESPONSE_TABLE_TIMEPOINTS,
    Landmarks,
    ParticipantData,
    clean_float,
    eoc_at,
    is_pending,
    rate_with_ci,
)
from endpoints.calculations.efficacy import (
    PENDING_RESPONSE,
    participant_primary_status,
    participant_response,
    primary_block,
    response_definition_text,
)
from endpoints.calculations.km import kaplan_meier
from endpoints.calculations.mrd import mrd_from_counts, mrd_groups
from endpoints.calculations.responders import (
    COMPETING_CODE,
    RELAPSE_CODE,
    RESPONDER_CONVENTIONS,
    RESPONDER_PARAMS,
    aalen_johansen,
    derive_responder_rows,
    remission_facts,
)
from endpoints.calculations.tte import derive_efs, derive_os
from safety.calculations import participant_safety_block, safety_group_keys, safety_results

# --------------------------------------------------------------------------- conventions and assembly


# The records whose dates prove a participant alive, as enrollment.alive.source_labels() names them from the
# models' declarations (Project decision 11); the services pass that list, this is the default of pure callers.
DEFAULT_ALIVE_SOURCES = (
    gettext_noop("non-death status changes (withdrawal included)"),
    gettext_noop("cycle starts"),
    gettext_noop("doses"),
    gettext_noop("blinatumomab infusion starts and stops"),
    gettext_noop("visits"),
    gettext_noop("transplants"),
    gettext_noop("marrow and MRD samples"),
    gettext_noop("blood counts"),
    gettext_noop("EMD assessments"),
    gettext_noop("'alive' follow-up contacts and the relapse and transplant dates they report"),
)


def conventions_text(
    cap_years: int | None = 5, landmarks: Landmarks = LANDMARKS, alive_sources: Sequence[str] = DEFAULT_ALIVE_SOURCES
) -> str:
    """EFS/OS/KM conventions to print beside every result (DOMAIN 5.5 'print the convention'): the landmarks
    and the sources of the last date known alive included.

    In the active language: the task stores it in English (tasks.recompute_endpoints), the dashboard block of
    another language prints it again in its own (presenters)."""
    eoc1, eoc2 = landmarks.study_day("EOC1"), landmarks.study_day("EOC2")
    cap = (
        gettext("Results are capped at %(years)s years: a date after C1D1 + %(years)s years is censored there.")
        % {"years": cap_years}
        if cap_years is not None
        else gettext("No cap on follow-up.")
    )
    return "\n".join(
        [
            gettext(
                "Time origin: Day 1 = C1D1 (first dose of any protocol drug). AVAL (days) = ADT - C1D1 + 1; "
                "months = days / 30.4375."
            ),
            gettext(
                "Everything dated after the data cut-off is ignored; a participant enrolled after it is not counted."
            ),
            gettext(
                "Landmarks: EOC1 = day %(eoc1_day)s + %(delay)s days allowed delay = study day %(eoc1)s; "
                "EOC2 = day %(eoc2_day)s + %(delay)s = study day %(eoc2)s (day 1 = C1D1). At a cut-off before a "
                "participant's landmark, a timepoint without an assessment is pending: listed apart, neither not "
                "evaluable nor missing."
            )
            % {
                "eoc1_day": landmarks.eoc1_day,
                "delay": landmarks.allowed_delay_days,
                "eoc1": eoc1,
                "eoc2_day": landmarks.eoc2_day,
                "eoc2": eoc2,
            },
            gettext("Last date known alive: the latest date, on or before the cut-off, of %(sources)s (and C1D1).")
            % {"sources": pgettext("list separator", ", ").join(gettext(source) for source in alive_sources)},
            gettext(
                "OS: event = death from any cause on/before the cut-off; otherwise censored at the last date "
                "known alive, or at the cut-off if known alive on/after it (a death after the cut-off is "
                "censored at the cut-off)."
            ),
            gettext(
                "EFS (ELN-2022 / registration wording): no CR/CRh/CRi by EOC2 (evaluable) = treatment failure, "
                "event at day 1; death on or before the EOC2 landmark (day %(eoc2)s) without any response "
                "assessment = event at day 1; a later death never evaluable for response, or alive and not "
                "evaluable = censored at day 1; in CR/CRh/CRi by EOC2 = event at the earliest "
                "haematologic relapse (date of the documenting sample or exam) or death, otherwise censored at "
                "the last adequate disease assessment. MRD relapse is not an event."
            )
            % {"eoc2": eoc2},
            gettext(
                "Allogeneic HSCT is neither an event nor a censoring in the primary analysis; the sensitivity "
                "analysis (OSHSCT/EFSHSCT) censors at the HSCT date."
            ),
            cap,
            gettext(
                "Kaplan-Meier: product-limit; Greenwood variance; 95 %% CI on the log-log scale (undefined where "
                "S = 1 or 0); median = first time S <= 0.5, its CI = first times the log-log CI curves are "
                "<= 0.5; landmarks at 12/36/60 months = step function at the last event time <= landmark "
                "(not estimable beyond the longest follow-up); median follow-up by reverse Kaplan-Meier."
            )
            % {},
            gettext(
                "In the MRD tables pending participants (no marrow by the cut-off, landmark after it) are listed "
                "apart, outside their denominators."
            ),
            gettext(
                "Flow MRD by cycle: negative < 0.1 %% (protocol) and, beside it, < 0.01 %% (reporting); NGS MRD "
                "negative < 10⁻⁶ with bands 10⁻⁶ to < 10⁻⁴ and ≥ 10⁻⁴; no trackable clone and insufficient "
                "sensitivity are not-evaluable reasons, never negative."
            )
            % {},
            *(gettext(line) for line in RESPONDER_CONVENTIONS),
        ]
    )


def _eoc_summary(p: ParticipantData, tp: str, cutoff: date) -> dict[str, Any]:
    a = eoc_at(p, tp, cutoff)
    status, reason = participant_primary_status(p, tp, False, cutoff)  # PENDING while the window is open
    return {
        "pending": is_pending(p, tp, cutoff),
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
        "flow_ne_reason": a.mrd_ne_reason if a else None,
        "flow_class_reporting": a.flow_class_reporting if a else None,
        "flow_reporting_ne_reason": a.flow_reporting_ne_reason if a else None,
        "ngs_ne_reason": a.ngs_ne_reason if a else None,
        "ngs_band": a.ngs_band if a else None,
        "ngs_clone_trackable": a.ngs_clone_trackable if a else None,
    }


# The order of ParticipantSummary.km: [AVAL_DAYS, CNSR] per parameter; a participant outside a responder
# analysis has NOT_IN_ANALYSIS there.
KM_PARAMS = (PARAM_OS, PARAM_EFS, PARAM_OS_HSCT, PARAM_EFS_HSCT, *RESPONDER_PARAMS)
NOT_IN_ANALYSIS = (0, -1)
KM_KEYS = {"OS": PARAM_OS, "EFS": PARAM_EFS, "EFS_HSCT_CENSORED": PARAM_EFS_HSCT, "OS_HSCT_CENSORED": PARAM_OS_HSCT}
RESPONDER_KM_KEYS = {
    "RFS": PARAM_RFS,
    "RFS_HSCT_CENSORED": PARAM_RFS_HSCT,
    "DOR": PARAM_DOR,
    "DOR_HSCT_CENSORED": PARAM_DOR_HSCT,
}
CIF_KEYS = {"CIR": PARAM_CIR, "CIR_HSCT_CENSORED": PARAM_CIR_HSCT}


@dataclass(frozen=True)
class ParticipantSummary:
    """Everything the counts, rates and curves need from one participant, at one cut-off.

    groups: the drill-down keys this participant belongs to (see participant_groups); entry: the
    per-participant block the dashboard pages show, with "adtte" (PARAMCD -> ADTTE row), None when not
    treated or in error; km: (AVAL_DAYS, CNSR) per KM_PARAMS, None likewise; error: why the ADTTE rows
    could not be derived (a data error in one record must not hide everyone else's results); safety: the
    participant's safety block (safety.calculations.participant_safety_block), None when not treated.
    """

    participant_id: str
    groups: tuple[str, ...]
    entry: dict[str, Any] | None = None
    km: tuple[int, ...] | None = None
    error: str | None = None
    safety: dict[str, Any] | None = None


def summarise(p: ParticipantData, cutoff: date, cap_years: int | None = 5) -> ParticipantSummary:
    """One participant's endpoint values at `cutoff` (DOMAIN 3.2-3.4, 5.5)."""
    pid = p.participant_id
    if not p.enrolled(cutoff):  # enrolled after the cut-off: the cut-off does not count them at all
        return ParticipantSummary(pid, ("enrolled_after_cutoff",))
    if not p.treated(cutoff):
        return ParticipantSummary(pid, ("all", "not_treated"))
    groups = ["all", "treated"]
    safety = participant_safety_block(p.safety, c1d1=p.c1d1, death_date=p.death_date, cutoff=cutoff)
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
    groups += mrd_groups(p, cutoff)
    groups += safety_group_keys(safety)
    try:
        rows = {
            PARAM_OS: derive_os(p, cutoff, cap_years),
            PARAM_EFS: derive_efs(p, cutoff, cap_years),
            PARAM_OS_HSCT: derive_os(p, cutoff, cap_years, censor_at_hsct=True),
            PARAM_EFS_HSCT: derive_efs(p, cutoff, cap_years, censor_at_hsct=True),
            **derive_responder_rows(p, cutoff, cap_years),
        }
    except ValueError as exc:
        return ParticipantSummary(pid, tuple(groups), error=str(exc), safety=safety)
    km: list[int] = []
    if PARAM_RFS in rows:
        groups.append("responder")
    for paramcd in KM_PARAMS:
        row = rows.get(paramcd)
        if row is None:
            km += NOT_IN_ANALYSIS
            continue
        outcome = "competing" if row.CNSR == CNSR_COMPETING else ("event" if row.event else "censored")
        groups.append(f"{paramcd}.{outcome}")
        km += [row.AVAL_DAYS, row.CNSR]
    facts = remission_facts(p, cutoff)
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
        "first_remission_date": facts[0].isoformat() if facts else None,
        "adtte": {paramcd: row.to_dict() for paramcd, row in rows.items() if row is not None},
    }
    return ParticipantSummary(pid, tuple(groups), entry, tuple(km), safety=safety)


def participant_groups(summaries: Iterable[ParticipantSummary]) -> dict[str, list[str]]:
    """The participant ids behind every count the dashboard shows (drill-down lists), sorted.

    Keys: "all" (enrolled by the cut-off), "treated", "not_treated", "enrolled_after_cutoff";
    "primary.<TP>.<RESPONDER|NON_RESPONDER|NOT_EVALUABLE|PENDING>" and
    "primary.<TP>.NE.<reason>" (and "primary_cri." for the CR/CRh/CRi variant); "response.<TP>.<category>"
    (categories of RESPONSES, "missing", "pending", "CR_CRI"); "<PARAMCD>.event" / "<PARAMCD>.censored" (and
    "CIR.competing", "CIRHSCT.competing"); "responder"; the MRD keys of mrd.mrd_groups ("mrd.<TP>.PENDING",
    "mrd.<cut>.<TP>.<all|rem>.<NEG|POS|NE>", "mrd.ngs.<TP>.band.<band>", "concord.<TP>.<flow>.<NGS>", ...); the
    safety keys of safety.calculations.safety_group_keys ("safety.ae.<any|g3>.<AE table row key>",
    "safety.<crs|icans>.<any|g3>", "safety.death.<30|60>", "safety.sae", "safety.boundary").
    """
    groups: dict[str, list[str]] = {"all": [], "treated": [], "not_treated": []}
    for summary in summaries:
        for key in summary.groups:
            groups.setdefault(key, []).append(summary.participant_id)
    return {key: sorted(ids) for key, ids in sorted(groups.items())}


def tally_groups(
    before: Mapping[str, Mapping[str, int]],
    removed: Iterable[tuple[str, Sequence[str]]],
    added: Iterable[tuple[str, Sequence[str]]],
) -> dict[str, Counter]:
    """Site code -> group key -> number of participants, from the counts `before` a change, the (site code,
    groups) of the participant rows it removed and of those it added. Keys and sites counted 0 are dropped,
    as a count of the rows themselves would not list them."""
    out = {code: Counter(counts) for code, counts in before.items()}
    for code, groups in removed:
        out.setdefault(code, Counter()).subtract(groups)
    for code, groups in added:
        out.setdefault(code, Counter()).update(groups)
    if any(n < 0 for counts in out.values() for n in counts.values()):
        raise ValueError("a group count fell below 0: the counts do not belong to these rows")
    tallies = {code: Counter({k: n for k, n in counts.items() if n}) for code, counts in out.items()}
    return {code: counts for code, counts in tallies.items() if counts}


def _primary_from_counts(counts: Counter, prefix: str, tp: str, include_cri: bool) -> dict[str, Any]:
    ne_prefix = f"{prefix}.{tp}.NE."
    ne_reasons = {key[len(ne_prefix) :]: n for key, n in counts.items() if key.startswith(ne_prefix) and n}
    return primary_block(
        tp,
        include_cri,
        0.1,
        counts["treated"],
        counts[f"{prefix}.{tp}.{RESPONDER}"],
        ne_reasons,
        counts[f"{prefix}.{tp}.{PENDING}"],
    )


def _responses_from_counts(counts: Counter, tp: str) -> dict[str, Any]:
    n = counts["treated"]
    table = {r: counts[f"response.{tp}.{r}"] for r in (*RESPONSES, "missing", PENDING_RESPONSE)}
    return {
        "timepoint": tp,
        "n_treated": n,
        "counts": table,
        "cr": rate_with_ci(table[CR], n),
        "cr_cri": rate_with_ci(counts[f"response.{tp}.CR_CRI"], n),
        "definition_text": response_definition_text(tp),
    }


def km_matrix(km_inputs: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """The KM inputs as one integer matrix, a row per participant and a column pair per KM_PARAMS entry."""
    return np.asarray(km_inputs, dtype=np.int64).reshape(-1, 2 * len(KM_PARAMS))


def km_digest(km_inputs: Sequence[Sequence[int]] | np.ndarray, paramcd: str) -> str:
    """A fingerprint of the multiset of (AVAL_DAYS, CNSR) of one parameter: equal fingerprints, equal curves."""
    i = 2 * KM_PARAMS.index(paramcd)
    pairs = km_matrix(km_inputs)[:, i : i + 2]
    ordered = np.ascontiguousarray(pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))])
    return hashlib.sha1(ordered.tobytes(), usedforsecurity=False).hexdigest()


def _column(km: np.ndarray, paramcd: str) -> tuple[list[int], list[int]]:
    """(AVAL_DAYS, CNSR) of the participants inside one analysis (NOT_IN_ANALYSIS dropped), as Python ints."""
    i = 2 * KM_PARAMS.index(paramcd)
    pairs = km[km[:, i + 1] >= 0][:, i : i + 2]
    return pairs[:, 0].tolist(), pairs[:, 1].tolist()


def _responders(
    counts: Counter, km: np.ndarray, previous: dict[str, Any] | None, digests: dict[str, str]
) -> dict[str, Any]:
    """RFS and DOR (Kaplan-Meier), CIR and CID (Aalen-Johansen), each with its HSCT sensitivity; a curve whose
    inputs did not change since `previous` is taken from it."""
    before = (previous or {}).get("responders", {})
    old_digests = (previous or {}).get("km_digests", {})
    out: dict[str, Any] = {"n_responders": counts["responder"], "km": {}, "cif": {}}
    for key, paramcd in RESPONDER_KM_KEYS.items():
        digests[key] = km_digest(km, paramcd)
        if old_digests.get(key) == digests[key] and key in before.get("km", {}):
            out["km"][key] = before["km"][key]
            continue
        times, cnsr = _column(km, paramcd)
        out["km"][key] = kaplan_meier(times, [c == 0 for c in cnsr])
    for key, paramcd in CIF_KEYS.items():
        digests[key] = km_digest(km, paramcd)
        death_key = key.replace("CIR", "CID")
        if old_digests.get(key) == digests[key] and key in before.get("cif", {}):
            out["cif"][key], out["cif"][death_key] = before["cif"][key], before["cif"][death_key]
            continue
        times, cnsr = _column(km, paramcd)
        codes = [RELAPSE_CODE if c == 0 else (COMPETING_CODE if c == CNSR_COMPETING else 0) for c in cnsr]
        out["cif"][key] = aalen_johansen(times, codes, RELAPSE_CODE)
        out["cif"][death_key] = aalen_johansen(times, codes, COMPETING_CODE)
    out["conventions"] = list(RESPONDER_CONVENTIONS)
    return out


def aggregate(
    counts: Counter,
    km_inputs: Sequence[Sequence[int]],
    errors: Sequence[dict[str, str]],
    cutoff: date,
    cap_years: int | None = 5,
    previous: dict[str, Any] | None = None,
    alive_sources: Sequence[str] = DEFAULT_ALIVE_SOURCES,
    safety_blocks: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every number the dashboard shows, from the participants' summaries reduced to their group counts
    (key -> number of participants) and their KM inputs (one ParticipantSummary.km per treated
    participant without error). The same function serves a full recompute and an incremental one, so the
    two cannot disagree; tests compare it with primary_endpoint and response_table on random cohorts.

    previous: an earlier result of this function for the same cut-off and CALC_VERSION; a curve whose
    inputs are the same multiset (km_digest) is taken from it instead of being fitted again. alive_sources:
    the names of the records that prove a participant alive, for the conventions text. safety_blocks:
    participant id -> stored safety block of each treated participant (the "safety" results).
    """
    kms, digests = {}, {}
    km = km_matrix(km_inputs)  # converted once: every digest and column below reads it
    for key, paramcd in KM_KEYS.items():
        digests[key] = km_digest(km, paramcd)
        if previous is not None and previous.get("km_digests", {}).get(key) == digests[key]:
            kms[key] = previous["km"][key]
            continue
        i = 2 * KM_PARAMS.index(paramcd)
        kms[key] = kaplan_meier(km[:, i].tolist(), (km[:, i + 1] == 0).tolist())
    responders = _responders(counts, km, previous, digests)
    return {
        "calc_version": CALC_VERSION,
        "cutoff": cutoff.isoformat(),
        "cap_years": cap_years,
        "conventions_text": conventions_text(cap_years, alive_sources=alive_sources),
        "n_participants": counts["all"],
        "n_treated": counts["treated"],
        "primary_endpoint": {tp: _primary_from_counts(counts, "primary", tp, False) for tp in PRIMARY_TIMEPOINTS},
        "primary_endpoint_incl_cri": {
            tp: _primary_from_counts(counts, "primary_cri", tp, True) for tp in PRIMARY_TIMEPOINTS
        },
        "response_tables": {tp: _responses_from_counts(counts, tp) for tp in RESPONSE_TABLE_TIMEPOINTS},
        "km": kms,
        **mrd_from_counts(counts),
        "responders": responders,
        "km_digests": digests,
        "errors": sorted(errors, key=lambda e: e["participant_id"]),
        "safety": safety_results(safety_blocks or {}, counts["treated"]),
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
    safety = {s.participant_id: s.safety for s in summaries if s.safety is not None}
    return aggregate(counts, km_inputs, errors, cutoff, cap_years, previous, safety_blocks=safety)


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
    results["adtte"] = {
        paramcd: [e["adtte"][paramcd] for e in entries if paramcd in e["adtte"]] for paramcd in KM_PARAMS
    }
    results["groups"] = groups
    return results
