"""Stored results -> what the dashboard shows: formatted numbers, drill-down links and SVG plots.

render_panels runs in the Celery task (services.store_snapshot, after the aggregation), once per scope:
"ALL" (every site pooled) and each site alone. Each site's numbers were aggregated from that site's
participant rows only (services.results_from_rows), never cut out of the pooled ones. The request reads
one rendered panel.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from endpoints import plots
from endpoints.models import DashboardPanel

ALL = DashboardPanel.ALL
PLOT_NAMES = ("os", "efs", "mrd", "swimmer")
_DRAWING = threading.Lock()
TIMEPOINT_LABELS = {"EOC1": "EOC1", "EOC2": "EOC2", "BY_EOC2": "By EOC2 (either)"}
RESPONSE_COLUMNS = ("CR", "CRh", "CRi", "NR", "RELAPSE", "NE", "missing")
KM_LABELS = {
    "OS": "Overall survival",
    "EFS": "Event-free survival",
    "OS_HSCT_CENSORED": "OS, censored at HSCT (sensitivity)",
    "EFS_HSCT_CENSORED": "EFS, censored at HSCT (sensitivity)",
}
KM_GROUP_PARAM = {"OS": "OS", "EFS": "EFS", "OS_HSCT_CENSORED": "OSHSCT", "EFS_HSCT_CENSORED": "EFSHSCT"}


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}"


def rate_rest(x: int, n: int, ci: list[float], empty: str = "none treated") -> str:
    """What follows 'x/N': ' = p % (95 % CI a–b)'."""
    if n == 0:
        return f" ({empty})"
    return f" = {pct(x / n)} % (95 % CI {pct(ci[0])}–{pct(ci[1])})"


def rate_text(x: int, n: int, ci: list[float], empty: str = "none treated") -> str:
    """'x/N = p % (95 % CI a–b)', the form the investigators read (DOMAIN 5.1)."""
    return f"{x}/{n}{rate_rest(x, n, ci, empty)}"


def months_text(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.1f}"


def _link(cutoff: date, scope: str, key: str) -> str:
    return reverse("endpoints:group", args=[cutoff.isoformat(), scope]) + "?" + urlencode({"g": key})


def _primary(block: dict[str, Any], prefix: str, cutoff: date, scope: str) -> list[dict[str, Any]]:
    rows = []
    for tp, pe in block.items():
        rows.append(
            {
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
                "ne_url": _link(cutoff, scope, f"{prefix}.{tp}.NOT_EVALUABLE"),
                "ne_reasons": [
                    {"reason": reason, "n": n, "url": _link(cutoff, scope, f"{prefix}.{tp}.NE.{reason}")}
                    for reason, n in pe["ne_by_reason"].items()
                ],
                "evaluable_text": rate_text(
                    pe["n_responders"], pe["n_evaluable"], pe["ci95_evaluable"], "none evaluable"
                ),
                "definition": pe["definition_text"],
            }
        )
    return rows


def _responses(tables: dict[str, Any], cutoff: date, scope: str) -> list[dict[str, Any]]:
    rows = []
    for tp, table in tables.items():
        cells = [{"n": table["counts"][c], "url": _link(cutoff, scope, f"response.{tp}.{c}")} for c in RESPONSE_COLUMNS]
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
        return "not estimable"
    return f"{fmt(est)} ({fmt(lcl) if lcl is not None else '–'} to {fmt(ucl) if ucl is not None else '–'})"


def _km(km_all: dict[str, Any], cutoff: date, scope: str) -> list[dict[str, Any]]:
    out = []
    for key, label in KM_LABELS.items():
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
                "median_text": f"{months_text(med['est'])} ({months_text(med['lcl'])} to {months_text(med['ucl'])})",
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
        items = [{"label": str(k).replace("_", " "), "n": v} for k, v in consort.items() if isinstance(v, int)]
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
        "response_columns": RESPONSE_COLUMNS,
        "responses": _responses(results["response_tables"], cutoff, scope),
        "km": _km(results["km"], cutoff, scope),
        "has_participants": results["n_treated"] > len(results.get("errors", [])),
        "conventions": results["conventions_text"].split("\n"),
        "errors": results.get("errors", []),
    }


def render_plots(results: dict[str, Any], participants: list[dict[str, Any]]) -> dict[str, str]:
    """name -> SVG: Kaplan-Meier OS and EFS (from `results`), MRD per participant and swimmer (from the
    participants' stored blocks, services.participant_entries)."""
    # pyplot and matplotlib's mathtext parser keep global state: one drawing at a time per process (the
    # development server draws on demand in request threads, several <img> requests at once).
    with _DRAWING:
        svgs = {
            "os": plots.km_svg(results["km"]["OS"], "Overall survival", "#2166ac"),
            "efs": plots.km_svg(results["km"]["EFS"], "Event-free survival", "#b35806"),
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
    context["plot_urls"] = {
        name: reverse("endpoints:plot", args=[cutoff.isoformat(), scope, name]) + f"?v={version}" for name in PLOT_NAMES
    }
    return {"html": render_to_string("endpoints/_panel.html", context)}


def render_panels(results: dict[str, Any], cutoff: date, version: str = "") -> dict[str, dict[str, Any]]:
    """scope -> {"html"}: "ALL" and one per site code (each from that site's own results)."""
    target = results.get("target_enrollment")
    panels = {ALL: render_panel(results, cutoff, ALL, target, version)}
    for code, site_results in results.get("by_site", {}).items():
        panels[code] = render_panel(site_results, cutoff, code, target, version)
    return panels
