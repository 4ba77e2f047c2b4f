"""Cairo-Bishop tumour lysis (DOMAIN.md 4.5): thresholds and neighbours, 25 % change, window edges, clinical TLS.

Day 1 of the cycle is 2026-02-01; offsets are calendar days from it. Expected outcomes by hand.
"""

from datetime import date, timedelta

import pytest

from safety.tls import TlsCriteria, TlsLabValue, tls_assessment, to_tls_unit

DAY1 = date(2026, 2, 1)


def at(offset: int) -> date:
    return DAY1 + timedelta(days=offset)


def lab(analyte: str, offset: int, value: float) -> TlsLabValue:
    return TlsLabValue(analyte=analyte, day=at(offset), value=value)


def assess(*values, uln=100.0, **kwargs):
    return tls_assessment(DAY1, list(values), creatinine_uln=uln, **kwargs)


@pytest.mark.parametrize(
    ("analyte", "value", "met"),
    [
        ("uric_acid", 475.9, False),
        ("uric_acid", 476.0, True),
        ("uric_acid", 476.1, True),
        ("potassium", 5.9, False),
        ("potassium", 6.0, True),
        ("potassium", 6.1, True),
        ("phosphate", 1.44, False),
        ("phosphate", 1.45, True),
        ("phosphate", 1.46, True),
        ("calcium", 1.76, False),
        ("calcium", 1.75, True),
        ("calcium", 1.74, True),
    ],
)
def test_each_absolute_limit_and_its_neighbours(analyte, value, met):
    result = assess(lab(analyte, 2, value))
    assert result.met_analytes == ((analyte,) if met else ())
    assert result.laboratory is False  # one criterion alone is never TLS


@pytest.mark.parametrize(
    ("analyte", "baseline", "value", "met"),
    [
        ("uric_acid", 300.0, 375.0, True),  # +25 % exactly
        ("uric_acid", 300.0, 374.0, False),
        ("potassium", 4.0, 5.0, True),
        ("potassium", 4.0, 4.99, False),
        ("phosphate", 1.0, 1.25, True),
        ("phosphate", 1.0, 1.24, False),
        ("calcium", 2.4, 1.8, True),  # -25 % exactly (2.4 x 0.75 = 1.8)
        ("calcium", 2.4, 1.81, False),
    ],
)
def test_a_25_percent_change_from_baseline_exactly_meets_the_criterion_and_just_below_does_not(
    analyte, baseline, value, met
):
    result = assess(lab(analyte, -10, baseline), lab(analyte, 3, value))
    assert result.met_analytes == ((analyte,) if met else ())
    assert result.baseline == {analyte: baseline}


def test_two_analytes_in_the_window_make_laboratory_tls():
    result = assess(lab("uric_acid", 1, 500), lab("potassium", 5, 6.2))
    assert result.laboratory is True
    assert result.clinical is False
    assert result.met_analytes == ("uric_acid", "potassium")
    assert result.criteria == (
        "Uric acid 500 µmol/L on 2 Feb 2026 (at or above 476 µmol/L)",
        "Potassium 6.2 mmol/L on 6 Feb 2026 (at or above 6 mmol/L)",
    )


def test_the_same_analyte_twice_is_one_criterion_only():
    assert assess(lab("uric_acid", 1, 500), lab("uric_acid", 2, 520)).laboratory is False


def test_the_same_day_setting_asks_both_criteria_on_one_day():
    values = (lab("uric_acid", 1, 500), lab("potassium", 5, 6.2))
    assert assess(*values, criteria=TlsCriteria(same_day=True)).laboratory is False
    same_day = (lab("uric_acid", 5, 500), lab("potassium", 5, 6.2))
    assert assess(*same_day, criteria=TlsCriteria(same_day=True)).laboratory is True


@pytest.mark.parametrize(("offset", "inside"), [(-4, False), (-3, True), (0, True), (7, True), (8, False)])
def test_window_runs_from_3_days_before_to_7_days_after_day_1(offset, inside):
    result = assess(lab("potassium", 2, 6.5), lab("phosphate", offset, 2.0))
    assert result.laboratory is inside


def test_the_window_is_a_setting():
    values = (lab("potassium", 2, 6.5), lab("phosphate", 10, 2.0))
    assert assess(*values).laboratory is False
    assert assess(*values, window_after=10).laboratory is True


def test_baseline_is_the_last_value_before_day_1():
    result = assess(lab("uric_acid", -20, 200), lab("uric_acid", -2, 300), lab("uric_acid", 0, 310))
    assert result.baseline == {"uric_acid": 300}
    # 300 -> 374 is +24.7 %, not met; from the older 200 it would have been +87 %.
    assert assess(lab("uric_acid", -20, 200), lab("uric_acid", -2, 300), lab("uric_acid", 3, 374)).met_analytes == ()


def test_a_change_is_only_judged_after_the_baseline_value():
    # The day -3 value is in the window but older than the day -1 baseline: only its absolute limit counts.
    result = assess(lab("potassium", -3, 5.4), lab("potassium", -1, 4.0))
    assert result.met_analytes == ()


def test_change_reason_names_the_baseline():
    result = assess(lab("potassium", -5, 4.0), lab("potassium", 2, 5.2), lab("calcium", 2, 1.7))
    assert result.laboratory is True
    assert result.criteria[0] == "Potassium 5.2 mmol/L on 3 Feb 2026 (+30 % from baseline 4 mmol/L on 27 Jan 2026)"


@pytest.mark.parametrize(("creatinine", "clinical"), [(149.9, False), (150.0, True), (150.1, True)])
def test_clinical_tls_when_creatinine_reaches_1_5_times_uln(creatinine, clinical):
    result = assess(lab("uric_acid", 1, 500), lab("potassium", 1, 6.2), lab("creatinine", 2, creatinine), uln=100)
    assert result.laboratory is True
    assert result.clinical is clinical


def test_creatinine_outside_the_window_does_not_make_clinical_tls():
    result = assess(lab("uric_acid", 1, 500), lab("potassium", 1, 6.2), lab("creatinine", 9, 300), uln=100)
    assert result.clinical is False


def test_arrhythmia_or_seizure_with_laboratory_tls_is_clinical_tls():
    values = (lab("uric_acid", 1, 500), lab("potassium", 1, 6.2))
    assert assess(*values, arrhythmia=True).clinical is True
    assert assess(*values, seizure=True).clinical is True
    assert "Seizure" in assess(*values, seizure=True).criteria


def test_clinical_findings_without_laboratory_tls_are_not_clinical_tls():
    result = assess(lab("uric_acid", 1, 500), lab("creatinine", 1, 400), arrhythmia=True, seizure=True)
    assert (result.laboratory, result.clinical) == (False, False)


def test_an_unknown_analyte_is_refused():
    with pytest.raises(ValueError, match="sodium"):
        assess(lab("sodium", 1, 150))


def test_conventional_units_are_converted_once():
    assert to_tls_unit("uric_acid", 8.0, "mg/dL") == pytest.approx(475.84)
    assert to_tls_unit("phosphate", 4.5, "mg/dL") == pytest.approx(1.45305)
    assert to_tls_unit("calcium", 7.0, "mg/dL") == pytest.approx(1.7465)
    assert to_tls_unit("creatinine", 1.0, "mg/dL") == pytest.approx(88.42)
    assert to_tls_unit("potassium", 6.0, "mEq/L") == 6.0
    assert to_tls_unit("potassium", 6.0, "mmol/L") == 6.0
    with pytest.raises(ValueError):
        to_tls_unit("potassium", 6.0, "mg/dL")
