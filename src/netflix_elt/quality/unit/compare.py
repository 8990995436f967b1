"""Comparing a table with expected rows: order-insensitive, typed, with a readable diff.

Values are compared by type and value: numbers numerically (1 == 1.0 == Decimal('1.00'), to 9 decimal
places), strings exactly ('1' is not 1), timestamps as UTC wall-clock times, NULL only with NULL
(NaN counts as NULL). Only the columns named in the expected rows are compared.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from decimal import Decimal, localcontext
from typing import Any

from netflix_elt.quality.unit.fixtures import column_names, plain

MAX_LISTED = 25
Canonical = tuple[int, Any]


def canonical(value: Any) -> Canonical:
    """A hashable, typed representation of one value; equal for values that should compare equal."""
    value = plain(value)
    if value is None:
        return (0, None)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int | float | Decimal):
        with localcontext() as context:
            context.prec = 60
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            return (2, round(number, 9).normalize())
    if isinstance(value, str):
        return (3, value)
    if isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return (4, moment)
    if isinstance(value, date):
        return (5, value)
    if isinstance(value, time):
        return (6, value)
    return (7, repr(value))


def show(value: Any) -> str:
    """How a value appears in a diff: strings quoted, NULL spelled out, times in ISO format."""
    value = plain(value)
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float | Decimal):
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
    return str(value)


def _sort_key(row: tuple[Canonical, ...]) -> tuple[tuple[int, str], ...]:
    return tuple((rank, str(v)) for rank, v in row)


def diff_rows(
    expected: list[dict[str, Any]], actual: list[dict[str, Any]], actual_columns: list[str], title: str
) -> str | None:
    """None when ``actual`` holds exactly the ``expected`` rows (on the expected columns), else a diff."""
    columns = column_names(expected)
    inconsistent = [i for i, row in enumerate(expected, 1) if set(row) != set(columns)]
    if inconsistent:
        return (
            f"{title}: expected rows {inconsistent[:5]} do not name every column ({', '.join(columns)}); "
            "give every expected row the same columns"
        )
    unknown = [c for c in columns if c not in actual_columns]
    if unknown:
        return f"{title}: expected column(s) {', '.join(unknown)} not in the result (columns: {', '.join(actual_columns)})"
    wanted: Counter[tuple[Canonical, ...]] = Counter()
    got: Counter[tuple[Canonical, ...]] = Counter()
    for row in expected:
        key = tuple(canonical(row[c]) for c in columns)
        wanted[key] += 1
    for row in actual:
        key = tuple(canonical(row.get(c)) for c in columns)
        got[key] += 1
    missing, unexpected = wanted - got, got - wanted
    if not missing and not unexpected:
        return None
    lines = [
        f"{title}: {sum(missing.values())} expected row(s) missing, {sum(unexpected.values())} unexpected "
        f"row(s) (compared columns: {', '.join(columns)}; order ignored)"
    ]
    lines += _near_misses(missing, unexpected, columns)
    lines += _section("expected but missing", missing, columns)
    lines += _section("produced but not expected", unexpected, columns)
    lines += _section(f"actual table ({len(actual)} rows)", got, columns)
    return "\n".join(lines)


def _near_misses(
    missing: Counter[tuple[Canonical, ...]], unexpected: Counter[tuple[Canonical, ...]], columns: list[str]
) -> list[str]:
    """For each missing row, the unexpected row that differs from it in the fewest columns."""
    lines = []
    candidates = list(unexpected)
    for want in sorted(missing, key=_sort_key)[:MAX_LISTED]:
        best = max(
            candidates, key=lambda have: sum(a == b for a, b in zip(want, have, strict=True)), default=None
        )
        if best is None:
            break
        same = sum(a == b for a, b in zip(want, best, strict=True))
        if same == 0 or same == len(columns):
            continue
        changes = [
            f"{c}: expected {_shown(w)}, got {_shown(h)}"
            for c, w, h in zip(columns, want, best, strict=True)
            if w != h
        ]
        keys = ", ".join(f"{c}={_shown(w)}" for c, w, h in zip(columns, want, best, strict=True) if w == h)
        lines.append(f"  ~ row with {keys} differs in {'; '.join(changes)}")
    return lines


def _shown(value: Canonical) -> str:
    rank, raw = value
    if rank == 2:
        return format(raw, "f")
    return show(raw)


def _section(
    heading: str,
    rows: Counter[tuple[Canonical, ...]],
    columns: list[str],
) -> list[str]:
    if not rows:
        return []
    table = [columns]
    for key in sorted(rows, key=_sort_key)[:MAX_LISTED]:
        shown = [_shown(v) for v in key]
        table += [shown] * rows[key]
    widths = [max(len(row[i]) for row in table) for i in range(len(columns))]
    lines = [f"  {heading}:"]
    for row in table:
        lines.append(
            "    " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    if len(rows) > MAX_LISTED:
        lines.append(f"    ... and {len(rows) - MAX_LISTED} more")
    return lines
