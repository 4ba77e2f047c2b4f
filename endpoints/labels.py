"""Words for the drill-down keys of the stored results (calculations.participant_groups), for the group page.

A key the function does not know is shown as it is stored.
"""

from __future__ import annotations

TIMEPOINTS = {"EOC1": "EOC1", "EOC2": "EOC2", "BY_EOC2": "by EOC2"}
CLASSES = {"NEG": "negative", "POS": "positive", "NE": "not evaluable or missing"}
CUTS = {"flow1e-3": "flow MRD < 0.1 %", "flow1e-4": "flow MRD < 0.01 %"}
DENOMINATORS = {"all": "all treated", "rem": "in CR, CRh or CRi"}
BANDS = {
    "LT_1E-6": "below 10⁻⁶ (negative)",
    "1E-6_TO_LT_1E-4": "10⁻⁶ to < 10⁻⁴",
    "GE_1E-4": "10⁻⁴ or more",
    "POS_NQ": "positive, not quantifiable",
}
ANALYSES = {
    "OS": "overall survival",
    "EFS": "event-free survival",
    "OSHSCT": "OS censored at HSCT",
    "EFSHSCT": "EFS censored at HSCT",
    "RFS": "relapse-free survival",
    "RFSHSCT": "RFS censored at HSCT",
    "DOR": "duration of response",
    "DORHSCT": "DOR censored at HSCT",
    "CIR": "cumulative incidence of relapse",
    "CIRHSCT": "CIR censored at HSCT",
}
OUTCOMES = {"event": "event", "censored": "censored", "competing": "competing event (death in remission)"}


def _reason(parts: list[str]) -> str:
    return f" ({parts[0].replace('_', ' ').lower()})" if parts else ""


def _mrd_label(parts: list[str]) -> str | None:
    if len(parts) == 2 and parts[1] == "PENDING":
        return f"{parts[0]}: pending (landmark after the cut-off, no marrow yet)"
    if len(parts) == 2 and parts[1] == "DUE":
        return f"{parts[0]}: treated, not pending (MRD denominator)"
    if len(parts) == 2 and parts[1] == "rem":
        return f"{parts[0]}: in CR, CRh or CRi"
    if parts[0] in CUTS and len(parts) >= 4:
        cut, tp, denominator, status, *rest = parts
        return f"{CUTS[cut]} at {tp}, {DENOMINATORS[denominator]}: {CLASSES.get(status, status)}{_reason(rest)}"
    if parts[0] == "ngs" and len(parts) >= 3:
        tp = parts[1]
        if parts[2] == "band" and len(parts) == 4:
            return f"NGS MRD at {tp}: {BANDS.get(parts[3], parts[3])}"
        return f"NGS MRD at {tp}: {CLASSES.get(parts[2], parts[2])}{_reason(parts[3:])}"
    return None


def group_label(key: str) -> str:
    """'mrd.flow1e-3.EOC1.all.NEG' -> 'flow MRD < 0.1 % at EOC1, all treated: negative'."""
    parts = key.split(".")
    try:
        if parts[0] == "mrd" and len(parts) > 1:
            label = _mrd_label(parts[1:])
        elif parts[0] == "concord" and len(parts) == 4:
            label = f"{parts[1]}: flow MRD {CLASSES[parts[2]]}, NGS MRD {CLASSES[parts[3]]}"
        elif len(parts) == 2 and parts[0] in ANALYSES and parts[1] in OUTCOMES:
            label = f"{ANALYSES[parts[0]].capitalize()}: {OUTCOMES[parts[1]]}"
        elif key == "responder":
            label = "In CR, CRh or CRi at EOC1 or EOC2 (responder analyses)"
        else:
            label = None
    except KeyError:
        label = None
    return label[0].upper() + label[1:] if label else key
