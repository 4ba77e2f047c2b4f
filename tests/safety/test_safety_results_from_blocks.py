"""The stored safety results, aggregated from one block per participant, equal the trial-level safety
calculations run on all the facts at once (AE table, CRS/ICANS, deaths within 30/60 days, the boundary)."""

from dataclasses import asdict
from datetime import date, timedelta

import pytest

from safety.calculations import (
    ae_table,
    crs_icans_summary,
    deaths_within,
    participant_safety_block,
    safety_boundary,
    safety_results,
)
from tests.factories.endpoints import synthetic_safety

CUTOFF = date(2026, 6, 30)


@pytest.mark.parametrize("n", [1, 7, 60])
def test_results_from_participant_blocks_equal_the_calculations_on_all_facts_when_aggregated(n):
    c1d1 = {f"P{i:03d}": CUTOFF - timedelta(days=10 + 3 * i) for i in range(n)}
    died = {p: on + timedelta(days=5 + i) for i, (p, on) in enumerate(c1d1.items()) if i % 3 == 0}
    facts = {p: synthetic_safety(p, on) for p, on in c1d1.items()}
    blocks = {p: participant_safety_block(facts[p], c1d1=c1d1[p], death_date=died.get(p), cutoff=CUTOFF) for p in c1d1}
    got = safety_results(blocks, n)

    all_aes = [f for fs in facts.values() for f in fs.aes if f.onset <= CUTOFF]
    table = [{k: v for k, v in asdict(r).items() if k != "participants"} for r in ae_table(all_aes, n)]
    for row in table:
        row["by_worst_grade"] = {str(g): k for g, k in row["by_worst_grade"].items()}
    assert got["ae_table"] == table

    events = [e for fs in facts.values() for e in fs.events if e.onset <= CUTOFF]
    starts = {(p, c): on for p, fs in facts.items() for c, on in fs.infusion_starts.items()}
    for kind in ("crs", "icans"):
        direct = crs_icans_summary(events, kind, infusion_starts=starts, n_treated=n)
        block = got[kind]
        assert (block["n"], block["n_grade3plus"], block["worst_grade_counts"]) == (
            direct.n,
            direct.n_grade3plus,
            {str(g): k for g, k in direct.worst_grade_counts.items()},
        )
        assert (block["median_onset_day"], block["median_duration_days"]) == (
            direct.median_onset_day,
            direct.median_duration_days,
        )
    for days in (30, 60):
        by_cutoff = {p: on for p, on in died.items() if on <= CUTOFF}  # a death after the cut-off is not counted
        assert got["deaths"][str(days)]["participants"] == list(deaths_within(days, by_cutoff, c1d1))
    boundary = safety_boundary(all_aes, n)
    assert (got["boundary"]["events"], got["boundary"]["probability"], got["boundary"]["crossed"]) == (
        boundary.events,
        boundary.probability,
        boundary.crossed,
    )
    assert got["serious"]["n_events"] == sum(1 for f in all_aes if f.serious and f.treatment_emergent)
    if n == 60:  # the cohort exercises every count
        assert got["deaths"]["30"]["n"] < got["deaths"]["60"]["n"] and boundary.events > 0 and got["crs"]["n"] > 0
