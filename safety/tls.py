"""Laboratory and clinical tumour lysis syndrome by Cairo-Bishop 2004 (DOMAIN.md 4.5, decision 12). Pure.

Laboratory TLS: two or more of uric acid, potassium, phosphate and corrected calcium meet their
criterion within the window around a cycle's day 1 (default 3 days before to 7 days after); a
criterion is met by the absolute limit or by a 25 % change from the participant's baseline (increase
for uric acid, potassium and phosphate, decrease for calcium). Clinical TLS: laboratory TLS plus
creatinine >= 1.5 x ULN (in the window), cardiac arrhythmia or seizure.

Decisions where DOMAIN leaves room:
- The window is counted in calendar days from day 1: day 1 itself is offset 0, "3 days before" is
  day 1 - 3 days and "7 days after" is day 1 + 7 days, both ends included.
- Baseline = the last value of the analyte dated before day 1 (ties: the last one given). A change
  from baseline is judged only for values dated after the baseline value; the absolute limit applies
  to every value in the window.
- By default two analytes may meet their criterion on different days of the window (Cairo-Bishop's
  "within 3 days before or 7 days after"); ``TlsCriteria.same_day=True`` asks for the same day.
- Values are in the units of ``TLS_UNITS``; ``to_tls_unit`` converts the conventional units once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext, gettext_noop

from blinatrial.dates import shown_date

from .boundaries import at_least, at_most

URIC_ACID, POTASSIUM, PHOSPHATE, CALCIUM, CREATININE = "uric_acid", "potassium", "phosphate", "calcium", "creatinine"
LAB_ANALYTES = (URIC_ACID, POTASSIUM, PHOSPHATE, CALCIUM)  # the four laboratory criteria
TLS_ANALYTES = (*LAB_ANALYTES, CREATININE)
TLS_UNITS: dict[str, str] = {
    URIC_ACID: "µmol/L",
    POTASSIUM: "mmol/L",
    PHOSPHATE: "mmol/L",
    CALCIUM: "mmol/L",
    CREATININE: "µmol/L",
}
TLS_ANALYTE_LABELS: dict[str, str] = {
    URIC_ACID: gettext_noop("Uric acid"),
    POTASSIUM: gettext_noop("Potassium"),
    PHOSPHATE: gettext_noop("Phosphate"),
    CALCIUM: gettext_noop("Calcium (corrected)"),
    CREATININE: gettext_noop("Creatinine"),
}
# Conventional unit -> factor to the unit of TLS_UNITS (molar masses: uric acid 168.1, phosphorus
# 30.97, calcium 40.08, creatinine 113.1 g/mol).
UNIT_FACTORS: dict[tuple[str, str], float] = {
    (URIC_ACID, "mg/dL"): 59.48,
    (URIC_ACID, "mmol/L"): 1000.0,
    (POTASSIUM, "mEq/L"): 1.0,
    (PHOSPHATE, "mg/dL"): 0.3229,
    (CALCIUM, "mg/dL"): 0.2495,
    (CREATININE, "mg/dL"): 88.42,
}


@dataclass(frozen=True)
class TlsCriteria:
    """Cairo-Bishop settings (DOMAIN 4.5); defaults = DOMAIN defaults for adults."""

    uric_acid_min: float = 476.0  # µmol/L (8 mg/dL), criterion when >=
    potassium_min: float = 6.0  # mmol/L, when >=
    phosphate_min: float = 1.45  # mmol/L (4.5 mg/dL), when >=
    calcium_max: float = 1.75  # mmol/L corrected (7 mg/dL), when <=
    change_fraction: float = 0.25  # 25 % change from baseline
    creatinine_uln_multiple: float = 1.5  # clinical TLS when creatinine >= 1.5 x ULN
    same_day: bool = False  # True: the two laboratory criteria must be met on the same day
    baseline_lookback_days: int | None = None  # None: any earlier value may be the baseline


TLS_CRITERIA = TlsCriteria()


@dataclass(frozen=True)
class TlsLabValue:
    analyte: str  # one of TLS_ANALYTES
    day: date
    value: float  # in TLS_UNITS[analyte]


@dataclass(frozen=True)
class TlsResult:
    laboratory: bool
    clinical: bool
    criteria: tuple[str, ...]  # human-readable, one line per criterion met
    baseline: dict[str, float]  # analyte -> baseline value
    met_analytes: tuple[str, ...] = ()  # laboratory analytes meeting their criterion, in LAB_ANALYTES order


def to_tls_unit(analyte: str, value: float, unit: str) -> float:
    """A value in a conventional unit (mg/dL, mEq/L) converted to the unit of ``TLS_UNITS``."""
    if unit == TLS_UNITS.get(analyte) or (unit == "umol/L" and TLS_UNITS.get(analyte) == "µmol/L"):
        return value
    try:
        return value * UNIT_FACTORS[(analyte, unit)]
    except KeyError:
        raise ValueError(f"No conversion of {analyte} from {unit}.") from None


def _baselines(cycle_day1: date, values: Sequence[TlsLabValue], lookback: int | None) -> dict[str, TlsLabValue]:
    earliest = None if lookback is None else cycle_day1 - timedelta(days=lookback)
    found: dict[str, TlsLabValue] = {}
    for v in values:
        usable = v.day < cycle_day1 and (earliest is None or v.day >= earliest)
        if usable and (v.analyte not in found or v.day >= found[v.analyte].day):
            found[v.analyte] = v
    return found


def _fmt(x: float) -> str:
    return f"{x:g}"


def _criterion(v: TlsLabValue, base: TlsLabValue | None, c: TlsCriteria) -> str | None:
    """The human reason this value meets its laboratory criterion, or None."""
    label, unit = gettext(TLS_ANALYTE_LABELS[v.analyte]), TLS_UNITS[v.analyte]
    head = gettext("%(analyte)s %(value)s %(unit)s on %(day)s") % {
        "analyte": label,
        "value": _fmt(v.value),
        "unit": unit,
        "day": shown_date(v.day),
    }
    limit = {URIC_ACID: c.uric_acid_min, POTASSIUM: c.potassium_min, PHOSPHATE: c.phosphate_min}.get(v.analyte)
    if v.analyte == CALCIUM:
        if at_most(v.value, c.calcium_max):
            return gettext("%(value)s (at or below %(limit)s %(unit)s)") % {
                "value": head,
                "limit": _fmt(c.calcium_max),
                "unit": unit,
            }
    elif at_least(v.value, limit):
        return gettext("%(value)s (at or above %(limit)s %(unit)s)") % {
            "value": head,
            "limit": _fmt(limit),
            "unit": unit,
        }
    if base is None or v.day <= base.day or base.value <= 0:
        return None
    change = (v.value - base.value) / base.value
    if v.analyte == CALCIUM:
        met = at_most(v.value, base.value * (1 - c.change_fraction))
    else:
        met = at_least(v.value, base.value * (1 + c.change_fraction))
    if not met:
        return None
    return gettext("%(value)s (%(change)s %% from baseline %(baseline)s %(unit)s on %(day)s)") % {
        "value": head,
        "change": f"{change * 100:+.0f}",
        "baseline": _fmt(base.value),
        "unit": unit,
        "day": shown_date(base.day),
    }


def tls_assessment(
    cycle_day1: date,
    values: Sequence[TlsLabValue],
    *,
    creatinine_uln: float,
    arrhythmia: bool = False,
    seizure: bool = False,
    window_before: int = 3,
    window_after: int = 7,
    criteria: TlsCriteria = TLS_CRITERIA,
) -> TlsResult:
    """Cairo-Bishop laboratory and clinical TLS around one cycle's day 1 (DOMAIN 4.5; see module docstring)."""
    unknown = sorted({v.analyte for v in values} - set(TLS_ANALYTES))
    if unknown:
        raise ValueError(f"Unknown TLS analyte(s): {', '.join(unknown)}.")
    baselines = _baselines(cycle_day1, values, criteria.baseline_lookback_days)
    first, last = cycle_day1 - timedelta(days=window_before), cycle_day1 + timedelta(days=window_after)
    in_window = sorted((v for v in values if first <= v.day <= last), key=lambda v: v.day)

    reasons: dict[str, str] = {}  # analyte -> first reason
    days_met: dict[date, set[str]] = defaultdict(set)
    creatinine_reason = None
    creatinine_limit = criteria.creatinine_uln_multiple * creatinine_uln
    for v in in_window:
        if v.analyte == CREATININE:
            if creatinine_reason is None and at_least(v.value, creatinine_limit):
                creatinine_reason = gettext(
                    "Creatinine %(value)s µmol/L on %(day)s (at or above %(multiple)s x ULN = %(limit)s µmol/L)"
                ) % {
                    "value": _fmt(v.value),
                    "day": shown_date(v.day),
                    "multiple": _fmt(criteria.creatinine_uln_multiple),
                    "limit": _fmt(round(creatinine_limit, 6)),
                }
            continue
        reason = _criterion(v, baselines.get(v.analyte), criteria)
        if reason is not None:
            reasons.setdefault(v.analyte, reason)
            days_met[v.day].add(v.analyte)

    same_day_pairs = any(len(analytes) >= 2 for analytes in days_met.values())
    laboratory = same_day_pairs if criteria.same_day else len(reasons) >= 2
    clinical_reasons = [
        r
        for r in (
            creatinine_reason,
            gettext("Cardiac arrhythmia") if arrhythmia else None,
            gettext("Seizure") if seizure else None,
        )
        if r is not None
    ]
    met = tuple(a for a in LAB_ANALYTES if a in reasons)
    return TlsResult(
        laboratory=laboratory,
        clinical=laboratory and bool(clinical_reasons),
        criteria=tuple(reasons[a] for a in met) + tuple(clinical_reasons),
        baseline={a: b.value for a, b in baselines.items()},
        met_analytes=met,
    )
