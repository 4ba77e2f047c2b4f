"""Morphologic response derivation (DOMAIN 3.2) and the response summaries built on it (DOMAIN 3.4).

Expected values come from ../shared/reference/worked_example_response.csv (beside the repository) and from the
boundary cases DOMAIN 3.2 lists, written out by hand below.
"""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from assessments.rules import (
    Cbc,
    MarrowInputs,
    ResponseCriteria,
    best_response,
    composite_cr_cri,
    derive_response,
    flow_mrd_assessment,
    flow_mrd_class,
    is_remission,
    nearest_cbc,
    primary_responder,
)

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


def _opt_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _bool(text: str) -> bool:
    assert text in ("True", "False"), text
    return text == "True"


def _rows() -> list[dict[str, str]]:
    with (REFERENCE / "worked_example_response.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = _rows()


def test_reference_file_has_every_row():
    assert len(ROWS) == 14


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['subject']}-{r['timepoint']}" for r in ROWS])
def test_reference_row(row):
    inputs = MarrowInputs(
        bm_blast_pct=_opt_float(row["bm_blast_pct"]),
        pb_blasts=_bool(row["pb_blasts"]),
        emd=_bool(row["emd"]),
        anc=_opt_float(row["anc"]),
        plt=_opt_float(row["plt"]),
        prior_remission=_bool(row["prior_remission"]),
    )
    response = derive_response(inputs)
    assert response == row["response"]

    value, lod = _opt_float(row["mrd_value_pct"]), _opt_float(row["mrd_lod_pct"])
    for cutoff, column in ((0.1, "mrd_flow_lt_0p1pct"), (0.01, "mrd_flow_lt_0p01pct")):
        result = flow_mrd_assessment(row["mrd_result"], value, lod, cutoff)
        assert result.label == row[column]
        expected_class = "NE" if row[column] == "NE" or row[column].startswith("NE_") else row[column]
        assert flow_mrd_class(row["mrd_result"], value, lod, cutoff) == expected_class

    flow_0p1 = flow_mrd_class(row["mrd_result"], value, lod, 0.1)
    assert primary_responder(response, flow_0p1) is _bool(row["primary_responder"])
    assert composite_cr_cri(response) is _bool(row["cr_cri_composite"])


def _marrow(blasts=1.0, pb=False, emd=False, anc=2.0, plt=150.0, prior=False):
    return MarrowInputs(bm_blast_pct=blasts, pb_blasts=pb, emd=emd, anc=anc, plt=plt, prior_remission=prior)


@pytest.mark.parametrize(
    ("inputs", "criteria", "expected"),
    [
        pytest.param(_marrow(blasts=5.0), ResponseCriteria(), "NR", id="blasts-exactly-5-not-CR"),
        pytest.param(_marrow(blasts=5.0, prior=True), ResponseCriteria(), "RELAPSE", id="blasts-5-after-CR"),
        pytest.param(_marrow(blasts=4.99), ResponseCriteria(), "CR", id="blasts-4.99-CR"),
        pytest.param(_marrow(anc=1.0, plt=100.0), ResponseCriteria(), "CR", id="anc-1.0-plt-100-CR"),
        pytest.param(_marrow(anc=1.0, plt=99.0), ResponseCriteria(), "CRh", id="plt-99-not-CR"),
        pytest.param(_marrow(anc=0.99, plt=100.0), ResponseCriteria(), "CRh", id="anc-0.99-not-CR"),
        pytest.param(_marrow(anc=1.0, plt=99.0), ResponseCriteria(crh_enabled=False), "CRi", id="plt-99-CRh-off-CRi"),
        pytest.param(_marrow(anc=0.5, plt=50.0), ResponseCriteria(), "CRh", id="CRh-boundary"),
        pytest.param(_marrow(anc=0.49, plt=200.0), ResponseCriteria(), "CRi", id="anc-below-CRh-CRi"),
        pytest.param(_marrow(anc=2.0, plt=49.0), ResponseCriteria(), "CRi", id="plt-below-CRh-CRi"),
        pytest.param(_marrow(anc=None), ResponseCriteria(), "NE", id="anc-missing-NE"),
        pytest.param(_marrow(plt=None), ResponseCriteria(), "NE", id="plt-missing-NE"),
        pytest.param(_marrow(pb=None), ResponseCriteria(), "NE", id="differential-missing-NE"),
        pytest.param(_marrow(emd=None), ResponseCriteria(), "CR", id="emd-not-assessed-default-absent"),
        pytest.param(
            _marrow(emd=None),
            ResponseCriteria(emd_not_assessed_as_absent=False),
            "NE",
            id="emd-not-assessed-strict-NE",
        ),
        pytest.param(_marrow(emd=True), ResponseCriteria(), "NR", id="emd-present-no-prior-NR"),
        pytest.param(_marrow(emd=True, prior=True), ResponseCriteria(), "RELAPSE", id="new-emd-after-CR"),
        pytest.param(_marrow(pb=True), ResponseCriteria(), "NR", id="circulating-blasts-NR"),
        pytest.param(_marrow(pb=True, prior=True), ResponseCriteria(), "RELAPSE", id="circulating-blasts-relapse"),
        pytest.param(_marrow(blasts=12.0, prior=True), ResponseCriteria(), "RELAPSE", id="relapse-after-remission"),
        pytest.param(_marrow(blasts=1.0, prior=True), ResponseCriteria(), "CR", id="continued-CR"),
        pytest.param(_marrow(blasts=None, pb=True, prior=True), ResponseCriteria(), "RELAPSE", id="no-marrow-pb"),
        pytest.param(_marrow(blasts=None, emd=True, prior=True), ResponseCriteria(), "RELAPSE", id="no-marrow-emd"),
        pytest.param(_marrow(blasts=None, prior=True), ResponseCriteria(), "NE", id="no-marrow-no-evidence"),
        pytest.param(_marrow(blasts=None, pb=True), ResponseCriteria(), "NE", id="no-marrow-no-prior-NE"),
        pytest.param(
            _marrow(blasts=10.0, prior=True),
            ResponseCriteria(relapse_marrow_threshold_pct=25.0),
            "NR",
            id="relapse-threshold-25-setting",
        ),
        pytest.param(
            _marrow(blasts=25.0, prior=True),
            ResponseCriteria(relapse_marrow_threshold_pct=25.0),
            "RELAPSE",
            id="relapse-threshold-25-boundary",
        ),
        pytest.param(
            _marrow(anc=1.0, plt=100.0), ResponseCriteria(cr_comparator=">"), "CRh", id="comparator-gt-CR-boundary"
        ),
        pytest.param(
            _marrow(anc=1.01, plt=100.5), ResponseCriteria(cr_comparator=">"), "CR", id="comparator-gt-CR-above"
        ),
        pytest.param(
            _marrow(anc=0.5, plt=50.0), ResponseCriteria(crh_comparator=">"), "CRi", id="comparator-gt-CRh-boundary"
        ),
    ],
)
def test_boundary(inputs, criteria, expected):
    assert derive_response(inputs, criteria) == expected


