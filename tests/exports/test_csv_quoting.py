"""Every field of a snapshot CSV that holds a CR, an LF, a comma or a quote is quoted, so any CSV reader reads the
rows that were written (Python's csv module alone leaves a bare CR unquoted when lines end in LF)."""

import csv
import io
import zipfile

import pandas as pd

from exports.zipwriter import write_rows
from integrity.cells import TEXT, Column

HOSTILE = ["\rCR cmd", "a\rb", "line\nbreak", "cr\r\nlf", "comma, here", 'say "hi"', "plain", ""]


def test_each_hostile_field_is_read_back_as_one_field_of_one_row():
    buffer = io.BytesIO()
    columns = [Column("id", TEXT, "id"), Column("text", TEXT, "text")]
    rows = [(str(i), value) for i, value in enumerate(HOSTILE)]
    with zipfile.ZipFile(buffer, "w") as archive:
        written = write_rows(archive, "x.csv", columns, rows)
    data = zipfile.ZipFile(buffer).read("x.csv")

    read = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)

    assert written.rows == len(HOSTILE) == len(read) - 1 == len(frame)
    # The formula guard prefixes an apostrophe to a cell starting with CR; the rest is read back as written.
    assert [r[1] for r in read[1:]] == ["'\rCR cmd", *HOSTILE[1:]]
    assert list(frame["text"]) == ["'\rCR cmd", *HOSTILE[1:]]
    assert b"'\rCR cmd" not in data.replace(b'"\'\rCR cmd"', b"")  # the CR cell appears quoted only
