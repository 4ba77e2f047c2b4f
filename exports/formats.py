"""One dataset (SDTM domain or ADaM dataset) in the exchange and analysis formats of the snapshot.

A `Table` is plain data: a name, a label, dictionary columns and raw rows (the values the CSV file of the
same dataset is written from). From it: CDISC Dataset-JSON v1.1, SAS transport v5 (XPT, through
pyreadstat: names of at most 8 characters, labels of at most 40, the dataset label), SPSS `.sav` and
Stata `.dta` (pyreadstat) with variable labels, and value labels for the code columns: a code is stored
as a number 1..k in the order of the dictionary's code list, labelled with its words (Stata and SPSS
keep categories as labelled numbers; the code itself is in the CSV and in the loaders' factor levels).

readstat writes the time of writing into the files' headers; it is replaced by a constant, as the zip
entries' times are, so unchanged data give byte-identical files.
"""

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyreadstat

from integrity.cells import (
    BOOLEAN,
    CODE,
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    FLOAT,
    INTEGER,
    TEXT,
    Column,
    format_datetime,
)

DATASET_JSON_VERSION = "1.1.0"
XPT_NAME_LENGTH = 8
XPT_LABEL_LENGTH = 40
DTA_LABEL_LENGTH = 80
ORIGINATOR = "BlinaTrial EDC"
# Dataset-JSON v1.1 dataType of each dictionary type (decimal values travel as strings, as the standard says).
JSON_TYPES = {
    INTEGER: "integer",
    DECIMAL: "decimal",
    FLOAT: "double",
    DURATION: "double",
    BOOLEAN: "boolean",
    DATE: "date",
    DATETIME: "datetime",
    TEXT: "string",
    CODE: "string",
}
NUMERIC = (INTEGER, DECIMAL, FLOAT, DURATION)


@dataclass(frozen=True)
class Table:
    name: str  # e.g. "ADSL", "DM"
    label: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    oid_prefix: str = "IG"

    @property
    def oid(self) -> str:
        return f"{self.oid_prefix}.{self.name}"


def cut(text: str, length: int) -> str:
    """A label shortened to the format's limit (readers drop trailing blanks, so none are left)."""
    return text[:length].rstrip()


def code_values(column: Column) -> list[tuple[str, str]]:
    """[(code, words)] of a code column's dictionary list ("A=words; B"; a bare code is its own words)."""
    pairs = []
    for part in column.allowed_values.split(";"):
        code, _, words = part.strip().partition("=")
        if code:
            pairs.append((code.strip(), (words or code).strip()))
    return pairs


# --------------------------------------------------------------------------- Dataset-JSON


def _json_value(kind: str, value: object) -> object:
    if value is None or value == "":
        return None
    if kind == DECIMAL:
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if kind == INTEGER:
        return int(value)
    if kind in (FLOAT, DURATION):
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    if kind == DATETIME and isinstance(value, datetime):
        return format_datetime(value)
    if kind == DATE and isinstance(value, date):
        return value.isoformat()
    return str(value)


def _length(column: Column, rows: list[tuple], index: int) -> int | None:
    if JSON_TYPES.get(column.kind, "string") != "string":
        return None
    return max([len(str(r[index])) for r in rows if r[index] not in (None, "")] or [1])


