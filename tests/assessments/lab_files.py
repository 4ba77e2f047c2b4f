"""Results files for the lab import tests: written out by hand from plain rows, CSV and JSON alike."""

import csv
import io
import json

HEADER = (
    "assay", "participant_id", "sample_date", "sample_id", "result", "value_pct", "lod_pct", "not_evaluable_reason",
    "cells_analysed", "method_version", "clone_trackable", "value_fraction", "value_cells_per_million",
    "lod_fraction", "lab",
)


def flow_row(marrow, **values) -> dict:
    return {
        "assay": "flow", "participant_id": marrow.participant.participant_id,
        "sample_date": marrow.sample_date.isoformat(), "sample_id": marrow.sample_id, "result": "quantified",
        "value_pct": "0.03", "lod_pct": "0.005", "cells_analysed": "750000", "method_version": "EuroFlow 2",
        "lab": "Central lab", **values,
    }


def ngs_row(marrow, **values) -> dict:
    return {
        "assay": "ngs", "participant_id": marrow.participant.participant_id,
        "sample_date": marrow.sample_date.isoformat(), "sample_id": marrow.sample_id, "clone_trackable": "yes",
        "result": "not detected", "lod_fraction": "1e-6", "lab": "Central NGS lab", **values,
    }


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_json(rows: list[dict]) -> bytes:
    return json.dumps(rows).encode("utf-8")
