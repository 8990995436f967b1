"""Given rows -> typed warehouse tables (stand-ins for upstreams, or a target's existing rows).

Rows are lists of dicts or pandas DataFrames. A column's type comes from ``types`` when given, else
from its values: bool -> BOOLEAN, int -> NUMBER(38,0), float -> FLOAT, Decimal -> NUMBER(38,s),
str -> VARCHAR, datetime -> TIMESTAMP_NTZ (aware values are converted to UTC), date -> DATE. A
column that is NULL in every row needs a declared type. Tables are written with CREATE TABLE +
INSERT ... VALUES (Snowflake SQL), so the values arrive exactly as written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from netflix_elt.engine import Column, Engine
from netflix_elt.quality.errors import UnitTestError
from netflix_elt.sql import ident, literal

ROWS_PER_INSERT = 500


def records(rows: Any, what: str) -> list[dict[str, Any]]:
    """Rows as dicts with upper-case column names and plain Python values (NaN/NaT -> None)."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
        rows = rows.to_dict("records")
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
        raise UnitTestError(f"rows for {what} must be a list of dicts or a pandas DataFrame")
    result = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise UnitTestError(f"row {number} for {what} is a {type(row).__name__}, not a dict")
        result.append({ident(str(k)): plain(v) for k, v in row.items()})
    return result


def plain(value: Any) -> Any:
    """numpy / pandas scalars as Python values; NaN, NaT and NA as None."""
    if value is None or isinstance(value, bool | str | int | Decimal):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    type_name = type(value).__name__
    if type_name in ("NaTType", "NAType"):
        return None
    if type_name == "Timestamp":
        return value.to_pydatetime()
    if type_name == "datetime64":
        import pandas as pd

        stamp = pd.Timestamp(value)
        return None if pd.isna(stamp) else stamp.to_pydatetime()
    item = getattr(value, "item", None)
    return plain(item()) if callable(item) else value


def column_names(rows: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def infer_type(values: list[Any], what: str, column: str) -> str:
    """The Snowflake type of a column from its non-null values (see the module docstring)."""
    present = [v for v in values if v is not None]
    if not present:
        raise UnitTestError(
            f"column {column} of {what} is NULL in every row, so its type is unknown",
            hint=f"declare it: types={{'{what.lower()}': {{'{column}': 'VARCHAR'}}}}",
        )
    kinds = {_kind(v) for v in present}
    if kinds <= {"int", "float"}:
        return "FLOAT" if "float" in kinds else "NUMBER(38,0)"
    if kinds == {"decimal"} or kinds == {"decimal", "int"}:
        scale = max(_scale(v) for v in present)
        return f"NUMBER(38,{max(scale, 0)})"
    if len(kinds) == 1:
        return {
            "bool": "BOOLEAN",
            "str": "VARCHAR",
            "datetime": "TIMESTAMP_NTZ",
            "date": "DATE",
            "time": "TIME",
        }.get(next(iter(kinds)), "")
    raise UnitTestError(
        f"column {column} of {what} mixes {', '.join(sorted(kinds))} values",
        hint="use one type per column, or declare it in types=",
    )


def _scale(value: Any) -> int:
    """Digits after the point of a decimal; 0 for integers (and NaN or infinities, FLOAT to _kind)."""
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
    return -exponent if isinstance(exponent, int) else 0


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, Decimal):
        return "decimal" if value.is_finite() else "float"  # NaN and the infinities are FLOAT only
    if isinstance(value, str):
        return "str"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    raise UnitTestError(f"cannot write a {type(value).__name__} value ({value!r}) to a table")


def sql_literal(value: Any) -> str:
    """A Snowflake literal for a fixture value."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"CAST('{'NaN' if math.isnan(value) else ('inf' if value > 0 else '-inf')}' AS FLOAT)"
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"CAST('{value.isoformat()}' AS DATE)"
    if isinstance(value, time):
        return f"CAST('{value.isoformat()}' AS TIME)"
    return literal(value)


def table_columns(
    rows: list[dict[str, Any]], types: Mapping[str, str], what: str, known: Sequence[Column] = ()
) -> list[Column]:
    """Columns for a table of ``rows``: ``known`` columns first (their types unless overridden), then
    the other columns of the rows or of ``types``, typed by ``types`` or by their values."""
    columns = [Column(c.name, types.get(c.name, c.type), c.nullable) for c in known]
    seen = {c.name for c in columns}
    for name in [*column_names(rows), *types]:
        if name not in seen:
            seen.add(name)
            declared = types.get(name)
            columns.append(Column(name, declared or infer_type([r.get(name) for r in rows], what, name)))
    if not columns:
        raise UnitTestError(f"no columns for {what}", hint="give at least one row, or declare types=")
    return columns


def write_table(engine: Engine, table: str, columns: Sequence[Column], rows: list[dict[str, Any]]) -> None:
    """(Re)create ``table`` with ``columns`` (NOT NULL where not nullable) and insert ``rows`` (columns a
    row lacks are NULL)."""
    definitions = ", ".join(f"{c.name} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in columns)
    engine.execute(f"CREATE OR REPLACE TABLE {table} ({definitions})")
    names = [c.name for c in columns]
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        values = ", ".join("(" + ", ".join(sql_literal(row.get(n)) for n in names) + ")" for row in chunk)
        engine.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES {values}")
