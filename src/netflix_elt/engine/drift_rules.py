"""The rules of :mod:`netflix_elt.engine.drift`: checks and rewrites of one parsed Snowflake statement.

:func:`review` runs before fakesnow's own transforms. Checks see the statement as written and raise
:class:`~netflix_elt.engine.drift.UnsupportedSqlError`; rewrites then replace constructs, innermost first,
with SQL DuckDB evaluates as Snowflake does. Where the answer depends on a type only DuckDB knows (the
translator sees column names, not types), the rewrite asks ``TYPEOF`` as the statement runs, through the
DuckDB macros of :func:`macro_sql`, and fails with a runtime refusal (a message DuckDB cannot convert to a
number, read back by :func:`netflix_elt.engine.drift.runtime_error`) when it would differ.
:func:`after_fakesnow` undoes fakesnow's conversion of SUM and AVG arguments to DOUBLE, and its macro
around timestamp literals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.errors import ErrorLevel
from sqlglot.time import format_time

from netflix_elt.engine.drift import KNOWN, division_by_zero, runtime_refusal_message

# -- DuckDB macros the rewrites call (created in every database, beside fakesnow's own) -------------
_EXACT_TYPES = (
    "'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', "
    "'UBIGINT', 'UHUGEINT'"
)
# Snowflake's scale for a division, and for AVG (a sum divided by a count): max(s, min(s + 6, 12)) where s
# is the scale of the dividend; NULL for a type that is not a fixed-point number.
_SNOWFLAKE_SCALE = "greatest({scale}(typeof({x})), least({scale}(typeof({x})) + 6, 12))"
# A refusal is raised by converting its message to a number: unlike DuckDB's error(), a cast is not
# volatile (window ORDER BY accepts it), and it runs only for the rows whose condition holds.
_RAISE = "CAST(refusal AS INTEGER) = 0"
_MACROS = (
    "_netflix_elt_scale(t) AS CASE WHEN t LIKE 'DECIMAL(%' "
    f"THEN CAST(regexp_extract(t, ',(\\d+)\\)$', 1) AS INTEGER) WHEN t IN ({_EXACT_TYPES}) THEN 0 END",
    # A macro's parameter is substituted wherever the body names it, so nested calls (a || b || c,
    # a / b / c) grow exponentially (a 30-row INSERT of the loader took 18 s to plan, five nested
    # divisions 17 s); a lambda binds its value once.
    "_netflix_elt_div(a, b, refusal) AS list_transform([{'a': a, 'b': b}], lambda p: "
    f"CASE WHEN coalesce(p.b = 0, false) AND {_RAISE} THEN NULL "
    "WHEN {scale}(typeof(p.a)) IS NULL OR {scale}(typeof(p.b)) IS NULL THEN p.a / p.b "
    f"ELSE round(p.a / p.b, {_SNOWFLAKE_SCALE.format(scale='{scale}', x='p.a')}) END)[1]",
    "_netflix_elt_avg(average, probe) AS CASE WHEN {scale}(typeof(probe)) IS NULL THEN average "
    f"ELSE round(average, {_SNOWFLAKE_SCALE.format(scale='{scale}', x='probe')}) END",
    "_netflix_elt_text(x, refusal) AS list_transform([x], lambda v: "
    f"CASE WHEN typeof(v) LIKE 'TIMESTAMP%' AND {_RAISE} THEN NULL "
    "WHEN typeof(v) = 'TIME' THEN strftime(DATE '1970-01-01' + CAST(CAST(v AS VARCHAR) AS TIME), '%H:%M:%S') "
    "WHEN typeof(v) = 'JSON' THEN json_extract_string(CAST(CAST(v AS VARCHAR) AS JSON), '$') "
    "ELSE CAST(v AS VARCHAR) END)[1]",
    "_netflix_elt_to_integer(x, refusal) AS CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT') "
    f"AND coalesce(abs(CAST(CAST(x AS VARCHAR) AS DOUBLE) % 1) = 0.5, false) AND {_RAISE} THEN NULL "
    "ELSE CAST(x AS BIGINT) END",
    "_netflix_elt_try_to_integer(x, refusal) AS CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT') "
    f"AND coalesce(abs(TRY_CAST(CAST(x AS VARCHAR) AS DOUBLE) % 1) = 0.5, false) AND {_RAISE} THEN NULL "
    "ELSE TRY_CAST(x AS BIGINT) END",
    f"_netflix_elt_refuse_if(value, refuse, refusal) AS CASE WHEN coalesce(refuse, false) AND {_RAISE} "
    "THEN NULL ELSE value END",
)


def macro_sql(catalog: str) -> str:
    """``CREATE OR REPLACE MACRO`` statements for one database; the macros are found like fakesnow's."""
    scale = f"{catalog}.main._netflix_elt_scale"  # a macro body binds its calls when it is created
    return "".join(
        f"CREATE OR REPLACE MACRO {catalog}.{macro.replace('{scale}', scale)};\n" for macro in _MACROS
    )


