"""GX expectations translated into SQL metrics, computed by the warehouse over the whole table.

Each translator mirrors the semantics of the GX Core 1.x expectation of the same name (missing values
ignored by column-map expectations, ``mostly``, ``strict_min``/``strict_max``, every row of a duplicate
group counted as unexpected); ``tests/quality/test_pushdown_parity.py`` compares them with real GX
validations. A translator returns None for arguments it does not handle (``row_condition``, string
bounds, ...): the runner then hands that expectation to GX itself, so nothing is silently skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import zip_longest
from typing import Any, Literal

from sqlglot import exp

from netflix_elt.quality.expectations import PRESENTATION_KWARGS, ExpectationCall
from netflix_elt.sql import literal

Shape = Literal["map", "aggregate", "unique", "schema"]
Quote = Callable[[str], exp.Column]  # declared column name -> the table's column (raises MissingColumn)
ColumnsJudge = Callable[
    [list[str]], tuple[bool, Any, dict[str, Any]]
]  # columns -> success, observed, details
IN_LIST_LIMIT = 16_384  # Snowflake's limit on the items of an IN list


class MissingColumn(LookupError):
    """An expectation names a column the table does not have."""


@dataclass(frozen=True)
class Metric:
    """How one expectation is computed in SQL.

    Expressions are sqlglot trees (rendered in Snowflake's dialect by the route that runs them).
    ``map``: ``unexpected`` is a predicate over rows (``missing`` the rows GX ignores, or None when
    the expectation is about nulls itself) and ``sample`` the expression shown for failing rows (None
    for not_be_null, where GX lists one None per missing value);
    ``aggregate``: ``expression`` is one aggregate, judged by ``judge``; ``unique``: rows of
    ``columns`` groups with more than one row are unexpected (``missing`` rows ignored); ``schema``:
    ``judge_columns`` decides from the table's column names alone.
    """

    shape: Shape
    unexpected: exp.Expr | None = None
    missing: exp.Expr | None = None
    sample: exp.Expr | None = None
    mostly: float = 1.0
    expression: exp.Expr | None = None
    judge: Callable[[Any], bool] = lambda value: False
    columns: tuple[exp.Column, ...] = ()
    judge_columns: ColumnsJudge | None = None


def sql_value(value: Any) -> exp.Expr | None:
    """A Snowflake literal for a comparable scalar, or None when the value is not one we compare."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float | datetime):
        return _literal(literal(value))
    if isinstance(value, Decimal):
        return exp.Literal.number(str(value))
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    return None


def _literal(text: str) -> exp.Expr:
    """The tree of a literal :func:`netflix_elt.sql.literal` wrote (one escaping rule for both)."""
    return exp.maybe_parse(text, dialect="snowflake")


def set_literals(values: Any) -> list[exp.Expr] | None:
    """Literals for a value_set of numbers or of strings (not mixed), or None."""
    if not isinstance(values, list) or not values or len(values) > IN_LIST_LIMIT:
        return None
    if all(isinstance(v, str) for v in values):
        return [exp.Literal.string(v) for v in values]
    literals = [sql_value(v) for v in values]
    kinds = {type(v) in (int, float) or isinstance(v, Decimal) for v in values}
    present = [v for v in literals if v is not None]
    return None if len(present) != len(literals) or len(kinds) != 1 else present


def within(value: Any, low: Any, high: Any, strict_low: bool = False, strict_high: bool = False) -> bool:
    """GX's range test on an observed value (None never passes)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    try:
        if low is not None and (value <= low if strict_low else value < low):
            return False
        return not (high is not None and (value >= high if strict_high else value > high))
    except TypeError:
        return False


def range_predicate(expression: exp.Expr, args: dict[str, Any]) -> exp.Expr | None:
    """True when ``expression`` lies within [min_value, max_value] (honouring strictness)."""
    parts: list[exp.Expr] = []
    for bound, strict, (strict_op, loose_op) in (
        ("min_value", "strict_min", (exp.GT, exp.GTE)),
        ("max_value", "strict_max", (exp.LT, exp.LTE)),
    ):
        if args.get(bound) is None:
            continue
        value = sql_value(args[bound])
        if value is None:
            return None
        operator = strict_op if args.get(strict) else loose_op
        parts.append(operator(this=expression.copy(), expression=value))
    return exp.and_(*parts) if parts else None


def _bounds_ok(args: dict[str, Any]) -> bool:
    bounds = [args.get("min_value"), args.get("max_value")]
    return any(b is not None for b in bounds) and all(b is None or sql_value(b) is not None for b in bounds)


def _mostly(args: dict[str, Any]) -> float | None:
    mostly = args.get("mostly", 1.0)
    return float(mostly) if isinstance(mostly, int | float) and 0 <= mostly <= 1 else None


# -- translators --------------------------------------------------------------------------------
def _is_null(column: exp.Expr) -> exp.Expr:
    return column.copy().is_(exp.null())


def _not_null(args: dict[str, Any], q: Quote) -> Metric | None:
    column, mostly = q(args["column"]), _mostly(args)
    return None if mostly is None else Metric("map", _is_null(column), None, None, mostly)


def _null(args: dict[str, Any], q: Quote) -> Metric | None:
    column, mostly = q(args["column"]), _mostly(args)
    return None if mostly is None else Metric("map", exp.not_(_is_null(column)), None, column, mostly)


def _column_map(
    condition: Callable[[exp.Column, dict[str, Any]], exp.Expr | None],
) -> Callable[..., Metric | None]:
    """A column-map expectation: ``condition`` is what an expected (non-null) value satisfies."""

    def translate(args: dict[str, Any], q: Quote) -> Metric | None:
        column, mostly = q(args["column"]), _mostly(args)
        expected = condition(column, args)
        if expected is None or mostly is None:
            return None
        unexpected = exp.and_(exp.not_(_is_null(column)), exp.not_(exp.paren(expected)))
        return Metric("map", unexpected, _is_null(column), column, mostly)

    return translate


def _in_set(column: exp.Column, args: dict[str, Any]) -> exp.Expr | None:
    values = set_literals(args.get("value_set"))
    return None if values is None else column.copy().isin(*values)


def _not_in_set(column: exp.Column, args: dict[str, Any]) -> exp.Expr | None:
    values = set_literals(args.get("value_set"))
    return None if values is None else exp.not_(column.copy().isin(*values))


def _between(column: exp.Column, args: dict[str, Any]) -> exp.Expr | None:
    return range_predicate(column, args) if _bounds_ok(args) else None


def _lengths_between(column: exp.Column, args: dict[str, Any]) -> exp.Expr | None:
    if not _bounds_ok(args) or not all(
        isinstance(args.get(b, 0), int | None) for b in ("min_value", "max_value")
    ):
        return None
    return range_predicate(exp.Length(this=column.copy()), args)


def _length_equals(column: exp.Column, args: dict[str, Any]) -> exp.Expr | None:
    value = args.get("value")
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return exp.Length(this=column.copy()).eq(exp.Literal.number(value))


def _unique(args: dict[str, Any], q: Quote) -> Metric | None:
    column, mostly = q(args["column"]), _mostly(args)
    return (
        None
        if mostly is None
        else Metric("unique", missing=_is_null(column), mostly=mostly, columns=(column,))
    )


def _compound_unique(args: dict[str, Any], q: Quote) -> Metric | None:
    names, mostly = args.get("column_list"), _mostly(args)
    ignore = args.get("ignore_row_if", "all_values_are_missing")
    if not isinstance(names, list) or not names or mostly is None:
        return None
    columns = tuple(q(n) for n in names)
    nulls = [_is_null(c) for c in columns]
    missing = {"all_values_are_missing": exp.and_(*nulls), "any_value_is_missing": exp.or_(*nulls)}
    if ignore not in (*missing, "never"):
        return None
    return Metric("unique", missing=missing.get(ignore), mostly=mostly, columns=columns)


def _aggregate(function: Callable[[exp.Column], exp.Expr]) -> Callable[..., Metric | None]:
    """An aggregate expectation: ``function(column)`` must lie within the bounds."""

    def translate(args: dict[str, Any], q: Quote) -> Metric | None:
        if not _bounds_ok(args):
            return None
        return Metric("aggregate", expression=function(q(args["column"])), judge=_range_judge(args))

    return translate


def _count_distinct(column: exp.Column) -> exp.Expr:
    return exp.Count(this=exp.Distinct(expressions=[column.copy()]))


def _unique_proportion(column: exp.Column) -> exp.Expr:
    # Divided as DOUBLE, as GX computes the proportion.
    distinct = exp.cast(_count_distinct(column), exp.DataType.build("DOUBLE", dialect="snowflake"))
    counted = exp.Nullif(this=exp.Count(this=column.copy()), expression=exp.Literal.number(0))
    return exp.Div(this=distinct, expression=counted)


_ROW_COUNT = exp.Count(this=exp.Star())


def _range_judge(args: dict[str, Any]) -> Callable[[Any], bool]:
    low, high = args.get("min_value"), args.get("max_value")
    strict_low, strict_high = bool(args.get("strict_min")), bool(args.get("strict_max"))
    return lambda value: within(value, low, high, strict_low, strict_high)


def _row_count_between(args: dict[str, Any], q: Quote) -> Metric | None:
    if not _bounds_ok(args):
        return None
    return Metric("aggregate", expression=_ROW_COUNT.copy(), judge=_range_judge(args))


def _row_count_equals(args: dict[str, Any], q: Quote) -> Metric | None:
    value = args.get("value")
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return Metric("aggregate", expression=_ROW_COUNT.copy(), judge=lambda observed: observed == value)


def _schema(
    decide: Callable[[dict[str, Any], list[str]], tuple[bool, Any, dict[str, Any]]],
) -> Callable[[dict[str, Any], Quote], Metric | None]:
    def translate(args: dict[str, Any], q: Quote) -> Metric | None:
        return Metric("schema", judge_columns=lambda columns: decide(args, columns))

    return translate


def _column_exists(args: dict[str, Any], columns: list[str]) -> tuple[bool, Any, dict[str, Any]]:
    return str(args["column"]).upper() in columns, None, {}


def _ordered_list(args: dict[str, Any], columns: list[str]) -> tuple[bool, Any, dict[str, Any]]:
    expected = [str(c).upper() for c in args["column_list"]]
    mismatched = [
        {"expected_column_name": e, "found_column_name": f, "index": i}
        for i, (e, f) in enumerate(zip_longest(expected, columns))
        if e != f
    ]
    return expected == columns, columns, {"mismatched": mismatched} if mismatched else {}


def _match_set(args: dict[str, Any], columns: list[str]) -> tuple[bool, Any, dict[str, Any]]:
    expected = {str(c).upper() for c in args["column_set"]}
    missing, extra = sorted(expected - set(columns)), sorted(set(columns) - expected)
    success = not missing and (not extra or args.get("exact_match") is False)
    details = {"mismatched": {"unexpected": extra, "missing": missing}} if missing or extra else {}
    return success, sorted(columns), details


def _column_count_equals(args: dict[str, Any], columns: list[str]) -> tuple[bool, Any, dict[str, Any]]:
    return len(columns) == args["value"], len(columns), {}


def _column_count_between(args: dict[str, Any], columns: list[str]) -> tuple[bool, Any, dict[str, Any]]:
    return _range_judge(args)(len(columns)), len(columns), {}


@dataclass(frozen=True)
class Translator:
    """The arguments an expectation may have for the push-down route, and how to translate it."""

    arguments: frozenset[str]
    required: frozenset[str]
    translate: Callable[[dict[str, Any], Quote], Metric | None]


def _t(required: str, optional: str, translate: Callable[..., Metric | None]) -> Translator:
    need = frozenset(required.split())
    return Translator(need | frozenset(optional.split()), need, translate)


_RANGE = "min_value max_value strict_min strict_max"
TRANSLATORS: dict[str, Translator] = {
    "expect_column_values_to_not_be_null": _t("column", "mostly", _not_null),
    "expect_column_values_to_be_null": _t("column", "mostly", _null),
    "expect_column_values_to_be_between": _t("column", f"mostly {_RANGE}", _column_map(_between)),
    "expect_column_values_to_be_in_set": _t("column value_set", "mostly", _column_map(_in_set)),
    "expect_column_values_to_not_be_in_set": _t("column value_set", "mostly", _column_map(_not_in_set)),
    "expect_column_value_lengths_to_be_between": _t(
        "column", f"mostly {_RANGE}", _column_map(_lengths_between)
    ),
    "expect_column_value_lengths_to_equal": _t("column value", "mostly", _column_map(_length_equals)),
    "expect_column_values_to_be_unique": _t("column", "mostly", _unique),
    "expect_compound_columns_to_be_unique": _t("column_list", "mostly ignore_row_if", _compound_unique),
    "expect_column_min_to_be_between": _t("column", _RANGE, _aggregate(lambda c: exp.Min(this=c.copy()))),
    "expect_column_max_to_be_between": _t("column", _RANGE, _aggregate(lambda c: exp.Max(this=c.copy()))),
    "expect_column_mean_to_be_between": _t("column", _RANGE, _aggregate(lambda c: exp.Avg(this=c.copy()))),
    "expect_column_median_to_be_between": _t(
        "column", _RANGE, _aggregate(lambda c: exp.Median(this=c.copy()))
    ),
    "expect_column_sum_to_be_between": _t("column", _RANGE, _aggregate(lambda c: exp.Sum(this=c.copy()))),
    "expect_column_stdev_to_be_between": _t(
        "column", _RANGE, _aggregate(lambda c: exp.StddevSamp(this=c.copy()))
    ),
    "expect_column_unique_value_count_to_be_between": _t("column", _RANGE, _aggregate(_count_distinct)),
    "expect_column_proportion_of_unique_values_to_be_between": _t(
        "column", _RANGE, _aggregate(_unique_proportion)
    ),
    "expect_table_row_count_to_be_between": _t("", _RANGE, _row_count_between),
    "expect_table_row_count_to_equal": _t("value", "", _row_count_equals),
    "expect_column_to_exist": _t("column", "", _schema(_column_exists)),
    "expect_table_columns_to_match_ordered_list": _t("column_list", "", _schema(_ordered_list)),
    "expect_table_columns_to_match_set": _t("column_set", "exact_match", _schema(_match_set)),
    "expect_table_column_count_to_equal": _t("value", "", _schema(_column_count_equals)),
    "expect_table_column_count_to_be_between": _t("", _RANGE, _schema(_column_count_between)),
}


def translate(call: ExpectationCall, quote: Quote) -> Metric | None:
    """The SQL metric for an expectation, or None when GX must run it (unknown name or arguments).

    Raises MissingColumn when a named column is not in the table.
    """
    translator = TRANSLATORS.get(call.type)
    if translator is None:
        return None
    args = call.rule_arguments
    given = set(args) - PRESENTATION_KWARGS
    if not translator.required <= given or not given <= translator.arguments:
        return None
    return translator.translate(args, quote)
