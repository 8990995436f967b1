"""The push-down route: a model's expectations computed by the warehouse in as few scans as possible.

One aggregate SELECT over the table answers every column-map, null and aggregate expectation at once;
each uniqueness expectation adds one GROUP BY (which alone answers a uniqueness expectation that is the
only one on its rows); failing expectations add one ``LIMIT`` query for a few failing values. Schema
expectations need only the table's column list. The statements are built as sqlglot trees from the
metrics' expressions, rendered as Snowflake SQL and run through the engine, so they are recorded with
the node's SQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from netflix_elt.engine import Column, Engine
from netflix_elt.executor import first_line
from netflix_elt.quality.expectations import ExpectationCall
from netflix_elt.quality.pushdown import Metric, MissingColumn, translate
from netflix_elt.quality.results import PARTIAL_SIZE, Outcome, map_outcome
from netflix_elt.sql import parse_snowflake, render, table_ref


def column_expressions(table: str, columns: Sequence[Column]) -> Callable[[Any], exp.Column]:
    """Declared column name -> the table's column as a sqlglot node (matched case-insensitively;
    quoted unless it is a plain upper-case name)."""
    known = {c.name.upper(): c.name for c in columns}

    def column(name: Any) -> exp.Column:
        if not isinstance(name, str) or name.upper() not in known:
            raise MissingColumn(
                f"column {name!r} not found in {table} (columns: {', '.join(known.values())})"
            )
        actual = known[name.upper()]
        plain = actual.isupper() and actual.replace("_", "").isalnum()
        return exp.column(exp.to_identifier(actual, quoted=not plain))

    return column


def column_quoter(table: str, columns: Sequence[Column]) -> Callable[[Any], str]:
    """Declared column name -> SQL text of the table's column (see :func:`column_expressions`)."""
    column = column_expressions(table, columns)
    return lambda name: render(column(name))


@dataclass
class Planned:
    """One expectation on its way through the route."""

    key: int
    metric: Metric
    aliases: dict[str, str] = field(default_factory=dict)  # role -> column alias in the aggregate
    seconds: float = 0.0


def _source(table: str) -> exp.Expr:
    """What the checks read: a table by name, or the changed rows of a build as a parenthesised SELECT
    (``quality.delta``)."""
    if table.startswith("(") and table.endswith(")"):
        query = parse_snowflake(table[1:-1])
        if not isinstance(query, exp.Query):
            raise ValueError(f"not a SELECT: {table}")
        return query.subquery()
    return table_ref(table)


