"""Responder analyses from the first CR/CRh/CRi: relapse-free survival, duration of response and the cumulative
incidence of relapse with death in remission as a competing risk (DOMAIN 5.6 "other outputs", ELN 2022; issue 20).

Rows are ADTTE rows (common.AdtteRow) whose STARTDT is the first remission date; RFS and DOR are estimated by
Kaplan-Meier as OS/EFS (km.kaplan_meier), CIR by Aalen-Johansen (lifelines' AalenJohansenFitter), never as
1 - KM. The conventions are RESPONDER_CONVENTIONS, printed beside the results and in conventions_text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from lifelines import AalenJohansenFitter
from scipy import stats

from assessments.rules import (
    RELAPSE,
    first_remission_date,
    is_remission,
    last_adequate_disease_assessment,
    relapse_date,
)
from blinatrial.wording import gettext_noop
from endpoints.calculations.common import (
    CNSR_COMPETING,
    DAYS_PER_MONTH,
    DEFAULT_LANDMARKS_MONTHS,
    DESC_CAP_TEMPLATE,
    DESC_DEATH,
    DESC_DEATH_IN_REMISSION,
    DESC_DEATH_IN_REMISSION_CENSORED,
    DESC_HSCT,
    DESC_HSCT_BEFORE_REMISSION,
    DESC_LAST_ASSESSMENT,
    DESC_RELAPSE,
    PARAM_CIR,
    PARAM_CIR_HSCT,
    PARAM_DOR,
    PARAM_DOR_HSCT,
    PARAM_RFS,
    PARAM_RFS_HSCT,
    TIMEPOINTS,
    AdtteRow,
    ParticipantData,
    add_years,
    clean_float,
    days_to_months,
    eoc_at,
)

RESPONDER_PARAMS = (PARAM_RFS, PARAM_RFS_HSCT, PARAM_DOR, PARAM_DOR_HSCT, PARAM_CIR, PARAM_CIR_HSCT)
RELAPSE_CODE, COMPETING_CODE = 1, 2  # Aalen-Johansen event codes (0 = censored)
# Competing events are moved this fraction of a day earlier before lifelines sees them, so that no two event
# types share a time (lifelines would otherwise jitter at random); the estimate is read back per whole day.
_TIE_SHIFT = 1e-6

RESPONDER_CONVENTIONS = (
    gettext_noop(
        "Responder analyses (ELN 2022): participants in CR, CRh or CRi at EOC1 or EOC2 on or before the cut-off; "
        "time origin = the first CR/CRh/CRi marrow date (day 1); AVAL = ADT - remission date + 1."
    ),
    gettext_noop(
        "Relapse-free survival (RFS): event = haematologic relapse (date of the documenting sample or exam) or "
        "death from any cause, whichever comes first (same day: relapse); otherwise censored at the last adequate "
        "disease assessment. Kaplan-Meier with log-log CI, as OS/EFS."
    ),
    gettext_noop(
        "Duration of response (DOR): event = haematologic relapse; a death in remission is censored at the death "
        "date; otherwise censored at the last adequate disease assessment. Kaplan-Meier; not the probability of "
        "relapse when deaths in remission occur (see CIR)."
    ),
    gettext_noop(
        "Cumulative incidence of relapse (CIR): relapse is the event, death in remission the competing event "
        "(CNSR 2 in ADTTE), otherwise censored at the last adequate disease assessment; Aalen-Johansen estimate "
        "(lifelines), never 1 - Kaplan-Meier; 95 % CI on the log(-log) scale (Greenwood-type variance, lifelines' "
        "formula). The cumulative incidence of death in remission (CID) is shown beside it; CIR + CID = 1 - RFS."
    ),
    gettext_noop(
        "HSCT sensitivity (RFSHSCT, DORHSCT, CIRHSCT): censored at an allogeneic HSCT before the event (an event "
        "on the HSCT day stays an event; an HSCT before the remission censors at day 1). Dates after C1D1 + the "
        "cap are censored at the cap, as for OS/EFS."
    ),
)


# --------------------------------------------------------------------------- one participant


def _row(
    p: ParticipantData,
    paramcd: str,
    start: date,
    adt: date,
    cnsr: int,
    desc: str,
    cutoff: date,
    cap_years: int | None,
    censor_at_hsct: bool,
) -> AdtteRow:
    hsct = p.hsct_date
    if censor_at_hsct and hsct is not None and hsct <= cutoff and hsct < adt:
        adt, cnsr, desc = (hsct, 1, DESC_HSCT) if hsct >= start else (start, 1, DESC_HSCT_BEFORE_REMISSION)
    if cap_years is not None and p.c1d1 is not None:
        cap = add_years(p.c1d1, cap_years)
        if adt > cap:
            adt, cnsr, desc = max(cap, start), 1, DESC_CAP_TEMPLATE.format(years=cap_years)
    if adt < start:
        raise ValueError(f"{p.participant_id}: {paramcd} date {adt} is before the first remission {start}")
    days = (adt - start).days + 1
    return AdtteRow(p.participant_id, paramcd, start, adt, days, days_to_months(days), cnsr, desc)


def remission_facts(p: ParticipantData, cutoff: date) -> tuple[date, date | None, date | None, date] | None:
    """(first remission, first relapse after it, death, last adequate assessment), all on or before the
    cut-off; None when not in CR/CRh/CRi at EOC1 or EOC2 (same dates as EFS rule 4, DOMAIN 5.5)."""
    if not p.treated(cutoff):
        return None
    assessments = [a for a in (eoc_at(p, tp, cutoff) for tp in TIMEPOINTS) if a is not None]
    start = first_remission_date([(a.marrow_date, a.response) for a in assessments])
    if start is None or not any(is_remission(a.response) for a in assessments):
        return None
    candidates = list(p.relapse_dates) + [
        a.marrow_date for a in assessments if a.response == RELAPSE and a.marrow_date is not None
    ]
    relapse = relapse_date(candidates, cutoff, start)
    death = p.death_date if p.death_date is not None and p.death_date <= cutoff else None
    marrows = [a.marrow_date for a in assessments if a.marrow_date is not None and a.response != "NE"]
    last = last_adequate_disease_assessment([*p.assessment_dates, *marrows], cutoff) or start
    return start, relapse, death, max(last, start)


def derive_responder_rows(p: ParticipantData, cutoff: date, cap_years: int | None = 5) -> dict[str, AdtteRow]:
    """PARAMCD -> ADTTE row of RFS, DOR and CIR and their HSCT-censored variants; {} for a non-responder."""
    facts = remission_facts(p, cutoff)
    if facts is None:
        return {}
    start, relapse, death, last = facts
    if relapse is not None and (death is None or relapse <= death):
        rfs = dor = cir = (relapse, 0, DESC_RELAPSE)
    elif death is not None:
        rfs = (death, 0, DESC_DEATH)
        dor = (death, 1, DESC_DEATH_IN_REMISSION_CENSORED)
        cir = (death, CNSR_COMPETING, DESC_DEATH_IN_REMISSION)
    else:
        rfs = dor = cir = (last, 1, DESC_LAST_ASSESSMENT)
    rows = {}
    for (paramcd, sensitivity), values in zip(
        ((PARAM_RFS, PARAM_RFS_HSCT), (PARAM_DOR, PARAM_DOR_HSCT), (PARAM_CIR, PARAM_CIR_HSCT)),
        (rfs, dor, cir),
        strict=True,
    ):
        rows[paramcd] = _row(p, paramcd, start, *values, cutoff, cap_years, censor_at_hsct=False)
        rows[sensitivity] = _row(p, sensitivity, start, *values, cutoff, cap_years, censor_at_hsct=True)
    return rows


# --------------------------------------------------------------------------- Aalen-Johansen


def _variance(cif: np.ndarray, lag_s: np.ndarray, n: np.ndarray, d: np.ndarray, d_k: np.ndarray) -> np.ndarray:
    """lifelines' variance of the cumulative incidence (Collett 3rd ed. p. 411), vectorised over event times."""
    diff = np.tril(cif[:, None] - cif[None, :])  # [j, i] = F(t_j) - F(t_i) for t_i <= t_j
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.where(n > d, d / (n * (n - d)), 0.0)
    first = (diff**2) @ greenwood
    second = np.cumsum(lag_s**2 * d_k * (n - d_k) / n**3)
    third = diff @ (lag_s * d_k / n**2)
    return np.maximum(first + second - 2 * third, 0.0)


