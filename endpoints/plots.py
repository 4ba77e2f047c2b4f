"""Server-side SVG plots of stored endpoint results (matplotlib, Agg backend), drawn by the task.

Input is the JSON that calculations.compute_all returns (never the database); output is an SVG string
with text kept as text (small, searchable, accessible). Called only from the Celery task through
presenters.render_panels, so a dashboard request never draws.
"""

from __future__ import annotations

import io
import re
from datetime import date
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from django.utils.translation import gettext, pgettext  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

DAYS_PER_MONTH = 30.4375
SWIMMER_MAX = 60  # bars drawn; beyond that the plot says "n of N shown" (the 20-participant trial: all)
MRD_MAX_LINES = 400
# Okabe & Ito's colour-blind-safe palette (Color Universal Design): every response its own hue, CR, CRh and CRi
# told apart by colour and by marker, so the plots read in grey print and with any colour vision.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "grey": "#999999", "black": "#000000",
}
RESPONSE_COLORS = {
    "CR": OKABE_ITO["bluish_green"],
    "CRh": OKABE_ITO["blue"],
    "CRi": OKABE_ITO["sky_blue"],
    "NR": OKABE_ITO["orange"],
    "RELAPSE": OKABE_ITO["vermillion"],
    "NE": OKABE_ITO["grey"],
    None: "#BBBBBB",  # missing: not a response, a light grey
}
RESPONSE_MARKERS = {"CR": "o", "CRh": "s", "CRi": "^", "NR": "v", "RELAPSE": "X", "NE": "D", None: "P"}
KM_COLORS = {"OS": OKABE_ITO["blue"], "EFS": OKABE_ITO["vermillion"]}

# Latin text in DejaVu Sans, Chinese in Noto Sans CJK SC (Debian fonts-noto-cjk, installed by the set-up scripts;
# never fetched at run time): matplotlib falls back glyph by glyph along the list. Without the CJK font the list
# holds DejaVu Sans alone (Chinese glyphs then missing from PNGs; the SVGs keep their text as text either way).
CJK_FONT = "Noto Sans CJK SC"
_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
FONT_FAMILY = ["DejaVu Sans", *([CJK_FONT] if CJK_FONT in _INSTALLED else [])]
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.size": 9,
        "svg.hashsalt": "blinatrial",
        "font.family": FONT_FAMILY,  # a list of names: matplotlib (>= 3.6) falls back glyph by glyph along it
    }
)


class Tips:
    """The hover text of a figure's artists: each gets a numbered gid, which `_svg` turns into an SVG <title>."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, artist: Any, text: str) -> None:
        artist.set_gid(f"tip-{len(self.texts)}")
        self.texts.append(text)


_TIP_GROUP = re.compile(r'<g id="tip-(\d+)">')


def _svg(fig: Figure, tips: Tips | None = None) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG is inlined in HTML
    if tips is None:
        return text
    # The group's id would repeat across the plots inlined in one page: a class instead, and the value as a title.
    return _TIP_GROUP.sub(
        lambda m: f'<g class="point"><title>{escape(tips.texts[int(m.group(1))], quote=False)}</title>', text
    )


def _n(value: float) -> str:
    """A number as a person reads it on hover: at most 2 decimals, no trailing zeros (12, 0.75, 14.2)."""
    return f"{round(value, 2):g}"


def _response(code: str | None) -> str:
    """A response code as the legend shows it: the Latin abbreviation (CR, CRh…), relapse and missing in words."""
    if code is None:
        return gettext("missing")
    if code == "RELAPSE":
        return pgettext("response", "RELAPSE")
    return code


def _date(day: date) -> str:
    """A marrow date on hover: 05 Feb 2026 in English (as before), the language's date format in another."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.formats import date_format  # zh: 2026年11月29日

    if translation.get_language() in (None, settings.LANGUAGE_CODE):
        return f"{day:%d %b %Y}"
    return date_format(day, "DATE_FORMAT")


def _months(days: float) -> float:
    return days / DAYS_PER_MONTH