def _call(name: str, *args: exp.Expr) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _typeof(node: exp.Expr) -> exp.Anonymous:
    return _call("TYPEOF", node.copy())


def _runtime_refusal(key: str, construct: str) -> exp.Literal:
    return exp.Literal.string(runtime_refusal_message(key, construct))


def _raises(message: exp.Literal) -> exp.Expr:
    """A condition that raises ``message`` when evaluated (see ``_RAISE``)."""
    return exp.EQ(this=exp.cast(message, exp.DType.INT), expression=exp.Literal.number(0))


# -- the rules --------------------------------------------------------------------------------------
def _construct(node: exp.Expr) -> str:
    """The node as Snowflake SQL on one line, for messages (quietly: its rendering is no translation)."""
    text = " ".join(node.sql(dialect="snowflake", unsupported_level=ErrorLevel.IGNORE).split())
    return text if len(text) <= 120 else text[:117] + "..."


def _is_literal(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Literal) or (isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal))


def _typed(node: exp.Expr, *types: exp.DType) -> bool:
    """Whether sqlglot knows ``node`` to be of one of ``types`` (it types literals and casts, not columns)."""
    known = node.type
    return known is not None and known.this in types


def _swap(node: exp.Expr, build: Callable[[exp.Expr], exp.Expr]) -> None:
    """Replace ``node`` in its parent by ``build(node)``, which may contain ``node`` itself."""
    parent, key, index = node.parent, node.arg_key, node.index
    replacement = build(node)
    if parent is not None:
        assert key is not None  # a node with a parent sits under one of its keys
        parent.set(key, replacement, index)


# %-codes that sqlglot's Snowflake TIME_MAPPING produces for upper-case format elements; anything else
# left in a converted format (letters, quotes, %-d from 'dd', %w from 'dy') is text sqlglot did not map.
_FORMAT_CODE = re.compile(r"%(?:f_[a-z]+|:z|-z|[YyBbmdaHIMSfzp])")
_FORMAT_TEXT = re.compile(r"[^A-Za-z%\"']*(?:T[^A-Za-z%\"']*)*")


def _format_unmapped(node: exp.Expr) -> bool:
    fmt = node.args.get("format")
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        return False
    return not _FORMAT_TEXT.fullmatch(_FORMAT_CODE.sub("", fmt.this))


def _snowflake_format(fmt: exp.Literal) -> exp.Literal:
    return exp.Literal.string(format_time(fmt.this, Snowflake.TIME_MAPPING, Snowflake.TIME_TRIE))


def _check_to_char(node: exp.Expr) -> str | None:
    fmt = node.args.get("format")
    if fmt is None:
        return None
    if _typed(node.this, *exp.DataType.NUMERIC_TYPES, *exp.DataType.TEXT_TYPES) or not isinstance(
        fmt, exp.Literal
    ):
        return "to_char_not_datetime"
    return "datetime_format" if _format_unmapped(exp.TimeToStr(format=_snowflake_format(fmt))) else None


_TEMPORAL = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")


def _rewrite_to_char(node: exp.Expr, construct: str) -> exp.Expr | None:
    value, fmt = node.this, node.args.get("format")
    if fmt is None:  # TO_VARCHAR(x) prints x like a cast does
        return _call("_netflix_elt_text", value, _runtime_refusal("timestamp_to_varchar", construct))
    converted = _snowflake_format(fmt)
    as_text = exp.cast(value.copy(), exp.DType.VARCHAR)
    epoch_day = exp.cast(exp.Literal.string("1970-01-01"), exp.DType.DATE)
    as_time = exp.Add(this=epoch_day, expression=exp.cast(as_text.copy(), exp.DType.TIME))
    temporal = exp.In(this=_typeof(value), expressions=[exp.Literal.string(t) for t in _TEMPORAL])
    is_time = exp.EQ(this=_typeof(value), expression=exp.Literal.string("TIME"))
    return exp.Case(
        ifs=[
            exp.If(
                this=temporal,
                true=exp.TimeToStr(this=exp.cast(as_text, exp.DType.TIMESTAMP), format=converted),
            ),
            exp.If(this=is_time, true=exp.TimeToStr(this=as_time, format=converted.copy())),
            # any other type: this condition raises the refusal (its branch is never taken)
            exp.If(this=_raises(_runtime_refusal("to_char_not_datetime", construct)), true=exp.Null()),
        ],
    )


