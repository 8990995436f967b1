"""SQL around the landing: every record of one file as text, then split into RAW rows and rejects.

The landing (a table on Snowflake, a view over the file on the embedded engine) has
``FILE_ROW_NUMBER`` (the record number, header = 1) and F1..F<n+1> as VARCHAR. One INSERT moves
good records into the RAW table and, when some record was not good, one INSERT moves the rest into
LOAD_REJECTS. Both read the same ``checked`` subquery, so every data record goes to exactly one.

Where record numbers and line numbers differ (multi-line records, blank lines), or the pre-check
found records that cannot be stored as read, a small *record map* table lists ranges of records with
the lines to add and the reason to reject them; ``checked`` joins it. Files without either need no map.

A file without a map may land *unnumbered* (the embedded engine's parallel read of a large file): no
header, NULL row numbers. The INSERT of the good records then leaves the line number NULL and the
loader numbers the rows it inserted (``Engine.number_inserted_rows``) when every record was good.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from netflix_elt.movielens.loader.layout import RawFile
from netflix_elt.movielens.loader.precheck import FileCheck
from netflix_elt.movielens.loader.rejects import (
    field_name,
    landing_width,
    raw_record_sql,
    reason_sql,
    typed_values_sql,
    value_name,
)
from netflix_elt.movielens.loader.tables import LOAD_REJECTS_COLUMNS
from netflix_elt.sql import literal

ROW_NUMBER = "FILE_ROW_NUMBER"
HEADER_ROW = 1
MAP_BATCH = 1000

RecordRange = tuple[int, int, int, str | None]  # (from record, to record, extra lines, reason or None)


def landing_select_sql(spec: RawFile) -> str:
    """An empty SELECT with the landing columns, for ``engine.create_scratch_table``."""
    fields = ", ".join(f"CAST(NULL AS VARCHAR) AS {field_name(i)}" for i in range(1, landing_width(spec) + 1))
    return f"SELECT CAST(NULL AS NUMBER(38,0)) AS {ROW_NUMBER}, {fields} LIMIT 0"


def landing_columns(spec: RawFile) -> list[str]:
    """The landing's columns: the row number, then F1..F<n+1>."""
    return [ROW_NUMBER, *(field_name(i) for i in range(1, landing_width(spec) + 1))]


def record_map_select_sql() -> str:
    """An empty SELECT with the columns of the record map."""
    return (
        "SELECT CAST(NULL AS NUMBER(38,0)) AS FROM_RECORD, CAST(NULL AS NUMBER(38,0)) AS TO_RECORD, "
        "CAST(NULL AS NUMBER(38,0)) AS EXTRA_LINES, CAST(NULL AS VARCHAR) AS FORCED_REASON LIMIT 0"
    )


def record_ranges(check: FileCheck) -> list[RecordRange]:
    """The record map of a checked file: only the ranges that shift lines or carry a reason."""
    last = check.records + 1
    bad = {record.record: record.reason for record in check.bad_records}
    starts = {first for first, _ in check.line_offsets}
    cuts = sorted({HEADER_ROW + 1, last + 1, *starts, *bad, *(record + 1 for record in bad)})
    ranges: list[RecordRange] = []
    offsets = iter(check.line_offsets)
    pending = next(offsets, None)
    extra = 0
    for start, stop in itertools.pairwise(cuts):
        while pending is not None and pending[0] <= start:
            extra, pending = pending[1], next(offsets, None)
        reason = bad.get(start)
        previous = ranges[-1] if ranges else None
        if reason is None and previous and previous[3] is None and previous[2] == extra:
            ranges[-1] = (previous[0], stop - 1, extra, None)
        else:
            ranges.append((start, stop - 1, extra, reason))
    return [r for r in ranges if r[2] != 0 or r[3] is not None]


def insert_record_map_sql(map_table: str, ranges: list[RecordRange]) -> list[str]:
    """INSERT ... VALUES statements for the ranges, ``MAP_BATCH`` rows each."""
    statements = []
    for start in range(0, len(ranges), MAP_BATCH):
        rows = ", ".join(
            f"({a}, {b}, {c}, {literal(reason)})" for a, b, c, reason in ranges[start : start + MAP_BATCH]
        )
        statements.append(
            f"INSERT INTO {map_table} (FROM_RECORD, TO_RECORD, EXTRA_LINES, FORCED_REASON) VALUES {rows}"
        )
    return statements


