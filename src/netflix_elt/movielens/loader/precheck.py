"""One streaming pass over a file's bytes before the warehouse reads it.

The warehouse parses the CSV (COPY on Snowflake, DuckDB's reader locally); this pass only does what a
bulk loader cannot report clearly, in bounded memory (blocks of ``CHUNK_BYTES``):

* the sha256 of the bytes, which lets a byte-identical file be skipped before it is parsed;
* the exact header (a UTF-8 byte order mark is tolerated);
* a quoted field that is never closed (it would swallow the rest of the file), and quoting the two
  warehouses read differently (``"abc"def``, `` "abc"``): the file is refused, because where its
  records start and end is unknowable;
* records that cannot be stored as read: invalid UTF-8, or a carriage return outside a quoted field
  and not before a line feed (the warehouses split records there differently). Each becomes a
  ``BadRecord`` that the loader rejects with its line and reason, and the offending bytes become
  ``repairs`` (U+FFFD in the copy the warehouse reads), so the rest of the file still loads;
* the number of data records, so that ``rows read = rows loaded + rows rejected`` can be checked
  against what the warehouse parsed;
* where record numbers and line numbers part: a quoted field spanning lines, or a blank line
  (skipped, like ``SKIP_BLANK_LINES = TRUE``), shifts every later record down one line.

Lines that are one record without quotes, blank lines or stray carriage returns, the common case,
are found and counted with a few vectorised passes (numpy over the block); only the other lines are
walked one by one.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netflix_elt.errors import LoadError
from netflix_elt.movielens.loader.layout import RawFile

CHUNK_BYTES = 8 << 20
MAX_LINE_BYTES = 64 << 20
_BOM = b"\xef\xbb\xbf"
_LF, _CR, _QUOTE, _COMMA = 10, 13, 0x22, 0x2C
_QUOTING_HINT = 'quote a whole field ("a, b"), with no space around it; write a quote inside it as ""'


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot be stored as read: its record number (header = 1), first line and why."""

    record: int
    line: int
    reason: str


@dataclass(frozen=True)
class FileCheck:
    """What the pre-pass learned about one file.

    ``records`` counts data records (not the header, not blank lines). ``line_offsets`` lists
    ``(record_number, line_number - record_number)`` for each record from which that difference
    changes (the header is record 1 and line 1); it is empty when every record is one line.
    ``repairs`` are ``(byte_offset, length)`` ranges of bytes the warehouse cannot read (each is
    replaced by U+FFFD in the copy it reads; the records holding them are ``bad_records``).
    ``multiline`` is true when some quoted field holds a line break or carriage return.
    ``longest_line`` is the length in bytes of the longest line, its line feed included.
    """

    sha256: str
    size_bytes: int
    records: int
    line_offsets: tuple[tuple[int, int], ...]
    seconds: float
    bad_records: tuple[BadRecord, ...] = ()
    repairs: tuple[tuple[int, int], ...] = ()
    multiline: bool = False
    longest_line: int = 0


def check_file(spec: RawFile, path: Path) -> FileCheck:
    """Stream ``path`` once; raise LoadError (naming the file) if it cannot be loaded as ``spec``."""
    started = time.perf_counter()
    digest = hashlib.sha256()
    scanner = _Scanner(spec, path)
    carry = b""
    position = 0  # byte offset of carry[0] in the file
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
                data = carry + chunk if carry else chunk
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    if len(carry) > MAX_LINE_BYTES:
                        raise LoadError(
                            f"line {scanner.line_no + 1} is longer than {MAX_LINE_BYTES >> 20} MiB",
                            where=str(path),
                            hint="this is not a line-oriented CSV file",
                        )
                    continue
                scanner.feed(data, position, cut)
                carry, position = data[cut:], position + cut
        if carry:
            scanner.feed(carry + b"\n", position, len(carry) + 1)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    scanner.finish()
    return FileCheck(
        sha256=digest.hexdigest(),
        size_bytes=position + len(carry),
        records=scanner.record_no - 1,
        line_offsets=tuple(scanner.offsets),
        seconds=time.perf_counter() - started,
        bad_records=tuple(scanner.bad_records),
        repairs=tuple(scanner.repairs),
        multiline=scanner.multiline,
        longest_line=scanner.longest_line,
    )


