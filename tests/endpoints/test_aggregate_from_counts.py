"""The stored path counts participants by their drill-down groups (calculations.aggregate); the numbers must
equal those computed directly over the participants (primary_endpoint, response_table, km_from_rows)."""

import datetime

import pytest

from endpoints import calculations as calc
from tests.factories.endpoints import synthetic_cohort

CUTOFF = datetime.date(2026, 6, 30)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("size", [0, 1, 7, 60])
def test_aggregated_counts_equal_the_direct_computation_on_random_cohorts(seed, size):
    participants = synthetic_cohort(size, CUTOFF, seed=seed).participants
    got = calc.aggregate_summaries([calc.summarise(p, CUTOFF) for p in participants], CUTOFF)
    for tp in calc.PRIMARY_TIMEPOINTS:
        for key, include_cri in (("primary_endpoint", False), ("primary_endpoint_incl_cri", True)):
            direct = calc.primary_endpoint(participants, tp, include_cri, CUTOFF)
            direct.pop("responder_ids")
            assert got[key][tp] == direct
    for tp in calc.RESPONSE_TABLE_TIMEPOINTS:
        assert got["response_tables"][tp] == calc.response_table(participants, tp, CUTOFF)
    treated = [p for p in participants if p.treated(CUTOFF)]
    for key, paramcd in calc.KM_KEYS.items():
        derive = calc.derive_os if paramcd in (calc.PARAM_OS, calc.PARAM_OS_HSCT) else calc.derive_efs
        rows = [derive(p, CUTOFF, 5, censor_at_hsct=paramcd.endswith("HSCT")) for p in treated]
        assert got["km"][key] == calc.km_from_rows(rows)
    assert (got["n_participants"], got["n_treated"]) == (len(participants), len(treated))