def dataset_json(table: Table, *, study_oid: str, mdv_oid: str, created: datetime) -> bytes:
    """CDISC Dataset-JSON v1.1 of the table (one JSON document, rows as arrays in column order)."""
    columns = []
    for i, column in enumerate(table.columns):
        entry = {
            "itemOID": f"IT.{table.name}.{column.name}",
            "name": column.name,
            "label": column.label,
            "dataType": JSON_TYPES.get(column.kind, "string"),
        }
        if (length := _length(column, table.rows, i)) is not None:
            entry["length"] = length
        if column.kind == DATE:
            entry["targetDataType"] = "integer"  # a SAS date, for a converter that writes XPT
        columns.append(entry)
    document = {
        "datasetJSONCreationDateTime": format_datetime(created).removesuffix("Z"),
        "datasetJSONVersion": DATASET_JSON_VERSION,
        "fileOID": f"BLINATRIAL.{table.name}",
        "originator": ORIGINATOR,
        "sourceSystem": {"name": ORIGINATOR, "version": "1"},
        "studyOID": study_oid,
        "metaDataVersionOID": mdv_oid,
        "itemGroupOID": table.oid,
        "records": len(table.rows),
        "name": table.name,
        "label": table.label,
        "columns": columns,
        "rows": [[_json_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- frames for pyreadstat


def xpt_names(columns: Sequence[Column]) -> list[str]:
    """Variable names of at most 8 characters, unique (a longer name is cut and numbered)."""
    names: list[str] = []
    for column in columns:
        name = re.sub(r"[^A-Za-z0-9_]", "_", column.name)[:XPT_NAME_LENGTH].upper()
        n = 1
        while name in names:
            suffix = str(n)
            name = name[: XPT_NAME_LENGTH - len(suffix)] + suffix
            n += 1
        names.append(name)
    return names


def _series(column: Column, values: list, coded: bool) -> pd.Series:
    if coded:
        numbers = {code: i for i, (code, _) in enumerate(code_values(column), 1)}
        return pd.Series([numbers.get(v) if v not in (None, "") else None for v in values], dtype="float64")
    if column.kind == BOOLEAN:
        return pd.Series([None if v is None else float(bool(v)) for v in values], dtype="float64")
    if column.kind in NUMERIC:
        return pd.Series([None if v is None else float(v) for v in values], dtype="float64")
    if column.kind == DATETIME:
        return pd.Series([None if v is None else v.replace(tzinfo=None) for v in values], dtype="object")
    if column.kind == DATE:
        days = [date.fromisoformat(v) if isinstance(v, str) and v else (v or None) for v in values]
        if all(d is None for d in days):  # readstat would write an all-missing object column as text
            return pd.Series([None] * len(days), dtype="float64")
        return pd.Series(days, dtype="object")
    return pd.Series(["" if v is None else str(v) for v in values], dtype="object")


def is_coded(column: Column, values: list) -> bool:
    """A code column whose every value is in its list: stored as labelled numbers (else as text)."""
    if column.kind not in (CODE, INTEGER) or not column.allowed_values:
        return False
    codes = {code for code, _ in code_values(column)}
    if column.kind == INTEGER:
        return False  # an integer with a code list keeps its number (0/1/2); the list becomes its labels
    return all(v in codes for v in values if v not in (None, ""))


def frame(table: Table, names: list[str] | None = None, *, numbered_codes: bool = True) -> tuple[pd.DataFrame, dict]:
    """(data frame, value labels by variable) of the table for pyreadstat; codes as labelled numbers, or as text."""
    names = names or [c.name for c in table.columns]
    data, labels = {}, {}
    for i, (column, name) in enumerate(zip(table.columns, names, strict=True)):
        values = [row[i] for row in table.rows]
        coded = numbered_codes and is_coded(column, values)
        data[name] = _series(column, values, coded)
        if coded:
            labels[name] = {float(i): words for i, (_, words) in enumerate(code_values(column), 1)}
        elif column.kind == INTEGER and column.allowed_values:
            pairs = code_values(column)
            if all(code.lstrip("-").isdigit() for code, _ in pairs):
                labels[name] = {float(code): words for code, words in pairs}
        elif column.kind == BOOLEAN:
            labels[name] = {0.0: "false", 1.0: "true"}
    return pd.DataFrame(data, columns=names), labels


def _written(write, suffix: str) -> bytes:
    """Bytes of a file that `write(path)` writes (pyreadstat writes to a path only)."""
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        write(path)
        return Path(path).read_bytes()
    finally:
        Path(path).unlink(missing_ok=True)


# The header fields where readstat writes "now": replaced by these constants (same length).
XPT_HEADER_BYTES = 560  # library header + member header records; the variable descriptions follow
XPT_TIME = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")
SAV_HEADER_BYTES = 176
SAV_DATE, SAV_CLOCK = re.compile(rb"\d\d [A-Z][a-z]{2} \d\d"), re.compile(rb"\d\d:\d\d:\d\d")
DTA_TIMESTAMP = re.compile(rb"<timestamp>(.)(.*?)</timestamp>", re.DOTALL)


def _fixed_header(data: bytes, size: int, patterns: list[tuple[re.Pattern, bytes]]) -> bytes:
    head = data[:size]
    for pattern, constant in patterns:
        head = pattern.sub(constant, head)
    return head + data[size:]


def xpt_bytes(table: Table) -> bytes:
    columns = table.columns
    names = xpt_names(columns)
    df, _labels = frame(table, names, numbered_codes=False)  # SAS keeps the codes as text (CDISC practice)
    labels = [cut(c.label, XPT_LABEL_LENGTH) for c in columns]
    data = _written(
        lambda path: pyreadstat.write_xport(
            df,
            path,
            file_label=cut(table.label, XPT_LABEL_LENGTH),
            column_labels=labels,
            table_name=table.name[:XPT_NAME_LENGTH],
            file_format_version=5,
        ),
        ".xpt",
    )
    return _fixed_header(data, XPT_HEADER_BYTES, [(XPT_TIME, b"01JAN80:00:00:00")])


def sav_bytes(table: Table) -> bytes:
    df, labels = frame(table)
    column_labels = [c.label for c in table.columns]
    data = _written(
        lambda path: pyreadstat.write_sav(
            df, path, file_label=table.label, column_labels=column_labels, variable_value_labels=labels
        ),
        ".sav",
    )
    return _fixed_header(data, SAV_HEADER_BYTES, [(SAV_DATE, b"01 Jan 80"), (SAV_CLOCK, b"00:00:00")])


def dta_bytes(table: Table) -> bytes:
    df, labels = frame(table)
    column_labels = [cut(c.label, DTA_LABEL_LENGTH) for c in table.columns]
    data = _written(
        lambda path: pyreadstat.write_dta(
            df,
            path,
            file_label=cut(table.label, DTA_LABEL_LENGTH),
            column_labels=column_labels,
            variable_value_labels=labels,
            version=15,
        ),
        ".dta",
    )

    def constant(match: re.Match) -> bytes:
        size = len(match.group(2))
        return b"<timestamp>" + match.group(1) + b"01 Jan 1980 00:00".ljust(size)[:size] + b"</timestamp>"

    return DTA_TIMESTAMP.sub(constant, data, count=1)
