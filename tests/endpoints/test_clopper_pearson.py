"""Exact Clopper-Pearson CI (DOMAIN 5.1) against reference/clopper_pearson.csv."""

import csv
from pathlib import Path

import pytest
from scipy import stats

from endpoints.calculations import clopper_pearson

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


def _rows() -> list[dict[str, str]]:
    with (REFERENCE / "clopper_pearson.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = _rows()


def test_reference_file_complete():
    assert [int(r["x"]) for r in ROWS] == list(range(21))


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['x']}of{r['n']}" for r in ROWS])
def test_reference_row(row):
    lo, hi = clopper_pearson(int(row["x"]), int(row["n"]))
    assert type(lo) is float and type(hi) is float
    assert abs(lo - float(row["cp_lower"])) <= 1e-6
    assert abs(hi - float(row["cp_upper"])) <= 1e-6


def test_domain_table_values():
    # DOMAIN 5.1 table, x/20
    assert clopper_pearson(15, 20) == pytest.approx((0.508954, 0.913429), abs=1e-6)
    assert clopper_pearson(0, 20) == (0.0, pytest.approx(0.168433, abs=1e-6))
    assert clopper_pearson(20, 20) == (pytest.approx(0.831567, abs=1e-6), 1.0)


@pytest.mark.parametrize(("x", "n"), [(0, 1), (1, 1), (3, 7), (9, 9), (1, 9), (13, 17), (50, 120)])
def test_matches_binomtest_for_other_n(x, n):
    expected = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
    assert clopper_pearson(x, n) == pytest.approx((expected.low, expected.high), abs=1e-9)


@pytest.mark.parametrize("n", [1, 2, 20, 137, 2000, 20000])
def test_every_bound_is_scipys_beta_quantile_to_the_last_digit(n):
    for x in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        lower = 0.0 if x == 0 else float(stats.beta.ppf(0.025, x, n - x + 1))
        upper = 1.0 if x == n else float(stats.beta.ppf(0.975, x + 1, n - x))
        assert clopper_pearson(x, n) == (lower, upper)


def test_alpha_changes_width():
    expected = stats.binomtest(6, 20).proportion_ci(confidence_level=0.90, method="exact")
    assert clopper_pearson(6, 20, alpha=0.10) == pytest.approx((expected.low, expected.high), abs=1e-9)


def test_zero_denominator():
    assert clopper_pearson(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(("x", "n"), [(-1, 5), (6, 5), (0, -1)])
def test_invalid_counts(x, n):
    with pytest.raises(ValueError):
        clopper_pearson(x, n)
