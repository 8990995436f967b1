"""Loading hand-written CSV fixtures into warehouse tables and reading tables back for comparison.

Fixtures are loaded with plain Snowflake SQL (CREATE TABLE + INSERT ... VALUES with casts), so the same
helpers serve the embedded engine and a live account.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from netflix_elt.declare import ModelSpec, spec_of
from netflix_elt.engine import Engine
from netflix_elt.kinds import Kind
from netflix_elt.registry import Registry
from netflix_elt.sql import literal

FIXTURES = Path(__file__).resolve().parents[2] / "sql_fixtures"


def create_table(engine: Engine, table: str, column_types: Mapping[str, str]) -> None:
    """CREATE OR REPLACE TABLE ``table`` with the given columns (an empty table)."""
    columns = ", ".join(f"{name} {kind}" for name, kind in column_types.items())
    engine.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")


def insert_rows(
    engine: Engine, table: str, column_types: Mapping[str, str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT the rows (values in column order; '' or None is NULL), each value cast to its column type."""
    types = list(column_types.values())
    values = []
    for row in rows:
        cells = [
            "NULL" if value in (None, "") else f"CAST({literal(value)} AS {kind})"
            for value, kind in zip(row, types, strict=True)
        ]
        values.append(f"({', '.join(cells)})")
    if values:
        engine.execute(f"INSERT INTO {table} ({', '.join(column_types)}) VALUES {', '.join(values)}")
    return len(values)


def load_rows(
    engine: Engine, table: str, column_types: Mapping[str, str], rows: Iterable[Sequence[Any]]
) -> int:
    """Replace ``table`` with exactly these rows."""
    create_table(engine, table, column_types)
    return insert_rows(engine, table, column_types, rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_csv(
    engine: Engine,
    table: str,
    path: Path,
    column_types: Mapping[str, str],
    where: Mapping[str, str] | None = None,
) -> int:
    """Replace ``table`` with the CSV's rows (optionally only those whose columns equal ``where``)."""
    records = [r for r in read_csv(path) if all(r[k] == v for k, v in (where or {}).items())]
    return load_rows(engine, table, column_types, ([r[c] for c in column_types] for r in records))


def text(value: Any) -> str:
    """How a warehouse value is written in the expected-rows CSVs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_rows(engine: Engine, relation: str, order_by: str) -> list[dict[str, str]]:
    """Every row of a relation as {COLUMN: text}, in ``order_by`` order."""
    rows = engine.execute(f"SELECT * FROM {relation} ORDER BY {order_by}")
    return [{key: text(value) for key, value in row.as_dict().items()} for row in rows]


def with_kinds(registry: Registry, **kinds: Kind) -> Registry:
    """The same models with some kinds replaced (``with_kinds(reg, events=Incremental(...))``)."""
    replaced = {name.upper(): kind for name, kind in kinds.items()}
    specs: list[ModelSpec] = []
    for spec in registry:
        kind = replaced.pop(spec.name, None)
        specs.append(dataclasses.replace(spec, kind=kind) if kind is not None else spec)
    if replaced:
        raise KeyError(f"no such models: {sorted(replaced)}")
    return Registry(specs)


def registry_of(*objects: Any) -> Registry:
    """A registry of decorated functions or seed()/source() specs (no module needed)."""
    specs = [spec_of(obj) for obj in objects]
    if any(spec is None for spec in specs):
        raise TypeError("every object must be a declared model")
    return Registry(s for s in specs if s is not None)