def km_svg(km: dict[str, Any], title: str, color: str = KM_COLORS["OS"]) -> str:
    """Kaplan-Meier step curve with its log-log 95 % CI band, censor marks and a numbers-at-risk table."""
    fig, ax = plt.subplots(figsize=(6.2, 3.6))
    tips = Tips()
    rows = km.get("table", [])
    xs, ys, lo, hi = [0.0], [1.0], [1.0], [1.0]
    for row in rows:
        xs.append(_months(row["time"]))
        ys.append(row["surv"])
        lo.append(row["lcl"] if row["lcl"] is not None else row["surv"])
        hi.append(row["ucl"] if row["ucl"] is not None else row["surv"])
    max_days = max([r["time"] for r in rows], default=0.0)
    x_end = max(12.0, _months(max_days) * 1.02)
    ax.fill_between(
        [*xs, x_end],
        [*lo, lo[-1]],
        [*hi, hi[-1]],
        step="post",
        color=color,
        alpha=0.18,
        lw=0,
        label=gettext("95 % CI (log-log)"),
    )
    ax.step([*xs, _months(max_days)], [*ys, ys[-1]], where="post", color=color, lw=1.8, label="Kaplan-Meier")
    for x, y in zip(xs[1:], ys[1:], strict=True):  # a small dot per step, its value on hover
        (dot,) = ax.plot([x], [y], "o", color=color, ms=2.5)
        tips.add(dot, gettext("%(months)s months: %(value)s") % {"months": _n(x), "value": _n(y)})
    censored = [(_months(r["time"]), r["surv"]) for r in rows if r["n_censor"] > 0]
    if censored:
        ax.plot(*zip(*censored, strict=True), "|", color=color, ms=9, mew=1.5, label=gettext("censored"))
    ax.axhline(0.5, color="#888", lw=0.7, ls=":")
    median = km.get("median_months", {}).get("est")
    if median is not None:
        ax.plot([median, median], [0, 0.5], color="#888", lw=0.7, ls=":")
    ax.set_ylim(-0.02, 1.03)
    ax.set_xlim(0, x_end)
    ax.set_ylabel(gettext("Probability"))
    ax.set_title(
        gettext("%(title)s (n = %(n)s, events = %(events)s)")
        % {"title": title, "n": km.get("n", 0), "events": km.get("n_events", 0)},
        fontsize=10,
    )
    ax.grid(alpha=0.25)
    ax.legend(loc="lower left", fontsize=7.5, frameon=False)
    ticks = [a for a in km.get("at_risk", []) if a["months"] <= x_end]
    ax.set_xticks([a["months"] for a in ticks])
    ax.set_xlabel(gettext("Months since C1D1"))
    ax.annotate(
        gettext("At risk"),
        xy=(0, -0.25),
        xycoords="axes fraction",
        ha="right",
        va="center",
        fontsize=8,
        # Far enough left of the first count (centred on month 0, up to 4 digits) that they never touch.
        xytext=(-18, 0),
        textcoords="offset points",
    )
    for a in ticks:
        ax.annotate(
            str(a["n_risk"]),
            xy=(a["months"], -0.25),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="center",
            fontsize=8,
        )
    return _svg(fig, tips)


def mrd_svg(participants: list[dict[str, Any]]) -> str:
    """Flow (% of cells) and NGS (fraction) MRD per participant at EOC1 and EOC2, log scale.

    Filled markers = quantified; open markers at the LOD = not detected; dashed lines = cut-offs.
    """
    fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6))
    tips = Tips()
    shown = participants[:MRD_MAX_LINES]
    # xgettext:no-python-format
    cut_label = gettext("0.1 % cut-off")
    specs = (
        # xgettext:no-python-format
        (gettext("Flow MRD (% of cells)"), "flow_value_pct", "flow_lod_pct", [(0.1, cut_label)]),
        (gettext("NGS MRD (fraction)"), "ngs_value", "ngs_lod", [(1e-4, "10⁻⁴"), (1e-6, "10⁻⁶")]),
    )
    for ax, (label, key, lod_key, cuts) in zip(axes, specs, strict=True):
        plotted = 0
        for p in shown:
            pts, hollow = [], []
            for i, tp in enumerate(("EOC1", "EOC2")):
                eoc = p[tp]
                if eoc.get(key):
                    pts.append((i, eoc[key]))
                elif eoc.get(lod_key) and eoc.get("marrow_date"):
                    pts.append((i, eoc[lod_key]))
                    hollow.append((i, eoc[lod_key]))
            if not pts:
                continue
            plotted += 1
            best = p.get("best_response_by_eoc2")
            color = RESPONSE_COLORS.get(best, "#555")
            marker = RESPONSE_MARKERS.get(best, "o")
            ax.plot(*zip(*pts, strict=True), "-", color=color, lw=0.9, alpha=0.8)
            for i, value in pts:  # one artist per point, so each carries its own value on hover
                empty = (i, value) in hollow
                (dot,) = ax.plot([i], [value], marker, color=color, ms=5 if empty else 4,
                                 mfc="white" if empty else color, mec=color, alpha=1 if empty else 0.8)
                state = gettext("not detected, at the LOD") if empty else gettext("quantified")
                tips.add(dot, f"{p.get('participant_id', '')} · EOC{i + 1}: {value:g} ({state})")
        for value, text in cuts:
            ax.axhline(value, color="#444", ls="--", lw=0.8)
            ax.text(1.45, value, text, va="bottom", ha="right", fontsize=7, color="#444")
        ax.set_yscale("log")
        ax.set_xticks([0, 1], ["EOC1", "EOC2"])
        ax.set_xlim(-0.3, 1.5)
        ax.set_title(gettext("%(label)s · %(n)s participants") % {"label": label, "n": plotted}, fontsize=9)
        ax.grid(alpha=0.25, which="major")
    handles = [
        plt.Line2D([], [], color=c, marker=RESPONSE_MARKERS[r], lw=0.9, label=_response(r))
        for r, c in RESPONSE_COLORS.items()
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=7,
        fontsize=7,
        frameon=False,
        bbox_to_anchor=(0.5, -0.06),
        title=gettext("best response by EOC2 (open marker = not detected, at the LOD)"),
        title_fontsize=7,
    )
    if len(participants) > len(shown):
        fig.suptitle(
            gettext("first %(shown)s of %(n)s participants shown") % {"shown": len(shown), "n": len(participants)},
            fontsize=8,
        )
    fig.tight_layout()
    return _svg(fig, tips)


