"""OS and EFS ADTTE derivation (DOMAIN 5.5 rules 1-5, decision 7).

Part 1 rebuilds the eight synthetic participants behind reference/worked_example_adtte.csv and
checks every row. The CSV gives only the outcome, so the inputs (marrow dates, assessment dates,
contact dates) are constructed by hand here, consistent with it and with
reference/worked_example_response.csv (same subjects S01-S08, same responses).
Part 2 covers cases the reference file has none of, with expected values computed by hand.
"""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from endpoints.calculations import (
    AdtteRow,
    EocAssessment,
    ParticipantData,
    derive_efs,
    derive_os,
)

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
CUTOFF = date(2026, 6, 30)


def d(text: str) -> date:
    return date.fromisoformat(text)


def eoc(marrow: str | None, response: str, flow: str | None = None, **kw) -> EocAssessment:
    return EocAssessment(marrow_date=d(marrow) if marrow else None, response=response, flow_class=flow, **kw)


WORKED = {
    # In CR from EOC1, alive, no relapse: EFS censored at the last adequate assessment (2026-04-01),
    # OS at the last contact (2026-05-15). HSCT on 2025-07-01 must not change the primary analysis (rule 5).
    "S01": ParticipantData(
        "S01",
        d("2025-01-30"),
        eoc1=eoc("2025-02-26", "CR", "NEG"),
        eoc2=eoc("2025-03-27", "CR", "NEG"),
        assessment_dates=[d("2025-06-15"), d("2025-10-01"), d("2026-04-01")],
        dates_alive=[d("2025-12-01"), d("2026-05-15")],
        hsct_date=d("2025-07-01"),
    ),
    # CRh then CRi (remission by EOC2), relapse documented on 2025-11-10, death 2026-02-03.
    "S02": ParticipantData(
        "S02",
        d("2025-01-02"),
        eoc1=eoc("2025-01-29", "CRh", "POS"),
        eoc2=eoc("2025-02-28", "CRi", "NEG"),
        relapse_dates=[d("2025-11-10")],
        death_date=d("2026-02-03"),
        assessment_dates=[d("2025-08-01"), d("2025-11-10")],
        dates_alive=[d("2026-01-15")],
    ),
    # NR at EOC1 and EOC2: treatment failure, EFS event at day 1 (rule 1); alive (last contact 2026-06-20).
    "S03": ParticipantData(
        "S03",
        d("2025-02-01"),
        eoc1=eoc("2025-02-28", "NR", "POS"),
        eoc2=eoc("2025-03-29", "NR", "POS"),
        dates_alive=[d("2026-06-20")],
    ),
    # Died on day 20, before any marrow (EOC1 NE, no marrow date): EFS event at day 1 (rule 2).
    "S04": ParticipantData(
        "S04",
        d("2025-01-01"),
        eoc1=eoc(None, "NE", "NE", ne_reason="DIED_BEFORE_ASSESSMENT"),
        death_date=d("2025-01-20"),
        dates_alive=[d("2025-01-15")],
    ),
    # Withdrew on day 20, alive, never evaluable: EFS censored at day 1 (rule 3); OS at last contact.
    "S05": ParticipantData(
        "S05",
        d("2025-03-01"),
        eoc1=eoc(None, "NE", "NE", ne_reason="WITHDREW"),
        dates_alive=[d("2025-03-20")],
    ),
    # CR (EOC1 MRD not evaluable, EOC2 MRD-negative); known alive after the cut-off (2026-07-02)
    # -> OS censored at the cut-off; EFS at the last assessment 2026-06-01.
    "S06": ParticipantData(
        "S06",
        d("2025-01-15"),
        eoc1=eoc("2025-02-11", "CR", "NE", mrd_ne_reason="INSUFFICIENT_SENSITIVITY"),
        eoc2=eoc("2025-03-12", "CR", "NEG"),
        assessment_dates=[d("2025-09-01"), d("2026-06-01")],
        dates_alive=[d("2026-07-02")],
    ),
    # In CR, died in remission on 2025-09-09: event for both OS and EFS.
    "S07": ParticipantData(
        "S07",
        d("2025-02-10"),
        eoc1=eoc("2025-03-09", "CR", "POS"),
        eoc2=eoc("2025-04-07", "CR", "NEG"),
        death_date=d("2025-09-09"),
        assessment_dates=[d("2025-07-01")],
    ),
    # In CR; assessment on 2026-06-10 and another after the cut-off (ignored); death after the
    # cut-off (2026-08-01) -> OS censored at the cut-off, EFS at 2026-06-10.
    "S08": ParticipantData(
        "S08",
        d("2025-01-05"),
        eoc1=eoc("2025-02-01", "CRh", "NEG"),
        eoc2=eoc("2025-03-02", "CR", "NEG"),
        assessment_dates=[d("2025-12-01"), d("2026-06-10"), d("2026-07-20")],
        death_date=d("2026-08-01"),
        dates_alive=[d("2026-06-25")],
    ),
}


