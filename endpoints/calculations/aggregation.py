"""Assembly: the per-participant summary, the conventions text and the aggregation of stored rows."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from assessments.rules import (
    CR,
    RESPONSES,
    composite_cr_cri,
)
from endpoints.calculations.common import (
    CALC_VERSION,
    NOT_EVALUABLE,
    PARAM_EFS,
    PARAM_EFS_HSCT,
    PARAM_OS,
    PARAM_OS_HSCT,
    PRIMARY_TIMEPOINTS,
    RESPONDER,
    RESPONSE_TABLE_TIMEPOINTS,
    ParticipantData,
    clean_float,
    eoc_at,
    rate_with_ci,
)
from endpoints.calculations.efficacy import (
    participant_primary_status,
    participant_response,
    primary_block,
    primary_status,
)
from endpoints.calculations.km import kaplan_meier
from endpoints.calculations.tte import derive_efs, derive_os

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
    a = eoc_at(p, tp, cutoff)
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
    ne_reasons = {key[len(ne_prefix) :]: n for key, n in counts.items() if key.startswith(ne_prefix) and n}
    return primary_block(tp, include_cri, 0.1, counts["treated"], counts[f"{prefix}.{tp}.{RESPONDER}"], ne_reasons)


def _responses_from_counts(counts: Counter, tp: str) -> dict[str, Any]:
    n = counts["treated"]
    table = {r: counts[f"response.{tp}.{r}"] for r in (*RESPONSES, "missing")}
    return {
        "timepoint": tp,
        "n_treated": n,
        "counts": table,
        "cr": rate_with_ci(table[CR], n),
        "cr_cri": rate_with_ci(counts[f"response.{tp}.CR_CRI"], n),
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
