"""Writing CSV files into the snapshot zip as streams: hashed and counted as they are written.

Determinism: every entry has the same fixed timestamp, permissions and compression settings, so
unchanged data gives byte-identical entries (and identical SHA-256 in the manifest).
"""

import csv
import hashlib
import queue
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from integrity.cells import Column, format_cell

ZIP_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: a constant, not "now"
COMPRESSION = zipfile.ZIP_DEFLATED
# Level 1: most of the size gain of deflate on CSV for a fraction of the CPU time of the default 6.
COMPRESS_LEVEL = 1
FLUSH_ROWS = 2000
# COPY hands over one row per message: writing each into the zip costs more than the row itself.
FLUSH_BYTES = 1 << 20
LINE_END = "\n"


@dataclass(frozen=True)
class WrittenFile:
    name: str
    rows: int
    sha256: str
    bytes: int


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_ENTRY_TIME)
    info.compress_type = COMPRESSION
    info.create_system = 3  # Unix, on every platform
    info.external_attr = 0o644 << 16
    # zipfile ignores ZipFile(compresslevel=) for a ZipInfo passed to open(); the attribute is
    # `_compresslevel` up to Python 3.12 and `compress_level` from 3.13.
    if hasattr(info, "compress_level"):
        info.compress_level = COMPRESS_LEVEL
    else:
        info._compresslevel = COMPRESS_LEVEL
    return info


class ZipEntry:
    """One file inside the zip, written as bytes; SHA-256 and size are of the uncompressed content."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.name = name
        self._stream = archive.open(_zipinfo(name), "w", force_zip64=True)
        self._sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._stream.write(data)
        self._sha.update(data)
        self.size += len(data)

    def close(self, rows: int) -> WrittenFile:
        self._stream.close()
        return WrittenFile(self.name, rows, self._sha.hexdigest(), self.size)


# A field holding one of these is quoted (RFC 4180, and what PostgreSQL's COPY ... CSV does). Python's csv module
# quotes CR only when it is part of the line terminator, so a bare CR would otherwise end a row early for a reader.
MUST_QUOTE = (",", '"', "\r", "\n")


class _Line:
    """A csv.writer target that hands back the line it was given."""

    @staticmethod
    def write(line: str) -> str:
        return line


def csv_line(cells: Sequence[str]) -> str:
    """One CSV line (LINE_END-terminated) in which every field containing CR, LF, a comma or a quote is quoted."""
    if list(cells) == [""]:
        return '""' + LINE_END  # as the csv module writes it: a bare empty line would be read as no row
    return ",".join(_field(cell) for cell in cells) + LINE_END


def _field(cell: str) -> str:
    if any(mark in cell for mark in MUST_QUOTE):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def header_bytes(columns: Sequence[Column]) -> bytes:
    return csv_line([c.name for c in columns]).encode("utf-8")


def write_rows(archive: zipfile.ZipFile, name: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> WrittenFile:
    """A CSV from Python rows (raw values, formatted here by column type), flushed every FLUSH_ROWS rows.

    The csv module writes each line (fast); the rare line holding a CR is written again by `csv_line`, which
    quotes the field the csv module left bare."""
    entry = ZipEntry(archive, name)
    entry.write(header_bytes(columns))
    kinds = [c.kind for c in columns]
    lines: list[str] = []
    writer = csv.writer(_Line(), lineterminator=LINE_END)
    count = 0
    for row in rows:
        cells = [format_cell(kind, value) for kind, value in zip(kinds, row, strict=True)]
        line = writer.writerow(cells)
        lines.append(csv_line(cells) if "\r" in line else line)
        count += 1
        if count % FLUSH_ROWS == 0:
            entry.write("".join(lines).encode("utf-8"))
            lines.clear()
    entry.write("".join(lines).encode("utf-8"))
    return entry.close(count)


class _WriterThread:
    """Writes blocks into a zip entry on a thread of its own while the caller reads the next ones.

    Deflate, CRC and SHA-256 release the GIL on blocks this size, and so does psycopg while it waits for
    PostgreSQL: reading the COPY and compressing it overlap instead of taking turns. At most QUEUED blocks wait
    (memory stays bounded by QUEUED x FLUSH_BYTES). An error on the thread is raised in the caller at the end."""

    QUEUED = 4

    def __init__(self, entry: ZipEntry) -> None:
        self._entry = entry
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=self.QUEUED)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"zip {entry.name}", daemon=True)

    def _run(self) -> None:
        while (block := self._blocks.get()) is not None:
            if self._error is None:
                try:
                    self._entry.write(block)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller in __exit__
                    self._error = exc

    def put(self, block: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._blocks.put(block)

    def __enter__(self) -> "_WriterThread":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._blocks.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error


def write_copy(archive: zipfile.ZipFile, name: str, columns: Sequence[Column], cursor, sql: str, params) -> WrittenFile:
    """A CSV streamed from PostgreSQL: COPY (sql) TO STDOUT in CSV format, block by block, written into the zip
    by a _WriterThread while the next blocks arrive.

    `cursor` is a psycopg 3 cursor. The row count is the one COPY reports.
    """
    entry = ZipEntry(archive, name)
    entry.write(header_bytes(columns))
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
    # Each block is a view on a buffer libpq allocated for that one row. Copying it at once lets the buffer go
    # back to malloc for the next row; keeping a megabyte of them alive costs more than the COPY itself.
    pending = bytearray()
    with _WriterThread(entry) as writer, cursor.copy(statement, params or None) as copy:
        for block in copy:
            pending += block
            if len(pending) >= FLUSH_BYTES:
                writer.put(bytes(pending))
                pending.clear()
        writer.put(bytes(pending))
    return entry.close(cursor.rowcount)


def write_bytes(archive: zipfile.ZipFile, name: str, data: bytes, rows: int = 0) -> WrittenFile:
    entry = ZipEntry(archive, name)
    entry.write(data)
    return entry.close(rows)