def test_no_cbc_in_window_gives_ne():
    marrow_day = date(2025, 3, 1)
    cbcs = [
        Cbc(marrow_day - timedelta(days=8), anc=2.0, plt=200.0, pb_blasts=False),
        Cbc(marrow_day + timedelta(days=4), anc=2.0, plt=200.0, pb_blasts=False),
    ]
    cbc = nearest_cbc(marrow_day, cbcs)
    assert cbc is None
    inputs = MarrowInputs(bm_blast_pct=1.0, pb_blasts=False, emd=False, anc=None, plt=None, prior_remission=False)
    assert derive_response(inputs) == "NE"


def test_cbc_in_window_feeds_counts():
    marrow_day = date(2025, 3, 1)
    cbcs = [
        Cbc(marrow_day - timedelta(days=7), anc=2.0, plt=200.0, pb_blasts=False),
        Cbc(marrow_day + timedelta(days=2), anc=0.7, plt=60.0, pb_blasts=False),
    ]
    cbc = nearest_cbc(marrow_day, cbcs)
    assert cbc is not None and cbc.anc == 0.7
    inputs = MarrowInputs(1.0, cbc.pb_blasts, False, cbc.anc, cbc.plt, prior_remission=False)
    assert derive_response(inputs) == "CRh"


def test_flow_exactly_cutoff_is_positive():
    assert flow_mrd_class("QUANTIFIED", 0.1, 0.005, 0.1) == "POS"


def test_not_detected_with_lod_above_cutoff_is_ne():
    result = flow_mrd_assessment("NOT_DETECTED", None, 0.2, 0.1)
    assert (result.cls, result.ne_reason, result.label) == (
        "NE",
        "INSUFFICIENT_SENSITIVITY",
        "NE_INSUFFICIENT_SENSITIVITY",
    )


def test_invalid_comparator_rejected():
    with pytest.raises(ValueError, match="cr_comparator"):
        ResponseCriteria(cr_comparator="=>")


def test_domain_defaults():
    c = ResponseCriteria()
    assert (c.marrow_blast_threshold_pct, c.cr_anc_min, c.cr_plt_min, c.cr_comparator) == (5.0, 1.0, 100.0, ">=")
    assert (c.crh_enabled, c.crh_anc_min, c.crh_plt_min, c.crh_comparator) == (True, 0.5, 50.0, ">=")
    assert (c.relapse_marrow_threshold_pct, c.cbc_window_days_before, c.cbc_window_days_after) == (5.0, 7, 3)


@pytest.mark.parametrize(
    ("responses", "expected"),
    [
        (["CRi", "CR"], "CR"),
        (["CR", "CRh"], "CR"),
        (["NR", "CRh"], "CRh"),
        (["CRi", "CRh"], "CRh"),
        (["NR", "CRi"], "CRi"),
        (["NR", "PR"], "PR"),
        (["PR", "CRi"], "CRi"),
        (["NE", "NR"], "NR"),
        (["RELAPSE", "NR"], "NR"),
        (["RELAPSE", "NE"], "RELAPSE"),
        (["NE", None], "NE"),
        ([None, None], None),
        ([], None),
    ],
)
def test_best_response(responses, expected):
    assert best_response(responses) == expected


def test_best_response_rejects_unknown():
    with pytest.raises(ValueError):
        best_response(["CR", "MAYBE"])


@pytest.mark.parametrize(
    ("response", "flow", "include_cri", "expected"),
    [
        ("CR", "NEG", False, True),
        ("CR", "POS", False, False),
        ("CR", "NE", False, False),
        ("CR", None, False, False),
        ("CRh", "NEG", False, False),
        ("CRi", "NEG", False, False),
        ("CRh", "NEG", True, True),
        ("CRi", "NEG", True, True),
        ("CRi", "POS", True, False),
        ("NR", "NEG", True, False),
        ("NE", "NEG", True, False),
        (None, "NEG", False, False),
    ],
)
def test_primary_responder(response, flow, include_cri, expected):
    assert primary_responder(response, flow, include_cri=include_cri) is expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [("CR", True), ("CRh", True), ("CRi", True), ("NR", False), ("RELAPSE", False), ("NE", False), (None, False)],
)
def test_remission_and_composite(response, expected):
    assert is_remission(response) is expected
    assert composite_cr_cri(response) is expected
