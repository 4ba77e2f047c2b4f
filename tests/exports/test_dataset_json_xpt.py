"""Every SDTM domain and ADaM dataset of the demo snapshot as CDISC Dataset-JSON v1.1 and SAS transport v5 reads
back (json / pyreadstat) to the same columns, labels and values as its CSV file in the same snapshot."""

import csv
import io
import json
import math
import tempfile
from pathlib import Path

import pyreadstat
import pytest

pytestmark = pytest.mark.django_db  # the demo snapshot needs the test database set up

SDTM = ("dm", "ex", "ae", "lb", "rs", "ds", "sv")
ADAM = ("adsl", "adrs", "adtte", "adae")
DATASETS = [(f"sdtm/{d}", f"sdtm/{d}.csv") for d in SDTM] + [(f"adam/{d}", f"{d}.csv") for d in ADAM]
NUMERIC = ("integer", "decimal", "float")


def read_csv(archive, name: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
    return list(reader.fieldnames), list(reader)


def dictionary(archive, name: str) -> dict[str, dict]:
    _, rows = read_csv(archive, "data_dictionary.csv")
    return {r["column"]: r for r in rows if r["file"] == name}


def unescaped(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def same_number(cell: str, value) -> bool:
    if cell == "":
        return value is None or (isinstance(value, float) and math.isnan(value))
    return value is not None and math.isclose(float(cell), float(value), rel_tol=1e-12, abs_tol=0)


@pytest.mark.parametrize(("stem", "csv_name"), DATASETS)
def test_dataset_json_has_the_csv_columns_labels_and_values(demo_zip, stem, csv_name):
    header, rows = read_csv(demo_zip, csv_name)
    described = dictionary(demo_zip, csv_name)
    document = json.loads(demo_zip.read(f"{stem}.json"))
    assert document["datasetJSONVersion"] == "1.1.0"
    assert document["name"] == stem.split("/")[1].upper() and document["label"]
    assert document["records"] == len(document["rows"]) == len(rows)
    assert [c["name"] for c in document["columns"]] == header
    assert [c["label"] for c in document["columns"]] == [described[h]["label"] for h in header]
    for column in document["columns"]:
        assert column["itemOID"] == f"IT.{document['name']}.{column['name']}"
        assert column["dataType"] in ("string", "integer", "decimal", "double", "boolean", "date", "datetime")
        if column["dataType"] == "string":
            assert column["length"] >= 1
    for row, values in zip(rows, document["rows"], strict=True):
        for name, column, value in zip(header, document["columns"], values, strict=True):
            cell = row[name]
            if described[name]["type"] in NUMERIC:
                assert same_number(cell, value), (stem, name, cell, value)
            elif column["dataType"] == "boolean":
                assert cell == ("" if value is None else ("true" if value else "false"))
            else:
                assert unescaped(cell) == ("" if value is None else value), (stem, name)


def read_xpt(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.xpt"
        path.write_bytes(data)
        return pyreadstat.read_xport(str(path))


@pytest.mark.parametrize(("stem", "csv_name"), DATASETS)
def test_xpt_has_the_csv_columns_labels_and_values(demo_zip, stem, csv_name):
    header, rows = read_csv(demo_zip, csv_name)
    described = dictionary(demo_zip, csv_name)
    frame, meta = read_xpt(demo_zip.read(f"{stem}.xpt"))
    assert all(len(name) <= 8 for name in header)  # so the XPT names are the CSV names
    assert list(frame.columns) == header
    assert meta.column_labels == [described[h]["label"][:40].rstrip() for h in header]
    assert meta.table_name == stem.split("/")[1].upper()
    assert meta.file_label and len(meta.file_label) <= 40
    assert len(frame) == len(rows)
    for i, row in enumerate(rows):
        for name in header:
            cell, value = row[name], frame.iloc[i][name]
            kind = described[name]["type"]
            if kind in NUMERIC:
                assert same_number(cell, value), (stem, name, cell, value)
            elif kind == "date":
                assert cell == ("" if value is None or value != value else value.isoformat()), (stem, name)
            else:  # XPT keeps no trailing blanks; a missing text is blank
                assert unescaped(cell).rstrip() == ("" if value is None else str(value)), (stem, name)


def test_xpt_headers_hold_a_constant_time_not_the_time_of_writing(demo_zip):
    data = demo_zip.read("sdtm/dm.xpt")
    assert data[:560].count(b"01JAN80:00:00:00") == 4
