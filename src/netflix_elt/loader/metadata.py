"""Reading and writing ELT_META.LOAD_LOG: the load history that makes loads idempotent.

A file is *already loaded* into a table when the log holds a LOADED row for the same sha256 and
table that is not older than the table's last LOADED replace (a replace empties the table, so what
was loaded before it is gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from netflix_elt.loader.tables import LOAD_LOG_COLUMNS
from netflix_elt.sql import literal

LOADED, SKIPPED, FAILED = "LOADED", "SKIPPED", "FAILED"
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
        )
    )
    return f"INSERT INTO {log_table} ({columns}) VALUES ({values})"


def already_loaded_sql(log_table: str, target_table: str, sha256: str) -> str:
    """A COUNT(*) that is non-zero when this content is already in ``target_table``."""
    table = literal(target_table)
    return (
        f"SELECT COUNT(*) FROM {log_table} WHERE TARGET_TABLE = {table} AND SHA256 = {literal(sha256)} "
        f"AND STATUS = '{LOADED}' AND STARTED_AT >= (SELECT COALESCE(MAX(STARTED_AT), {_EPOCH}) "
        f"FROM {log_table} WHERE TARGET_TABLE = {table} AND MODE = 'replace' AND STATUS = '{LOADED}')"
    )