class _Scanner:
    """Line, record and quote bookkeeping over blocks of whole lines."""

    def __init__(self, spec: RawFile, path: Path) -> None:
        self.spec = spec
        self.path = path
        self.line_no = 0
        self.record_no = 0
        self.record_line = 0  # first line of the current record
        self.offset = 0  # line_no - record_no for the next record
        self.recorded_offset = 0
        self.offsets: list[tuple[int, int]] = []
        self.in_quote = False
        self.quote_line = 0
        self.multiline = False
        self.bad_records: list[BadRecord] = []
        self.repairs: list[tuple[int, int]] = []
        self.longest_line = 0

    def feed(self, block: bytes, position: int, end: int) -> None:
        """Account for ``block[:end]``: whole lines, each ending in LF, starting at byte ``position``
        (the rest of ``block`` is the start of the next line, read again with the next block)."""
        start = 0
        if self.line_no == 0:
            start = block.index(b"\n") + 1
            self.longest_line = start
            self._check_header(block[: start - 1])
        valid = block.isascii() or _is_utf8(block[:end])  # isascii is far cheaper than decoding
        if self.in_quote or not valid:
            self._walk(block, position, start, end, check_utf8=not valid)
            return
        starts, ends, special = _special_lines(block, start, end)
        if len(ends):
            self.longest_line = max(self.longest_line, int((ends - starts).max()) + 1)
        done = 0  # lines of block[start:end] accounted for
        for index in special.tolist():
            first, last = start + int(starts[index]), start + int(ends[index])
            self._plain(index - done)
            self._line(block[first:last], position + first)
            done = index + 1
            if self.in_quote:  # a quoted field goes on over the next lines: walk them one by one
                self._walk(block, position, last + 1, end, check_utf8=False)
                return
        self._plain(len(ends) - done)

    def _plain(self, count: int) -> None:
        """Account for ``count`` lines that are each one record, with nothing to check."""
        if count and self.offset != self.recorded_offset:
            self._mark(self.record_no + 1)
        self.line_no += count
        self.record_no += count

    def _walk(self, block: bytes, position: int, start: int, end: int, *, check_utf8: bool) -> None:
        """Account for the lines of ``block[start:end]`` one by one."""
        for line in block[start:end].split(b"\n")[:-1]:
            self._line(line, position + start, check_utf8=check_utf8)
            start += len(line) + 1

    def _line(self, line: bytes, position: int, *, check_utf8: bool = False) -> None:
        self.line_no += 1
        self.longest_line = max(self.longest_line, len(line) + 1)
        if self.in_quote:  # continuation of a quoted field: same record, one more line
            self.offset += 1
            self._check_bytes(line, position, check_utf8=check_utf8, in_quote=True)
            self._scan(line)
            return
        if line in (b"", b"\r"):
            self.offset += 1
            return
        self.record_no += 1
        self.record_line = self.line_no
        if self.offset != self.recorded_offset:
            self._mark(self.record_no)
        self._check_bytes(line, position, check_utf8=check_utf8, in_quote=False)
        if b'"' in line:
            self._scan(line)

    def _check_bytes(self, line: bytes, position: int, *, check_utf8: bool, in_quote: bool) -> None:
        """Record invalid UTF-8 and stray carriage returns of ``line`` as a bad record plus repairs."""
        problems: list[tuple[int, int, str]] = []
        if check_utf8:
            problems += [
                (
                    start,
                    end - start,
                    f"invalid UTF-8 byte 0x{line[start]:02x} at byte offset {position + start}",
                )
                for start, end in _invalid_utf8(line)
            ]
        body = line[:-1] if line.endswith(b"\r") else line
        if b"\r" in body:
            for index, quoted in _carriage_returns(line, in_quote=in_quote):
                if quoted:
                    self.multiline = True
                else:
                    reason = f"carriage return outside a quoted field at byte offset {position + index}"
                    problems.append((index, 1, reason))
        if not problems:
            return
        problems.sort()
        self.repairs += [(position + start, length) for start, length, _ in problems]
        if not self.bad_records or self.bad_records[-1].record != self.record_no:
            self.bad_records.append(BadRecord(self.record_no, self.record_line, problems[0][2]))

    def _scan(self, line: bytes) -> None:
        opened_before = self.in_quote
        self.in_quote, problem = scan_quotes(line, in_quote=self.in_quote)
        if self.in_quote and not opened_before:
            self.quote_line = self.line_no
        if self.in_quote or opened_before:
            self.multiline = True
        if problem is None:
            return
        if opened_before and problem.startswith("text follows"):
            # The quote that "closes" here was meant to close on its own line: report where it opened.
            message = (
                f"line {self.quote_line}: a quoted field opened on this line is not closed on it; read on, "
                f"it ends on line {self.line_no}, where text follows its closing quote"
            )
        else:
            message = f"line {self.line_no}: {problem}"
        raise LoadError(message, where=str(self.path), hint=_QUOTING_HINT)

    def _mark(self, record_no: int) -> None:
        self.offsets.append((record_no, self.offset))
        self.recorded_offset = self.offset

    def _check_header(self, raw: bytes) -> None:
        self.line_no = self.record_no = self.record_line = 1
        found = raw.removeprefix(_BOM).removesuffix(b"\r").decode("utf-8", errors="backslashreplace")
        expected = ",".join(self.spec.header)
        if found != expected:
            shown = found if len(found) <= 200 else found[:200] + "..."
            raise LoadError(
                f"header is '{shown}', expected '{expected}'",
                where=str(self.path),
                hint=f"{self.spec.file_name} must have the MovieLens header on its first line",
            )

    def finish(self) -> None:
        if self.line_no == 0:
            raise LoadError(
                "file is empty",
                where=str(self.path),
                hint=f"a file with no rows still needs its header: {','.join(self.spec.header)}",
            )
        if self.in_quote:
            raise LoadError(
                f"a quoted field opened on line {self.quote_line} is never closed",
                where=str(self.path),
                hint='a field that starts with " must end with "; a quote inside it is written ""',
            )


