"""NGS MRD at EOC1 and EOC2 (issue 20, DOMAIN 3.3): negative below 1e-6 and the bands < 1e-6, 1e-6 to < 1e-4,
>= 1e-4 (and positive not quantifiable), with exact CIs over all treated but pending and over the evaluable;
"no trackable clone" (for the whole participant) and insufficient sensitivity are not-evaluable reasons, never
negative. The stored aggregation must equal a count made here from the raw NGS inputs on generated cohorts."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from scipy import stats

from endpoints import calculations as calc
from tests.endpoints.mrd_cohorts import (
    CUTOFF,
    RawMarrow,
    RawParticipant,
    marrow_by_cutoff,
    pending,
    raw_cohorts,
    to_participant,
    treated,
)


def exact_ci(x: int, n: int) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
    return ci.low, ci.high


def read_ngs(raw, tp: str) -> tuple[str, str | None]:
    """(band or "NE", reason): the test's own reading of DOMAIN 3.3 for one participant and time point."""
    marrows = [marrow_by_cutoff(raw, t) for t in ("EOC1", "EOC2")]
    if any(m is not None and m.ngs is not None and m.ngs[0] is False for m in marrows):
        return "NE", "NO_TRACKABLE_CLONE"
    marrow = marrow_by_cutoff(raw, tp)
    if marrow is None:
        return "NE", "MISSING_ASSESSMENT"
    if marrow.ngs is None:
        return "NE", "MRD_MISSING"
    _, detected, value, lod = marrow.ngs
    if detected is None:
        return "NE", "MRD_MISSING"
    if detected is False:
        if lod is None:
            return "NE", "LOD_MISSING"
        return ("LT_1E-6", None) if lod <= 1e-6 else ("NE", "INSUFFICIENT_SENSITIVITY")
    if value is None:
        return "POS_NQ", None
    if value < 1e-6:
        return "LT_1E-6", None
    return ("1E-6_TO_LT_1E-4", None) if value < 1e-4 else ("GE_1E-4", None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw_cohorts())
def test_ngs_mrd_rates_bands_cis_and_ne_reasons_equal_an_independent_count(cohort):
    summaries = [calc.summarise(to_participant(raw), CUTOFF) for raw in cohort]
    results = calc.aggregate_summaries(summaries, CUTOFF)
    groups = calc.participant_groups(summaries)
    for tp in ("EOC1", "EOC2"):
        readings = {raw.pid: read_ngs(raw, tp) for raw in cohort if treated(raw) and not pending(raw, tp)}
        n = len(readings)
        bands = Counter(band for band, _ in readings.values())
        reasons = Counter(reason for _, reason in readings.values() if reason)
        n_neg, n_ne = bands["LT_1E-6"], bands["NE"]
        block = results["mrd_ngs"][tp]
        assert block["n_pending"] == sum(treated(raw) and pending(raw, tp) for raw in cohort)
        assert (block["n"], block["n_negative"], block["n_not_evaluable"]) == (n, n_neg, n_ne)
        assert block["n_positive"] == n - n_neg - n_ne
        assert block["ne_by_reason"] == dict(reasons)
        assert block["ci95"] == pytest.approx(exact_ci(n_neg, n), abs=1e-10)
        assert block["n_evaluable"] == n - n_ne
        assert block["ci95_evaluable"] == pytest.approx(exact_ci(n_neg, n - n_ne), abs=1e-10)
        for band in ("LT_1E-6", "1E-6_TO_LT_1E-4", "GE_1E-4", "POS_NQ"):
            got = block["bands"][band]
            assert (got["n"], got["denominator"]) == (bands[band], n)
            assert got["ci95"] == pytest.approx(exact_ci(bands[band], n), abs=1e-10)
            assert groups.get(f"mrd.ngs.{tp}.band.{band}", []) == sorted(
                pid for pid, (b, _) in readings.items() if b == band
            )
        no_clone = sorted(pid for pid, (_, r) in readings.items() if r == "NO_TRACKABLE_CLONE")
        assert groups.get(f"mrd.ngs.{tp}.NE.NO_TRACKABLE_CLONE", []) == no_clone


def test_no_trackable_clone_at_eoc1_makes_eoc2_not_evaluable_too_and_never_negative():
    c1d1 = CUTOFF.replace(month=1, day=1)
    raw = RawParticipant(
        "01-001",
        c1d1,
        {
            "EOC1": RawMarrow(28, "CR", None, (False, None, None, None)),
            "EOC2": RawMarrow(56, "CR", None, (True, False, None, 1e-6)),  # would be negative on its own
        },
    )
    insufficient = RawParticipant("01-002", c1d1, {"EOC1": RawMarrow(28, "CR", None, (True, False, None, 1e-5))})
    results = calc.aggregate_summaries([calc.summarise(to_participant(r), CUTOFF) for r in (raw, insufficient)], CUTOFF)
    eoc1, eoc2 = results["mrd_ngs"]["EOC1"], results["mrd_ngs"]["EOC2"]
    assert eoc1["ne_by_reason"] == {"NO_TRACKABLE_CLONE": 1, "INSUFFICIENT_SENSITIVITY": 1}
    assert eoc2["ne_by_reason"] == {"NO_TRACKABLE_CLONE": 1, "MISSING_ASSESSMENT": 1}
    assert (eoc1["n_negative"], eoc2["n_negative"]) == (0, 0)
