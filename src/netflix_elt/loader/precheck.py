"""One streaming pass over a file's bytes before the warehouse reads it.

The warehouse parses the CSV (COPY on Snowflake, DuckDB's reader locally); this pass only does what a
bulk loader cannot report clearly, in bounded memory (blocks of ``CHUNK_BYTES``):

* the sha256 that makes loads idempotent;
* the exact header (a UTF-8 byte order mark is tolerated);
* UTF-8 validity, reported with the line number and byte offset of the first bad byte;
* a quoted field that is never closed (it would swallow the rest of the file), and quoting the two
  warehouses read differently (``"abc"def``, `` "abc"``);
* the number of data records, so that ``rows read = rows loaded + rows rejected`` can be checked
  against what the warehouse parsed;
* where record numbers and line numbers part: a quoted field spanning lines, or a blank line
  (skipped, like ``SKIP_BLANK_LINES = TRUE``), shifts every later record down one line.

Blocks without a double quote or a blank line, the common case (ratings, genome scores), are counted
with ``bytes.count``; only blocks with quotes are walked line by line.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from netflix_elt.errors import LoadError
from netflix_elt.loader.layout import RawFile

CHUNK_BYTES = 8 << 20
MAX_LINE_BYTES = 64 << 20
_BOM = b"\xef\xbb\xbf"
_BLANK_LINE = re.compile(rb"\n\r?\n")  # one search; two bytes.find calls took three times as long


@dataclass(frozen=True)
class FileCheck:
    """What the pre-pass learned about one file.

    ``records`` counts data records (not the header, not blank lines). ``line_offsets`` lists
    ``(record_number, line_number - record_number)`` for each record from which that difference
    changes (the header is record 1 and line 1); it is empty when every record is one line.
    """

    sha256: str
    size_bytes: int
    records: int
    line_offsets: tuple[tuple[int, int], ...]
    seconds: float


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
                data = carry + chunk
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
                scanner.feed(data[:cut], position)
                carry, position = data[cut:], position + cut
        if carry:
            scanner.feed(carry + b"\n", position)
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    scanner.finish()
    return FileCheck(
        sha256=digest.hexdigest(),
        size_bytes=position + len(carry),
        records=scanner.record_no - 1,
        line_offsets=tuple(scanner.offsets),
        seconds=time.perf_counter() - started,
    )


class _Scanner:
    """Line, record and quote bookkeeping over blocks of whole lines."""

    def __init__(self, spec: RawFile, path: Path) -> None:
        self.spec = spec
        self.path = path
        self.line_no = 0
        self.record_no = 0
        self.offset = 0  # line_no - record_no for the next record
        self.recorded_offset = 0
        self.offsets: list[tuple[int, int]] = []
        self.in_quote = False
        self.quote_line = 0

    def feed(self, block: bytes, position: int) -> None:
        """Account for ``block``: whole lines, each ending in LF, starting at byte ``position``."""
        try:
            if not block.isascii():  # isascii is far cheaper than decoding an ASCII block
                block.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.line_no + block.count(b"\n", 0, exc.start) + 1
            raise LoadError(
                f"invalid UTF-8 byte 0x{block[exc.start]:02x} at line {line} (byte offset {position + exc.start})",
                where=str(self.path),
                hint="MovieLens files are UTF-8; re-encode the file, e.g. iconv -f latin1 -t utf-8",
            ) from None
        start = 0
        if self.line_no == 0:
            start = block.index(b"\n") + 1
            self._check_header(block[: start - 1])
        if self._is_plain(block, start):
            count = block.count(b"\n", start)
            if count and self.offset != self.recorded_offset:
                self._mark(self.record_no + 1)
            self.line_no += count
            self.record_no += count
            return
        for line in block[start:].split(b"\n")[:-1]:
            self._line(line)

    def _is_plain(self, block: bytes, start: int) -> bool:
        """True when every line from ``start`` is one non-blank record without quotes."""
        return (
            not self.in_quote
            and block.find(b'"', start) == -1
            and _BLANK_LINE.search(block, start) is None
            and not block.startswith((b"\n", b"\r\n"), start)
        )

    def _line(self, line: bytes) -> None:
        self.line_no += 1
        if self.in_quote:  # continuation of a quoted field: same record, one more line
            self.offset += 1
            self._scan(line)
            return
        if line in (b"", b"\r"):
            self.offset += 1
            return
        self.record_no += 1
        if self.offset != self.recorded_offset:
            self._mark(self.record_no)
        if b'"' in line:
            self.quote_line = self.line_no
            self._scan(line)

    def _scan(self, line: bytes) -> None:
        self.in_quote, problem = scan_quotes(line, in_quote=self.in_quote)
        if problem:
            raise LoadError(
                f"line {self.line_no}: {problem}",
                where=str(self.path),
                hint='quote a whole field ("a, b"), with no space around it; write a quote inside it as ""',
            )

    def _mark(self, record_no: int) -> None:
        self.offsets.append((record_no, self.offset))
        self.recorded_offset = self.offset

    def _check_header(self, raw: bytes) -> None:
        self.line_no = self.record_no = 1
        found = raw.removeprefix(_BOM).removesuffix(b"\r").decode("utf-8")
        expected = ",".join(self.spec.header)
        if found != expected:
            raise LoadError(
                f"header is '{found}', expected '{expected}'",
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
                f"a quoted field of the record starting on line {self.quote_line} is never closed",
                where=str(self.path),
                hint='a field that starts with " must end with "; a quote inside it is written ""',
            )


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
