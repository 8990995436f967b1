"""A copy of a file with the bytes the warehouse cannot read replaced, so that its other records load.

The pre-check lists the byte ranges (invalid UTF-8, stray carriage returns) and rejects the records
that hold them; the copy replaces each range with U+FFFD, which keeps every line and field boundary.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

REPLACEMENT = "\ufffd".encode()
_COPY_BYTES = 8 << 20


def write_repaired_copy(source: Path, repairs: tuple[tuple[int, int], ...], destination: Path) -> None:
    """Copy ``source`` to ``destination`` with every ``(offset, length)`` range (sorted) replaced."""
    with source.open("rb") as reader, destination.open("wb") as writer:
        position = 0
        for offset, length in repairs:
            _copy(reader, writer, offset - position)
            writer.write(REPLACEMENT)
            reader.seek(length, 1)
            position = offset + length
        _copy(reader, writer, None)


def _copy(reader: BinaryIO, writer: BinaryIO, count: int | None) -> None:
    while count is None or count > 0:
        chunk = reader.read(_COPY_BYTES if count is None else min(count, _COPY_BYTES))
        if not chunk:
            return
        writer.write(chunk)
        if count is not None:
            count -= len(chunk)
