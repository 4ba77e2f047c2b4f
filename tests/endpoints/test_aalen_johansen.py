"""Cumulative incidence by Aalen-Johansen (issue 20): the engine (lifelines' AalenJohansenFitter, ties made
deterministic) agrees with an independent numpy implementation to 1e-9 on generated data with ties; CIR and the
cumulative incidence of death in remission never add up to more than 1 (they add up to 1 - KM of either event);
a worked example by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import AalenJohansenFitter, KaplanMeierFitter

from endpoints.calculations import aalen_johansen

DATA = st.lists(st.tuples(st.integers(1, 40), st.sampled_from((0, 1, 2))), min_size=1, max_size=60)


def numpy_cif(times, codes, k: int) -> dict[float, float]:
    """Aalen-Johansen by hand: F_k(t) = sum over event times u <= t of S(u-) * d_k(u) / n(u), where S is the
    Kaplan-Meier of any event; all events at u come before the censorings at u."""
    t, e = np.asarray(times, dtype=float), np.asarray(codes)
    surv, cif, out = 1.0, 0.0, {}
    for u in np.unique(t):
        at_risk = np.sum(t >= u)
        cif += surv * np.sum((t == u) & (e == k)) / at_risk
        surv *= 1 - np.sum((t == u) & (e != 0)) / at_risk
        out[float(u)] = cif
    return out


@settings(max_examples=80, deadline=None)
@given(DATA)
def test_cumulative_incidence_equals_an_independent_numpy_implementation_on_data_with_ties(data):
    times, codes = [t for t, _ in data], [c for _, c in data]
    for k in (1, 2):
        got = {row["time"]: row["cif"] for row in aalen_johansen(times, codes, k)["table"]}
        expected = numpy_cif(times, codes, k)
        assert got.keys() == expected.keys()
        for time, value in expected.items():
            assert got[time] == pytest.approx(value, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(DATA)
def test_relapse_and_death_in_remission_never_add_up_to_more_than_one(data):
    times, codes = [t for t, _ in data], [c for _, c in data]
    cir = aalen_johansen(times, codes, 1)["table"]
    cid = aalen_johansen(times, codes, 2)["table"]
    any_event = KaplanMeierFitter().fit(times, [c != 0 for c in codes]).survival_function_.iloc[:, 0]
    relapse_only = KaplanMeierFitter().fit(times, [c == 1 for c in codes]).survival_function_.iloc[:, 0]
    for a, b in zip(cir, cid, strict=True):
        assert a["time"] == b["time"]
        assert a["cif"] + b["cif"] <= 1 + 1e-12
        assert a["cif"] + b["cif"] == pytest.approx(1 - any_event.loc[a["time"]], abs=1e-9)
        assert a["cif"] <= 1 - relapse_only.loc[a["time"]] + 1e-12  # 1 - KM overstates the relapse incidence


def test_worked_example_by_hand():
    """8 responders (days, code): (1,R) (2,D) (2,R) (3,c) (4,D) (5,R) (5,c) (6,R); R relapse, D death in remission.
    day 1: n 8, CIR 1/8; S 7/8. day 2: n 7, one each: CIR += 7/8·1/7 = 1/8 -> 2/8, CID 1/8; S = 7/8·5/7 = 5/8.
    day 3: censored. day 4: n 4, death: CID += 5/8·1/4 = 5/32 -> 9/32; S = 15/32. day 5: n 3, relapse (and a
    censoring after it): CIR += 15/32·1/3 = 5/32 -> 13/32; S = 10/32. day 6: n 1, relapse: CIR += 10/32 -> 23/32.
    CIR + CID = 23/32 + 9/32 = 1 at the end (S = 0)."""
    times, codes = [1, 2, 2, 3, 4, 5, 5, 6], [1, 2, 1, 0, 2, 1, 0, 1]
    cir = aalen_johansen(times, codes, 1)
    cid = aalen_johansen(times, codes, 2)
    assert [r["cif"] for r in cir["table"]] == pytest.approx([1 / 8, 2 / 8, 2 / 8, 2 / 8, 13 / 32, 23 / 32], abs=1e-15)
    assert [r["cif"] for r in cid["table"]] == pytest.approx([0, 1 / 8, 1 / 8, 9 / 32, 9 / 32, 9 / 32], abs=1e-15)
    assert [(r["n_risk"], r["n_event"], r["n_competing"], r["n_censor"]) for r in cir["table"]] == [
        (8, 1, 0, 0),
        (7, 1, 1, 0),
        (5, 0, 0, 1),
        (4, 0, 1, 0),
        (3, 1, 0, 1),
        (1, 1, 0, 0),
    ]
    assert (cir["n"], cir["n_events"], cir["n_competing"], cir["n_censored"]) == (8, 4, 2, 2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from((0, 1, 2)), min_size=2, max_size=40), st.randoms(use_true_random=False))
def test_confidence_limits_equal_lifelines_on_data_without_ties(codes, rnd):
    times = rnd.sample(range(1, 400), len(codes))  # distinct days: lifelines computes its own variance as is
    got = aalen_johansen(times, codes, 1)["table"]
    if not any(c == 1 for c in codes):
        return
    fitter = AalenJohansenFitter(calculate_variance=True).fit(times, codes, event_of_interest=1)
    ci = fitter.confidence_interval_
    for row in got:
        low, high = sorted(float(x) for x in ci.loc[row["time"]])
        if np.isfinite(low) and np.isfinite(high) and 0 < row["cif"] < 1:
            assert (row["lcl"], row["ucl"]) == pytest.approx((low, high), abs=1e-9)


def test_no_participants_give_an_empty_table():
    result = aalen_johansen([], [], 1)
    assert (result["n"], result["table"], result["landmarks"]) == (0, [], {})
