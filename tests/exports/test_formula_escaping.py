"""Text cells a spreadsheet would run as a formula are escaped, in Python and in PostgreSQL alike; numbers never."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from exports.datasets import sql_cell
from integrity.cells import BOOLEAN, CODE, DATE, DATETIME, DECIMAL, FLOAT, INTEGER, TEXT, format_cell, unescape_text

TEXT_CASES = [
    ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
    ("+41 22 000", "'+41 22 000"),
    ("-2 days", "'-2 days"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("'quoted", "''quoted"),  # the apostrophe too, so that the escape can always be undone
    ("a=b", "a=b"),
    ("Zoë 李", "Zoë 李"),
    (" =x", " =x"),
    ("", ""),
]

NUMBER_CASES = [
    (INTEGER, -5, "-5"),
    (DECIMAL, Decimal("-1.50"), "-1.50"),
    (DECIMAL, Decimal("172.0"), "172.0"),
    (FLOAT, -0.25, "-0.25"),
    (FLOAT, 100.0, "100"),
    (FLOAT, 1e-05, "1e-05"),
]


@pytest.mark.parametrize(("stored", "cell"), TEXT_CASES)
@pytest.mark.parametrize("kind", [TEXT, CODE])
def test_python_cells_escape_formula_triggers(kind, stored, cell):
    assert format_cell(kind, stored) == cell
    assert unescape_text(cell) == stored


@pytest.mark.parametrize(("kind", "value", "cell"), NUMBER_CASES)
def test_numbers_are_never_altered(kind, value, cell):
    assert format_cell(kind, value) == cell


def test_other_types_and_missing_values():
    assert format_cell(TEXT, None) == ""
    assert format_cell(DATE, datetime.date(2026, 2, 28)) == "2026-02-28"
    assert format_cell(BOOLEAN, False) == "false"
    moment = datetime.datetime(2026, 1, 31, 9, 5, 9, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert format_cell(DATETIME, moment) == "2026-01-31T08:05:09.25Z"


def sql_value(kind: str, sql_type: str, value) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle TO 'ISO, YMD'")
        sql = f"SELECT ({sql_cell(kind, 'v.x')})::text FROM (SELECT %s::{sql_type} AS x) AS v"  # noqa: S608 (test constants)
        cursor.execute(sql, [value])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("stored", "cell"), TEXT_CASES)
def test_postgresql_cells_escape_the_same_way(stored, cell):
    assert (sql_value(TEXT, "text", stored) or "") == cell


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "sql_type", "value", "cell"),
    [
        (INTEGER, "integer", -5, "-5"),
        (DECIMAL, "numeric(5,2)", Decimal("-1.50"), "-1.50"),
        (FLOAT, "float8", -0.25, "-0.25"),
        (FLOAT, "float8", 100.0, "100"),
        (DATE, "date", datetime.date(2026, 2, 28), "2026-02-28"),
        (BOOLEAN, "boolean", False, "false"),
        (
            DATETIME,
            "timestamptz",
            datetime.datetime(2026, 1, 31, 8, 5, 9, 250000, tzinfo=datetime.UTC),
            "2026-01-31T08:05:09.25Z",
        ),
    ],
)
def test_postgresql_writes_other_types_like_python(kind, sql_type, value, cell):
    assert sql_value(kind, sql_type, value) == cell
    assert format_cell(kind, value) == cell
