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

from blinatrial.wording import gettext, pgettext
from blinatrial.wording import gettext_lazy as _

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
ASSAY_LABELS = {"flow": _("flow MRD"), "ngs": _("NGS MRD")}
ALL_COLUMNS = (*IDENTITY_COLUMNS, *dict.fromkeys([*FLOW_COLUMNS, *NGS_COLUMNS]))

# The file's columns in words (the import page and the README show them): name, assay, meaning, and the words the
# file may hold in it, shown as literal text to type (they are the file's own vocabulary, the same in any language).
COLUMN_HELP = (
    ("assay", "both", _("the assay"), ("flow", "ngs")),
    ("participant_id", "both", _("the participant ID, e.g. 01-007"), ()),
    ("sample_date", "both", _("the aspirate date, YYYY-MM-DD, as on the bone marrow assessment"), ()),
    ("sample_id", "both", _("the sample ID, as on the bone marrow assessment"), ()),
    ("result", "flow", _("the flow result"), ("quantified", "not detected", "not evaluable")),
    ("result", "ngs", _("the NGS result (empty without a trackable clone)"), ("detected", "not detected")),
    # xgettext:no-python-format
    ("value_pct", "flow", _("MRD value in % of nucleated cells (quantified only)"), ()),
    ("lod_pct", "flow", _("limit of detection in % (required for not detected)"), ()),
    ("not_evaluable_reason", "flow", _("why the sample was not evaluable"), ()),
    ("cells_analysed", "flow", _("events acquired"), ()),
    ("method_version", "flow", _("the assay's method version"), ()),
    ("clone_trackable", "ngs", _("a trackable baseline clone"), ("yes", "no")),
    ("value_fraction", "ngs", _("MRD value as a fraction of nucleated cells, e.g. 2e-5"), ()),
    ("value_cells_per_million", "ngs", _("or the value in cells per million nucleated cells"), ()),
    ("lod_fraction", "ngs", _("limit of detection as a fraction (required for not detected)"), ()),
    ("lab", "both", _("the laboratory"), ()),
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
        raise FileProblem(gettext("Unknown file format '%(format)s': send CSV or JSON.") % {"format": fmt})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            gettext("The file is not UTF-8 text: save it as UTF-8 (CSV or JSON) and try again.")
        ) from exc
    rows = _csv_rows(text) if fmt == "csv" else _json_rows(text)
    if not rows:
        raise FileProblem(gettext("The file holds no results."))
    if len(rows) > MAX_ROWS:
        raise FileProblem(gettext("The file holds %(n)s results; send at most %(max)s per file.") % {
            "n": len(rows), "max": MAX_ROWS})
    return rows


def _check_columns(columns: list[str]) -> None:
    unknown = [c for c in columns if c not in ALL_COLUMNS]
    if unknown:
        raise FileProblem(
            gettext("Unknown column '%(column)s': the columns are %(columns)s.") % {
                "column": unknown[0], "columns": ", ".join(ALL_COLUMNS)},
            column=unknown[0],
        )
    missing = [c for c in IDENTITY_COLUMNS if c not in columns]
    if missing:
        raise FileProblem(gettext("The column '%(column)s' is missing.") % {"column": missing[0]}, column=missing[0])


def _csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return []
        columns = [c.strip().lower() for c in header]
        if len(set(columns)) != len(columns):
            raise FileProblem(gettext("A column is named twice in the header row."))
        _check_columns(columns)
        rows = []
        for number, values in enumerate(reader, start=1):
            if not any(v.strip() for v in values):
                continue  # a blank line carries no result
            if len(values) > len(columns):
                raise FileProblem(
                    gettext("Row %(row)s has more values than the header has columns.") % {"row": number}
                )
            rows.append({c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)})
    except csv.Error as exc:
        raise FileProblem(gettext("The CSV cannot be read: %(error)s.") % {"error": exc}) from exc
    return rows


def _json_rows(text: str) -> list[dict[str, str]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            gettext("The JSON cannot be read: %(error)s (line %(line)s).") % {"error": exc.msg, "line": exc.lineno}
        ) from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FileProblem(gettext("The JSON must be a list of results, one object per result."))
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
        return Cell(problem=gettext("Say which assay the result is: flow or ngs."))
    return Cell(problem=gettext("Unknown assay '%(assay)s': write flow or ngs.") % {"assay": text})


def result_of(assay: str, text: str) -> Cell:
    words = RESULT_WORDS[assay]
    word = " ".join(text.replace("_", " ").replace("-", " ").lower().split())
    if not word or word in words:
        return Cell(words.get(word, ""))
    return Cell(problem=gettext("Unknown %(assay)s result '%(result)s': write %(words)s.") % {
        "assay": assay_label(assay), "result": text, "words": _either(list(words))})


def yes_no_of(text: str) -> Cell:
    word = text.strip().lower()
    if not word or word in YES_NO:
        return Cell(YES_NO.get(word, ""))
    return Cell(problem=gettext("Write yes or no, not '%(text)s'.") % {"text": text})


def _either(words: list[str]) -> str:
    if len(words) < 2:
        return words[0]
    return pgettext("a list", "%(first)s or %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def assay_label(assay: str) -> str:
    """The assay in words ("flow MRD"), in the reader's language."""
    return str(ASSAY_LABELS[assay])


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
                message = (gettext("This column is for NGS MRD results: leave it empty on a flow row.")
                           if assay == "flow"
                           else gettext("This column is for flow MRD results: leave it empty on a ngs row."))
                problems[column] = message
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
