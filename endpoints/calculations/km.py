"""Kaplan-Meier: product-limit, Greenwood variance, log-log CI, median and landmarks (DOMAIN 5.3, 5.4)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from lifelines import KaplanMeierFitter

from endpoints.calculations.common import (
    DAYS_PER_MONTH,
    DEFAULT_LANDMARKS_MONTHS,
    DEFAULT_RISK_TIMES_MONTHS,
    AdtteRow,
    clean_float,
    days_to_months,
)

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
