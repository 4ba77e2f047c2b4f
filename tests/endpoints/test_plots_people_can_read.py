"""The dashboard's plots read without effort: a colour-blind-safe palette in which CR, CRh and CRi differ (colour
and marker), each point's value on hover (an SVG <title>), and the numbers-at-risk label clear of its first count.

The inputs are tiny hand-built results; nothing here is computed by the code under test.
"""

import re

from endpoints import plots

# Okabe & Ito (2008), Color Universal Design: the eight colours, written out by hand.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"}

# Four participants from C1D1: one dies at 182.625 days (6 months: S = 3/4 = 0.75), one is censored at 365.25
# days (12 months: S stays 0.75), two are still followed. At risk: 21 at month 0 (a wider trial's count).
KM = {
    "n": 4, "n_events": 1, "median_months": {"est": None},
    "table": [
        {"time": 182.625, "surv": 0.75, "lcl": 0.19, "ucl": 0.96, "n_censor": 0},
        {"time": 365.25, "surv": 0.75, "lcl": 0.19, "ucl": 0.96, "n_censor": 1},
    ],
    "at_risk": [{"months": 0, "n_risk": 21}, {"months": 6, "n_risk": 3}, {"months": 12, "n_risk": 2}],
}


def _eoc(value=None, lod=None, date="2026-01-01"):
    return {"flow_value_pct": value, "flow_lod_pct": lod, "ngs_value": None, "ngs_lod": None, "marrow_date": date}


def _titles(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", svg)


def test_cr_crh_and_cri_have_distinct_colours_of_the_okabe_ito_palette_and_distinct_markers():
    colours = {r: plots.RESPONSE_COLORS[r].upper() for r in ("CR", "CRh", "CRi")}
    assert colours == {"CR": "#009E73", "CRh": "#0072B2", "CRi": "#56B4E9"}
    assert set(colours.values()) <= OKABE_ITO
    assert len({plots.RESPONSE_MARKERS[r] for r in ("CR", "CRh", "CRi")}) == 3


def test_each_kaplan_meier_step_carries_its_value_as_a_title():
    svg = plots.km_svg(KM, "Overall survival")
    assert _titles(svg) == ["6 months: 0.75", "12 months: 0.75"]
    assert 'id="tip-' not in svg  # no id repeated between the plots inlined in one page


def test_each_mrd_point_carries_participant_timepoint_and_value_as_a_title():
    participants = [
        {"participant_id": "01-001", "best_response_by_eoc2": "CR", "EOC1": _eoc(0.05), "EOC2": _eoc(lod=0.01)},
        {"participant_id": "02-001", "best_response_by_eoc2": "CRi", "EOC1": _eoc(2.5), "EOC2": _eoc(date=None)},
    ]
    svg = plots.mrd_svg(participants)
    assert _titles(svg) == [
        "01-001 · EOC1: 0.05 (quantified)", "01-001 · EOC2: 0.01 (not detected, at the LOD)",
        "02-001 · EOC1: 2.5 (quantified)",
    ]
    assert plots.mrd_svg(participants) == svg  # deterministic (svg.hashsalt), as the stored plots must be


def test_each_swimmer_bar_and_end_of_cycle_marrow_carries_its_value_as_a_title():
    participant = {
        "participant_id": "01-001", "c1d1": "2026-01-01", "best_response_by_eoc2": "CRh",
        "cycle_starts": ["2026-01-01"], "hsct_date": None, "os": {"AVAL_DAYS": 365.25, "AVAL_MONTHS": 12.0, "CNSR": 1},
        "efs": {"CNSR": 1, "EVNTDESC_or_CNSDTDSC": "", "AVAL_MONTHS": 12.0},
        "EOC1": {"marrow_date": "2026-02-05", "response": "CRh"}, "EOC2": {"marrow_date": None, "response": None},
    }
    assert _titles(plots.swimmer_svg([participant])) == [
        "01-001: 12 months, best response CRh", "01-001 · EOC1 marrow 05 Feb 2026: CRh",
    ]


def test_the_at_risk_label_and_the_first_count_are_separate_texts_that_do_not_overlap():
    svg = plots.km_svg(KM, "Overall survival")
    texts = {
        m.group(3): (float(m.group(2)), m.group(1))
        for m in re.finditer(r'<text style="[^"]*text-anchor: (\w+)" x="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    }
    (label_end, label_anchor), (count_centre, count_anchor) = texts["At risk"], texts["21"]
    assert (label_anchor, count_anchor) == ("end", "middle")
    # "21" at 8 px: DejaVu Sans digits are 0.636 em wide, so the count starts 8.1 px left of its centre.
    count_start = count_centre - 2 * 0.636 * 8 / 2
    assert label_end + 4 <= count_start  # at least a 4 px gap