def _bigint_on_duckdb(target: exp.DataType) -> bool:
    """Integer targets fakesnow turns into DuckDB BIGINT (whose cast from DOUBLE rounds half to even)."""
    if target.this in (exp.DType.INT, exp.DType.BIGINT, exp.DType.SMALLINT, exp.DType.TINYINT):
        return True
    return target.this == exp.DType.DECIMAL and [p.name for p in target.expressions] in ([], ["38", "0"])


def _cast_kind(node: exp.Expr) -> str | None:
    """'text' or 'integer' for a cast whose answer can depend on the operand's type, else None."""
    value, target = node.this, node.args["to"]  # node is a Cast (the rule's kind)
    if _is_literal(value) or isinstance(value, (exp.Null, exp.Count)):
        return None
    if target.this in exp.DataType.TEXT_TYPES:
        return None if _typed(value, *exp.DataType.TEXT_TYPES) else "text"
    if _bigint_on_duckdb(target) and not _typed(value, *exp.DataType.INTEGER_TYPES, *exp.DataType.TEXT_TYPES):
        return "integer"
    return None


def _rewrite_cast(node: exp.Expr, construct: str) -> exp.Expr | None:
    if _cast_kind(node) == "integer":
        refusal = _runtime_refusal("float_to_integer_tie", construct)
        # TRY_CAST keeps its NULL for text that is not a number
        macro = "_netflix_elt_try_to_integer" if isinstance(node, exp.TryCast) else "_netflix_elt_to_integer"
        return _call(macro, node.this, refusal)
    refusal = _runtime_refusal("timestamp_to_varchar", construct)
    _swap(node.this, lambda v: _call("_netflix_elt_text", v, refusal))
    return None


def _concat_parts(node: exp.Expr) -> list[exp.Expr]:
    parts = node.expressions if isinstance(node, exp.Concat) else [node.this, node.expression]
    return [
        part
        for part in parts
        if part is not None and not _is_literal(part) and not _typed(part, *exp.DataType.TEXT_TYPES)
    ]


def _rewrite_concat(node: exp.Expr, construct: str) -> exp.Expr | None:
    refusal = _runtime_refusal("timestamp_to_varchar", construct)
    for part in _concat_parts(node):
        _swap(part, lambda p: _call("_netflix_elt_text", p, refusal.copy()))
    return None


def _date_trunc_converted(node: exp.Expr) -> bool:
    parent = node.parent
    return isinstance(parent, exp.TsOrDsToDate) or (
        isinstance(parent, exp.Cast) and parent.to.is_type(exp.DType.DATE)
    )


def _check_date_trunc(node: exp.Expr) -> str | None:
    return (
        "date_trunc_date" if _typed(node.this, exp.DType.DATE) and not _date_trunc_converted(node) else None
    )


def _date_trunc_may_get_date(node: exp.Expr) -> bool:
    timestamp = _typed(node.this, exp.DType.TIMESTAMP, exp.DType.TIMESTAMPNTZ, exp.DType.DATETIME)
    return not (timestamp or _date_trunc_converted(node))


def _rewrite_date_trunc(node: exp.Expr, construct: str) -> exp.Expr | None:
    value = node.this
    is_date = exp.EQ(this=_typeof(value), expression=exp.Literal.string("DATE"))
    return _call("_netflix_elt_refuse_if", node, is_date, _runtime_refusal("date_trunc_date", construct))


def _rewrite_div(node: exp.Expr, construct: str) -> exp.Expr | None:
    return _call("_netflix_elt_div", node.this, node.expression, exp.Literal.string(division_by_zero()))


def _avg_operand(avg: exp.Expr) -> exp.Expr:
    operand: exp.Expr = avg.this
    if isinstance(operand, exp.Distinct) and operand.expressions:
        operand = operand.expressions[0]
    return operand.copy()


def _is_avg(node: exp.Expr) -> bool:
    """An AVG, or a window over an AVG (rewritten as a whole, not the AVG inside it)."""
    if isinstance(node, exp.Window):
        return isinstance(node.this, exp.Avg)
    return not (isinstance(node.parent, exp.Window) and node.arg_key == "this")


