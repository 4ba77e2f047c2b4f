"""ADSL, ADRS and ADTTE rows for the data cut-off, from the endpoint engine (no database needed).

Expected values are worked out by hand from DOMAIN.md (decisions 1, 5, 7): day 1 = C1D1,
AVAL = ADT - C1D1 + 1, months = days / 30.4375.
"""

import datetime

from endpoints.calculations import EocAssessment, ParticipantData
from exports.analysis import ADRS_COLUMNS, ADSL_COLUMNS, ADTTE_COLUMNS, analysis_datasets

D = datetime.date
CUTOFF = D(2026, 6, 30)

RESPONDER = ParticipantData(
    participant_id="01-001",
    c1d1=D(2026, 1, 1),
    eoc1=EocAssessment(marrow_date=D(2026, 1, 28), response="CR", flow_class="NEG"),
    eoc2=EocAssessment(marrow_date=D(2026, 2, 25), response="CR", flow_class="NEG"),
    dates_alive=[D(2026, 6, 1)],
)
FAILURE = ParticipantData(
    participant_id="02-001",
    c1d1=D(2026, 1, 5),
    eoc1=EocAssessment(marrow_date=D(2026, 2, 1), response="NR", flow_class="POS"),
    death_date=D(2026, 3, 10),
)
UNTREATED = ParticipantData(participant_id="01-002", c1d1=None)
SITES = {"01-001": "01", "02-001": "02", "01-002": "01"}


def as_dicts(columns, rows) -> list[dict]:
    return [dict(zip([c.name for c in columns], row, strict=True)) for row in rows]


def datasets():
    return analysis_datasets([FAILURE, UNTREATED, RESPONDER], SITES, CUTOFF)


def test_adsl_has_one_row_per_participant_ordered_by_id():
    adsl = as_dicts(ADSL_COLUMNS, datasets().adsl)
    assert [r["USUBJID"] for r in adsl] == ["01-001", "01-002", "02-001"]
    responder, untreated, failure = adsl
    assert {
        k: responder[k]
        for k in ("SITEID", "TRTFL", "EOC1RSP", "EOC1MRD", "EOC1PRIM", "EOC1PRFL", "BESTRSP", "CRCRIFL", "PRIMFL")
    } == {
        "SITEID": "01",
        "TRTFL": "Y",
        "EOC1RSP": "CR",
        "EOC1MRD": "NEG",
        "EOC1PRIM": "RESPONDER",
        "EOC1PRFL": "Y",
        "BESTRSP": "CR",
        "CRCRIFL": "Y",
        "PRIMFL": "Y",
    }
    assert str(responder["TRTSDT"]) == "2026-01-01" and str(responder["EOC2DT"]) == "2026-02-25"
    assert untreated["TRTFL"] == "N"
    assert all(v is None for k, v in untreated.items() if k not in ("USUBJID", "SITEID", "TRTFL"))
    assert (failure["SITEID"], failure["EOC1RSP"], failure["EOC1PRIM"], failure["PRIMFL"]) == (
        "02",
        "NR",
        "NON_RESPONDER",
        "N",
    )
    assert (failure["EOC2PRIM"], failure["EOC2NERS"]) == ("NOT_EVALUABLE", "MISSING_ASSESSMENT")
    assert str(failure["DTHDT"]) == "2026-03-10"


def test_adrs_has_eoc1_eoc2_and_by_eoc2_for_each_treated_participant():
    adrs = as_dicts(ADRS_COLUMNS, datasets().adrs)
    assert [(r["USUBJID"], r["AVISIT"]) for r in adrs] == [
        ("01-001", "EOC1"),
        ("01-001", "EOC2"),
        ("01-001", "BY_EOC2"),
        ("02-001", "EOC1"),
        ("02-001", "EOC2"),
        ("02-001", "BY_EOC2"),
    ]
    by_eoc2 = adrs[-1]
    assert (by_eoc2["AVALC"], by_eoc2["PRIMSTAT"], by_eoc2["PRIMFL"], by_eoc2["NERSN"]) == (
        "NR",
        "NOT_EVALUABLE",
        "N",
        "EOC2: MISSING_ASSESSMENT",
    )