def _day(iso: str | None, start: date) -> float | None:
    return None if iso is None else _months((date.fromisoformat(iso) - start).days + 1)


def swimmer_svg(participants: list[dict[str, Any]]) -> str:
    """One bar per participant from C1D1 to the OS date: cycles, EOC responses, relapse, HSCT, death, censoring."""
    ordered = sorted(participants, key=lambda p: (-p["os"]["AVAL_DAYS"], p["participant_id"]))
    shown = list(reversed(ordered[:SWIMMER_MAX]))  # longest at the top
    height = 1.2 + 0.24 * max(len(shown), 1)
    fig, ax = plt.subplots(figsize=(7.5, height))
    tips = Tips()
    for y, p in enumerate(shown):
        start = date.fromisoformat(p["c1d1"])
        end = p["os"]["AVAL_MONTHS"]
        color = RESPONSE_COLORS.get(p.get("best_response_by_eoc2"), "#555")
        bar = ax.barh(y, end, left=0, height=0.6, color=color, alpha=0.85)
        best = _response(p.get("best_response_by_eoc2"))
        tips.add(
            bar.patches[0],
            gettext("%(id)s: %(months)s months, best response %(best)s")
            % {"id": p["participant_id"], "months": _n(end), "best": best},
        )
        for iso in p.get("cycle_starts", []):
            x = _day(iso, start)
            ax.plot([x, x], [y - 0.3, y + 0.3], color="black", lw=0.8)
        for tp in ("EOC1", "EOC2"):
            eoc = p[tp]
            if eoc.get("marrow_date") and eoc.get("response"):
                (mark,) = ax.plot(_day(eoc["marrow_date"], start), y, "D", ms=4, mfc="white", mec="black", mew=0.7)
                marrow_on = date.fromisoformat(eoc["marrow_date"])
                tips.add(
                    mark,
                    gettext("%(id)s · %(timepoint)s marrow %(date)s: %(response)s")
                    % {
                        "id": p["participant_id"],
                        "timepoint": tp,
                        "date": _date(marrow_on),
                        "response": eoc["response"],
                    },
                )
        efs = p["efs"]
        if efs["CNSR"] == 0 and efs["EVNTDESC_or_CNSDTDSC"] == "HEMATOLOGIC RELAPSE":
            ax.plot(efs["AVAL_MONTHS"], y, "v", ms=6, color=OKABE_ITO["vermillion"])
        if p.get("hsct_date"):
            ax.plot(_day(p["hsct_date"], start), y, "*", ms=8, color=OKABE_ITO["reddish_purple"])
        if p["os"]["CNSR"] == 0:
            ax.plot(end, y, "X", ms=6, color="black")
        else:
            ax.annotate(
                "", xy=(end + 0.8, y), xytext=(end, y), arrowprops={"arrowstyle": "->", "lw": 0.9, "color": "#333"}
            )
    ax.set_yticks(range(len(shown)), [p["participant_id"] for p in shown], fontsize=6.5)
    ax.set_xlabel(gettext("Months since C1D1"))
    ax.set_xlim(0, max([p["os"]["AVAL_MONTHS"] for p in shown], default=1.0) * 1.08 + 0.5)
    ax.grid(axis="x", alpha=0.25)
    legend = [
        plt.Line2D([], [], color="black", marker="|", lw=0, ms=8, label=gettext("cycle day 1")),
        plt.Line2D([], [], color="black", marker="D", mfc="white", lw=0, label=gettext("EOC marrow")),
        plt.Line2D([], [], color=OKABE_ITO["vermillion"], marker="v", lw=0, label=gettext("relapse")),
        plt.Line2D([], [], color=OKABE_ITO["reddish_purple"], marker="*", lw=0, ms=8, label="HSCT"),
        plt.Line2D([], [], color="black", marker="X", lw=0, label=gettext("death")),
        plt.Line2D([], [], color="#333", marker=r"$\rightarrow$", lw=0, ms=9, label=gettext("alive (censored)")),
    ] + [
        plt.Rectangle((0, 0), 1, 1, color=c, label=gettext("best %(response)s") % {"response": _response(r)})
        for r, c in RESPONSE_COLORS.items()
    ]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    title = gettext("Swimmer plot")
    if len(participants) > len(shown):
        title = gettext("Swimmer plot · %(shown)s longest of %(n)s shown") % {
            "shown": len(shown),
            "n": len(participants),
        }
    ax.set_title(title, fontsize=10)
    return _svg(fig, tips)
