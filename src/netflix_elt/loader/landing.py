"""SQL around the landing table: every record of one file as text, then split into RAW rows and rejects.

The landing table has ``FILE_ROW_NUMBER`` (filled by the engine with the record number, header = 1)
and F1..F<n+1> as VARCHAR. After the copy, ``renumber`` turns record numbers into line numbers where
the two differ; then one INSERT moves good records into the RAW table and one INSERT moves the rest
into LOAD_REJECTS. Both read the same ``checked`` subquery, so every data record goes to exactly one.
"""

from __future__ import annotations

from datetime import datetime

from netflix_elt.loader.layout import RawFile
from netflix_elt.loader.rejects import field_name, landing_width, raw_record_sql, reason_sql, typed_values_sql
from netflix_elt.loader.tables import LOAD_REJECTS_COLUMNS
from netflix_elt.sql import literal

ROW_NUMBER = "FILE_ROW_NUMBER"
HEADER_ROW = 1
OFFSET_BATCH = 1000


def landing_select_sql(spec: RawFile) -> str:
    """An empty SELECT with the landing columns, for ``engine.create_scratch_table``."""
    fields = ", ".join(f"CAST(NULL AS VARCHAR) AS {field_name(i)}" for i in range(1, landing_width(spec) + 1))
    return f"SELECT CAST(NULL AS NUMBER(38,0)) AS {ROW_NUMBER}, {fields} LIMIT 0"


def offsets_select_sql() -> str:
    """An empty SELECT with the columns of the record-to-line offsets table."""
    return (
        "SELECT CAST(NULL AS NUMBER(38,0)) AS FROM_RECORD, CAST(NULL AS NUMBER(38,0)) AS TO_RECORD, "
        "CAST(NULL AS NUMBER(38,0)) AS EXTRA_LINES LIMIT 0"
    )


def offset_ranges(line_offsets: tuple[tuple[int, int], ...], last_record: int) -> list[tuple[int, int, int]]:
    """``(from_record, to_record, extra_lines)`` ranges from the pre-pass breakpoints."""
    ranges = []
    for index, (first, extra) in enumerate(line_offsets):
        last = line_offsets[index + 1][0] - 1 if index + 1 < len(line_offsets) else last_record
        ranges.append((first, last, extra))
    return ranges


def insert_offsets_sql(offsets_table: str, ranges: list[tuple[int, int, int]]) -> list[str]:
    """INSERT ... VALUES statements for the ranges, ``OFFSET_BATCH`` rows each."""
    statements = []
    for start in range(0, len(ranges), OFFSET_BATCH):
        rows = ", ".join(f"({a}, {b}, {c})" for a, b, c in ranges[start : start + OFFSET_BATCH])
        statements.append(f"INSERT INTO {offsets_table} (FROM_RECORD, TO_RECORD, EXTRA_LINES) VALUES {rows}")
    return statements


def renumber_sql(landing: str, offsets_table: str) -> str:
    """Shift record numbers to line numbers for the records listed in the offsets table."""
    return (
        f"UPDATE {landing} AS l SET {ROW_NUMBER} = l.{ROW_NUMBER} + o.EXTRA_LINES FROM {offsets_table} AS o "
        f"WHERE l.{ROW_NUMBER} BETWEEN o.FROM_RECORD AND o.TO_RECORD"
    )


def checked_sql(spec: RawFile, landing: str) -> str:
    """The data records of the landing table with their REASON (NULL for a good record)."""
    fields = ", ".join(field_name(i) for i in range(1, landing_width(spec) + 1))
    return (
        f"SELECT {ROW_NUMBER}, {fields}, {reason_sql(spec)} AS REASON "
        f"FROM {landing} WHERE {ROW_NUMBER} > {HEADER_ROW}"
    )


def insert_loaded_sql(
    spec: RawFile, raw_table: str, landing: str, *, source_file: str, loaded_at: datetime, batch_id: str
) -> str:
    """INSERT the good records, typed, with the four load columns."""
    columns = ", ".join([*spec.column_names, "_SOURCE_FILE", "_FILE_ROW_NUMBER", "_LOADED_AT", "_BATCH_ID"])
    values = ", ".join(
        [*typed_values_sql(spec), literal(source_file), ROW_NUMBER, literal(loaded_at), literal(batch_id)]
    )
    return (
        f"INSERT INTO {raw_table} ({columns}) SELECT {values} "
        f"FROM ({checked_sql(spec, landing)}) AS c WHERE c.REASON IS NULL"
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
) -> str:
    """INSERT the records with a REASON into LOAD_REJECTS."""
    columns = ", ".join(name for name, _ in LOAD_REJECTS_COLUMNS)
    values = ", ".join(
        [
            literal(batch_id),
            literal(source_file),
            literal(target_table),
            ROW_NUMBER,
            raw_record_sql(spec),
            "REASON",
            literal(rejected_at),
        ]
    )
    return (
        f"INSERT INTO {rejects_table} ({columns}) SELECT {values} "
        f"FROM ({checked_sql(spec, landing)}) AS c WHERE c.REASON IS NOT NULL"
    )