def _exp_neg_exp(x: float) -> float:
    """exp(-exp(x)); 0 where exp(x) overflows, as numpy (and so lifelines) gives it."""
    return 0.0 if x > 709.0 else math.exp(-math.exp(x))


def _log_log_ci(f: float, var: float, z: float) -> tuple[float | None, float | None]:
    if not 0.0 < f < 1.0:
        return None, None
    se = math.sqrt(var) / (f * abs(math.log(f)))
    a = _exp_neg_exp(math.log(-math.log(f)) + z * se)
    b = _exp_neg_exp(math.log(-math.log(f)) - z * se)
    return clean_float(min(a, b)), clean_float(max(a, b))


def _empty_cif(n: int, codes: np.ndarray, event_of_interest: int, conf_level: float) -> dict[str, Any]:
    return {
        "n": n,
        "n_events": int(np.sum(codes == event_of_interest)),
        "n_competing": int(np.sum((codes != 0) & (codes != event_of_interest))),
        "n_censored": int(np.sum(codes == 0)),
        "event_of_interest": event_of_interest,
        "conf_level": conf_level,
        "conf_type": "log(-log)",
        "method": "Aalen-Johansen (lifelines AalenJohansenFitter)",
        "table": [],
        "landmarks": {},
    }


def aalen_johansen(
    times: Sequence[int],
    codes: Sequence[int],
    event_of_interest: int = RELAPSE_CODE,
    conf_level: float = 0.95,
    landmarks_months: Sequence[float] = DEFAULT_LANDMARKS_MONTHS,
) -> dict[str, Any]:
    """Cumulative incidence of `event_of_interest` with the other codes competing (0 = censored), whole days.

    Table rows per distinct time with an event of any kind or a censoring: n_risk, n_event (of interest),
    n_competing, n_censor, cif, se, lcl, ucl. Landmarks as for Kaplan-Meier (not estimable beyond the
    longest follow-up). Ties: all events at a time count before the censorings at that time.
    """
    t = np.asarray(times, dtype=float)
    e = np.asarray(codes, dtype=int)
    if t.shape != e.shape:
        raise ValueError("times and codes must have the same length")
    result = _empty_cif(len(t), e, event_of_interest, conf_level)
    if len(t) == 0:
        return result
    if np.any(t < 0) or np.any(t != np.round(t)):
        raise ValueError("times must be whole days >= 0")
    shifted = np.where((e != 0) & (e != event_of_interest), t - _TIE_SHIFT, t)
    fitter = AalenJohansenFitter(calculate_variance=False).fit(shifted, e, event_of_interest=event_of_interest)
    fitted = fitter.cumulative_density_.iloc[:, 0]
    day_of = np.ceil(fitted.index.to_numpy() - _TIE_SHIFT / 2)
    cif_at = {float(day): float(value) for day, value in zip(day_of, fitted.to_numpy(), strict=True)}  # last wins
    days, index = np.unique(t, return_inverse=True)
    n = (len(t) - np.searchsorted(np.sort(t), days, side="left")).astype(float)
    d_k = np.bincount(index, weights=(e == event_of_interest), minlength=len(days))
    d_all = np.bincount(index, weights=(e != 0), minlength=len(days))
    n_censor = np.bincount(index, weights=(e == 0), minlength=len(days))
    s = np.cumprod(1 - d_all / n)
    lag_s = np.concatenate(([1.0], s[:-1]))
    cif = np.array([cif_at[float(day)] for day in days])
    var = _variance(cif, lag_s, n, d_all, d_k)
    z = float(stats.norm.ppf(1 - (1 - conf_level) / 2))
    rows = []
    for i, day in enumerate(days):
        lcl, ucl = _log_log_ci(cif[i], var[i], z)
        rows.append(
            {
                "time": float(day),
                "n_risk": int(n[i]),
                "n_event": int(d_k[i]),
                "n_competing": int(d_all[i] - d_k[i]),
                "n_censor": int(n_censor[i]),
                "cif": float(cif[i]),
                "se": clean_float(math.sqrt(var[i])),
                "lcl": lcl,
                "ucl": ucl,
            }
        )
    result["table"] = rows
    landmarks = {}
    for months in landmarks_months:
        limit = months * DAYS_PER_MONTH
        entry: dict[str, Any] = {"months": months, "days": limit, "cif": None, "lcl": None, "ucl": None}
        if limit <= float(np.max(t)):
            entry.update({"cif": 0.0})
            for row in rows:
                if row["time"] > limit:
                    break
                entry.update({k: row[k] for k in ("cif", "lcl", "ucl")})
        landmarks[f"{months:g}m"] = entry
    result["landmarks"] = landmarks
    return result
