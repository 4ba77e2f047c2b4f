"""Flow-NGS concordance (issue 20): at each time point, flow MRD at 0.1 % by NGS MRD at 1e-6 over the
participants with a marrow there, NE apart, with the participants behind each cell; agreement (exact CI) and
Cohen's kappa from the 2 x 2 table."""

import pytest
from hypothesis import HealthCheck, given, settings

from endpoints import calculations as calc
from tests.endpoints.mrd_cohorts import (
    CUTOFF,
    RawMarrow,
    RawParticipant,
    marrow_by_cutoff,
    raw_cohorts,
    to_participant,
    treated,
)
from tests.endpoints.test_flow_mrd_by_cycle import read_flow
from tests.endpoints.test_ngs_mrd import read_ngs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw_cohorts())
def test_each_cell_of_the_concordance_table_holds_the_participants_counted_independently(cohort):
    summaries = [calc.summarise(to_participant(raw), CUTOFF) for raw in cohort]
    results = calc.aggregate_summaries(summaries, CUTOFF)
    groups = calc.participant_groups(summaries)
    for tp in ("EOC1", "EOC2"):
        cells: dict[tuple[str, str], list[str]] = {}
        for raw in cohort:
            if not treated(raw) or marrow_by_cutoff(raw, tp) is None:
                continue
            flow = read_flow(marrow_by_cutoff(raw, tp), 0.1)[0]
            band = read_ngs(raw, tp)[0]
            ngs = "NE" if band == "NE" else ("NEG" if band == "LT_1E-6" else "POS")
            cells.setdefault((flow, ngs), []).append(raw.pid)
        table = results["concordance"][tp]
        for f in ("NEG", "POS", "NE"):
            for g in ("NEG", "POS", "NE"):
                assert table["cells"][f][g] == len(cells.get((f, g), []))
                assert groups.get(f"concord.{tp}.{f}.{g}", []) == sorted(cells.get((f, g), []))
        both = [cells.get(k, []) for k in (("NEG", "NEG"), ("NEG", "POS"), ("POS", "NEG"), ("POS", "POS"))]
        assert table["n_both_evaluable"] == sum(len(c) for c in both)
        assert table["agreement"]["n"] == len(both[0]) + len(both[3])


def test_hand_table_gives_agreement_70_percent_and_kappa_0_4():
    """Flow/NGS: 3 both negative, 2 flow negative only, 1 NGS negative only, 4 both positive, 1 NGS without a
    trackable clone. Agreement 7/10; chance agreement (5·4 + 5·6)/100 = 0.5, so kappa = (0.7 − 0.5)/0.5 = 0.4."""
    c1d1 = CUTOFF.replace(month=1, day=1)
    neg_flow, pos_flow = ("QUANTIFIED", 0.01, 0.001), ("QUANTIFIED", 2.0, 0.001)
    neg_ngs, pos_ngs, no_clone = (True, False, None, 1e-6), (True, True, 1e-3, 1e-6), (False, None, None, None)
    pairs = [(neg_flow, neg_ngs)] * 3 + [(neg_flow, pos_ngs)] * 2 + [(pos_flow, neg_ngs)] + [(pos_flow, pos_ngs)] * 4
    pairs.append((neg_flow, no_clone))
    cohort = [
        RawParticipant(f"01-{i:03d}", c1d1, {"EOC1": RawMarrow(28, "CR", flow, ngs)})
        for i, (flow, ngs) in enumerate(pairs, start=1)
    ]
    table = calc.aggregate_summaries([calc.summarise(to_participant(r), CUTOFF) for r in cohort], CUTOFF)[
        "concordance"
    ]["EOC1"]
    assert table["cells"]["NEG"] == {"NEG": 3, "POS": 2, "NE": 1}
    assert table["cells"]["POS"] == {"NEG": 1, "POS": 4, "NE": 0}
    assert (table["n"], table["n_both_evaluable"], table["agreement"]["n"]) == (11, 10, 7)
    assert table["kappa"] == pytest.approx(0.4, abs=1e-12)
    assert calc.cohen_kappa(0, 0, 0, 0) is None
