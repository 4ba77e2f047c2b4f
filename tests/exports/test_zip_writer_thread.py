"""exports.zipwriter writes a COPY's blocks into the zip on a thread of its own (reading and compressing overlap):
the entry gets every block in order, and an error while writing reaches the caller instead of being lost."""

import hashlib
import io
import zipfile

import pytest

from exports.zipwriter import ZipEntry, _WriterThread


def _blocks() -> list[bytes]:
    return [f"{i},row {i},Zoë 李\n".encode() * (i % 7 + 1) * 5000 for i in range(40)]


def test_every_block_arrives_in_order_and_is_hashed_as_written():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = ZipEntry(archive, "form.csv")
        with _WriterThread(entry) as writer:
            for block in _blocks():
                writer.put(block)
        written = entry.close(rows=40)

    expected = b"".join(_blocks())
    assert written.sha256 == hashlib.sha256(expected).hexdigest() and written.bytes == len(expected)
    with zipfile.ZipFile(buffer) as archive:
        assert archive.read("form.csv") == expected


class _FailingEntry:
    name = "broken.csv"

    def __init__(self) -> None:
        self.calls = 0

    def write(self, data: bytes) -> None:
        self.calls += 1
        if self.calls == 2:
            raise OSError("disk full")


def test_an_error_while_writing_reaches_the_caller():
    # the error surfaces at a later put or at the end
    with pytest.raises(OSError, match="disk full"), _WriterThread(_FailingEntry()) as writer:  # noqa: PT012
        for block in _blocks():
            writer.put(block)


def test_an_error_of_the_caller_wins_and_the_thread_ends():
    writer = _WriterThread(_FailingEntry())
    with pytest.raises(ValueError, match="COPY failed"), writer:  # noqa: PT012
        writer.put(b"a")
        raise ValueError("COPY failed")
    assert not writer._thread.is_alive()
