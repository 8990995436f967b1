"""Evaluating the custom checks (relationships, row-count reconciliation, snapshot invariants, singular
queries) with one or two Snowflake SQL statements each, over the full tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from string import Formatter
from typing import Any

from netflix_elt.declare import ModelSpec
from netflix_elt.engine import Column, Engine
from netflix_elt.quality.custom import (
    CurrentRowCheck,
    RelationshipCheck,
    RowCountCheck,
    SingularCheck,
    ValidityCheck,
)
from netflix_elt.quality.errors import QualityError
from netflix_elt.quality.pushdown_route import column_quoter
from netflix_elt.quality.results import PARTIAL_SIZE, SAMPLE_SIZE, Outcome, map_outcome
from netflix_elt.sql import dataframe_sql, parse_snowflake


@dataclass
class CheckScope:
    """The checked model, its table and columns, and how to find the tables of other models."""

    engine: Engine
    spec: ModelSpec
    target: str
    columns: list[Column]
    relation: Callable[[str], str]
    where: str

    def quote(self, name: str) -> str:
        return column_quoter(self.target, self.columns)(name)


def evaluate(check: Any, scope: CheckScope) -> Outcome:
    """Run one custom check; a missing column is a failed check with its exception, like in GX."""
    handlers: dict[type, Callable[[Any, CheckScope], Outcome]] = {
        RelationshipCheck: relationship_outcome,
        RowCountCheck: row_count_outcome,
        CurrentRowCheck: current_row_outcome,
        ValidityCheck: validity_outcome,
        SingularCheck: singular_outcome,
    }
    try:
        return handlers[type(check)](check, scope)
    except LookupError as exc:  # MissingColumn
        return Outcome.failed(str(exc.args[0]) if exc.args else str(exc))


def relationship_outcome(check: RelationshipCheck, scope: CheckScope) -> Outcome:
    parent = scope.relation(check.to)
    columns = [scope.quote(c) for c in check.columns]
    fields = [column_quoter(parent, scope.engine.columns(parent))(f) for f in check.fields]
    join = " AND ".join(f"c.{c} = p.{f}" for c, f in zip(columns, fields, strict=True))
    present = " AND ".join(f"c.{c} IS NOT NULL" for c in columns)
    orphan = f"{present} AND p.{fields[0]} IS NULL"
    source = (
        f"FROM {scope.target} c LEFT JOIN (SELECT DISTINCT {', '.join(fields)} FROM {parent}) p ON {join}"
    )
    rows, missing, orphans = scope.engine.execute(
        f"SELECT COUNT(*), COUNT_IF(NOT ({present})), COUNT_IF({orphan}) {source}"
    )[0]
    sample: list[Any] = []
    if orphans:
        found = scope.engine.execute(
            f"SELECT DISTINCT {', '.join(f'c.{c}' for c in columns)} {source} WHERE {orphan} LIMIT {PARTIAL_SIZE}"
        )
        sample = [row[0] if len(columns) == 1 else row.as_dict() for row in found]
    # COUNT_IF over no rows is NULL on DuckDB (0 on Snowflake), hence the ``or 0`` here and below.
    return map_outcome(int(orphans or 0), int(rows), int(missing or 0), 1.0, sample)


def row_count_outcome(check: RowCountCheck, scope: CheckScope) -> Outcome:
    relations = [scope.target] + [scope.relation(n) for n in (*check.plus, *check.to)]
    row = scope.engine.execute(
        "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {r}) AS R{i}" for i, r in enumerate(relations))
    )[0]
    counts = [int(c) for c in row]
    this, plus, to = counts[0], counts[1 : 1 + len(check.plus)], counts[1 + len(check.plus) :]
    expected = sum(to)
    difference = this + sum(plus) - expected
    allowed = max(check.tolerance * expected, check.tolerance_rows)
    return Outcome(
        success=abs(difference) <= allowed,
        unexpected_count=abs(difference),
        element_count=expected,
        unexpected_percent=abs(difference) / expected * 100 if expected else None,
        observed_value={
            "this": this,
            "plus": dict(zip(check.plus, plus, strict=True)),
            "to": dict(zip(check.to, to, strict=True)),
            "difference": difference,
            "allowed": allowed,
        },
    )


def snapshot_key(check: CurrentRowCheck | ValidityCheck, scope: CheckScope) -> list[str]:
    key = check.key or tuple(getattr(scope.spec.kind, "unique_key", ()) or ())
    if not key:
        raise QualityError(
            f"{check.display_name()} needs key= (model {scope.spec.name} is not a snapshot with a unique_key)",
            where=scope.where,
        )
    return [scope.quote(k) for k in key]


def current_row_outcome(check: CurrentRowCheck, scope: CheckScope) -> Outcome:
    keys = snapshot_key(check, scope)
    current = scope.quote(check.current)
    allow_none = check.allow_none
    if allow_none is None:
        allow_none = getattr(scope.spec.kind, "hard_deletes", None) == "invalidate"
    bad = "CURRENT_ROWS > 1" if allow_none else "CURRENT_ROWS <> 1"
    per_key = (
        f"SELECT {', '.join(keys)}, COUNT_IF({current}) AS CURRENT_ROWS FROM {scope.target} "
        f"GROUP BY {', '.join(keys)}"
    )
    total, unexpected = scope.engine.execute(f"SELECT COUNT(*), COUNT_IF({bad}) FROM ({per_key})")[0]
    sample = _rows(scope, f"SELECT * FROM ({per_key}) WHERE {bad}") if unexpected else []
    return map_outcome(int(unexpected or 0), int(total), 0, 1.0, sample)


def validity_outcome(check: ValidityCheck, scope: CheckScope) -> Outcome:
    keys = snapshot_key(check, scope)
    start, end = scope.quote(check.valid_from), scope.quote(check.valid_to)
    versions = (
        f"SELECT {', '.join(keys)}, {start}, {end}, LEAD({start}) OVER (PARTITION BY {', '.join(keys)} "
        f"ORDER BY {start}, {end}) AS NEXT_VALID_FROM FROM {scope.target}"
    )
    bad = (
        f"COALESCE({end} < {start}, FALSE) OR COALESCE(NEXT_VALID_FROM < {end}, FALSE) "
        f"OR ({end} IS NULL AND NEXT_VALID_FROM IS NOT NULL)"
    )
    total, unexpected = scope.engine.execute(f"SELECT COUNT(*), COUNT_IF({bad}) FROM ({versions})")[0]
    sample = _rows(scope, f"SELECT * FROM ({versions}) WHERE {bad}") if unexpected else []
    return map_outcome(int(unexpected or 0), int(total), 0, 1.0, sample)


def singular_outcome(check: SingularCheck, scope: CheckScope) -> Outcome:
    query = singular_sql(check, scope)
    failures = int(scope.engine.scalar(f"SELECT COUNT(*) FROM ({query})"))
    sample = _rows(scope, query) if failures else []
    return Outcome(
        success=failures == 0,
        unexpected_count=failures,
        observed_value=failures,
        partial_unexpected_list=sample,
    )


def singular_sql(check: SingularCheck, scope: CheckScope) -> str:
    """The singular check's SELECT with every placeholder (or DataFrame input) resolved."""
    if check.query is not None:
        from snowflake.snowpark import DataFrame

        session = scope.engine.session()
        inputs = {
            p: session.table(scope.target if p == "this" else scope.relation(p))
            for p in check.query.parameters
        }
        df = check.query.func(**inputs)
        if not isinstance(df, DataFrame):
            raise QualityError(
                f"singular check '{check.check_name}' returned {type(df).__name__}, not a Snowpark DataFrame",
                where=scope.where,
            )
        before, select = dataframe_sql(df)
        for statement in before:
            scope.engine.execute(statement)
        return select
    names = {f for _, f, _, _ in Formatter().parse(check.sql or "") if f}
    tables = {n: scope.target if n == "this" else scope.relation(n) for n in names}
    query = (check.sql or "").format(**tables).strip().rstrip(";")
    try:
        parse_snowflake(query)
    except Exception as exc:
        raise QualityError(
            f"singular check '{check.check_name}' is not valid Snowflake SQL: {str(exc).splitlines()[0]}",
            where=scope.where,
        ) from None
    return query


def _rows(scope: CheckScope, query: str) -> list[dict[str, Any]]:
    return [row.as_dict() for row in scope.engine.execute(f"SELECT * FROM ({query}) LIMIT {SAMPLE_SIZE}")]
