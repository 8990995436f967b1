"""Reading one side's table into the comparison database, and the database itself.

Each side is read with one Snowflake SELECT of the compared columns (``Engine.fetch_arrow``: the
connector's Arrow batches on Snowflake, DuckDB's own on the embedded engine), batch by batch, and each
column is cast to its comparison type on the way in. The comparison database is an in-process DuckDB
that spills to a temporary directory past the profile's memory limit; it is gone when the diff ends.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from netflix_elt.diff.types import load_expression, storage_type
from netflix_elt.engine import Engine
from netflix_elt.errors import NetflixEltError
from netflix_elt.sql import is_plain_identifier


@contextlib.contextmanager
def comparison_database(memory_limit: str) -> Iterator[Any]:
    """A private DuckDB connection in UTC holding at most ``memory_limit`` (a DuckDB size, the
    profile's ``[local] memory_limit``), spilling to a temporary directory removed afterwards."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="netflix-elt-diff-") as spill:
        db = duckdb.connect(":memory:")
        try:
            db.execute("SET TimeZone = 'UTC'")
            db.execute(f"SET temp_directory = '{spill}'")
            db.execute(f"SET memory_limit = '{memory_limit}'")
            yield db
        finally:
            db.close()


def select_sql(relation: str, columns: Sequence[str]) -> str:
    """The Snowflake SELECT that reads the compared columns of one side."""
    return f"SELECT {', '.join(_identifier(c) for c in columns)} FROM {relation}"


def load_side(
    db: Any, table: str, engine: Engine, relation: str, columns: Sequence[str], types: Sequence[str]
) -> int:
    """Create ``table`` with columns ``c0..cN`` (comparison types) from the warehouse; return its row count."""
    db.execute(
        f"CREATE OR REPLACE TABLE {table} "
        f"({', '.join(f'c{i} {storage_type(t)}' for i, t in enumerate(types))})"
    )
    positions = [f"c{i}" for i in range(len(columns))]
    casts = ", ".join(load_expression(name, kind) for name, kind in zip(positions, types, strict=True))
    sql = select_sql(relation, columns)
    try:
        for batch in engine.fetch_arrow(sql):
            db.register("fetched", batch.rename_columns(positions))
            try:
                db.execute(f"INSERT INTO {table} SELECT {casts} FROM fetched")
            finally:
                db.unregister("fetched")
    except NetflixEltError:
        raise
    except Exception as exc:
        raise NetflixEltError(
            f"cannot read {relation}: {str(exc).strip().splitlines()[0]}",
            where=f"{engine.kind} engine",
            hint="check that the table is readable with `netflix-elt sql`",
        ) from None
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _identifier(name: str) -> str:
    return name if is_plain_identifier(name) else '"' + name.replace('"', '""') + '"'
