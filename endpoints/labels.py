"""Words for the drill-down keys of the stored results (calculations.participant_groups), for the group page.

A key the function does not know is shown as it is stored.
"""

from __future__ import annotations

from safety.calculations import DEATH_WINDOWS_DAYS, DRUG_LABELS, SAFETY_GROUP_PREFIX, BoundarySettings
from safety.rules import AESI_LABELS

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


TEAE = "treatment-emergent adverse event"
SAFETY_COLUMNS = {"any": "any grade", "g3": "worst grade 3 or higher"}
SYNDROMES = {
    "crs": "cytokine release syndrome (CRS)",
    "icans": "immune effector cell-associated neurotoxicity syndrome (ICANS)",
}


def _ae_row_label(row: str) -> str:
    """The AE table row of a key ('related:blinatumomab', 'term:<SOC>|<term>', ...) in words."""
    fixed = {"any": f"any {TEAE}", "serious": f"serious {TEAE}"}
    kind, _, rest = row.partition(":")
    if row in fixed:
        return fixed[row]
    if kind == "related" and rest:
        return f"{TEAE} related to {DRUG_LABELS[rest].lower()}"
    if kind == "aesi" and rest:
        return f"adverse event of special interest: {AESI_LABELS[rest]}"
    if kind == "soc" and rest:
        return f"{TEAE} in {rest} (system organ class)"
    if kind == "term" and "|" in rest:
        soc, term = rest.split("|", 1)
        return f"treatment-emergent {term} ({soc})"
    raise KeyError(row)


def _safety_label(rest: str) -> str | None:
    """'ae.g3.related:blinatumomab' (a key without its 'safety.' prefix) in words."""
    settings = BoundarySettings()
    kind, _, tail = rest.partition(".")
    if kind == "ae":
        column, _, row = tail.partition(".")
        if row == "grade3plus":  # both columns hold the same participants
            return f"{TEAE} of grade 3 or higher" if column in SAFETY_COLUMNS else None
        if row == "grade5":
            return f"{TEAE} of grade 5 (fatal)" if column in SAFETY_COLUMNS else None
        return f"{_ae_row_label(row)}, {SAFETY_COLUMNS[column]}"
    if kind in SYNDROMES and tail in SAFETY_COLUMNS:
        return f"{SYNDROMES[kind]}, {SAFETY_COLUMNS[tail]} (ASTCT 2019)"
    if kind == "death" and tail.isdigit() and int(tail) in DEATH_WINDOWS_DAYS:
        return f"death within {tail} days of the first dose (study day 1 to {tail})"
    if rest == "sae":
        return f"at least one serious {TEAE}"
    if rest == "boundary":
        terms = " or ".join(sorted(settings.terms))
        return f"safety stopping boundary: a treatment-emergent {terms} of grade {settings.min_grade} or higher"
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
        elif key.startswith(SAFETY_GROUP_PREFIX):
            label = _safety_label(key.removeprefix(SAFETY_GROUP_PREFIX))
        elif key == "responder":
            label = "In CR, CRh or CRi at EOC1 or EOC2 (responder analyses)"
        else:
            label = None
    except KeyError:
        label = None
    return label[0].upper() + label[1:] if label else key
