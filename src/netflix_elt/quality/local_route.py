"""The push-down route: a model's expectations computed by the warehouse in as few scans as possible.

One aggregate SELECT over the table answers every column-map, null and aggregate expectation at once;
each uniqueness expectation adds one GROUP BY; failing expectations add one ``LIMIT`` query for a
few failing values. Schema expectations need only the table's column list. The statements are
Snowflake SQL run through the engine, so they are recorded with the node's SQL.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from netflix_elt.engine import Column, Engine
from netflix_elt.executor import first_line
from netflix_elt.quality.expectations import ExpectationCall
from netflix_elt.quality.pushdown import Metric, MissingColumn, translate
from netflix_elt.quality.results import PARTIAL_SIZE, Outcome, map_outcome


def column_quoter(table: str, columns: Sequence[Column]):
    """Declared column name -> SQL identifier of the table's column (matched case-insensitively)."""
    known = {c.name.upper(): c.name for c in columns}

    def quote(name: Any) -> str:
        if not isinstance(name, str) or name.upper() not in known:
            raise MissingColumn(
                f"column {name!r} not found in {table} (columns: {', '.join(known.values())})"
            )
        actual = known[name.upper()]
        return actual if actual.isupper() and actual.replace("_", "").isalnum() else f'"{actual}"'

    return quote


@dataclass
class Planned:
    """One expectation on its way through the route."""

    key: int
    metric: Metric
    aliases: dict[str, str] = field(default_factory=dict)  # role -> column alias in the aggregate
    seconds: float = 0.0


class PushdownRoute:
    """Evaluates expectations on one table with SQL; returns the keys it could not translate."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self, table: str, columns: Sequence[Column], calls: Sequence[tuple[int, ExpectationCall]]
    ) -> tuple[dict[int, tuple[Outcome, float]], list[int]]:
        quote = column_quoter(table, columns)
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
        values = self._aggregate(table, scanned, outcomes) if scanned else {}
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
        expressions: dict[str, str] = {"COUNT(*)": "N"}
        for item in planned:
            for role, expression in self._expressions(item.metric).items():
                alias = expressions.setdefault(expression, f"M{len(expressions)}")
                item.aliases[role] = alias
        clock = time.perf_counter()
        try:
            values = self._select(table, expressions)
        except Exception:
            values = {}
            for item in planned:
                own = {e: a for e, a in expressions.items() if a in item.aliases.values() or a == "N"}
                try:
                    values.update(self._select(table, own))
                except Exception as exc:
                    outcomes[item.key] = (Outcome.failed(first_line(exc)), 0.0)
        share = (time.perf_counter() - clock) / len(planned)
        for item in planned:
            item.seconds = share
        return values

    @staticmethod
    def _expressions(metric: Metric) -> dict[str, str]:
        if metric.shape == "map":
            roles = {"unexpected": f"COUNT_IF({metric.unexpected})"}
            if metric.missing:
                roles["missing"] = f"COUNT_IF({metric.missing})"
            return roles
        if metric.shape == "unique":
            return {"missing": f"COUNT_IF({metric.missing})"} if metric.missing else {}
        return {"observed": metric.expression}

    def _select(self, table: str, expressions: dict[str, str]) -> dict[str, Any]:
        select = ", ".join(f"{expression} AS {alias}" for expression, alias in expressions.items())
        row = self.engine.execute(f"SELECT {select} FROM {table}")[0]
        return dict(zip(expressions.values(), row, strict=True))

    # -- judging ------------------------------------------------------------------------------
    def _judge(self, table: str, item: Planned, values: dict[str, Any]) -> Outcome:
        metric, rows = item.metric, int(values["N"])
        if metric.shape == "aggregate":
            observed = _number(values[item.aliases["observed"]])
            return Outcome(success=metric.judge(observed), observed_value=observed)
        # COUNT_IF over no rows is NULL on DuckDB (0 on Snowflake), hence the ``or 0``.
        missing = int(values[item.aliases["missing"]] or 0) if "missing" in item.aliases else 0
        if metric.shape == "unique":
            unexpected, sample = self._duplicates(table, metric)
        else:
            unexpected = int(values[item.aliases["unexpected"]] or 0)
            sample = self._sample(table, metric) if unexpected else []
        outcome = map_outcome(unexpected, rows, missing, metric.mostly, sample)
        if metric.shape == "map" and metric.missing is None:  # GX reports none for the null expectations
            outcome.missing_count = None
        return outcome

    def _sample(self, table: str, metric: Metric) -> list[Any]:
        if metric.sample == "NULL":  # not_be_null: GX lists one None per missing value
            return [None] * min(
                int(self.engine.scalar(f"SELECT COUNT_IF({metric.unexpected}) FROM {table}")), PARTIAL_SIZE
            )
        rows = self.engine.execute(
            f"SELECT {metric.sample} AS VALUE FROM {table} WHERE {metric.unexpected} LIMIT {PARTIAL_SIZE}"
        )
        return [row[0] for row in rows]

    def _duplicates(self, table: str, metric: Metric) -> tuple[int, list[Any]]:
        """Rows in groups of more than one (as GX counts them) and a few duplicated values, in one pass."""
        keys = ", ".join(metric.columns)
        where = f" WHERE NOT ({metric.missing})" if metric.missing else ""
        groups = f"SELECT {keys}, COUNT(*) AS N FROM {table}{where} GROUP BY {keys} HAVING COUNT(*) > 1"
        rows = self.engine.execute(
            f"SELECT {keys}, SUM(N) OVER () AS DUPLICATE_ROWS FROM ({groups}) LIMIT {PARTIAL_SIZE}"
        )
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
