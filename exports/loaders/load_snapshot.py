"""Load a BlinaTrial EDC snapshot into pandas, typed by its data dictionary.

Usage (in the folder the snapshot zip was extracted to, or give the folder):

    from load_snapshot import load_snapshot
    data = load_snapshot(".")            # {"participants": DataFrame, "adsl": ..., "sdtm/dm": ...}
    data = load_snapshot(".", labels=True)   # code columns as their words instead of their codes

Every CSV described in data_dictionary.csv is read as text, then: integer -> Int64, decimal/float/duration
-> float, boolean -> boolean, date -> datetime64 (day), datetime -> UTC datetime64, code -> categorical whose
categories are the dictionary's codes (or their words with labels=True); a text or code cell starting with
an apostrophe was escaped against spreadsheet formulas: one leading apostrophe is removed. Each frame's
`attrs["labels"]` holds the column labels and `attrs["codes"]` each code column's {code: words}.
"""

from pathlib import Path

import pandas as pd


def _codes(allowed: str) -> dict[str, str]:
    pairs = {}
    for part in (allowed or "").split(";"):
        code, _, words = part.strip().partition("=")
        if code:
            pairs[code.strip()] = (words or code).strip()
    return pairs


def _typed(frame: pd.DataFrame, entries: pd.DataFrame, labels: bool) -> pd.DataFrame:
    codes_of = {}
    for _, entry in entries.iterrows():
        column, kind = entry["column"], entry["type"]
        if column not in frame:
            continue
        cells = frame[column]
        if kind in ("text", "code"):
            cells = cells.where(~cells.str.startswith("'", na=False), cells.str[1:])
        if kind == "integer":
            frame[column] = pd.to_numeric(cells.replace("", None)).astype("Int64")
        elif kind in ("decimal", "float", "duration"):
            frame[column] = pd.to_numeric(cells.replace("", None)).astype("float64")
        elif kind == "boolean":
            frame[column] = cells.map({"true": True, "false": False}).astype("boolean")
        elif kind == "date":
            frame[column] = pd.to_datetime(cells.replace("", None), format="%Y-%m-%d")
        elif kind == "datetime":
            frame[column] = pd.to_datetime(cells.replace("", None), format="ISO8601", utc=True)
        elif kind == "code" and (codes := _codes(entry["allowed_values"])):
            codes_of[column] = codes
            values = cells.replace("", None)
            categories = list(codes) + sorted(set(values.dropna()) - set(codes))
            frame[column] = pd.Categorical(values, categories=categories)
            if labels:
                frame[column] = frame[column].cat.rename_categories([codes.get(c, c) for c in categories])
        else:
            frame[column] = cells.replace("", None)
    frame.attrs["labels"] = dict(zip(entries["column"], entries["label"], strict=True))
    frame.attrs["codes"] = codes_of
    return frame


def load_snapshot(folder: str | Path = ".", *, labels: bool = False) -> dict[str, pd.DataFrame]:
    folder = Path(folder)
    dictionary = pd.read_csv(folder / "data_dictionary.csv", dtype=str, keep_default_na=False)
    frames = {}
    for name, entries in dictionary.groupby("file", sort=False):
        if not (folder / name).exists():
            continue
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        frames[name.removesuffix(".csv")] = _typed(frame, entries, labels)
    return frames


if __name__ == "__main__":
    import sys

    for name, frame in load_snapshot(sys.argv[1] if len(sys.argv) > 1 else ".").items():
        print(f"{name}: {len(frame)} rows, {len(frame.columns)} columns")