def _rows() -> list[dict[str, str]]:
    with (REFERENCE / "worked_example_adtte.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = _rows()


def test_reference_file_complete():
    assert len(ROWS) == 16
    assert {r["USUBJID"] for r in ROWS} == set(WORKED)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['USUBJID']}-{r['PARAMCD']}" for r in ROWS])
def test_reference_row(row):
    participant = WORKED[row["USUBJID"]]
    derive = derive_os if row["PARAMCD"] == "OS" else derive_efs
    got = derive(participant, CUTOFF)
    assert isinstance(got, AdtteRow)
    assert row["USUBJID"] == got.USUBJID
    assert row["PARAMCD"] == got.PARAMCD
    assert d(row["STARTDT"]) == got.STARTDT
    assert d(row["ADT"]) == got.ADT
    assert int(row["AVAL_DAYS"]) == got.AVAL_DAYS
    assert round(got.AVAL_MONTHS, 2) == float(row["AVAL_MONTHS"])
    assert got.aval_months_display == row["AVAL_MONTHS"]
    assert int(row["CNSR"]) == got.CNSR
    assert got.EVNTDESC_or_CNSDTDSC == row["EVNTDESC_or_CNSDTDSC"]


def test_months_kept_at_full_precision():
    row = derive_os(WORKED["S01"], CUTOFF)
    assert row.AVAL_DAYS == 471
    assert row.AVAL_MONTHS == 471 / 30.4375


def test_to_dict_is_plain():
    row = derive_efs(WORKED["S03"], CUTOFF).to_dict()
    assert row == {
        "USUBJID": "S03",
        "PARAMCD": "EFS",
        "STARTDT": "2025-02-01",
        "ADT": "2025-02-01",
        "AVAL_DAYS": 1,
        "AVAL_MONTHS": 1 / 30.4375,
        "CNSR": 0,
        "EVNTDESC_or_CNSDTDSC": "TREATMENT FAILURE (NO CR/CRi BY EOC2) - EVENT AT DAY 1",
    }


# --------------------------------------------------------------------------- own cases

START = d("2020-01-10")


def in_cr(**kw) -> ParticipantData:
    base = {
        "participant_id": "X",
        "c1d1": START,
        "eoc1": eoc("2020-02-06", "CR", "NEG"),
        "eoc2": eoc("2020-03-06", "CR", "NEG"),
    }
    base.update(kw)
    return ParticipantData(**base)


