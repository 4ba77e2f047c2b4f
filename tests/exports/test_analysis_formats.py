"""The ADaM datasets of the demo snapshot as SPSS .sav and Stata .dta read back (pyreadstat) to the same values
as their CSV files, with the dictionary's labels as variable labels and its code lists as value labels; the
loaders in the zip read the CSVs with the dictionary's types; the files do not change with the time of writing."""

import csv
import datetime
import io
import math
import runpy
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from exports import formats
from integrity.cells import CODE, DATE, INTEGER, TEXT, Column

pytestmark = pytest.mark.django_db  # the demo snapshot needs the test database set up

ADAM = ("adsl", "adrs", "adtte", "adae")
NUMERIC = ("integer", "decimal", "float")


def read_csv(archive, name: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
    return list(reader.fieldnames), list(reader)


def dictionary(archive, name: str) -> dict[str, dict]:
    _, rows = read_csv(archive, "data_dictionary.csv")
    return {r["column"]: r for r in rows if r["file"] == name}


def words_of(allowed: str) -> dict[str, str]:
    """code -> words, read from the dictionary's text ("A=words; B")."""
    out = {}
    for part in allowed.split(";"):
        code, _, words = part.strip().partition("=")
        if code:
            out[code.strip()] = (words or code).strip()
    return out


def read_back(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_bytes(data)
        reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
        return reader(str(path))


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
@pytest.mark.parametrize("name", ADAM)
def test_values_labels_and_value_labels_match_the_csv(demo_zip, name, suffix):
    header, rows = read_csv(demo_zip, f"{name}.csv")
    described = dictionary(demo_zip, f"{name}.csv")
    frame, meta = read_back(demo_zip.read(f"analysis/{name}{suffix}"), suffix)
    assert list(frame.columns) == header and len(frame) == len(rows)
    assert meta.column_labels == [described[h]["label"][:80].rstrip() for h in header]
    value_labels = meta.variable_value_labels
    for column in header:
        entry = described[column]
        codes = words_of(entry["allowed_values"]) if entry["type"] == "code" else {}
        for i, row in enumerate(rows):
            cell, value = row[column], frame.iloc[i][column]
            if codes and column in value_labels:  # a code: its words through the value labels
                shown = None if missing(value) else value_labels[column][value]
                assert shown == (codes[cell] if cell else None), (name, column, cell, value)
            elif entry["type"] in NUMERIC:
                assert missing(value) if cell == "" else math.isclose(float(cell), float(value)), (name, column)
            elif entry["type"] == "date":
                assert cell == ("" if missing(value) else value.isoformat()), (name, column)
            else:
                assert (cell[1:] if cell.startswith("'") else cell) == ("" if missing(value) else value), (name, column)
    coded = [c for c in header if described[c]["type"] == "code" and described[c]["allowed_values"]]
    assert coded and set(coded) <= set(value_labels), name


def table() -> formats.Table:
    columns = (
        Column("USUBJID", TEXT, "Participant ID"),
        Column("RSP", CODE, "Response", allowed_values="CR=Complete remission; NR=No response"),
        Column("DAY", INTEGER, "Study day"),
        Column("ADT", DATE, "Date"),
    )
    return formats.Table("ADX", "A small dataset", columns, [("01-001", "CR", 3, datetime.date(2026, 1, 2))])


def test_the_files_do_not_change_with_the_time_of_writing():
    first = {w: getattr(formats, f"{w}_bytes")(table()) for w in ("xpt", "sav", "dta")}
    time.sleep(1.1)  # readstat writes the time to the second
    second = {w: getattr(formats, f"{w}_bytes")(table()) for w in ("xpt", "sav", "dta")}
    assert first == second
    assert b"01 Jan 80" in first["sav"][:176] and b"01 Jan 1980" in first["dta"][:400]


def test_the_python_loader_applies_the_dictionarys_types_and_code_lists(demo_zip, tmp_path):
    demo_zip.extractall(tmp_path)
    loader = runpy.run_path(str(tmp_path / "analysis" / "load_snapshot.py"))
    data = loader["load_snapshot"](tmp_path)
    _, adsl_rows = read_csv(demo_zip, "adsl.csv")
    adsl = data["adsl"]
    assert len(adsl) == len(adsl_rows) == 8
    assert pd.api.types.is_datetime64_any_dtype(adsl["TRTSDT"])
    assert isinstance(adsl["TRTFL"].dtype, pd.CategoricalDtype)
    assert list(adsl["TRTFL"].astype(str)) == [r["TRTFL"] for r in adsl_rows]
    assert adsl.attrs["labels"]["TRTSDT"] == "First dose of study treatment (C1D1, day 1)"
    participants = data["participants"]
    assert str(participants["height_cm"].dtype) == "float64" and str(participants["record_id"].dtype) == "Int64"
    worded = loader["load_snapshot"](tmp_path, labels=True)["adsl"]
    assert set(worded["TRTFL"].dropna().astype(str)) <= {"Yes", "No"}
    assert "sdtm/dm" in data and len(data["sdtm/dm"]) == 8
    assert (tmp_path / "analysis" / "load_snapshot.R").read_text().count("load_snapshot <- function") == 1