def _rewrite_avg(node: exp.Expr, construct: str) -> exp.Expr | None:
    if isinstance(node, exp.Avg):
        return _call("_netflix_elt_avg", node, exp.Min(this=_avg_operand(node)))
    probe = node.copy()
    probe.set("this", exp.Min(this=_avg_operand(node.this)))
    return _call("_netflix_elt_avg", node, probe)


_REGEXP_FLAGS: dict[type[exp.Expr], str] = {
    exp.RegexpLike: "flag",
    exp.RegexpExtract: "parameters",
    exp.RegexpReplace: "modifiers",
    exp.RegexpCount: "parameters",
    exp.RegexpInstr: "parameters",
    exp.RegexpExtractAll: "parameters",
}


def _multiline(node: exp.Expr) -> bool:
    flags = node.args.get(_REGEXP_FLAGS[type(node)])
    return isinstance(flags, exp.Literal) and "m" in flags.this


def _check_regexp(node: exp.Expr) -> str | None:
    pattern = node.expression
    literal = isinstance(pattern, exp.Literal) and pattern.is_string
    return "regexp_multiline" if _multiline(node) and not literal else None


def _rewrite_regexp(node: exp.Expr, construct: str) -> exp.Expr | None:
    # RE2's (?m) is Snowflake's 'm'; 'c' (the default) keeps the parameters argument in place
    key = _REGEXP_FLAGS[type(node)]
    node.expression.replace(exp.Literal.string("(?m)" + node.expression.this))
    node.set(key, exp.Literal.string(node.args[key].this.replace("m", "") or "c"))
    return None


def _check_anonymous(node: exp.Expr) -> str | None:
    name = node.name.upper()
    if name == "HASH":
        return "hash"
    return "approximate_aggregate" if name.startswith(("APPROX_", "HLL")) else None


def _check_seeded(node: exp.Expr) -> str | None:
    seed = node.this if isinstance(node, exp.Rand) else node.args.get("gen") or node.args.get("generator")
    return "seeded_random" if _is_literal(seed) else None


Check = Callable[[exp.Expr], "str | None"]  # -> the key of the construct to refuse, or None
Applies = Callable[[exp.Expr], bool]  # is the rewrite needed for this node (on the statement as written)?
Rewrite = Callable[[exp.Expr, str], "exp.Expr | None"]  # (node, its SQL) -> replacement, or None


def _always(node: exp.Expr) -> bool:
    return True


@dataclass(frozen=True)
class _Rule:
    kinds: tuple[type[exp.Expr], ...]
    check: Check | None = None
    rewrite: Rewrite | None = None
    applies: Applies = _always
    names_construct: bool = True  # the rewrite puts the construct's SQL in a runtime refusal


_APPROXIMATE = (
    exp.ApproxDistinct,
    exp.Hll,
    exp.ApproxQuantile,
    exp.ApproxQuantiles,
    exp.ApproxTopK,
    exp.ApproxPercentileEstimate,
)
_FORMATTED = (exp.TimeToStr, exp.StrToTime, exp.StrToDate, exp.TsOrDsToDate, exp.TsOrDsToTimestamp)
_RULES = (
    _Rule((exp.ToChar,), _check_to_char, _rewrite_to_char),
    _Rule(_FORMATTED, lambda node: "datetime_format" if _format_unmapped(node) else None),
    _Rule((exp.Cast,), None, _rewrite_cast, lambda node: _cast_kind(node) is not None),
    _Rule((exp.Concat, exp.DPipe), None, _rewrite_concat, lambda node: bool(_concat_parts(node))),
    _Rule(
        (exp.TimestampTrunc, exp.DateTrunc), _check_date_trunc, _rewrite_date_trunc, _date_trunc_may_get_date
    ),
    _Rule((exp.Div,), None, _rewrite_div, names_construct=False),
    _Rule((exp.Avg, exp.Window), None, _rewrite_avg, _is_avg, names_construct=False),
    _Rule(tuple(_REGEXP_FLAGS), _check_regexp, _rewrite_regexp, _multiline, names_construct=False),
    _Rule((exp.Anonymous,), _check_anonymous),
    _Rule((exp.HashAgg,), lambda node: "hash"),
    _Rule((exp.Rand, exp.Uniform, exp.Normal, exp.Zipf, exp.Randstr), _check_seeded),
    _Rule(_APPROXIMATE, lambda node: "approximate_aggregate"),
)
_WATCHED = tuple({kind for rule in _RULES for kind in rule.kinds})