def test_cap_at_five_years_os():
    # 2020-01-10 + 5 y = 2025-01-10; 1827 days later (2020 and 2024 are leap years) -> AVAL 1828.
    p = in_cr(dates_alive=[d("2026-01-01")], assessment_dates=[d("2025-12-01")])
    row = derive_os(p, CUTOFF)
    assert (row.ADT, row.AVAL_DAYS, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (
        d("2025-01-10"),
        1828,
        1,
        "CAPPED AT 5 YEARS",
    )
    efs = derive_efs(p, CUTOFF)
    assert (efs.ADT, efs.CNSR, efs.EVNTDESC_or_CNSDTDSC) == (d("2025-01-10"), 1, "CAPPED AT 5 YEARS")


def test_event_after_cap_is_censored_at_cap_and_event_on_cap_counts():
    after = derive_os(in_cr(death_date=d("2025-01-11")), CUTOFF)
    assert (d("2025-01-10"), 1) == (after.ADT, after.CNSR)
    on_cap = derive_os(in_cr(death_date=d("2025-01-10")), CUTOFF)
    assert (on_cap.ADT, on_cap.AVAL_DAYS, on_cap.CNSR, on_cap.EVNTDESC_or_CNSDTDSC) == (
        d("2025-01-10"),
        1828,
        0,
        "DEATH",
    )


def test_cap_can_be_switched_off():
    row = derive_os(in_cr(death_date=d("2025-06-01")), CUTOFF, cap_years=None)
    assert (d("2025-06-01"), 0) == (row.ADT, row.CNSR)


def test_cap_from_leap_day():
    p = ParticipantData("L", d("2024-02-29"), eoc1=eoc("2024-03-27", "CR", "NEG"), dates_alive=[d("2030-01-01")])
    row = derive_os(p, d("2031-01-01"))
    # 2024-02-29 + 5 y -> 2029-02-28: 1826 days later -> AVAL 1827
    assert (d("2029-02-28"), 1827, 1) == (row.ADT, row.AVAL_DAYS, row.CNSR)


def test_death_after_cutoff_censored_at_cutoff():
    p = in_cr(c1d1=d("2026-01-01"), eoc1=eoc("2026-01-28", "CR", "NEG"), eoc2=None, death_date=d("2026-07-05"))
    row = derive_os(p, CUTOFF)
    # 2026-01-01 .. 2026-06-30 is 180 days later -> AVAL 181
    assert (row.ADT, row.AVAL_DAYS, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (CUTOFF, 181, 1, "DATA CUTOFF")
    efs = derive_efs(p, CUTOFF)
    assert (efs.ADT, efs.CNSR, efs.EVNTDESC_or_CNSDTDSC) == (
        d("2026-01-28"),
        1,
        "LAST ADEQUATE DISEASE ASSESSMENT",
    )


def test_death_on_cutoff_is_an_event():
    p = in_cr(c1d1=d("2026-01-01"), eoc1=eoc("2026-01-28", "CR", "NEG"), eoc2=None, death_date=CUTOFF)
    assert derive_os(p, CUTOFF).CNSR == 0
    assert derive_efs(p, CUTOFF).EVNTDESC_or_CNSDTDSC == "DEATH"


def test_relapse_after_cutoff_ignored():
    p = in_cr(
        c1d1=d("2025-06-01"),
        eoc1=eoc("2025-06-28", "CR", "NEG"),
        eoc2=None,
        relapse_dates=[d("2026-07-10")],
        assessment_dates=[d("2026-03-01"), d("2026-07-10")],
    )
    row = derive_efs(p, CUTOFF)
    assert (row.ADT, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (
        d("2026-03-01"),
        1,
        "LAST ADEQUATE DISEASE ASSESSMENT",
    )


def test_relapse_and_death_same_day_reported_as_relapse():
    p = in_cr(relapse_dates=[d("2021-01-01")], death_date=d("2021-01-01"))
    row = derive_efs(p, CUTOFF)
    assert (row.ADT, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (d("2021-01-01"), 0, "HEMATOLOGIC RELAPSE")


def test_relapse_on_eoc2_marrow():
    p = in_cr(eoc2=eoc("2020-03-06", "RELAPSE", "POS"))
    row = derive_efs(p, CUTOFF)
    # 2020-01-10 -> 2020-03-06: 56 days later -> AVAL 57
    assert (row.ADT, row.AVAL_DAYS, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (
        d("2020-03-06"),
        57,
        0,
        "HEMATOLOGIC RELAPSE",
    )


def test_remission_only_at_eoc2_counts():
    p = in_cr(
        c1d1=d("2025-01-01"),
        eoc1=eoc("2025-01-28", "NR", "POS"),
        eoc2=eoc("2025-02-25", "CRi", "NEG"),
        assessment_dates=[d("2025-09-01")],
    )
    row = derive_efs(p, CUTOFF)
    assert (d("2025-09-01"), 1) == (row.ADT, row.CNSR)


def test_nr_at_eoc1_and_no_eoc2_is_failure():
    p = in_cr(c1d1=d("2025-01-01"), eoc1=eoc("2025-01-28", "NR", "POS"), eoc2=None, dates_alive=[d("2026-01-01")])
    row = derive_efs(p, CUTOFF)
    assert (d("2025-01-01"), 1, 0) == (row.ADT, row.AVAL_DAYS, row.CNSR)
    assert row.EVNTDESC_or_CNSDTDSC == "TREATMENT FAILURE (NO CR/CRi BY EOC2) - EVENT AT DAY 1"


def test_marrow_after_cutoff_ignored():
    p = in_cr(c1d1=d("2026-06-10"), eoc1=eoc("2026-07-07", "CR", "NEG"), eoc2=None)
    row = derive_efs(p, CUTOFF)
    assert (d("2026-06-10"), 1, 1) == (row.ADT, row.AVAL_DAYS, row.CNSR)
    assert row.EVNTDESC_or_CNSDTDSC == "NOT EVALUABLE FOR RESPONSE - CENSORED AT DAY 1"


def test_not_treated_or_treated_after_cutoff_gives_no_row():
    assert derive_os(ParticipantData("U", None), CUTOFF) is None
    assert derive_efs(ParticipantData("U", None), CUTOFF) is None
    assert derive_os(ParticipantData("V", d("2026-07-01")), CUTOFF) is None


def test_os_without_any_contact_censored_at_day_1():
    row = derive_os(ParticipantData("W", d("2026-01-01")), CUTOFF)
    assert (row.ADT, row.AVAL_DAYS, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (d("2026-01-01"), 1, 1, "LAST KNOWN ALIVE")


def test_marrow_and_assessment_dates_count_as_alive_for_os():
    p = in_cr(c1d1=d("2025-01-01"), eoc1=eoc("2025-01-28", "CR", "NEG"), eoc2=None, assessment_dates=[d("2025-05-05")])
    row = derive_os(p, CUTOFF)
    assert (row.ADT, row.EVNTDESC_or_CNSDTDSC) == (d("2025-05-05"), "LAST KNOWN ALIVE")


# HSCT sensitivity (rule 5): primary analysis ignores HSCT; the sensitivity variant censors at it.


def hsct_case(**kw) -> ParticipantData:
    return in_cr(
        c1d1=d("2025-01-01"),
        eoc1=eoc("2025-01-28", "CR", "NEG"),
        eoc2=eoc("2025-02-25", "CR", "NEG"),
        hsct_date=d("2025-06-01"),
        **kw,
    )


def test_hsct_primary_ignores_transplant():
    p = hsct_case(relapse_dates=[d("2025-12-01")], death_date=d("2026-03-01"))
    efs, os_ = derive_efs(p, CUTOFF), derive_os(p, CUTOFF)
    assert (efs.PARAMCD, efs.ADT, efs.CNSR, efs.EVNTDESC_or_CNSDTDSC) == (
        "EFS",
        d("2025-12-01"),
        0,
        "HEMATOLOGIC RELAPSE",
    )
    assert ("OS", d("2026-03-01"), 0) == (os_.PARAMCD, os_.ADT, os_.CNSR)


def test_hsct_sensitivity_censors_at_transplant():
    p = hsct_case(relapse_dates=[d("2025-12-01")], death_date=d("2026-03-01"))
    efs = derive_efs(p, CUTOFF, censor_at_hsct=True)
    os_ = derive_os(p, CUTOFF, censor_at_hsct=True)
    # 2025-01-01 -> 2025-06-01: 151 days later -> AVAL 152
    for row, param in ((efs, "EFSHSCT"), (os_, "OSHSCT")):
        assert (row.PARAMCD, row.ADT, row.AVAL_DAYS, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (
            param,
            d("2025-06-01"),
            152,
            1,
            "ALLOGENEIC HSCT (SENSITIVITY)",
        )


def test_hsct_sensitivity_event_before_transplant_kept():
    p = hsct_case(relapse_dates=[d("2025-05-01")])
    row = derive_efs(p, CUTOFF, censor_at_hsct=True)
    assert (row.ADT, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (d("2025-05-01"), 0, "HEMATOLOGIC RELAPSE")


def test_hsct_sensitivity_event_on_transplant_day_kept():
    p = hsct_case(death_date=d("2025-06-01"))
    assert derive_os(p, CUTOFF, censor_at_hsct=True).CNSR == 0


def test_hsct_sensitivity_censoring_before_transplant_kept():
    p = hsct_case(assessment_dates=[d("2025-04-01")], dates_alive=[d("2025-04-01")])
    # EFS: last assessment 2025-04-01 precedes the HSCT (2025-06-01): stays censored there
    efs = derive_efs(p, CUTOFF, censor_at_hsct=True)
    assert (efs.ADT, efs.EVNTDESC_or_CNSDTDSC) == (d("2025-04-01"), "LAST ADEQUATE DISEASE ASSESSMENT")
    # OS: the HSCT day is itself the last date known alive, so no earlier HSCT censoring applies
    os_ = derive_os(p, CUTOFF, censor_at_hsct=True)
    assert (os_.ADT, os_.EVNTDESC_or_CNSDTDSC) == (d("2025-06-01"), "LAST KNOWN ALIVE")


def test_hsct_after_cutoff_ignored_in_sensitivity():
    p = in_cr(
        c1d1=d("2025-01-01"),
        eoc1=eoc("2025-01-28", "CR", "NEG"),
        eoc2=None,
        hsct_date=d("2026-08-01"),
        relapse_dates=[d("2026-02-01")],
    )
    row = derive_efs(p, CUTOFF, censor_at_hsct=True)
    assert (d("2026-02-01"), 0) == (row.ADT, row.CNSR)


def test_hsct_sensitivity_leaves_day_one_outcomes():
    failure = ParticipantData("F", d("2025-01-01"), eoc1=eoc("2025-01-28", "NR", "POS"), hsct_date=d("2025-04-01"))
    row = derive_efs(failure, CUTOFF, censor_at_hsct=True)
    assert (d("2025-01-01"), 1, 0) == (row.ADT, row.AVAL_DAYS, row.CNSR)


def test_death_without_response_long_after_start_is_censored_at_day_one():
    # issue 14, Project decision 10: rule 2 only for a death on/before the EOC2 landmark (day 70 = 2025-03-11);
    # a death on 2025-09-01 of a participant never evaluable is rule 3 (censored at day 1)
    p = ParticipantData("D", d("2025-01-01"), eoc1=eoc(None, "NE"), death_date=d("2025-09-01"))
    row = derive_efs(p, CUTOFF)
    assert (row.ADT, row.CNSR, row.EVNTDESC_or_CNSDTDSC) == (
        d("2025-01-01"),
        1,
        "NOT EVALUABLE FOR RESPONSE - CENSORED AT DAY 1",
    )


def test_death_before_c1d1_is_a_data_error():
    with pytest.raises(ValueError, match="before C1D1"):
        derive_os(ParticipantData("E", d("2025-01-10"), death_date=d("2025-01-01")), CUTOFF)


def test_every_day_one_row_has_aval_one():
    for p in WORKED.values():
        row = derive_efs(p, CUTOFF)
        if row.ADT == row.STARTDT:
            assert row.AVAL_DAYS == 1
        assert (row.ADT - row.STARTDT).days + 1 == row.AVAL_DAYS
        assert row.ADT <= CUTOFF and row.STARTDT + timedelta(days=5 * 366) >= row.ADT