def _is_utf8(block: bytes) -> bool:
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _invalid_utf8(line: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of every byte sequence of ``line`` that is not UTF-8."""
    found: list[tuple[int, int]] = []
    start = 0
    while True:
        try:
            line[start:].decode("utf-8")
            return found
        except UnicodeDecodeError as exc:
            found.append((start + exc.start, start + exc.end))
            start += exc.end


def _special_lines(block: bytes, start: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the lines of ``block[start:end]`` start and end (their LF), relative to ``start``, and the
    indexes of the lines that need the line-by-line walk: blank lines, lines with a quote, lines with a
    carriage return that does not end them. Every other line is one record with nothing to check."""
    data = np.frombuffer(block, dtype=np.uint8, count=end)[start:]
    ends = np.flatnonzero(data == _LF)
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else ends
    lengths = ends - starts
    before_lf = data[ends - 1] == _CR  # ends - 1 is -1 only for a blank first line, special anyway
    special = (lengths == 0) | ((lengths == 1) & before_lf)
    if block.find(b'"', start, end) != -1:
        special[np.searchsorted(ends, np.flatnonzero(data == _QUOTE))] = True
    returns = block.count(b"\r", start, end)
    if returns and returns != np.count_nonzero(before_lf):
        positions = np.flatnonzero(data == _CR)
        stray = positions[data[positions + 1] != _LF]  # the block ends with LF, so + 1 is in range
        special[np.searchsorted(ends, stray)] = True
    return starts, ends, np.flatnonzero(special)


def _carriage_returns(line: bytes, *, in_quote: bool) -> list[tuple[int, bool]]:
    """``(index, inside a quoted field)`` of each CR of ``line`` except a final one (CRLF)."""
    end = len(line) - 1 if line.endswith(b"\r") else len(line)
    found = []
    field_start = not in_quote
    i = 0
    while i < end:
        byte = line[i]
        if in_quote and byte == _QUOTE:
            if line.startswith(b'"', i + 1):  # a doubled quote is a literal quote
                i += 2
                continue
            in_quote = False
        elif byte == _QUOTE and field_start:
            in_quote = True
        elif byte == _CR:
            found.append((i, in_quote))
        field_start = byte == _COMMA and not in_quote
        i += 1
    return found


def scan_quotes(line: bytes, *, in_quote: bool) -> tuple[bool, str | None]:
    """Whether a quoted field is still open at the end of ``line``, and the quoting problem found, if any.

    RFC 4180: a field is quoted when its first character is '"'; inside it '""' is a literal quote and
    a lone '"' closes it. A quote inside an unquoted field is an ordinary character. Two layouts are
    problems because the warehouses read them differently (DuckDB alters the value, Snowflake fails
    the COPY): text after a closing quote (``"abc"def``) and spaces before an opening one (`` "abc"``).
    """
    end = len(line) - 1 if line.endswith(b"\r") else len(line)
    i = 0
    while True:
        if in_quote:
            j = line.find(b'"', i)
            while j != -1 and line.startswith(b'"', j + 1):
                j = line.find(b'"', j + 2)
            if j == -1:
                return True, None
            in_quote, i = False, j + 1
            if i < end and not line.startswith(b",", i):
                return False, "text follows the closing quote of a field"
        elif line.startswith(b'"', i):
            in_quote, i = True, i + 1
            continue
        elif line.startswith((b" ", b"\t"), i) and line[i:].lstrip(b" \t").startswith(b'"'):
            return False, "spaces precede the opening quote of a field"
        j = line.find(b",", i)
        if j == -1:
            return False, None
        i = j + 1
