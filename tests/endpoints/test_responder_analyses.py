"""Responder analyses (issue 20, DOMAIN 5.6): RFS, duration of response and CIR rows from the first CR/CRh/CRi,
with the HSCT-censoring sensitivity; and, over generated cohorts, the stored CIR and death-in-remission curves
add up to 1 - RFS and never exceed 1. Day counts are worked out by hand (AVAL = ADT - remission date + 1)."""

from datetime import date

import pytest

from endpoints import calculations as calc
from endpoints.calculations import EocAssessment, ParticipantData
from tests.factories.endpoints import synthetic_cohort

C1D1, CUTOFF = date(2025, 1, 1), date(2026, 6, 30)
EOC1, EOC2 = date(2025, 1, 29), date(2025, 2, 26)


def cr(day: date, response: str = "CR") -> EocAssessment:
    return EocAssessment(day, response, "NEG")


def rows(p: ParticipantData) -> dict[str, tuple]:
    return {
        code: (str(r.STARTDT), str(r.ADT), r.AVAL_DAYS, r.CNSR, r.EVNTDESC_or_CNSDTDSC)
        for code, r in calc.derive_responder_rows(p, CUTOFF).items()
    }


def test_a_relapse_ends_rfs_dor_and_cir_on_its_date():
    p = ParticipantData("01-001", C1D1, cr(EOC1), relapse_dates=[date(2025, 7, 1)])
    got = rows(p)
    for code in ("RFS", "DOR", "CIR", "RFSHSCT", "DORHSCT", "CIRHSCT"):  # 29 Jan -> 1 Jul 2025: day 154
        assert got[code] == ("2025-01-29", "2025-07-01", 154, 0, "HEMATOLOGIC RELAPSE")


def test_a_death_in_remission_is_an_rfs_event_censors_dor_and_competes_in_cir():
    got = rows(ParticipantData("01-002", C1D1, cr(EOC1, "CRi"), death_date=date(2025, 5, 1)))  # day 93
    assert got["RFS"] == ("2025-01-29", "2025-05-01", 93, 0, "DEATH")
    assert got["DOR"] == ("2025-01-29", "2025-05-01", 93, 1, "DEATH IN REMISSION (CENSORED)")
    assert got["CIR"] == ("2025-01-29", "2025-05-01", 93, 2, "DEATH IN REMISSION")


def test_remission_at_eoc2_starts_there_and_is_censored_at_the_last_adequate_assessment():
    p = ParticipantData(
        "01-003", C1D1, EocAssessment(EOC1, "NR", "POS"), cr(EOC2), assessment_dates=[date(2025, 12, 1)]
    )
    assert rows(p)["RFS"] == ("2025-02-26", "2025-12-01", 279, 1, "LAST ADEQUATE DISEASE ASSESSMENT")


def test_hsct_censors_the_sensitivity_rows_only():
    p = ParticipantData("01-004", C1D1, cr(EOC1), relapse_dates=[date(2025, 9, 1)], hsct_date=date(2025, 4, 1))
    got = rows(p)
    assert got["CIR"] == ("2025-01-29", "2025-09-01", 216, 0, "HEMATOLOGIC RELAPSE")
    assert got["CIRHSCT"] == ("2025-01-29", "2025-04-01", 63, 1, "ALLOGENEIC HSCT (SENSITIVITY)")
    assert got["RFSHSCT"][1:4] == ("2025-04-01", 63, 1)


def test_hsct_before_the_remission_censors_the_sensitivity_rows_at_day_one():
    p = ParticipantData("01-005", C1D1, EocAssessment(EOC1, "NR", "POS"), cr(EOC2), hsct_date=date(2025, 2, 10))
    assert rows(p)["DORHSCT"] == ("2025-02-26", "2025-02-26", 1, 1, "ALLOGENEIC HSCT BEFORE REMISSION (SENSITIVITY)")


def test_relapse_and_death_on_the_same_day_count_as_relapse_and_non_responders_have_no_rows():
    same_day = ParticipantData("01-006", C1D1, cr(EOC1), relapse_dates=[date(2025, 7, 1)], death_date=date(2025, 7, 1))
    assert rows(same_day)["CIR"][3:] == (0, "HEMATOLOGIC RELAPSE")
    refractory = ParticipantData("01-007", C1D1, EocAssessment(EOC1, "NR", "POS"), EocAssessment(EOC2, "NR", "POS"))
    assert rows(refractory) == {}
    summary = calc.summarise(refractory, CUTOFF)
    assert "responder" not in summary.groups and summary.km[8:] == (0, -1) * 6


@pytest.mark.parametrize("seed", range(6))
def test_stored_cir_and_death_in_remission_add_up_to_one_minus_rfs_and_never_exceed_one(seed):
    cohort = synthetic_cohort(80, CUTOFF, seed=seed).participants
    results = calc.aggregate_summaries([calc.summarise(p, CUTOFF) for p in cohort], CUTOFF)["responders"]
    for suffix in ("", "_HSCT_CENSORED"):
        cir, cid = results["cif"]["CIR" + suffix]["table"], results["cif"]["CID" + suffix]["table"]
        rfs = results["km"]["RFS" + suffix]["table"]
        for a, b in zip(cir, cid, strict=True):
            assert a["cif"] + b["cif"] <= 1 + 1e-12
            surv = min([r["surv"] for r in rfs if r["time"] <= a["time"]], default=1.0)
            assert a["cif"] + b["cif"] == pytest.approx(1 - surv, abs=1e-9)
    assert results["n_responders"] == results["km"]["RFS"]["n"] == results["cif"]["CIR"]["n"]