class PushdownRoute:
    """Evaluates expectations on one table with SQL; returns the keys it could not translate."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self, table: str, columns: Sequence[Column], calls: Sequence[tuple[int, ExpectationCall]]
    ) -> tuple[dict[int, tuple[Outcome, float]], list[int]]:
        quote = column_expressions(table, columns)
        outcomes: dict[int, tuple[Outcome, float]] = {}
        leftovers: list[int] = []
        planned: list[Planned] = []
        for key, call in calls:
            try:
                metric = translate(call, quote)
            except MissingColumn as exc:
                outcomes[key] = (Outcome.failed(str(exc)), 0.0)
                continue
            if metric is None:
                leftovers.append(key)
            else:
                planned.append(Planned(key, metric))
        names = [c.name.upper() for c in columns]
        for item in planned:
            if item.metric.shape == "schema":
                outcomes[item.key] = (self._schema(item.metric, names), 0.0)
        scanned = [p for p in planned if p.metric.shape != "schema"]
        values: dict[str, Any] = {}
        if len(scanned) == 1 and scanned[0].metric.shape == "unique":
            values = self._unique_alone(table, scanned[0], outcomes)
        elif scanned:
            values = self._aggregate(table, scanned, outcomes)
        for item in scanned:
            if item.key in outcomes:
                continue
            clock = time.perf_counter()
            try:
                outcome = self._judge(table, item, values)
            except Exception as exc:  # a type error in the expectation's SQL, reported like GX does
                outcome = Outcome.failed(first_line(exc))
            outcomes[item.key] = (outcome, item.seconds + time.perf_counter() - clock)
        return outcomes, leftovers

    # -- the shared scan ----------------------------------------------------------------------
    def _aggregate(
        self, table: str, planned: list[Planned], outcomes: dict[int, tuple[Outcome, float]]
    ) -> dict[str, Any]:
        """Run every metric's aggregates in one SELECT; on an error, find the metrics at fault."""
        # Each distinct expression once (keyed by its SQL text), under an alias M1, M2, ...
        expressions: dict[str, tuple[exp.Expr, str]] = {"COUNT(*)": (exp.Count(this=exp.Star()), "N")}
        for item in planned:
            for role, expression in self._expressions(item.metric).items():
                entry = expressions.setdefault(render(expression), (expression, f"M{len(expressions)}"))
                item.aliases[role] = entry[1]
        clock = time.perf_counter()
        try:
            values = self._select(table, expressions)
        except Exception:
            values = {}
            for item in planned:
                own = {k: e for k, e in expressions.items() if e[1] in item.aliases.values() or e[1] == "N"}
                try:
                    values.update(self._select(table, own))
                except Exception as exc:
                    outcomes[item.key] = (Outcome.failed(first_line(exc)), 0.0)
        share = (time.perf_counter() - clock) / len(planned)
        for item in planned:
            item.seconds = share
        return values

    def _unique_alone(
        self, table: str, item: Planned, outcomes: dict[int, tuple[Outcome, float]]
    ) -> dict[str, Any]:
        """A uniqueness expectation with nothing else to compute on ``table`` (the rows sharing a key
        with a build's changes, typically): the row count, the rows with a missing key and the rows in
        duplicated keys from one GROUP BY, instead of a count and a GROUP BY each reading ``table``."""
        metric = item.metric
        keys = [c.copy() for c in metric.columns]
        groups = (
            exp.select(*keys, exp.Count(this=exp.Star()).as_("N"))
            .from_(_source(table))
            .group_by(*(k.copy() for k in keys))
        )
        count = exp.column("N")
        missing: exp.Expr = metric.missing.copy() if metric.missing is not None else exp.false()
        totals = exp.select(
            exp.Sum(this=count.copy()).as_("N"),
            exp.Sum(this=exp.If(this=missing.copy(), true=count.copy(), false=exp.Literal.number(0))).as_(
                "MISSING"
            ),
            exp.Sum(
                this=exp.If(
                    this=exp.and_(count.copy() > 1, exp.not_(exp.paren(missing))),
                    true=count.copy(),
                    false=exp.Literal.number(0),
                )
            ).as_("DUPLICATE_ROWS"),
        ).from_(groups.subquery())
        clock = time.perf_counter()
        try:
            row = self.engine.execute(render(totals))[0]
        except Exception as exc:
            outcomes[item.key] = (Outcome.failed(first_line(exc)), 0.0)
            return {}
        item.seconds = time.perf_counter() - clock
        item.aliases["missing"] = "MISSING"
        # SUM over no group is NULL
        return {name: int(row[name] or 0) for name in ("N", "MISSING", "DUPLICATE_ROWS")}

    @staticmethod
    def _expressions(metric: Metric) -> dict[str, exp.Expr]:
        roles: dict[str, exp.Expr] = {}
        if metric.shape == "map" and metric.unexpected is not None:
            roles["unexpected"] = exp.CountIf(this=metric.unexpected.copy())
        if metric.shape in ("map", "unique") and metric.missing is not None:
            roles["missing"] = exp.CountIf(this=metric.missing.copy())
        if metric.shape == "aggregate" and metric.expression is not None:
            roles["observed"] = metric.expression.copy()
        return roles

    def _select(self, table: str, expressions: dict[str, tuple[exp.Expr, str]]) -> dict[str, Any]:
        aliases = [alias for _, alias in expressions.values()]
        select = exp.select(*(e.copy().as_(alias) for e, alias in expressions.values())).from_(_source(table))
        row = self.engine.execute(render(select))[0]
        return dict(zip(aliases, row, strict=True))

    # -- judging ------------------------------------------------------------------------------
    def _judge(self, table: str, item: Planned, values: dict[str, Any]) -> Outcome:
        metric, rows = item.metric, int(values["N"])
        if metric.shape == "aggregate":
            observed = _number(values[item.aliases["observed"]])
            return Outcome(success=metric.judge(observed), observed_value=observed)
        # COUNT_IF over no rows is NULL on DuckDB (0 on Snowflake), hence the ``or 0``.
        missing = int(values[item.aliases["missing"]] or 0) if "missing" in item.aliases else 0
        sample: list[Any] = []
        if metric.shape == "unique" and values.get("DUPLICATE_ROWS") == 0:
            unexpected = 0  # counted by _unique_alone: nothing to sample
        elif metric.shape == "unique":
            unexpected, sample = self._duplicates(table, metric)
        else:
            unexpected = int(values[item.aliases["unexpected"]] or 0)
            sample = self._sample(table, metric) if unexpected else []
        outcome = map_outcome(unexpected, rows, missing, metric.mostly, sample)
        if metric.shape == "map" and metric.missing is None:  # GX reports none for the null expectations
            outcome.missing_count = None
        return outcome

    def _sample(self, table: str, metric: Metric) -> list[Any]:
        assert metric.unexpected is not None
        if metric.sample is None:  # not_be_null: GX lists one None per missing value
            count = exp.select(exp.CountIf(this=metric.unexpected.copy())).from_(_source(table))
            return [None] * min(int(self.engine.scalar(render(count))), PARTIAL_SIZE)
        failing = (
            exp.select(metric.sample.copy().as_("VALUE"))
            .from_(_source(table))
            .where(metric.unexpected.copy())
            .limit(PARTIAL_SIZE)
        )
        return [row[0] for row in self.engine.execute(render(failing))]

    def _duplicates(self, table: str, metric: Metric) -> tuple[int, list[Any]]:
        """Rows in groups of more than one (as GX counts them) and a few duplicated values, in one pass."""
        keys = [c.copy() for c in metric.columns]
        groups = (
            exp.select(*keys, exp.Count(this=exp.Star()).as_("N"))
            .from_(_source(table))
            .group_by(*(k.copy() for k in keys))
            .having(exp.Count(this=exp.Star()) > 1)
        )
        if metric.missing is not None:
            groups = groups.where(exp.not_(exp.paren(metric.missing.copy())))
        all_groups = exp.Window(this=exp.Sum(this=exp.column("N")))
        duplicates = (
            exp.select(*(k.copy() for k in keys), all_groups.as_("DUPLICATE_ROWS"))
            .from_(groups.subquery())
            .limit(PARTIAL_SIZE)
        )
        rows = self.engine.execute(render(duplicates))
        if not rows:
            return 0, []
        total = int(rows[0]["DUPLICATE_ROWS"])
        if len(metric.columns) == 1:
            return total, [row[0] for row in rows]
        return total, [{k: v for k, v in row.as_dict().items() if k != "DUPLICATE_ROWS"} for row in rows]

    @staticmethod
    def _schema(metric: Metric, columns: list[str]) -> Outcome:
        assert metric.judge_columns is not None
        try:
            success, observed, details = metric.judge_columns(columns)
        except (KeyError, TypeError, ValueError) as exc:
            return Outcome.failed(f"invalid arguments: {exc}")
        return Outcome(success=success, observed_value=observed, details=details)


def _number(value: Any) -> Any:
    """Decimals from the warehouse as int or float, like pandas would give them to GX."""
    from decimal import Decimal

    if isinstance(value, Decimal):  # NUMBER(p, 0) -> int, NUMBER(p, s) -> float
        return int(value) if value.as_tuple().exponent == 0 else float(value)
    return value
