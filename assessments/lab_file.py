"""A central laboratory's MRD results file, read into plain rows (no Django: the import validates them).

One row is one flow or NGS MRD result of one marrow sample, named as people name it: the participant ID
("01-007"), the aspirate date and the sample ID. The columns are the same in CSV (a header row, UTF-8) and
JSON (a list of objects); a column of the other assay must stay empty. Values are words, not codes:
"not detected", "yes".
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

MAX_ROWS = 5000  # a central lab sends a batch, not the trial; a bigger file is refused, not half-read

IDENTITY_COLUMNS = ("assay", "participant_id", "sample_date", "sample_id")
# file column -> the form field it fills, per assay
FLOW_COLUMNS = {
    "result": "result_type",
    "value_pct": "value_pct",
    "lod_pct": "lod_pct",
    "not_evaluable_reason": "not_evaluable_reason",
    "cells_analysed": "cells_analysed",
    "lab": "lab",
    "method_version": "method_version",
}
NGS_COLUMNS = {
    "clone_trackable": "clone_trackable",
    "result": "result",
    "value_fraction": "value_fraction",
    "value_cells_per_million": "value_cells_per_million",
    "lod_fraction": "lod_fraction",
    "lab": "lab",
}
ASSAY_COLUMNS = {"flow": FLOW_COLUMNS, "ngs": NGS_COLUMNS}
ASSAY_LABELS = {"flow": "flow MRD", "ngs": "NGS MRD"}
ALL_COLUMNS = (*IDENTITY_COLUMNS, *dict.fromkeys([*FLOW_COLUMNS, *NGS_COLUMNS]))

# The file's columns in words (the import page and the README show them).
COLUMN_HELP = (
    ("assay", "both", "flow or ngs"),
    ("participant_id", "both", "the participant ID, e.g. 01-007"),
    ("sample_date", "both", "the aspirate date, YYYY-MM-DD, as on the bone marrow assessment"),
    ("sample_id", "both", "the sample ID, as on the bone marrow assessment"),
    ("result", "both", "flow: quantified, not detected or not evaluable; NGS: detected or not detected (empty "
                       "without a trackable clone)"),
    ("value_pct", "flow", "MRD value in % of nucleated cells (quantified only)"),
    ("lod_pct", "flow", "limit of detection in % (required for not detected)"),
    ("not_evaluable_reason", "flow", "why the sample was not evaluable"),
    ("cells_analysed", "flow", "events acquired"),
    ("method_version", "flow", "the assay's method version"),
    ("clone_trackable", "ngs", "yes or no: a trackable baseline clone"),
    ("value_fraction", "ngs", "MRD value as a fraction of nucleated cells, e.g. 2e-5"),
    ("value_cells_per_million", "ngs", "or the value in cells per million nucleated cells"),
    ("lod_fraction", "ngs", "limit of detection as a fraction (required for not detected)"),
    ("lab", "both", "the laboratory"),
)

# What a person writes -> the stored choice.
FLOW_RESULTS = {"quantified": "QUANTIFIED", "not detected": "NOT_DETECTED", "not evaluable": "NOT_EVALUABLE"}
NGS_RESULTS = {"detected": "DETECTED", "not detected": "NOT_DETECTED"}
RESULT_WORDS = {"flow": FLOW_RESULTS, "ngs": NGS_RESULTS}
YES_NO = {"yes": "True", "y": "True", "true": "True", "1": "True", "no": "False", "n": "False", "false": "False",
          "0": "False"}


class FileProblem(ValueError):
    """The file as a whole cannot be read (encoding, syntax, columns, size): ``column`` names the culprit."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Cell:
    """One value of a row, or the problem with it."""

    value: str = ""
    problem: str = ""


def read_rows(data: bytes, fmt: str) -> list[dict[str, str]]:
    """The file's data rows as {column: text} (empty cells as ""), in file order."""
    if fmt not in ("csv", "json"):
        raise FileProblem(f"Unknown file format '{fmt}': send CSV or JSON.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem("The file is not UTF-8 text: save it as UTF-8 (CSV or JSON) and try again.") from exc
    rows = _csv_rows(text) if fmt == "csv" else _json_rows(text)
    if not rows:
        raise FileProblem("The file holds no results.")
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"The file holds {len(rows)} results; send at most {MAX_ROWS} per file.")
    return rows


def _check_columns(columns: list[str]) -> None:
    unknown = [c for c in columns if c not in ALL_COLUMNS]
    if unknown:
        raise FileProblem(
            f"Unknown column '{unknown[0]}': the columns are {', '.join(ALL_COLUMNS)}.", column=unknown[0]
        )
    missing = [c for c in IDENTITY_COLUMNS if c not in columns]
    if missing:
        raise FileProblem(f"The column '{missing[0]}' is missing.", column=missing[0])


def _csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return []
        columns = [c.strip().lower() for c in header]
        if len(set(columns)) != len(columns):
            raise FileProblem("A column is named twice in the header row.")
        _check_columns(columns)
        rows = []
        for number, values in enumerate(reader, start=1):
            if not any(v.strip() for v in values):
                continue  # a blank line carries no result
            if len(values) > len(columns):
                raise FileProblem(f"Row {number} has more values than the header has columns.")
            rows.append({c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)})
    except csv.Error as exc:
        raise FileProblem(f"The CSV cannot be read: {exc}.") from exc
    return rows


def _json_rows(text: str) -> list[dict[str, str]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"The JSON cannot be read: {exc.msg} (line {exc.lineno}).") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FileProblem("The JSON must be a list of results, one object per result.")
    rows = []
    for item in items:
        columns = [str(k).strip().lower() for k in item]
        _check_columns(columns)
        rows.append({c: _json_text(v) for c, v in zip(columns, item.values(), strict=True)})
    return rows


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value)  # a list or object: the form refuses it with its own words


def assay_of(text: str) -> Cell:
    word = text.strip().lower()
    if word in ASSAY_COLUMNS:
        return Cell(word)
    if not word:
        return Cell(problem="Say which assay the result is: flow or ngs.")
    return Cell(problem=f"Unknown assay '{text}': write flow or ngs.")


def result_of(assay: str, text: str) -> Cell:
    words = RESULT_WORDS[assay]
    word = " ".join(text.replace("_", " ").replace("-", " ").lower().split())
    if not word or word in words:
        return Cell(words.get(word, ""))
    return Cell(problem=f"Unknown {ASSAY_LABELS[assay]} result '{text}': write {_either(list(words))}.")


def yes_no_of(text: str) -> Cell:
    word = text.strip().lower()
    if not word or word in YES_NO:
        return Cell(YES_NO.get(word, ""))
    return Cell(problem=f"Write yes or no, not '{text}'.")


def _either(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]


def form_data(assay: str, row: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The form's POST data for one row, and {column: problem} for values that cannot go in it: a value in a
    column of the other assay, a result or yes/no in words the import does not know."""
    columns = ASSAY_COLUMNS[assay]
    data, problems = {}, {}
    for column, text in row.items():
        if column in IDENTITY_COLUMNS:
            continue
        if column not in columns:
            if text:
                other = "NGS" if assay == "flow" else "flow"
                problems[column] = f"This column is for {other} MRD results: leave it empty on a {assay} row."
            continue
        cell = Cell(text)
        if column == "result":
            cell = result_of(assay, text)
        elif column == "clone_trackable":
            cell = yes_no_of(text)
        if cell.problem:
            problems[column] = cell.problem
        data[columns[column]] = cell.value
    return data, problems
