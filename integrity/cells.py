"""How one value becomes one CSV cell: the snapshot's formats, in one place (pure, no Django).

UTF-8, a header row, ISO 8601 dates, '.' as the decimal point, an empty cell for a missing value
(NULL or blank text), codes as stored. Text cells that a spreadsheet would run as a formula are
escaped with a leading apostrophe; the decision is made by the column's type, never by the content,
so a negative number is never altered. The SQL side (exports.datasets.sql_cell) applies the same rules
inside PostgreSQL's COPY.
"""

import datetime
import json
import math
from dataclasses import dataclass
from decimal import Decimal

# Column types of the data dictionary.
INTEGER = "integer"
DECIMAL = "decimal"
FLOAT = "float"
BOOLEAN = "boolean"
DATE = "date"
DATETIME = "datetime"
TIME = "time"
TEXT = "text"
CODE = "code"
JSON = "json"
DURATION = "duration"
# A cell already formatted by the type of another column (audit trail old/new values): written as is.
FORMATTED = "formatted"
TEXT_KINDS = (TEXT, CODE)
NUMERIC_KINDS = (INTEGER, DECIMAL, FLOAT, DURATION)

# A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV injection").
# The apostrophe itself is in the set so that the escape can always be undone: remove one leading
# apostrophe from any text cell that starts with one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
ESCAPE_PREFIX = "'"

TRUE_TEXT = "true"
FALSE_TEXT = "false"

TYPE_DESCRIPTIONS = {
    INTEGER: "whole number",
    DECIMAL: "exact decimal number, '.' as decimal point",
    FLOAT: "floating-point number, '.' as decimal point",
    BOOLEAN: f"{TRUE_TEXT} / {FALSE_TEXT}",
    DATE: "ISO 8601 date YYYY-MM-DD",
    DATETIME: "ISO 8601 date and time in UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]Z",
    TIME: "ISO 8601 time HH:MM:SS",
    TEXT: "free text (formula-escaped, see conventions)",
    CODE: "a code from allowed_values (formula-escaped, see conventions)",
    JSON: "JSON document",
    DURATION: "duration in seconds",
    FORMATTED: "a value of the field named in the row, formatted (and escaped) as in its form file",
}


@dataclass(frozen=True)
class Column:
    """One column of one CSV file, as the data dictionary describes it."""

    name: str
    kind: str
    label: str = ""
    unit: str = ""
    allowed_values: str = ""
    minimum: str = ""
    maximum: str = ""
    note: str = ""
    lookup: str = ""  # ORM path the value is read from (form files only)


def escape_text(value: str) -> str:
    """Prefix an apostrophe to a text cell a spreadsheet would treat as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return ESCAPE_PREFIX + value
    return value


def unescape_text(cell: str) -> str:
    """The stored text of an escaped cell (what a reader does to recover the value)."""
    return cell[1:] if cell.startswith(ESCAPE_PREFIX) else cell


def format_datetime(value: datetime.datetime) -> str:
    """UTC, ISO 8601, as PostgreSQL writes it: 2026-01-31T08:05:09.25Z (no trailing zeros in the fraction)."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    text = value.isoformat()
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "Z"


def format_float(number: float) -> str:
    """Like PostgreSQL's float8 output: the shortest exact form, "100" rather than "100.0"; '' for NaN/inf."""
    if math.isnan(number) or math.isinf(number):
        return ""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def format_cell(kind: str, value: object) -> str:
    """The CSV text of `value` in a column of type `kind`; '' for a missing value."""
    if value is None:
        return ""
    if kind == FORMATTED:
        return str(value)
    if kind in TEXT_KINDS:
        text = str(value)
        return escape_text(text) if text else ""
    if kind == BOOLEAN:
        return TRUE_TEXT if value else FALSE_TEXT
    if kind == DATETIME and isinstance(value, datetime.datetime):
        return format_datetime(value)
    if kind in (DATE, TIME) and isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if kind == DECIMAL and isinstance(value, Decimal):
        return format(value, "f")
    if kind == FLOAT:
        return format_float(float(value))  # type: ignore[arg-type]
    if kind == DURATION and isinstance(value, datetime.timedelta):
        return format_float(value.total_seconds())
    if kind == JSON and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
