"""Flow and NGS MRD classes (DOMAIN 3.3, decision 4); expected values written out by hand."""

import pytest

from assessments.rules import (
    MrdCriteria,
    flow_mrd_assessment,
    flow_mrd_class,
    ngs_mrd_assessment,
    ngs_mrd_band,
    ngs_mrd_class,
)


def test_defaults():
    c = MrdCriteria()
    assert (c.flow_cutoff_pct, c.flow_reporting_cutoff_pct, c.ngs_cutoff_fraction, c.ngs_high_fraction) == (
        0.1,
        0.01,
        1e-6,
        1e-4,
    )


@pytest.mark.parametrize(
    ("result_type", "value", "lod", "cutoff", "expected", "reason"),
    [
        ("QUANTIFIED", 0.099, 0.005, 0.1, "NEG", None),
        ("QUANTIFIED", 0.1, 0.005, 0.1, "POS", None),  # exactly the cut-off is positive
        ("QUANTIFIED", 0.35, 0.005, 0.1, "POS", None),
        ("QUANTIFIED", 0.01, 0.005, 0.01, "POS", None),
        ("QUANTIFIED", 0.009, 0.005, 0.01, "NEG", None),
        ("DETECTED", 0.05, 0.005, 0.1, "NEG", None),  # spelling used by the reference CSV
        ("QUANTIFIED", None, 0.005, 0.1, "NE", "VALUE_MISSING"),
        ("NOT_DETECTED", None, 0.005, 0.1, "NEG", None),
        ("NOT_DETECTED", None, 0.099, 0.1, "NEG", None),
        ("NOT_DETECTED", None, 0.1, 0.1, "NE", "INSUFFICIENT_SENSITIVITY"),  # LOD must be < cut-off
        ("NOT_DETECTED", None, 0.2, 0.1, "NE", "INSUFFICIENT_SENSITIVITY"),
        ("NOT_DETECTED", None, 0.005, 0.01, "NEG", None),
        ("NOT_DETECTED", None, 0.02, 0.01, "NE", "INSUFFICIENT_SENSITIVITY"),
        ("NOT_DETECTED", None, None, 0.1, "NE", "LOD_MISSING"),
        ("NOT_EVALUABLE", None, None, 0.1, "NE", "MRD_NOT_EVALUABLE"),
        ("NE", None, None, 0.1, "NE", "MRD_NOT_EVALUABLE"),
        (None, None, None, 0.1, "NE", "MRD_MISSING"),
        ("not_detected", None, 0.005, 0.1, "NEG", None),  # case-insensitive
    ],
)
def test_flow_class(result_type, value, lod, cutoff, expected, reason):
    result = flow_mrd_assessment(result_type, value, lod, cutoff)
    assert (result.cls, result.ne_reason) == (expected, reason)
    assert flow_mrd_class(result_type, value, lod, cutoff) == expected


def test_flow_default_cutoff_is_protocol_cutoff():
    assert flow_mrd_class("QUANTIFIED", 0.1, None) == "POS"
    assert flow_mrd_class("QUANTIFIED", 0.0999, None) == "NEG"


def test_unknown_result_type_rejected():
    with pytest.raises(ValueError, match="unknown MRD result type"):
        flow_mrd_class("POSITIVE-ISH", 0.1, 0.01, 0.1)


@pytest.mark.parametrize(
    ("trackable", "detected", "value", "lod", "expected", "reason"),
    [
        (True, False, None, 1e-6, "NEG", None),  # not detected with LOD <= 1e-6
        (True, False, None, 5e-7, "NEG", None),
        (True, False, None, 2e-6, "NE", "INSUFFICIENT_SENSITIVITY"),
        (True, False, None, None, "NE", "LOD_MISSING"),
        (True, True, 5e-7, 1e-7, "NEG", None),  # detected below the cut-off: < 1e-6 class
        (True, True, 1e-6, 1e-7, "POS", None),  # exactly the cut-off is positive
        (True, True, 3e-5, 1e-7, "POS", None),
        (True, True, None, 1e-7, "POS", None),  # detected, not quantifiable
        (False, False, None, 1e-7, "NE", "NO_TRACKABLE_CLONE"),
        (None, True, 1e-3, 1e-7, "NE", "NO_TRACKABLE_CLONE"),
        (True, None, None, None, "NE", "MRD_MISSING"),
    ],
)
def test_ngs_class(trackable, detected, value, lod, expected, reason):
    result = ngs_mrd_assessment(trackable, detected, value, lod)
    assert (result.cls, result.ne_reason) == (expected, reason)
    assert ngs_mrd_class(trackable, detected, value, lod) == expected


def test_ngs_cutoff_is_a_parameter():
    assert ngs_mrd_class(True, True, 5e-6, 1e-7, cutoff=1e-5) == "NEG"
    assert ngs_mrd_class(True, False, None, 5e-6, cutoff=1e-5) == "NEG"


@pytest.mark.parametrize(
    ("trackable", "detected", "value", "lod", "expected"),
    [
        (True, False, None, 1e-6, "LT_1E-6"),
        (True, True, 9.9e-7, 1e-7, "LT_1E-6"),
        (True, True, 1e-6, 1e-7, "1E-6_TO_LT_1E-4"),
        (True, True, 9.9e-5, 1e-7, "1E-6_TO_LT_1E-4"),
        (True, True, 1e-4, 1e-7, "GE_1E-4"),
        (True, True, 0.02, 1e-7, "GE_1E-4"),
        (True, True, None, 1e-7, "NE"),  # detected but band unknown
        (True, False, None, 1e-5, "NE"),  # not detected, not sensitive enough for any band
        (False, True, 0.02, 1e-7, "NE"),
    ],
)
def test_ngs_band(trackable, detected, value, lod, expected):
    assert ngs_mrd_band(trackable, detected, value, lod) == expected
