"""Words for the drill-down keys of the stored results (calculations.participant_groups), for the group page,
in the active language.

A key the function does not know is shown as it is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from safety.calculations import DEATH_WINDOWS_DAYS, DRUG_LABELS, SAFETY_GROUP_PREFIX, BoundarySettings
from safety.rules import AESI_LABELS

TIMEPOINTS = {"EOC1": "EOC1", "EOC2": "EOC2", "BY_EOC2": _("by EOC2")}
CLASSES = {"NEG": _("negative"), "POS": _("positive"), "NE": _("not evaluable or missing")}
CUTS = {"flow1e-3": _("flow MRD < 0.1 %"), "flow1e-4": _("flow MRD < 0.01 %")}
DENOMINATORS = {"all": _("all treated"), "rem": _("in CR, CRh or CRi")}
BANDS = {
    "LT_1E-6": _("below 10⁻⁶ (negative)"),
    "1E-6_TO_LT_1E-4": _("10⁻⁶ to < 10⁻⁴"),
    "GE_1E-4": _("10⁻⁴ or more"),
    "POS_NQ": _("positive, not quantifiable"),
}
ANALYSES = {
    "OS": _("overall survival"),
    "EFS": _("event-free survival"),
    "OSHSCT": _("OS censored at HSCT"),
    "EFSHSCT": _("EFS censored at HSCT"),
    "RFS": _("relapse-free survival"),
    "RFSHSCT": _("RFS censored at HSCT"),
    "DOR": _("duration of response"),
    "DORHSCT": _("DOR censored at HSCT"),
    "CIR": _("cumulative incidence of relapse"),
    "CIRHSCT": _("CIR censored at HSCT"),
}
OUTCOMES = {"event": _("event"), "censored": _("censored"), "competing": _("competing event (death in remission)")}
REASONS = {
    "MISSING_ASSESSMENT": _("missing assessment"),
    "MRD_MISSING": _("mrd missing"),
    "MRD_NE": _("mrd ne"),
    "MRD_NOT_EVALUABLE": _("mrd not evaluable"),
    "INSUFFICIENT_SENSITIVITY": _("insufficient sensitivity"),
    "LOD_MISSING": _("lod missing"),
    "VALUE_MISSING": _("value missing"),
    "NO_TRACKABLE_CLONE": _("no trackable clone"),
    "RESPONSE_NE": _("response ne"),
}


def _reason(parts: list[str]) -> str:
    if not parts:
        return ""
    words = REASONS.get(parts[0], parts[0].replace("_", " ").lower())
    return gettext(" (%(reason)s)") % {"reason": words}


def _mrd_label(parts: list[str]) -> str | None:
    if len(parts) == 2 and parts[1] == "PENDING":
        return gettext("%(timepoint)s: pending (landmark after the cut-off, no marrow yet)") % {"timepoint": parts[0]}
    if len(parts) == 2 and parts[1] == "DUE":
        return gettext("%(timepoint)s: treated, not pending (MRD denominator)") % {"timepoint": parts[0]}
    if len(parts) == 2 and parts[1] == "rem":
        return gettext("%(timepoint)s: in CR, CRh or CRi") % {"timepoint": parts[0]}
    if parts[0] in CUTS and len(parts) >= 4:
        cut, tp, denominator, status, *rest = parts
        return gettext("%(cut)s at %(timepoint)s, %(denominator)s: %(status)s%(reason)s") % {
            "cut": CUTS[cut],
            "timepoint": tp,
            "denominator": DENOMINATORS[denominator],
            "status": CLASSES.get(status, status),
            "reason": _reason(rest),
        }
    if parts[0] == "ngs" and len(parts) >= 3:
        tp = parts[1]
        if parts[2] == "band" and len(parts) == 4:
            return gettext("NGS MRD at %(timepoint)s: %(status)s") % {
                "timepoint": tp,
                "status": BANDS.get(parts[3], parts[3]),
            }
        return gettext("NGS MRD at %(timepoint)s: %(status)s") % {
            "timepoint": tp,
            "status": f"{CLASSES.get(parts[2], parts[2])}{_reason(parts[3:])}",
        }
    return None


SAFETY_COLUMNS = {"any": _("any grade"), "g3": _("worst grade 3 or higher")}
SYNDROMES = {
    "crs": _("cytokine release syndrome (CRS)"),
    "icans": _("immune effector cell-associated neurotoxicity syndrome (ICANS)"),
}


def _ae_row_label(row: str) -> str:
    """The AE table row of a key ('related:blinatumomab', 'term:<SOC>|<term>', ...) in words."""
    kind, _sep, rest = row.partition(":")
    if row == "any":
        return gettext("any treatment-emergent adverse event")
    if row == "serious":
        return gettext("serious treatment-emergent adverse event")
    if kind == "related" and rest:
        return gettext("treatment-emergent adverse event related to %(drug)s") % {
            "drug": gettext(DRUG_LABELS[rest]).lower()
        }
    if kind == "aesi" and rest:
        return gettext("adverse event of special interest: %(group)s") % {"group": gettext(AESI_LABELS[rest])}
    if kind == "soc" and rest:
        return gettext("treatment-emergent adverse event in %(soc)s (system organ class)") % {"soc": rest}
    if kind == "term" and "|" in rest:
        soc, term = rest.split("|", 1)
        return gettext("treatment-emergent %(term)s (%(soc)s)") % {"term": term, "soc": soc}
    raise KeyError(row)


def _safety_label(rest: str) -> str | None:
    """'ae.g3.related:blinatumomab' (a key without its 'safety.' prefix) in words."""
    settings = BoundarySettings()
    kind, _sep, tail = rest.partition(".")
    if kind == "ae":
        column, _sep, row = tail.partition(".")
        if row in ("grade3plus", "grade5"):  # both columns hold the same participants
            if column not in SAFETY_COLUMNS:
                return None
            if row == "grade3plus":
                return gettext("treatment-emergent adverse event of grade 3 or higher")
            return gettext("treatment-emergent adverse event of grade 5 (fatal)")
        return gettext("%(row)s, %(column)s") % {"row": _ae_row_label(row), "column": SAFETY_COLUMNS[column]}
    if kind in SYNDROMES and tail in SAFETY_COLUMNS:
        return gettext("%(syndrome)s, %(column)s (ASTCT 2019)") % {
            "syndrome": SYNDROMES[kind],
            "column": SAFETY_COLUMNS[tail],
        }
    if kind == "death" and tail.isdigit() and int(tail) in DEATH_WINDOWS_DAYS:
        return gettext("death within %(days)s days of the first dose (study day 1 to %(days)s)") % {"days": tail}
    if rest == "sae":
        return gettext("at least one serious treatment-emergent adverse event")
    if rest == "boundary":
        terms = gettext(" or ").join(sorted(gettext(t) for t in settings.terms))
        return gettext(
            "safety stopping boundary: a treatment-emergent %(terms)s of grade %(grade)s or higher"
        ) % {"terms": terms, "grade": settings.min_grade}
    return None


PRIMARY_STATUSES = {
    "RESPONDER": _("responders"),
    "NON_RESPONDER": _("non-responders"),
    "NOT_EVALUABLE": _("not evaluable"),
    "PENDING": _("pending"),
}
RESPONSE_CATEGORIES = {
    "RELAPSE": pgettext_lazy("response", "RELAPSE"),
    "missing": pgettext_lazy("response", "missing"),
    "pending": pgettext_lazy("response", "pending"),
    "CR_CRI": "CR/CRh/CRi",
}


def _summary_label(parts: list[str]) -> str | None:
    """The enrolled and treated, the primary endpoint's and the response tables' keys ('treated',
    'primary.EOC1.RESPONDER', 'response.EOC1.CR') in words."""
    from endpoints.presenters import reason_words  # deferred: presenters loads matplotlib

    if parts == ["all"]:
        return gettext("all enrolled participants")
    if parts == ["treated"]:
        return gettext("treated participants")
    if parts[0] in ("primary", "primary_cri") and len(parts) >= 3:
        what = gettext("primary endpoint") if parts[0] == "primary" else gettext("primary endpoint (CR, CRh or CRi)")
        tp = str(TIMEPOINTS.get(parts[1], parts[1]))
        if parts[2] == "NE" and len(parts) >= 4:
            reason = ".".join(parts[3:])
            code_tp, sep, code = reason.rpartition(": ")
            status = gettext("not evaluable (%(reason)s)") % {
                "reason": f"{code_tp}{gettext(': ') if sep else ''}{reason_words(code)}"
            }
        else:
            status = str(PRIMARY_STATUSES.get(parts[2], parts[2]))
        if parts[1] == "BY_EOC2":  # a responder at EOC1 or EOC2: "by", not "at", a timepoint
            return gettext("%(what)s by EOC2: %(status)s") % {"what": what, "status": status}
        return gettext("%(what)s at %(timepoint)s: %(status)s") % {"what": what, "timepoint": tp, "status": status}
    if parts[0] == "response" and len(parts) == 3:
        tp = str(TIMEPOINTS.get(parts[1], parts[1]))
        category = str(RESPONSE_CATEGORIES.get(parts[2], parts[2]))
        if parts[1] == "BY_EOC2":
            return gettext("best response by EOC2: %(category)s") % {"category": category}
        return gettext("response at %(timepoint)s: %(category)s") % {"timepoint": tp, "category": category}
    return None


def group_label(key: str) -> str:
    """'mrd.flow1e-3.EOC1.all.NEG' -> 'flow MRD < 0.1 % at EOC1, all treated: negative'."""
    parts = key.split(".")
    try:
        if parts[0] == "mrd" and len(parts) > 1:
            label = _mrd_label(parts[1:])
        elif parts[0] == "concord" and len(parts) == 4:
            label = gettext("%(timepoint)s: flow MRD %(flow)s, NGS MRD %(ngs)s") % {
                "timepoint": parts[1],
                "flow": CLASSES[parts[2]],
                "ngs": CLASSES[parts[3]],
            }
        elif len(parts) == 2 and parts[0] in ANALYSES and parts[1] in OUTCOMES:
            label = gettext("%(analysis)s: %(outcome)s") % {
                "analysis": str(ANALYSES[parts[0]]).capitalize(),
                "outcome": OUTCOMES[parts[1]],
            }
        elif key.startswith(SAFETY_GROUP_PREFIX):
            label = _safety_label(key.removeprefix(SAFETY_GROUP_PREFIX))
        elif key == "responder":
            label = gettext("In CR, CRh or CRi at EOC1 or EOC2 (responder analyses)")
        else:
            label = _summary_label(parts)
    except KeyError:
        label = None
    return label[0].upper() + label[1:] if label else key