def test_adtte_rows_follow_the_day_1_convention():
    adtte = {(r["USUBJID"], r["PARAMCD"]): r for r in as_dicts(ADTTE_COLUMNS, datasets().adtte)}
    responder_params = ("RFS", "RFSHSCT", "DOR", "DORHSCT", "CIR", "CIRHSCT")  # 01-001 only: 02-001 never in CR
    assert set(adtte) == {(p, code) for p in ("01-001", "02-001") for code in ("OS", "EFS", "OSHSCT", "EFSHSCT")} | {
        ("01-001", code) for code in responder_params
    }
    # From the first CR (EOC1 marrow 2026-01-28, day 1) to the last adequate assessment 2026-02-25: day 29.
    rfs, cir = adtte[("01-001", "RFS")], adtte[("01-001", "CIR")]
    assert (str(rfs["STARTDT"]), str(rfs["ADT"]), rfs["AVAL"], rfs["CNSR"]) == ("2026-01-28", "2026-02-25", 29, 1)
    assert (cir["CNSR"], cir["CMPEVCD"], rfs["CMPEVCD"]) == (1, 0, None)

    os_censored = adtte[("01-001", "OS")]
    # Last known alive on or before the cut-off: 2026-06-01 = day 152.
    assert (str(os_censored["ADT"]), os_censored["AVAL"], os_censored["CNSR"]) == ("2026-06-01", 152, 1)
    assert abs(os_censored["AVALMO"] - 152 / 30.4375) < 1e-12
    assert (os_censored["EVNTDESC"], os_censored["CNSDTDSC"]) == (None, "LAST KNOWN ALIVE")

    efs_censored = adtte[("01-001", "EFS")]  # last adequate disease assessment: the EOC2 marrow, day 56
    assert (str(efs_censored["ADT"]), efs_censored["AVAL"], efs_censored["CNSR"]) == ("2026-02-25", 56, 1)

    os_death = adtte[("02-001", "OS")]  # 2026-01-05 -> 2026-03-10 is 64 days later: day 65
    assert (str(os_death["ADT"]), os_death["AVAL"], os_death["CNSR"], os_death["EVNTDESC"]) == (
        "2026-03-10",
        65,
        0,
        "DEATH",
    )
    efs_failure = adtte[("02-001", "EFS")]  # no CR/CRh/CRi by EOC2: event at day 1
    assert (str(efs_failure["ADT"]), efs_failure["AVAL"], efs_failure["CNSR"]) == ("2026-01-05", 1, 0)
    assert efs_failure["EVNTDESC"].startswith("TREATMENT FAILURE")
    assert efs_failure["PARAM"] == "Event-free survival (days)"


def test_nothing_after_the_cutoff_counts():
    # before the EOC1 marrow and its landmark (study day 42 = 2026-02-11): pending, not "not evaluable"
    early = analysis_datasets([RESPONDER], SITES, D(2026, 1, 20))
    adsl = as_dicts(ADSL_COLUMNS, early.adsl)[0]
    assert (adsl["TRTFL"], adsl["EOC1RSP"], adsl["EOC1PRIM"]) == ("Y", None, "PENDING")
    before_treatment = analysis_datasets([RESPONDER], SITES, D(2025, 12, 31))
    assert as_dicts(ADSL_COLUMNS, before_treatment.adsl)[0]["TRTFL"] == "N"
    assert before_treatment.adtte == [] and before_treatment.adrs == []


def test_an_empty_cohort_gives_empty_datasets():
    empty = analysis_datasets([], {}, CUTOFF)
    assert (empty.adsl, empty.adrs, empty.adtte) == ([], [], [])
