"""exports.zipwriter.write_copy gathers COPY's one-row blocks into larger writes: whatever the flush size, the zip
entry holds every row once, in order, and its SHA-256 and size are of exactly those bytes."""

import hashlib
import io
import zipfile

import pytest
from django.db import connection

from exports import zipwriter
from integrity.cells import TEXT, Column

pytestmark = pytest.mark.django_db

SQL = "SELECT g, 'Zoë 李 ' || g FROM generate_series(1, %s) AS g ORDER BY g"
COLUMNS = [Column("n", TEXT, "n"), Column("name", TEXT, "name")]


def expected_csv(rows: int) -> bytes:
    return ("n,name\n" + "".join(f"{i},Zoë 李 {i}\n" for i in range(1, rows + 1))).encode()


@pytest.mark.parametrize("flush_bytes", [1, 64, 1000, 1 << 20])
def test_every_row_is_written_once_in_order(monkeypatch, flush_bytes):
    monkeypatch.setattr(zipwriter, "FLUSH_BYTES", flush_bytes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, connection.cursor() as cursor:
        written = zipwriter.write_copy(archive, "numbers.csv", COLUMNS, cursor.cursor, SQL, (2500,))

    expected = expected_csv(2500)
    with zipfile.ZipFile(buffer) as archive:
        assert archive.read("numbers.csv") == expected
    assert written.rows == 2500
    assert written.bytes == len(expected)
    assert written.sha256 == hashlib.sha256(expected).hexdigest()


def test_an_empty_result_is_the_header_alone():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, connection.cursor() as cursor:
        written = zipwriter.write_copy(archive, "numbers.csv", COLUMNS, cursor.cursor, SQL, (0,))
    with zipfile.ZipFile(buffer) as archive:
        assert archive.read("numbers.csv") == b"n,name\n"
    assert written.rows == 0
