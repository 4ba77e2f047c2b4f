"""Stored results -> what the dashboard shows: formatted numbers, drill-down links and SVG plots.

render_panels runs in the Celery task (services.store_snapshot, after the aggregation), once per scope:
"ALL" (every site pooled) and each site alone. Each site's numbers were aggregated from that site's
participant rows only (services.results_from_rows), never cut out of the pooled ones. The request reads
one rendered panel.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from endpoints import calculations as calc
from endpoints import loaders, plots
from endpoints.calculations.mrd import flow_definition_text
from endpoints.models import DashboardPanel
from safety.calculations import (
    BOUNDARY_GROUP_KEY,
    DRUG_LABELS,
    SAE_GROUP_KEY,
    BoundarySettings,
    ae_group_key,
    crs_icans_group_key,
    death_group_key,
)

ALL = DashboardPanel.ALL
PLOT_NAMES = ("os", "efs", "mrd", "swimmer")
_DRAWING = threading.Lock()
TIMEPOINT_LABELS = {"EOC1": "EOC1", "EOC2": "EOC2", "BY_EOC2": _("By EOC2 (either)")}
RESPONSE_COLUMNS = ("CR", "CRh", "CRi", "NR", "RELAPSE", "NE", "missing", "pending")
RESPONSE_COLUMN_LABELS = {
    "RELAPSE": pgettext_lazy("response", "RELAPSE"),
    "missing": pgettext_lazy("response", "missing"),
    "pending": pgettext_lazy("response", "pending"),
}
KM_LABELS = {
    "OS": _("Overall survival"),
    "EFS": _("Event-free survival"),
    "OS_HSCT_CENSORED": _("OS, censored at HSCT (sensitivity)"),
    "EFS_HSCT_CENSORED": _("EFS, censored at HSCT (sensitivity)"),
}
KM_GROUP_PARAM = {
    "OS": "OS",
    "EFS": "EFS",
    "OS_HSCT_CENSORED": "OSHSCT",
    "EFS_HSCT_CENSORED": "EFSHSCT",
    **calc.RESPONDER_KM_KEYS,
}


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}"


def rate_rest(x: int, n: int, ci: list[float], empty: str | None = None) -> str:
    """What follows 'x/N': ' = p % (95 % CI a–b)'."""
    if n == 0:
        return f" ({empty or gettext('none treated')})"
    return f" = {pct(x / n)} % (95 % CI {pct(ci[0])}–{pct(ci[1])})"


def rate_text(x: int, n: int, ci: list[float], empty: str | None = None) -> str:
    """'x/N = p % (95 % CI a–b)', the form the investigators read (DOMAIN 5.1)."""
    return f"{x}/{n}{rate_rest(x, n, ci, empty)}"


def months_text(value: float | None) -> str:
    return gettext("not reached") if value is None else f"{value:.1f}"


@functools.lru_cache(maxsize=256)
def _group_page(cutoff: date, scope: str, prefix: str) -> str:
    """The drill-down page of one cut-off and scope (reversed once, not once per count of a panel)."""
    return reverse("endpoints:group", args=[cutoff.isoformat(), scope])


def _link(cutoff: date, scope: str, key: str) -> str:
    return _group_page(cutoff, scope, get_script_prefix()) + "?" + urlencode({"g": key})


def _primary(block: dict[str, Any], prefix: str, cutoff: date, scope: str) -> list[dict[str, Any]]:
    rows = []
    for tp, pe in block.items():
        rows.append(
            {
                "key": tp,
                "label": TIMEPOINT_LABELS[tp],
                "text": rate_text(pe["n_responders"], pe["n_treated"], pe["ci95"]),
                "rest": rate_rest(pe["n_responders"], pe["n_treated"], pe["ci95"]),
                "responders_url": _link(cutoff, scope, f"{prefix}.{tp}.RESPONDER"),
                "treated_url": _link(cutoff, scope, "treated"),
                "n_responders": pe["n_responders"],
                "n_treated": pe["n_treated"],
                "n_non_responders": pe["n_non_responders"],
                "non_responders_url": _link(cutoff, scope, f"{prefix}.{tp}.NON_RESPONDER"),
                "n_ne": pe["n_not_evaluable"],
                "n_pending": pe.get("n_pending", 0),
                "pending_url": _link(cutoff, scope, f"{prefix}.{tp}.PENDING"),
                "ne_url": _link(cutoff, scope, f"{prefix}.{tp}.NOT_EVALUABLE"),
                "ne_reasons": [
                    {
                        "reason": primary_reason(reason),
                        "n": n,
                        "url": _link(cutoff, scope, f"{prefix}.{tp}.NE.{reason}"),
                    }
                    for reason, n in pe["ne_by_reason"].items()
                ],
                "evaluable_text": rate_text(
                    pe["n_responders"], pe["n_evaluable"], pe["ci95_evaluable"], gettext("none evaluable")
                ),
                "definition": _shown(
                    pe["definition_text"],
                    lambda tp=tp, n=pe["n_treated"]: calc.primary_definition_text(
                        tp, include_cri=prefix == "primary_cri", n_treated=n
                    ),
                ),
            }
        )
    return rows


def _responses(tables: dict[str, Any], cutoff: date, scope: str) -> list[dict[str, Any]]:
    rows = []
    for tp, table in tables.items():
        cells = [
            {"n": table["counts"].get(c, 0), "url": _link(cutoff, scope, f"response.{tp}.{c}")}
            for c in RESPONSE_COLUMNS
        ]
        cr_cri = table["cr_cri"]
        rows.append(
            {
                "label": TIMEPOINT_LABELS[tp],
                "cells": cells,
                "n": table["n_treated"],
                "n_cr_cri": cr_cri["n"],
                "cr_cri_rest": rate_rest(cr_cri["n"], cr_cri["denominator"], cr_cri["ci95"]),
                "cr_cri_url": _link(cutoff, scope, f"response.{tp}.CR_CRI"),
                "cr_text": rate_text(table["cr"]["n"], table["cr"]["denominator"], table["cr"]["ci95"]),
            }
        )
    return rows


def _ci_text(est: float | None, lcl: float | None, ucl: float | None, fmt) -> str:
    if est is None:
        return gettext("not estimable")
    return gettext("%(est)s (%(lcl)s to %(ucl)s)") % {
        "est": fmt(est),
        "lcl": fmt(lcl) if lcl is not None else "–",
        "ucl": fmt(ucl) if ucl is not None else "–",
    }


def _km(km_all: dict[str, Any], cutoff: date, scope: str, labels: dict[str, str] = KM_LABELS) -> list[dict[str, Any]]:
    out = []
    for key, label in labels.items():
        km = km_all[key]
        med = km["median_months"]
        param = KM_GROUP_PARAM[key]
        out.append(
            {
                "key": key,
                "label": label,
                "n": km["n"],
                "n_events": km["n_events"],
                "n_censored": km["n_censored"],
                "events_url": _link(cutoff, scope, f"{param}.event"),
                "censored_url": _link(cutoff, scope, f"{param}.censored"),
                "median_text": gettext("%(est)s (%(lcl)s to %(ucl)s)")
                % {"est": months_text(med["est"]), "lcl": months_text(med["lcl"]), "ucl": months_text(med["ucl"])},
                "landmarks": [
                    {
                        "label": name,
                        "text": _ci_text(lm["surv"], lm["lcl"], lm["ucl"], lambda v: f"{pct(v)} %"),
                    }
                    for name, lm in km["landmarks"].items()
                ],
                "followup_text": months_text(km["median_followup_months"]),
                "at_risk": km["at_risk"],
            }
        )
    return out


def _consort(consort: Any) -> list[dict[str, Any]]:
    """CONSORT funnel rows from results["consort"] (a mapping or a list of steps)."""
    if isinstance(consort, dict):
        items = [
            {"label": CONSORT_LABELS.get(str(k), str(k).replace("_", " ")), "n": v}
            for k, v in consort.items()
            if isinstance(v, int)
        ]
    elif isinstance(consort, list):
        items = [
            {"label": str(s.get("label", s.get("key", ""))), "n": s.get("n", s.get("count"))}
            for s in consort
            if isinstance(s, dict)
        ]
    else:
        items = []
    top = max([i["n"] for i in items if isinstance(i["n"], int)], default=0) or 1
    for item in items:
        item["width"] = round(100 * (item["n"] or 0) / top)
    return items


CONSORT_LABELS = {
    "screened": _("screened"),
    "eligible": _("eligible"),
    "consented": _("consented"),
    "enrolled": _("enrolled"),
    "treated": _("treated"),
}
REASON_WORDS = {
    "MISSING_ASSESSMENT": _("no marrow"),
    "MRD_MISSING": _("no result"),
    "MRD_NE": _("not evaluable"),
    "MRD_NOT_EVALUABLE": _("sample not evaluable"),
    "INSUFFICIENT_SENSITIVITY": _("insufficient sensitivity"),
    "LOD_MISSING": _("LOD missing"),
    "VALUE_MISSING": _("value missing"),
    "NO_TRACKABLE_CLONE": _("no trackable clone"),
    "RESPONSE_NE": _("response not evaluable"),
    "HEMODILUTED": _("hemodiluted aspirate"),
    "MARROW_INADEQUATE": _("marrow inadequate"),
    "NO_CBC_IN_WINDOW": _("no blood count in the window"),
    "COUNTS_MISSING": _("counts missing"),
    "DIFFERENTIAL_MISSING": _("differential missing"),
    "EMD_NOT_ASSESSED": _("EMD not assessed"),
}
FLOW_CUT_LABELS = {calc.FLOW_PROTOCOL: _("< 0.1 % (protocol)"), calc.FLOW_REPORTING: _("< 0.01 % (reporting)")}
NGS_BAND_LABELS = {
    "LT_1E-6": _("< 10⁻⁶ (negative)"),
    "1E-6_TO_LT_1E-4": _("10⁻⁶ to < 10⁻⁴"),
    "GE_1E-4": "≥ 10⁻⁴",
    "POS_NQ": _("positive, not quantifiable"),
}
CLASS_WORDS = {"NEG": _("negative"), "POS": _("positive"), "NE": _("not evaluable or missing")}
RESPONDER_KM_LABELS = {
    "RFS": _("Relapse-free survival"),
    "DOR": _("Duration of response"),
    "RFS_HSCT_CENSORED": _("RFS, censored at HSCT (sensitivity)"),
    "DOR_HSCT_CENSORED": _("DOR, censored at HSCT (sensitivity)"),
}
CIF_LABELS = {
    "CIR": (_("Cumulative incidence of relapse"), "CIR"),
    "CID": (_("Death in remission (competing event)"), "CIR"),
    "CIR_HSCT_CENSORED": (_("CIR, censored at HSCT (sensitivity)"), "CIRHSCT"),
    "CID_HSCT_CENSORED": (_("Death in remission, censored at HSCT (sensitivity)"), "CIRHSCT"),
}


def _shown(stored: str, again: Callable[[], str]) -> str:
    """A text stored in English with the results, as the block shows it: as stored in the default language,
    made again by the same function (which translates its words) in another."""
    return stored if translation.get_language() in (None, settings.LANGUAGE_CODE) else again()


def reason_words(reason: str) -> str:
    return str(REASON_WORDS.get(reason, reason.replace("_", " ").lower()))


def primary_reason(reason: str) -> str:
    """A not-evaluable reason of the primary endpoint ('MISSING_ASSESSMENT', 'EOC1: MRD_NE'): shown as stored in
    the default language, in words in another."""
    if translation.get_language() in (None, settings.LANGUAGE_CODE):
        return reason
    tp, sep, code = reason.rpartition(": ")
    return f"{tp}{gettext(': ') if sep else ''}{reason_words(code)}"


def _count(n: int, cutoff: date, scope: str, key: str) -> dict[str, Any]:
    return {"n": n, "url": _link(cutoff, scope, key)}


def _mrd_rate(block: dict[str, Any], key, denominator_key: str, cutoff: date, scope: str) -> dict[str, Any]:
    """One denominator of a flow/NGS MRD table: negative/N = rate (CI), positive, NE by reason, each a link."""
    n, n_neg = block["n"], block["n_negative"]
    return {
        "negative": _count(n_neg, cutoff, scope, key("NEG")),
        "denominator": _count(n, cutoff, scope, denominator_key),
        "rest": rate_rest(n_neg, n, block["ci95"], gettext("nobody")),
        "positive": _count(block["n_positive"], cutoff, scope, key("POS")),
        "ne": _count(block["n_not_evaluable"], cutoff, scope, key("NE")),
        "reasons": [
            {"reason": reason_words(r), "n": k, "url": _link(cutoff, scope, key("NE", r))}
            for r, k in block["ne_by_reason"].items()
        ],
        "evaluable_text": rate_text(n_neg, block["n_evaluable"], block["ci95_evaluable"], gettext("none evaluable")),
    }


def _flow_mrd(flow: dict[str, Any], cutoff: date, scope: str) -> list[dict[str, Any]]:
    tables = []
    for cut, blocks in flow.items():
        rows = []
        for tp, b in blocks.items():
            rows.append(
                {
                    "label": TIMEPOINT_LABELS[tp],
                    "all": _mrd_rate(
                        b[calc.ALL_TREATED],
                        lambda s, r=None, tp=tp, cut=cut: calc.flow_key(cut, tp, calc.ALL_TREATED, s, r),
                        calc.due_key(tp),
                        cutoff,
                        scope,
                    ),
                    "rem": _mrd_rate(
                        b[calc.IN_REMISSION],
                        lambda s, r=None, tp=tp, cut=cut: calc.flow_key(cut, tp, calc.IN_REMISSION, s, r),
                        calc.remission_key(tp),
                        cutoff,
                        scope,
                    ),
                    "pending": _count(b["n_pending"], cutoff, scope, calc.pending_key(tp)),
                }
            )
        tables.append({"cut": cut, "label": FLOW_CUT_LABELS[cut], "rows": rows})
    return tables


def _ngs_mrd(ngs: dict[str, Any], cutoff: date, scope: str) -> list[dict[str, Any]]:
    rows = []
    for tp, b in ngs.items():
        row = _mrd_rate(b, lambda s, r=None, tp=tp: calc.ngs_key(tp, s, r), calc.due_key(tp), cutoff, scope)
        row["label"] = TIMEPOINT_LABELS[tp]
        row["bands"] = [
            {
                **_count(band["n"], cutoff, scope, calc.band_key(tp, name)),
                "rest": rate_rest(band["n"], band["denominator"], band["ci95"], gettext("nobody")),
            }
            for name, band in b["bands"].items()
        ]
        row["pending"] = _count(b["n_pending"], cutoff, scope, calc.pending_key(tp))
        rows.append(row)
    return rows


def _concordance(tables: dict[str, Any], cutoff: date, scope: str) -> list[dict[str, Any]]:
    out = []
    for tp, t in tables.items():
        agreement = t["agreement"]
        out.append(
            {
                "label": TIMEPOINT_LABELS[tp],
                "timepoint": tp,
                "rows": [
                    {
                        "label": CLASS_WORDS[f],
                        "cells": [
                            _count(t["cells"][f][g], cutoff, scope, calc.concordance_key(tp, f, g))
                            for g in calc.MRD_CLASSES
                        ],
                    }
                    for f in calc.MRD_CLASSES
                ],
                "n": t["n"],
                "agreement_text": rate_text(
                    agreement["n"], agreement["denominator"], agreement["ci95"], gettext("no pairs")
                ),
                "kappa": gettext("not defined") if t["kappa"] is None else f"{t['kappa']:.2f}",
            }
        )
    return out


def _cif_text(entry: dict[str, Any]) -> str:
    return _ci_text(entry["cif"], entry["lcl"], entry["ucl"], lambda v: f"{pct(v)} %")


def _responders(block: dict[str, Any], cutoff: date, scope: str) -> dict[str, Any]:
    km = _km(block["km"], cutoff, scope, RESPONDER_KM_LABELS)
    cif = []
    for key, (label, param) in CIF_LABELS.items():
        c = block["cif"][key]
        outcome = "event" if key.startswith("CIR") else "competing"
        cif.append(
            {
                "key": key,
                "label": label,
                "n": c["n"],
                "events": _count(c["n_events"], cutoff, scope, f"{param}.{outcome}"),
                "competing": _count(
                    c["n_competing"], cutoff, scope, f"{param}.{'competing' if outcome == 'event' else 'event'}"
                ),
                "censored": _count(c["n_censored"], cutoff, scope, f"{param}.censored"),
                "landmarks": [{"label": name, "text": _cif_text(lm)} for name, lm in c["landmarks"].items()],
            }
        )
    return {
        "n_responders": _count(block["n_responders"], cutoff, scope, "responder"),
        "km": km,
        "cif": cif,
        "conventions": [gettext(line) for line in block["conventions"]],
    }


SAFETY_SUMMARY_LABELS = {
    "any": _("Participants with any treatment-emergent AE"),
    "grade3plus": _("Grade 3 or higher"),
    "grade5": _("Grade 5 (fatal)"),
    "serious": _("Serious"),
}


def safety_row_label(row: dict[str, Any]) -> str:
    """The label of an AE table row (made in English by safety.calculations) in the active language: the summary
    rows by their key; a system organ class or a term is data (MedDRA), shown as stored."""
    key = row["key"]
    if row["kind"] != "summary":
        return row["label"]
    if key in SAFETY_SUMMARY_LABELS:
        return str(SAFETY_SUMMARY_LABELS[key])
    kind, _sep, rest = key.partition(":")
    if kind == "related" and rest in DRUG_LABELS:
        return gettext("Related to %(drug)s") % {"drug": gettext(DRUG_LABELS[rest])}
    return gettext(row["label"])


def boundary_definition_text(settings: BoundarySettings | None = None) -> str:
    """safety.calculations.boundary_definition_text in the active language."""
    settings = settings or BoundarySettings()
    terms = gettext(" or ").join(sorted(gettext(t) for t in settings.terms))
    return gettext(
        "Participants with a treatment-emergent grade %(grade)s or higher %(terms)s; the boundary is crossed when "
        "the posterior probability that the true rate exceeds %(threshold)s is above %(cutoff)s "
        "(Beta(%(a)s, %(b)s) prior)."
    ) % {
        "grade": settings.min_grade,
        "terms": terms,
        "threshold": f"{settings.threshold:.0%}",
        "cutoff": f"{settings.cutoff:.0%}",
        "a": f"{settings.prior_a:g}",
        "b": f"{settings.prior_b:g}",
    }


def conventions_text() -> str:
    """The conventions printed beside the results, in the active language (the sources of the last date known
    alive as enrollment.alive names them)."""
    return calc.conventions_text(alive_sources=loaders.alive_sources())


SAFETY_TOP_ROWS = 12  # SOC and term rows of the AE table shown on the dashboard (most frequent first)


def _days_text(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _safety_count(n: int, pct_value: float | None, cutoff: date, scope: str, key: str) -> dict[str, Any]:
    """A participant count of the safety panel: n (the link to the participants of group `key`), ' (p %)'."""
    return {"n": n, "rest": "" if pct_value is None else f" ({pct_value:.1f} %)", "url": _link(cutoff, scope, key)}


def _safety(block: dict[str, Any] | None, cutoff: date, scope: str) -> dict[str, Any] | None:
    """The safety panel (issue 15) from the stored safety results: words, formatted numbers and, for every
    participant count, the link to its drill-down list (the keys of safety.calculations.safety_group_keys)."""
    if block is None:
        return None
    summary = [r for r in block["ae_table"] if r["kind"] == "summary" and not r["key"].startswith("aesi:")]
    by_term = [r for r in block["ae_table"] if r["kind"] != "summary"][:SAFETY_TOP_ROWS]
    ae_rows = [
        {
            "key": r["key"],
            "label": safety_row_label(r),
            "kind": r["kind"],
            "any": _safety_count(r["n"], r["pct"], cutoff, scope, ae_group_key(r["key"], "any")),
            "grade3plus": _safety_count(
                r["n_grade3plus"], r["pct_grade3plus"], cutoff, scope, ae_group_key(r["key"], "g3")
            ),
        }
        for r in (*summary, *by_term)
    ]
    crs_icans = []
    syndromes = (("crs", gettext("Cytokine release syndrome (CRS)")), ("icans", gettext("Neurotoxicity (ICANS)")))
    for key, label in syndromes:
        c = block[key]
        crs_icans.append(
            {
                "key": key,
                "label": label,
                "any": _safety_count(c["n"], c["pct"], cutoff, scope, crs_icans_group_key(key, "any")),
                "grade3plus": _safety_count(
                    c["n_grade3plus"], c["pct_grade3plus"], cutoff, scope, crs_icans_group_key(key, "g3")
                ),
                "median_onset": _days_text(c["median_onset_day"]),
                "median_duration": _days_text(c["median_duration_days"]),
            }
        )
    b = block["boundary"]
    serious = block["serious"]
    return {
        "n_treated": block["n_treated"],
        "ae_rows": ae_rows,
        "more_rows": sum(1 for r in block["ae_table"] if r["kind"] != "summary") - len(by_term),
        "crs_icans": crs_icans,
        "deaths": [
            {"days": d["days"], "count": _safety_count(d["n"], d["pct"], cutoff, scope, death_group_key(d["days"]))}
            for d in block["deaths"].values()
        ],
        "serious_events": serious["n_events"],
        "serious_participants": _safety_count(serious["n_participants"], serious["pct"], cutoff, scope, SAE_GROUP_KEY),
        "boundary": {
            "events": b["events"],
            "events_url": _link(cutoff, scope, BOUNDARY_GROUP_KEY),
            "n": b["n"],
            "probability": f"{100 * b['probability']:.1f} %",
            "threshold": f"{100 * b['threshold']:g} %",
            "cutoff": f"{100 * b['cutoff']:g} %",
            "crossed": b["crossed"],
            "definition": _shown(b["definition_text"], boundary_definition_text),
        },
    }


def panel_context(results: dict[str, Any], cutoff: date, scope: str, target: int | None) -> dict[str, Any]:
    return {
        "scope": scope,
        "cutoff": cutoff,
        "n_participants": results["n_participants"],
        "all_url": _link(cutoff, scope, "all"),
        "n_treated": results["n_treated"],
        "treated_url": _link(cutoff, scope, "treated"),
        "target": target,
        "progress_pct": min(100, round(100 * results["n_participants"] / target)) if target else None,
        "consort": _consort(results.get("consort")),
        "primary": _primary(results["primary_endpoint"], "primary", cutoff, scope),
        "primary_cri": _primary(results["primary_endpoint_incl_cri"], "primary_cri", cutoff, scope),
        "response_columns": [RESPONSE_COLUMN_LABELS.get(c, c) for c in RESPONSE_COLUMNS],
        "responses": _responses(results["response_tables"], cutoff, scope),
        "km": _km(results["km"], cutoff, scope),
        "flow_mrd": _flow_mrd(results["mrd_flow"], cutoff, scope),
        "flow_definitions": [
            _shown(blocks["EOC1"]["definition_text"], lambda cut=cut: flow_definition_text(cut))
            for cut, blocks in results["mrd_flow"].items()
        ],
        "ngs_mrd": _ngs_mrd(results["mrd_ngs"], cutoff, scope),
        "ngs_band_labels": list(NGS_BAND_LABELS.values()),
        "ngs_definition": gettext(results["mrd_ngs"]["EOC1"]["definition_text"]),
        "concordance": _concordance(results["concordance"], cutoff, scope),
        "concordance_definition": gettext(results["concordance"]["EOC1"]["definition_text"]),
        "class_words": [CLASS_WORDS[c] for c in calc.MRD_CLASSES],
        "responders": _responders(results["responders"], cutoff, scope),
        "safety": _safety(results.get("safety"), cutoff, scope),
        "has_participants": results["n_treated"] > len(results.get("errors", [])),
        "conventions": _shown(results["conventions_text"], conventions_text).split("\n"),
        "errors": results.get("errors", []),
    }


def render_plots(results: dict[str, Any], participants: list[dict[str, Any]]) -> dict[str, str]:
    """name -> SVG: Kaplan-Meier OS and EFS (from `results`), MRD per participant and swimmer (from the
    participants' stored blocks, services.participant_entries)."""
    # pyplot and matplotlib's mathtext parser keep global state: one drawing at a time per process (the
    # development server draws on demand in request threads, several <img> requests at once).
    with _DRAWING:
        svgs = {
            "os": plots.km_svg(results["km"]["OS"], gettext("Overall survival"), plots.KM_COLORS["OS"]),
            "efs": plots.km_svg(results["km"]["EFS"], gettext("Event-free survival"), plots.KM_COLORS["EFS"]),
            "mrd": plots.mrd_svg(participants),
        }
        if participants:
            svgs["swimmer"] = plots.swimmer_svg(participants)
    return svgs


def render_panel(
    results: dict[str, Any], cutoff: date, scope: str, target: int | None = None, version: str = ""
) -> dict[str, Any]:
    """{"html": the results block}; the block shows the plots as <img> of plot URLs that carry `version`
    (so a browser may cache them until the result changes). The SVGs are drawn by render_plots in a
    second task (tasks.render_endpoint_plots): drawing takes seconds, the numbers must not wait for it."""
    context = panel_context(results, cutoff, scope, target)
    language = translation.get_language() or settings.LANGUAGE_CODE
    context["plot_urls"] = {
        name: reverse("endpoints:plot", args=[cutoff.isoformat(), scope, name])
        + "?"
        + urlencode({"v": version, "lang": language})
        for name in PLOT_NAMES
    }
    return {"html": render_to_string("endpoints/_panel.html", context)}


def render_panels(results: dict[str, Any], cutoff: date, version: str = "") -> dict[str, dict[str, dict[str, Any]]]:
    """scope -> language -> {"html"}: "ALL" and one per site code (each from that site's own results), each
    rendered in every language of settings.LANGUAGES (the stored results stay in English)."""
    target = results.get("target_enrollment")
    scopes = {ALL: results, **results.get("by_site", {})}
    panels: dict[str, dict[str, dict[str, Any]]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, scope_results in scopes.items():
                panels.setdefault(code, {})[language] = render_panel(scope_results, cutoff, code, target, version)
    return panels
