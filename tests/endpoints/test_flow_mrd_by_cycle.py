"""Flow MRD by cycle (issue 20): at EOC1 and EOC2, MRD negative < 0.1 % and < 0.01 %, among all treated (the
primary endpoint's denominator, NE by reason, pending apart) and among those in CR/CRh/CRi there. The stored
aggregation must equal a count made here from the raw marrow inputs, on generated cohorts, with exact CIs from
scipy's binomtest."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from scipy import stats

from endpoints import calculations as calc
from tests.endpoints.mrd_cohorts import CUTOFF, marrow_by_cutoff, pending, raw_cohorts, to_participant, treated

CUTS = {"flow1e-3": 0.1, "flow1e-4": 0.01}
REMISSION = ("CR", "CRh", "CRi")


def exact_ci(x: int, n: int) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
    return ci.low, ci.high


def read_flow(marrow, cut_pct: float) -> tuple[str, str | None]:
    """The test's own reading of one marrow's flow result (DOMAIN 3.3, decision 4)."""
    if marrow is None:
        return "NE", "MISSING_ASSESSMENT"
    if marrow.flow is None:
        return "NE", "MRD_MISSING"
    kind, value, lod = marrow.flow
    if kind == "NOT_EVALUABLE":
        return "NE", "MRD_NOT_EVALUABLE"
    if kind == "QUANTIFIED":
        if value is None:
            return "NE", "VALUE_MISSING"
        return ("NEG", None) if value < cut_pct else ("POS", None)
    if lod is None:
        return "NE", "LOD_MISSING"
    return ("NEG", None) if lod < cut_pct else ("NE", "INSUFFICIENT_SENSITIVITY")


def expected_counts(cohort, cut_pct: float, tp: str) -> dict:
    out = {"pending": [], "all": {"ids": [], "NEG": [], "POS": [], "NE": [], "reasons": Counter()}}
    out["rem"] = {"ids": [], "NEG": [], "POS": [], "NE": [], "reasons": Counter()}
    for raw in cohort:
        if not treated(raw):
            continue
        if pending(raw, tp):
            out["pending"].append(raw.pid)
            continue
        marrow = marrow_by_cutoff(raw, tp)
        status, reason = read_flow(marrow, cut_pct)
        denominators = ["all"] + (["rem"] if marrow is not None and marrow.response in REMISSION else [])
        for d in denominators:
            out[d]["ids"].append(raw.pid)
            out[d][status].append(raw.pid)
            if reason:
                out[d]["reasons"][reason] += 1
    return out


def assert_block(block: dict, expected: dict) -> None:
    n, neg = len(expected["ids"]), len(expected["NEG"])
    n_evaluable = neg + len(expected["POS"])
    assert (block["n"], block["n_negative"], block["n_positive"], block["n_not_evaluable"]) == (
        n,
        neg,
        len(expected["POS"]),
        len(expected["NE"]),
    )
    assert block["ne_by_reason"] == dict(expected["reasons"])
    assert block["rate"] == (neg / n if n else None)
    assert block["ci95"] == pytest.approx(exact_ci(neg, n), abs=1e-10)
    assert block["n_evaluable"] == n_evaluable
    assert block["ci95_evaluable"] == pytest.approx(exact_ci(neg, n_evaluable), abs=1e-10)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw_cohorts())
def test_flow_mrd_rates_cis_and_ne_counts_equal_an_independent_count_at_both_cutoffs_and_denominators(cohort):
    participants = [to_participant(raw) for raw in cohort]
    summaries = [calc.summarise(p, CUTOFF) for p in participants]
    results = calc.aggregate_summaries(summaries, CUTOFF)
    groups = calc.participant_groups(summaries)
    for cut, cut_pct in CUTS.items():
        for tp in ("EOC1", "EOC2"):
            expected = expected_counts(cohort, cut_pct, tp)
            block = results["mrd_flow"][cut][tp]
            assert block["n_pending"] == len(expected["pending"])
            assert block["n_treated"] == sum(treated(raw) for raw in cohort)
            assert_block(block["all"], expected["all"])
            assert_block(block["rem"], expected["rem"])
            # the drill-down lists behind the counts are the participants counted here
            assert groups.get(f"mrd.{tp}.PENDING", []) == sorted(expected["pending"])
            assert groups.get(f"mrd.{cut}.{tp}.all.NEG", []) == sorted(expected["all"]["NEG"])
            assert groups.get(f"mrd.{cut}.{tp}.rem.NE", []) == sorted(expected["rem"]["NE"])
            assert groups.get(f"mrd.{tp}.rem", []) == sorted(expected["rem"]["ids"])


def test_hand_example_counts_a_not_detected_result_by_its_lod_at_each_cutoff():
    """EOC1: 0.05 % quantified (negative at 0.1 %, positive at 0.01 %), not detected with LOD 0.05 % (negative at
    0.1 %, insufficient sensitivity at 0.01 %), NR with 12 %, and 0.005 % (negative at both); the last one started
    a month ago and is pending at EOC2. 3/4 has the exact CI [Beta⁻¹(0.025; 3, 2), 0.975^(1/4)]."""
    from tests.endpoints.mrd_cohorts import RawMarrow, RawParticipant

    c1d1 = CUTOFF.replace(month=1, day=1)
    recent = CUTOFF.replace(month=6, day=1)  # EOC2 landmark = day 56 + 14 after it: 2026-08-10, after the cut-off
    cohort = [
        RawParticipant("01-001", c1d1, {"EOC1": RawMarrow(28, "CR", ("QUANTIFIED", 0.05, 0.01), None)}),
        RawParticipant("01-002", c1d1, {"EOC1": RawMarrow(28, "CRi", ("NOT_DETECTED", None, 0.05), None)}),
        RawParticipant("01-003", c1d1, {"EOC1": RawMarrow(28, "NR", ("QUANTIFIED", 12.0, 0.01), None)}),
        RawParticipant("01-004", recent, {"EOC1": RawMarrow(28, "CR", ("QUANTIFIED", 0.005, 0.001), None)}),
    ]
    results = calc.aggregate_summaries([calc.summarise(to_participant(r), CUTOFF) for r in cohort], CUTOFF)
    protocol, reporting = results["mrd_flow"]["flow1e-3"], results["mrd_flow"]["flow1e-4"]
    assert (protocol["EOC1"]["all"]["n_negative"], protocol["EOC1"]["all"]["n"]) == (3, 4)
    assert (protocol["EOC1"]["rem"]["n_negative"], protocol["EOC1"]["rem"]["n"]) == (3, 3)
    assert reporting["EOC1"]["all"]["n_negative"] == 1
    assert reporting["EOC1"]["all"]["ne_by_reason"] == {"INSUFFICIENT_SENSITIVITY": 1}
    assert protocol["EOC1"]["all"]["ci95"] == pytest.approx([0.194120, 0.993690], abs=1e-6)  # 3/4, exact
    assert (protocol["EOC2"]["n_pending"], protocol["EOC2"]["all"]["n"]) == (1, 3)
    assert protocol["EOC2"]["all"]["ne_by_reason"] == {"MISSING_ASSESSMENT": 3}
