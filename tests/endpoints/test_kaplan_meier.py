"""Kaplan-Meier (DOMAIN 5.3-5.4, decision 8): reference/worked_example_km.csv, hand cases, and a
property test against an independent product-limit oracle written here (exact fractions for S)."""

import csv
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from endpoints.calculations import kaplan_meier, reverse_km_median_followup

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
DAYS_PER_MONTH = 30.4375


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("param", ["OS", "EFS"])
def test_worked_example(param):
    adtte = [r for r in _read("worked_example_adtte.csv") if r["PARAMCD"] == param]
    expected = [r for r in _read("worked_example_km.csv") if r["PARAMCD"] == param]
    assert len(adtte) == 8 and expected
    km = kaplan_meier([int(r["AVAL_DAYS"]) for r in adtte], [r["CNSR"] == "0" for r in adtte])
    event_rows = [row for row in km["table"] if row["n_event"] > 0]
    assert len(event_rows) == len(expected)
    for got, want in zip(event_rows, expected, strict=True):
        assert got["time"] == float(want["time_days"])
        assert got["n_risk"] == int(want["n_risk"])
        assert got["n_event"] == int(want["n_event"])
        for key, column in (("surv", "surv"), ("lcl", "lcl_loglog"), ("ucl", "ucl_loglog")):
            assert abs(got[key] - float(want[column])) <= 1e-6, (key, got[key], want[column])


def test_worked_example_os_summary_by_hand():
    # OS times from worked_example_adtte.csv; events at 20, 212, 398 only; S never reaches 0.5.
    times = [471, 398, 505, 20, 20, 532, 212, 542]
    events = [False, True, False, True, False, False, True, False]
    km = kaplan_meier(times, events)
    assert km["median"]["est"] is None and km["median"]["ucl"] is None
    assert km["median"]["lcl"] == 20.0  # lower curve 0.387 <= 0.5 at day 20
    # 12-month landmark (365.25 d): last event <= it is day 212, S = 7/8 * 5/6
    assert km["landmarks"]["12m"]["surv"] == pytest.approx(7 / 8 * 5 / 6, abs=1e-12)
    assert km["landmarks"]["36m"]["surv"] is None  # beyond the longest follow-up (542 d)
    # at risk: day 0 -> 8, 6 months (182.6 d) -> 6, 12 months -> 5 (398 and later)
    assert [a["n_risk"] for a in km["at_risk"][:3]] == [8, 6, 5]
    # reverse KM: censorings are events at 20, 471, 505, 532, 542 (risk sets 8, 4, 3, 2, 1):
    # S = 7/8, 7/8*3/4 = 0.656, *2/3 = 0.4375 <= 0.5 at day 505
    assert km["median_followup_days"] == 505.0
    assert reverse_km_median_followup(times, events) == 505.0
    assert km["median_followup_months"] == pytest.approx(505 / DAYS_PER_MONTH)


def test_hand_case_with_ties_and_zero():
    # times 1,2,2,3 all events: S = 3/4, 1/4, 0
    km = kaplan_meier([1, 2, 2, 3], [1, 1, 1, 1])
    table = km["table"]
    assert [r["surv"] for r in table] == pytest.approx([0.75, 0.25, 0.0], abs=1e-12)
    # Greenwood: var(1) = 0.75^2 * 1/(4*3); var(2) = 0.25^2 * (1/12 + 2/(3*1))
    assert table[0]["se"] == pytest.approx(0.75 * math.sqrt(1 / 12), abs=1e-12)
    assert table[1]["se"] == pytest.approx(0.25 * math.sqrt(1 / 12 + 2 / 3), abs=1e-12)
    assert table[2]["se"] is None and table[2]["lcl"] is None and table[2]["ucl"] is None
    assert km["median"]["est"] == 2.0


def test_median_exactly_half_takes_first_time():
    # S = 3/4 at 10, 3/4 * 2/3 = 1/2 exactly at 20 (flat until 40, where S = 0):
    # median = 20, not R's midpoint (20 + 40) / 2
    km = kaplan_meier([10, 20, 30, 40], [1, 1, 0, 1])
    assert km["median"]["est"] == 20.0


def test_events_before_censorings_at_same_time():
    # at t = 5: 1 event and 1 censoring; both are in the risk set (4)
    km = kaplan_meier([5, 5, 8, 9], [1, 0, 1, 0])
    first = km["table"][0]
    assert (first["n_risk"], first["n_event"], first["n_censor"]) == (4, 1, 1)
    assert first["surv"] == pytest.approx(0.75)
    assert km["table"][1]["surv"] == pytest.approx(0.75 * 1 / 2)


