"""Primary endpoint (DOMAIN 3.4, decision 5) and response tables (DOMAIN 3.2, 5.6) on a hand-built cohort.

Expected counts are worked out by hand in the comments; CIs come from scipy.stats.binomtest,
an implementation independent of the beta-quantile formula used by the code under test.
"""

from datetime import date

import pytest
from scipy import stats

from endpoints.calculations import EocAssessment, ParticipantData, primary_endpoint, response_table

C1D1 = date(2025, 1, 1)
M1, M2 = date(2025, 1, 28), date(2025, 2, 25)


def e1(response, flow=None, **kw):
    return EocAssessment(marrow_date=M1, response=response, flow_class=flow, **kw)


def e2(response, flow=None, **kw):
    return EocAssessment(marrow_date=M2, response=response, flow_class=flow, **kw)


COHORT = [
    ParticipantData("P01", C1D1, e1("CR", "NEG"), e2("CR", "NEG")),  # responder at both
    ParticipantData("P02", C1D1, e1("CR", "POS"), e2("CR", "NEG")),  # EOC2 only
    ParticipantData("P03", C1D1, e1("CRi", "NEG"), e2("CR", "POS")),  # only with include_cri (EOC1)
    ParticipantData(
        "P04", C1D1, e1("CR", "NE", mrd_ne_reason="INSUFFICIENT_SENSITIVITY"), e2("CR", "NEG")
    ),  # EOC1 NE (MRD), EOC2 responder
    ParticipantData("P05", C1D1, e1("NE", ne_reason="DRY_TAP"), None),  # NE at EOC1, missing EOC2
    ParticipantData("P06", C1D1, None, None),  # never assessed
    ParticipantData("P07", C1D1, e1("NR", "POS"), e2("NR", "POS")),  # evaluable non-responder
    ParticipantData("P08", C1D1, e1("CRh", "NEG"), e2("CRh", "NEG")),  # only with include_cri
    ParticipantData("P09", None, e1("CR", "NEG"), e2("CR", "NEG")),  # never treated: excluded
    ParticipantData("P10", C1D1, e1("CR", None), e2("NR", "POS")),  # EOC1 flow missing
]
N_TREATED = 9


def exact(x, n):
    ci = stats.binomtest(x, n).proportion_ci(method="exact")
    return pytest.approx([ci.low, ci.high], abs=1e-9)


def test_eoc1():
    r = primary_endpoint(COHORT, "EOC1")
    assert r["n_treated"] == N_TREATED
    assert r["responder_ids"] == ["P01"]
    assert r["n_responders"] == 1
    assert r["ne_by_reason"] == {
        "DRY_TAP": 1,
        "INSUFFICIENT_SENSITIVITY": 1,
        "MISSING_ASSESSMENT": 1,
        "MRD_MISSING": 1,
    }
    assert r["n_not_evaluable"] == 4
    assert r["rate"] == pytest.approx(1 / 9)
    assert r["ci95"] == exact(1, 9)
    # sensitivity: evaluable-only denominator 9 - 4 = 5
    assert (r["n_evaluable"], r["rate_evaluable"]) == (5, pytest.approx(1 / 5))
    assert r["ci95_evaluable"] == exact(1, 5)


def test_eoc2():
    r = primary_endpoint(COHORT, "EOC2")
    assert r["responder_ids"] == ["P01", "P02", "P04"]
    assert r["ne_by_reason"] == {"MISSING_ASSESSMENT": 2}  # P05, P06
    assert r["rate"] == pytest.approx(3 / 9)
    assert r["ci95"] == exact(3, 9)


def test_by_eoc2():
    r = primary_endpoint(COHORT, "BY_EOC2")
    assert r["responder_ids"] == ["P01", "P02", "P04"]
    # P03, P07, P08 are evaluable non-responders at both; P05/P06/P10 have an NE time point
    assert r["ne_by_reason"] == {
        "EOC1: DRY_TAP": 1,
        "EOC1: MISSING_ASSESSMENT": 1,
        "EOC1: MRD_MISSING": 1,
    }
    assert r["n_non_responders"] == 6
    assert r["ci95"] == exact(3, 9)