def _keep_column_name(projection: exp.Expr, construct: str) -> None:
    """Alias an unaliased projection as Snowflake names it (its expression, upper-cased), unless another
    column of the SELECT has that name (the engine then names it, as it would have without the rule)."""
    name = construct.upper()
    select = projection.parent
    assert select is not None  # the caller found it as a projection of its SELECT
    if name not in {column.alias_or_name.upper() for column in select.expressions}:
        _swap(projection, lambda node: exp.alias_(node, name, quoted=True, copy=False))


def review(statement: exp.Expr) -> exp.Expr:
    """Apply every rule to one parsed Snowflake statement, in place; return the (possibly new) root.

    Raises :class:`~netflix_elt.engine.drift.UnsupportedSqlError` naming the first refused construct.
    Checks and the choice of rewrites see the statement as written; rewrites then run innermost first,
    so an outer rewrite sees its operands rewritten. A rewritten projection keeps the column name
    Snowflake gives it.
    """
    planned: list[tuple[exp.Expr, _Rule, str]] = []
    for node in statement.find_all(*_WATCHED, bfs=False):
        for rule in _RULES:
            if not isinstance(node, rule.kinds):
                continue
            if rule.check is not None and (key := rule.check(node)) is not None:
                raise KNOWN[key].refusal(_construct(node))
            if rule.rewrite is not None and rule.applies(node):
                projection = isinstance(node.parent, exp.Select) and node.arg_key == "expressions"
                planned.append((node, rule, _construct(node) if rule.names_construct or projection else ""))
                break
    for node, rule, construct in reversed(planned):
        assert rule.rewrite is not None
        if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
            _keep_column_name(node, construct)
        parent, key, index = node.parent, node.arg_key, node.index
        replacement = rule.rewrite(node, construct)
        if replacement is None:
            continue
        if parent is None:
            statement = replacement
        else:
            assert key is not None  # a node with a parent sits under one of its keys
            parent.set(key, replacement, index)
    return statement


# fakesnow wraps the argument of SUM and AVG (and of MEDIAN, STDDEV, VARIANCE, which compute in DOUBLE
# anyway) in TRY_CAST(... AS DOUBLE) unless it is already a cast.
_EXACT = "netflix_elt_exact"
_DOUBLE_CAST_AGGREGATES = (exp.Sum, exp.Avg)


def mark_aggregate_arguments(statement: exp.Expr) -> None:
    """Mark the arguments fakesnow is about to convert to DOUBLE (call before its transforms).

    The mark lives in the node's meta, which survives the copies fakesnow's transforms make.
    """
    for aggregate in statement.find_all(*_DOUBLE_CAST_AGGREGATES):
        if aggregate.this is not None and not isinstance(aggregate.this, (exp.Cast, exp.TryCast)):
            aggregate.this.meta[_EXACT] = True


def after_fakesnow(transformed: exp.Expr) -> None:
    """Undo two of fakesnow's rewrites, in one walk of its translation (in place):

    - its TRY_CAST(argument AS DOUBLE) around the marked aggregate arguments: Snowflake sums and
      averages a NUMBER exactly and rejects text that is not a number; the DOUBLE conversion rounds
      (0.1 + 0.2) and turns such text into NULL;
    - its macro ``_fs_to_timestamp(value, 0)`` (every cast to TIMESTAMP_NTZ) around ISO text, which
      DuckDB expands at each call while binding (the 116 timestamps of a 58-row RUN_HISTORY insert took
      80 ms to bind, the insert itself 7 ms): for a string that is not an integer the macro is
      ``CAST(value AS TIMESTAMP)``, which is written instead, so the answer is the same.
    """
    for node in list(transformed.find_all(exp.TryCast, exp.Anonymous)):
        if isinstance(node, exp.TryCast):
            if node.this is not None and node.this.meta_get(_EXACT) and node.to.is_type(exp.DType.DOUBLE):
                node.replace(node.this)
        elif _iso_timestamp_macro(node):
            node.replace(exp.Cast(this=node.expressions[0].copy(), to=exp.DataType.build("TIMESTAMP")))


_ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d(\.\d{1,9})?)?")


def _iso_timestamp_macro(call: exp.Expr) -> bool:
    """``_fs_to_timestamp('<ISO date or timestamp>', 0)``."""
    if call.name.lower() != "_fs_to_timestamp" or len(call.expressions) != 2:
        return False
    value, scale = call.expressions
    return (
        isinstance(value, exp.Literal)
        and value.is_string
        and bool(_ISO_TIMESTAMP.fullmatch(value.this))
        and isinstance(scale, exp.Literal)
        and scale.this == "0"
    )