def test_empty_input():
    km = kaplan_meier([], [])
    assert km["n"] == 0 and km["table"] == [] and km["median"]["est"] is None
    json.dumps(km, allow_nan=False)


def test_all_censored():
    km = kaplan_meier([10, 20, 400], [0, 0, 0])
    assert all(r["surv"] == 1.0 and r["lcl"] is None and r["se"] == 0.0 for r in km["table"])
    assert km["landmarks"]["12m"] == {"months": 12, "days": 365.25, "surv": 1.0, "se": 0.0, "lcl": None, "ucl": None}


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (int, float, str, bool)


def test_output_is_plain_python():
    km = kaplan_meier(np.array([3, 5, 5, 9, 12]), np.array([1, 0, 1, 1, 0]))
    assert _plain(km)
    json.dumps(km, allow_nan=False)


def test_mismatched_lengths_rejected():
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [1])


# --------------------------------------------------------------------------- independent oracle

Z = norm.ppf(0.975)


def oracle(times, events):
    """Product-limit with exact S, Greenwood SE, log-log CI at each distinct event time."""
    t, e = np.asarray(times, float), np.asarray(events, bool)
    rows, s, g = [], Fraction(1), 0.0
    for u in np.unique(t[e]):
        n, d = int((t >= u).sum()), int((e & (t == u)).sum())
        s *= Fraction(n - d, n)
        g = g + d / (n * (n - d)) if n > d else math.inf
        sf = float(s)
        w = Z * math.sqrt(g) / abs(math.log(sf)) if 0 < sf < 1 else None
        lcl, ucl = (sf ** math.exp(w), sf ** math.exp(-w)) if w is not None else (None, None)
        rows.append((float(u), n, d, s, sf * math.sqrt(g) if sf > 0 else None, lcl, ucl))
    median = next((r[0] for r in rows if r[3] <= Fraction(1, 2)), None)
    # CI of the median: first time each CI curve <= 0.5 (the curves are 0 where S = 0)
    m_lcl = next((r[0] for r in rows if (r[5] if r[3] > 0 else 0.0) <= 0.5), None)
    m_ucl = next((r[0] for r in rows if (r[6] if r[3] > 0 else 0.0) <= 0.5), None)
    landmarks = {}
    for months in (12, 36, 60):
        days = months * DAYS_PER_MONTH
        before = [r for r in rows if r[0] <= days]
        if days > t.max():
            landmarks[months] = (None, None, None, None)
        elif before:
            landmarks[months] = (float(before[-1][3]), *before[-1][4:])
        else:
            landmarks[months] = (1.0, 0.0, None, None)
    return rows, (median, m_lcl, m_ucl), landmarks


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9


@st.composite
def survival_data(draw):
    n = draw(st.integers(1, 40))
    scale = draw(st.sampled_from([1, 30, 61]))
    times = draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    events = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return [x * scale for x in times], events


@settings(max_examples=200, deadline=None, database=None)
@given(survival_data())
def test_matches_oracle(data):
    times, events = data
    km = kaplan_meier(times, events)
    rows, (median, m_lcl, m_ucl), landmarks = oracle(times, events)
    got = [r for r in km["table"] if r["n_event"] > 0]
    assert len(got) == len(rows)
    for g, (u, n, d, s, se, lcl, ucl) in zip(got, rows, strict=True):
        assert (g["time"], g["n_risk"], g["n_event"]) == (u, n, d)
        assert close(g["surv"], float(s))
        assert close(g["se"], se)
        assert close(g["lcl"], lcl) and close(g["ucl"], ucl)
    assert (km["median"]["est"], km["median"]["lcl"], km["median"]["ucl"]) == (median, m_lcl, m_ucl)
    for months, (s, se, lcl, ucl) in landmarks.items():
        got_lm = km["landmarks"][f"{months}m"]
        assert close(got_lm["surv"], s) and close(got_lm["se"], se)
        assert close(got_lm["lcl"], lcl) and close(got_lm["ucl"], ucl)
    assert sum(r["n_event"] for r in km["table"]) == sum(events)
    assert sum(r["n_event"] + r["n_censor"] for r in km["table"]) == len(times)