def checked_sql(spec: RawFile, landing: str, record_map: str | None = None, *, numbered: bool = True) -> str:
    """The data records of the landing with their LINE_NUMBER, typed values V1..Vn and REASON (NULL for
    a good record). An unnumbered landing (``CsvLanding.numbered``) holds only data records, and their
    LINE_NUMBER is NULL; it takes no record map."""
    fields = [f"l.{field_name(i)}" for i in range(1, landing_width(spec) + 1)]
    values = [f"{sql} AS {value_name(i)}" for i, sql in enumerate(typed_values_sql(spec), 1)]
    data_rows = f"l.{ROW_NUMBER} > {HEADER_ROW}"
    if record_map is None:
        source = f"SELECT l.{ROW_NUMBER} AS LINE_NUMBER"
        joined = f"FROM {landing} AS l" + (f" WHERE {data_rows}" if numbered else "")
        reason = reason_sql(spec)
    else:
        if not numbered:
            raise ValueError("a record map needs a numbered landing")
        source = f"SELECT l.{ROW_NUMBER} + COALESCE(m.EXTRA_LINES, 0) AS LINE_NUMBER, m.FORCED_REASON"
        joined = (
            f"FROM {landing} AS l LEFT JOIN {record_map} AS m "
            f"ON l.{ROW_NUMBER} BETWEEN m.FROM_RECORD AND m.TO_RECORD WHERE {data_rows}"
        )
        reason = f"COALESCE(t.FORCED_REASON, {reason_sql(spec)})"
    return f"SELECT t.*, {reason} AS REASON FROM ({source}, {', '.join(fields + values)} {joined}) AS t"


def insert_loaded_sql(
    spec: RawFile,
    raw_table: str,
    landing: str,
    *,
    source_file: str,
    loaded_at: datetime,
    batch_id: str,
    record_map: str | None = None,
    numbered: bool = True,
) -> str:
    """INSERT the good records, typed, with the four load columns (the line number NULL from an
    unnumbered landing: see ``checked_sql``)."""
    columns = ", ".join([*spec.column_names, "_SOURCE_FILE", "_FILE_ROW_NUMBER", "_LOADED_AT", "_BATCH_ID"])
    typed = [value_name(i) for i in range(1, len(spec.columns) + 1)]
    values = ", ".join([*typed, literal(source_file), "LINE_NUMBER", literal(loaded_at), literal(batch_id)])
    return (
        f"INSERT INTO {raw_table} ({columns}) SELECT {values} "
        f"FROM ({checked_sql(spec, landing, record_map, numbered=numbered)}) AS c WHERE c.REASON IS NULL"
    )


def insert_rejects_sql(
    spec: RawFile,
    rejects_table: str,
    landing: str,
    *,
    source_file: str,
    target_table: str,
    rejected_at: datetime,
    batch_id: str,
    record_map: str | None = None,
) -> str:
    """INSERT the records with a REASON into LOAD_REJECTS."""
    columns = ", ".join(name for name, _ in LOAD_REJECTS_COLUMNS)
    values = ", ".join(
        [
            literal(batch_id),
            literal(source_file),
            literal(target_table),
            "LINE_NUMBER",
            raw_record_sql(spec),
            "REASON",
            literal(rejected_at),
        ]
    )
    return (
        f"INSERT INTO {rejects_table} ({columns}) SELECT {values} "
        f"FROM ({checked_sql(spec, landing, record_map)}) AS c WHERE c.REASON IS NOT NULL"
    )


def content_parts(
    spec: RawFile, raw_table: str, rejects_table: str, *, batch_id: str
) -> list[tuple[str, str]]:
    """``(table, WHERE condition)`` of what one file put into RAW and into LOAD_REJECTS.

    The file's identity is the count and the order-independent hash sum (``Engine.row_hash_sum``) of
    each part: a hash of the parsed records, not of the bytes, so the same records written with other
    line endings, quoting or record order give the same four numbers. Sums of 64-bit hashes keep
    duplicate records apart, which XOR would not.
    """
    return [
        (raw_table, loaded_rows_condition(batch_id)),
        (rejects_table, f"BATCH_ID = {literal(batch_id)} AND TARGET_TABLE = {literal(spec.table)}"),
    ]


def loaded_rows_condition(batch_id: str) -> str:
    """The condition on a RAW table that selects the rows one batch loaded into it."""
    return f"_BATCH_ID = {literal(batch_id)}"
