"""Reading and writing ELT_META.LOAD_LOG: the load history that makes loads idempotent.

A file is *already loaded* into a table when the log holds a LOADED row for the same table, with the
same sha256 (the same bytes) or the same content hash (the same parsed records, whatever their line
endings), that is not older than the table's last LOADED replace (a replace empties the table, so
what was loaded before it is gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from netflix_elt.movielens.loader.tables import LOAD_LOG_COLUMNS
from netflix_elt.sql import literal

LOADED, SKIPPED, FAILED = "LOADED", "SKIPPED", "FAILED"
# A file's row is written IN_PROGRESS before its copy starts and finalised (LOADED or FAILED) once it is
# published or given up; a row still IN_PROGRESS after its load ended belongs to a killed load, and the
# next run marks it INTERRUPTED (``netflix_elt.recovery``). Only LOADED rows count as loaded.
IN_PROGRESS, INTERRUPTED = "IN_PROGRESS", "INTERRUPTED"
_EPOCH = "CAST('1970-01-01 00:00:00' AS TIMESTAMP_NTZ)"


@dataclass(frozen=True)
class LogEntry:
    """One LOAD_LOG row. Timestamps are naive UTC."""

    batch_id: str
    source_file: str
    file_name: str
    sha256: str
    size_bytes: int
    target_table: str
    mode: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    started_at: datetime
    ended_at: datetime
    seconds: float
    message: str | None = None
    content_hash: str | None = None


def insert_log_sql(log_table: str, entry: LogEntry) -> str:
    columns = ", ".join(name for name, _ in LOAD_LOG_COLUMNS)
    values = ", ".join(
        literal(value)
        for value in (
            entry.batch_id,
            entry.source_file,
            entry.file_name,
            entry.sha256,
            entry.size_bytes,
            entry.target_table,
            entry.mode,
            entry.status,
            entry.rows_read,
            entry.rows_loaded,
            entry.rows_rejected,
            entry.started_at,
            entry.ended_at,
            round(entry.seconds, 6),
            entry.message,
            entry.content_hash,
        )
    )
    return f"INSERT INTO {log_table} ({columns}) VALUES ({values})"


def already_loaded_sql(log_table: str, target_table: str, column: str, value: str) -> str:
    """A query for the BATCH_ID and SOURCE_FILE of the load that put this content into ``target_table``
    (no row when there is none); ``column`` is SHA256 or CONTENT_HASH."""
    if column not in ("SHA256", "CONTENT_HASH"):
        raise ValueError(f"not an identity column of LOAD_LOG: {column}")
    table = literal(target_table)
    return (
        f"SELECT BATCH_ID, SOURCE_FILE FROM {log_table} WHERE TARGET_TABLE = {table} AND {column} = {literal(value)} "
        f"AND STATUS = '{LOADED}' AND STARTED_AT >= (SELECT COALESCE(MAX(STARTED_AT), {_EPOCH}) "
        f"FROM {log_table} WHERE TARGET_TABLE = {table} AND MODE = 'replace' AND STATUS = '{LOADED}') "
        "ORDER BY STARTED_AT LIMIT 1"
    )


def finish_log_sql(log_table: str, entry: LogEntry) -> str:
    """Finalise the IN_PROGRESS row of ``entry``'s file in its batch with ``entry``'s outcome."""
    values = {
        "STATUS": entry.status,
        "ROWS_READ": entry.rows_read,
        "ROWS_LOADED": entry.rows_loaded,
        "ROWS_REJECTED": entry.rows_rejected,
        "ENDED_AT": entry.ended_at,
        "SECONDS": round(entry.seconds, 6),
        "MESSAGE": entry.message,
        "CONTENT_HASH": entry.content_hash,
    }
    assignments = ", ".join(f"{name} = {literal(value)}" for name, value in values.items())
    return (
        f"UPDATE {log_table} SET {assignments} WHERE BATCH_ID = {literal(entry.batch_id)} "
        f"AND SOURCE_FILE = {literal(entry.source_file)} AND TARGET_TABLE = {literal(entry.target_table)} "
        f"AND STATUS = '{IN_PROGRESS}'"
    )