def test_by_eoc2_reason_from_eoc2_when_eoc1_evaluable():
    p = ParticipantData("Q", C1D1, e1("NR", "POS"), None)
    assert primary_endpoint([p], "BY_EOC2")["ne_by_reason"] == {"EOC2: MISSING_ASSESSMENT": 1}


@pytest.mark.parametrize(
    ("timepoint", "responders"),
    [
        ("EOC1", ["P01", "P03", "P08"]),
        ("EOC2", ["P01", "P02", "P04", "P08"]),
        ("BY_EOC2", ["P01", "P02", "P03", "P04", "P08"]),
    ],
)
def test_include_cri(timepoint, responders):
    r = primary_endpoint(COHORT, timepoint, include_cri=True)
    assert r["responder_ids"] == responders
    assert r["ci95"] == exact(len(responders), N_TREATED)
    assert "CR, CRh or CRi" in r["definition_text"]


def test_definition_text():
    text = primary_endpoint(COHORT, "EOC1")["definition_text"]
    assert "any dose of study treatment" in text and "(N = 9)" in text
    assert "< 0.1 %" in text and "Clopper-Pearson" in text and "CRh/CRi excluded" in text


def test_cutoff_excludes_later_marrows_and_later_starts():
    late = ParticipantData("P11", date(2025, 3, 1), e1("CR", "NEG"))
    r = primary_endpoint([*COHORT, late], "EOC2", cutoff=date(2025, 2, 1))
    # treated by 2025-02-01: the 9 original (P11 starts later); every EOC2 marrow (2025-02-25) is later, and
    # the EOC2 landmark (day 70) is after the cut-off too: pending, not missing (issue 14, Project decision 10)
    assert r["n_treated"] == 9
    assert r["n_responders"] == 0
    assert r["ne_by_reason"] == {}
    assert (r["n_pending"], r["n_non_responders"]) == (9, 0)


def test_empty_cohort():
    r = primary_endpoint([], "EOC1")
    assert (r["n_treated"], r["n_responders"], r["rate"], r["ci95"]) == (0, 0, None, [0.0, 1.0])


def test_unknown_timepoint():
    with pytest.raises(ValueError):
        primary_endpoint(COHORT, "EOC3")
    with pytest.raises(ValueError):
        response_table([], "EOC3")


def test_unknown_response_rejected():
    with pytest.raises(ValueError):
        EocAssessment(response="PR?")


def test_response_table_eoc1():
    t = response_table(COHORT, "EOC1")
    # CR: P01 P02 P04 P10; CRh: P08; CRi: P03; NR: P07; NE: P05; missing: P06
    assert t["counts"] == {"CR": 4, "CRh": 1, "CRi": 1, "NR": 1, "RELAPSE": 0, "NE": 1, "missing": 1, "pending": 0}
    assert t["n_treated"] == 9
    assert t["cr"]["n"] == 4 and t["cr"]["ci95"] == exact(4, 9)
    assert t["cr_cri"]["n"] == 6 and t["cr_cri"]["rate"] == pytest.approx(6 / 9)
    assert t["cr_cri"]["ci95"] == exact(6, 9)


def test_response_table_best_by_eoc2():
    t = response_table(COHORT, "BY_EOC2")
    # best: P01 CR, P02 CR, P03 CR, P04 CR, P05 NE, P06 missing, P07 NR, P08 CRh, P10 CR
    assert t["counts"] == {"CR": 5, "CRh": 1, "CRi": 0, "NR": 1, "RELAPSE": 0, "NE": 1, "missing": 1, "pending": 0}
    assert t["cr_cri"]["n"] == 6


def test_response_table_counts_relapse():
    p = ParticipantData("R", C1D1, e1("CR", "NEG"), e2("RELAPSE", "POS"))
    assert response_table([p], "EOC2")["counts"]["RELAPSE"] == 1
    assert response_table([p], "BY_EOC2")["counts"]["CR"] == 1
