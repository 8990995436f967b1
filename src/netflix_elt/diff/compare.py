"""Comparing two tables' rows inside the in-process comparison database.

Both sides are already loaded as tables ``l`` and ``r`` with the same columns ``c0..cN`` (each cast to
its comparison type, see :mod:`netflix_elt.diff.types`). This SQL is DuckDB's and never reaches a
warehouse: the two sides may be different engines, so they are joined here.

- **By key**: rows whose key is on one side only, and rows matched by key whose values differ, with a
  mismatch count per column. Keys and values are compared NULL-safely (NULL equals NULL).
- **Whole rows** (no key): a multiset comparison. Each distinct row counts as many times as it occurs;
  a row occurring twice on the left and once on the right is one row only on the left. There is no
  "changed" row: a changed value is one row only on each side.

FLOAT values are equal when ``|a - b| <= tolerance * max(1, |a|, |b|)`` (absolute below 1, relative
above), or when both are the same (NULL, NaN, the same infinity). Other types compare exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netflix_elt.diff.report import ChangedRow, RowDiff


@dataclass(frozen=True)
class Layout:
    """The compared columns (position i is column ``c{i}``), which are FLOAT, and which form the key."""

    names: list[str]
    floats: frozenset[int]
    key: tuple[int, ...] = ()

    @property
    def values(self) -> list[int]:
        return [i for i in range(len(self.names)) if i not in self.key]


def equal_sql(left: str, right: str, is_float: bool, tolerance: float) -> str:
    """NULL-safe equality of two values, with the float tolerance where it applies."""
    same = f"({left} IS NOT DISTINCT FROM {right})"
    if not is_float or tolerance <= 0:
        return same
    close = (
        f"(isfinite({left}) AND isfinite({right}) AND "
        f"abs({left} - {right}) <= {tolerance!r} * greatest(1.0, abs({left}), abs({right})))"
    )
    return f"({same} OR {close})"


def _same_key(left: str, right: str, key: Sequence[int]) -> str:
    return " AND ".join(f"{left}.c{i} IS NOT DISTINCT FROM {right}.c{i}" for i in key)


def duplicate_keys(db: Any, table: str, key: Sequence[int]) -> int:
    """How many key values occur more than once in ``table``."""
    columns = ", ".join(f"c{i}" for i in key)
    return int(
        db.execute(
            f"SELECT COUNT(*) FROM (SELECT {columns} FROM {table} GROUP BY ALL HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    )


def compare_by_key(
    db: Any, layout: Layout, counts: tuple[int, int], tolerance: float, examples: int
) -> RowDiff:
    """Rows only on one side (by key), and matched rows whose values differ."""
    key = ", ".join(f"c{i}" for i in layout.key)
    result = RowDiff(left=counts[0], right=counts[1], changed=0, matched=0)
    for side, other, attribute in (("l", "r", "only_left"), ("r", "l", "only_right")):
        anti = f"SELECT {side}.* FROM {side} ANTI JOIN {other} ON {_same_key(side, other, layout.key)}"
        setattr(result, attribute, int(db.execute(f"SELECT COUNT(*) FROM ({anti})").fetchone()[0]))
        rows = db.execute(f"{anti} ORDER BY {key} LIMIT {int(examples)}").fetchall()
        getattr(result, f"examples_{attribute}").extend(
            dict(zip(layout.names, row, strict=True)) for row in rows
        )

    values = layout.values
    flags = [f"NOT {equal_sql(f'l.c{i}', f'r.c{i}', i in layout.floats, tolerance)} AS d{i}" for i in values]
    picked = [f"l.c{i} AS k{i}" for i in layout.key] + [f"l.c{i} AS l{i}, r.c{i} AS r{i}" for i in values]
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE matched AS SELECT {', '.join(picked + flags)} FROM l JOIN r ON {_same_key('l', 'r', layout.key)}"
    )
    any_differs = " OR ".join(f"d{i}" for i in values) or "FALSE"
    totals = [f"COUNT(*) FILTER (WHERE d{i})" for i in values]
    row = db.execute(
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE {any_differs}) {''.join(', ' + t for t in totals)} FROM matched"
    ).fetchone()
    result.matched, result.changed = int(row[0]), int(row[1])
    result.column_mismatches = {
        layout.names[i]: int(count) for i, count in zip(values, row[2:], strict=True) if count
    }
    order = ", ".join(f"k{i}" for i in layout.key)
    columns = [f"k{i}" for i in layout.key] + [f"l{i}, r{i}, d{i}" for i in values]
    for found in db.execute(
        f"SELECT {', '.join(columns)} FROM matched WHERE {any_differs} ORDER BY {order} LIMIT {int(examples)}"
    ).fetchall():
        keys = dict(zip((layout.names[i] for i in layout.key), found[: len(layout.key)], strict=True))
        rest = found[len(layout.key) :]
        changed = {
            layout.names[i]: (rest[3 * n], rest[3 * n + 1]) for n, i in enumerate(values) if rest[3 * n + 2]
        }
        result.examples_changed.append(ChangedRow(keys, changed))
    db.execute("DROP TABLE matched")
    return result


def compare_whole_rows(db: Any, layout: Layout, counts: tuple[int, int], examples: int) -> RowDiff:
    """Multiset comparison: how many times each distinct row occurs on each side."""
    columns = ", ".join(f"c{i}" for i in range(len(layout.names)))
    db.execute(
        "CREATE OR REPLACE TEMP TABLE surplus AS "
        f"SELECT {columns}, SUM(in_l) - SUM(in_r) AS surplus FROM ("
        f"SELECT {columns}, 1 AS in_l, 0 AS in_r FROM l UNION ALL SELECT {columns}, 0, 1 FROM r"
        ") GROUP BY ALL HAVING SUM(in_l) <> SUM(in_r)"
    )
    only_left, only_right = db.execute(
        "SELECT COALESCE(SUM(surplus) FILTER (WHERE surplus > 0), 0), "
        "COALESCE(-SUM(surplus) FILTER (WHERE surplus < 0), 0) FROM surplus"
    ).fetchone()
    result = RowDiff(left=counts[0], right=counts[1], only_left=int(only_left), only_right=int(only_right))
    for condition, target in (
        ("surplus > 0", result.examples_only_left),
        ("surplus < 0", result.examples_only_right),
    ):
        rows = db.execute(
            f"SELECT {columns} FROM surplus WHERE {condition} ORDER BY ALL LIMIT {int(examples)}"
        )
        target.extend(dict(zip(layout.names, row, strict=True)) for row in rows.fetchall())
    db.execute("DROP TABLE surplus")
    return result
