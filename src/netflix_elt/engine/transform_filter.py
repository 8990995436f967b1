"""fakesnow's translation without the tree walks that cannot change anything.

fakesnow 0.12.1 translates a statement with 76 transforms applied one after the other
(``FakeSnowflakeCursor._transform``), each a walk of the whole tree (``Expression.transform``). Each
transform rewrites only nodes of a few classes: its guard is ``isinstance(expression, exp.X)``, and
on any other node it returns the node untouched. A model's SELECT holds none of most of those classes,
yet the 76 walks were most of the embedded engine's fixed cost per statement (a day's build on small
data: 3.8 s of 11 s in translation).

While fakesnow translates on this thread (:func:`active`), a transform of :data:`REWRITES` is skipped
when the tree holds no node of its classes; the classes of the tree are listed again after any
transform that ran, since it may have added nodes. Anything else (transforms not listed, sqlglot used
outside fakesnow's translation, other threads) runs as before.

:data:`REWRITES` was read from fakesnow 0.12.1's source (pinned in ``fakesnow_compat.PINNED``): for each
transform, the classes its guards test on the node it is given. ``tests/engine/test_transform_filter.py``
checks that it names every transform of the pinned translation, and translates a pipeline build's
statements both ways (:func:`verifying`) to compare the results.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from sqlglot import Expr, exp

from netflix_elt.engine.fakesnow_compat import patch

_AGGREGATES_CAST = (
    exp.Sum, exp.Avg, exp.Variance, exp.Stddev, exp.StddevSamp, exp.StddevPop, exp.VariancePop, exp.Median,
)  # fmt: skip

# fakesnow transform -> the node classes it can rewrite (its guards' isinstance tests on the node).
REWRITES: dict[str, tuple[type[Expr], ...]] = {
    "identifier": (exp.Table,),
    "upper_case_unquoted_identifiers": (exp.Identifier,),
    "alter_session": (exp.Alter,),
    "update_variables": (exp.Set, exp.Alias),
    "current_version": (exp.CurrentVersion,),
    "set_schema": (exp.Use,),
    "create_database": (exp.Create,),
    "extract_comment_on_table": (exp.Create, exp.Comment, exp.Alter),
    "extract_comment_on_columns": (exp.Alter,),
    "information_schema_fs": (exp.Table,),
    "information_schema_databases": (exp.Table,),
    "drop_schema_cascade": (exp.Drop,),
    "tag": (exp.Alter, exp.Command, exp.Create, exp.Drop),
    "semi_structured_types": (exp.DataType,),
    "try_parse_json": (exp.Anonymous,),
    "split": (exp.Split,),
    "trim_cast_varchar": (exp.Trim,),
    "indices_to_json_extract": (exp.Bracket,),
    "json_extract_cast_as_varchar": (exp.Cast,),
    "json_extract_cased_as_varchar": (exp.Upper, exp.Lower),
    "json_extract_precedence": (exp.JSONExtract, exp.JSONExtractScalar),
    "flatten_value_cast_as_varchar": (exp.Cast,),
    "flatten": (exp.Lateral, exp.TableFromRows),
    "regex_replace": (exp.RegexpReplace,),
    "regex_substr": (exp.RegexpExtract,),
    "result_scan": (exp.Select,),
    "sequence_nextval": (exp.Column,),
    "values_columns": (exp.Values,),
    "to_date": (exp.Anonymous,),
    "timestamp_offsets": (exp.Cast,),
    "to_decimal": (exp.ToNumber,),
    "to_timestamp": (exp.UnixToTime, exp.Anonymous, exp.Cast),
    "to_variant": (exp.ToVariant,),
    "object_construct": (exp.StarMap, exp.Struct, exp.JSONObject),
    "timestamp_ntz": (exp.DataType,),
    "float_to_double": (exp.DataType,),
    # also tests `expression.this in (INT, SMALLINT, TINYINT)`: only a DataType holds a type there
    "integer_precision": (exp.DataType,),
    "extract_text_length": (exp.Create, exp.Alter),
    "sample": (exp.TableSample,),
    "array_size": (exp.ArraySize,),
    "random": (exp.Select,),
    "array_agg_within_group": (exp.WithinGroup,),
    "array_agg": (exp.ArrayAgg, exp.Window),
    "object_agg": (exp.ObjectAgg,),
    "array_construct_etc": (exp.ArrayConstructCompact, exp.Array, exp.ArrayConcat),
    "dateadd_date_cast": (exp.DateAdd,),
    "dateadd_string_literal_timestamp_cast": (exp.DateAdd,),
    "datediff_string_literal_timestamp_cast": (exp.DateDiff,),
    "show_databases": (exp.Show,),
    "show_functions": (exp.Show, exp.Command),
    "show_procedures": (exp.Show,),
    "show_parameters": (exp.Command,),
    "show_warehouses": (exp.Show,),
    "show_schemas": (exp.Show,),
    "show_tables_etc": (exp.Show,),
    "show_columns": (exp.Show,),
    "show_stages": (exp.Show,),
    "show_sequences": (exp.Show,),
    "show_keys": (exp.Show,),
    "show_users": (exp.Show,),
    "create_user": (exp.Command,),
    "haversine": (exp.Anonymous,),
    "hex_string": (exp.HexString,),
    "sha256": (exp.SHA2, exp.SHA2Digest, exp.Anonymous),
    "create_clone": (exp.Create,),
    "alias_in_join": (exp.Select,),
    "alias_in_where": (exp.Select,),
    "alter_table_strip_cluster_by": (exp.Alter, exp.Command),
    "numeric_agg_implicit_cast": _AGGREGATES_CAST,
    "create_stage": (exp.Create,),
    "create_file_format": (exp.Create,),
    "list_stage": (exp.ListStage,),
    "put_stage": (exp.Put,),
    "create_table_as": (exp.Create,),
}

_state = threading.local()  # tree: the root being translated; classes: its node classes (None: stale)
_install_lock = threading.Lock()
_installed = False
_rewrites_by_code: dict[Any, tuple[type[Expr], ...] | None] = {}


def install() -> None:
    """Route ``Expression.transform`` through the filter (idempotent, thread-safe)."""
    global _installed
    with _install_lock:
        if not _installed:
            patch(exp.Expression, "transform", _filtered(exp.Expression.transform))
            _installed = True


@contextlib.contextmanager
def active() -> Iterator[None]:
    """Skip the transforms that cannot rewrite anything while fakesnow translates on this thread."""
    previous = (
        getattr(_state, "active", False),
        getattr(_state, "tree", None),
        getattr(_state, "classes", None),
    )
    _state.active, _state.tree, _state.classes = True, None, None
    try:
        yield
    finally:
        _state.active, _state.tree, _state.classes = previous


@contextlib.contextmanager
def verifying() -> Iterator[list[str]]:
    """For tests: translate every statement of the block twice, filtered and not, on copies of the tree,
    and collect a description of each difference (the filtered translation is the one used)."""
    previous = getattr(_state, "differences", None)
    differences: list[str] = []
    _state.differences = differences
    try:
        yield differences
    finally:
        _state.differences = previous


def translate(transform: Callable[[], Expr], again: Callable[[], Expr]) -> Expr:
    """Run fakesnow's ``transform`` with the filter on; in :func:`verifying` blocks, also ``again``
    (the same translation of a copy of the tree) without it, and record any difference."""
    differences = getattr(_state, "differences", None)
    if differences is None:
        with active():
            return transform()
    unfiltered = again()
    with active():
        translated = transform()
    filtered_sql, unfiltered_sql = _text(translated), _text(unfiltered)
    if filtered_sql != unfiltered_sql:
        differences.append(f"filtered: {filtered_sql}\nunfiltered: {unfiltered_sql}")
    return translated


_TRANSLATED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00")


def _text(expression: Expr) -> str:
    """The tree, with the time of translation that CREATE STAGE / FILE FORMAT stamp on it left out."""
    return _TRANSLATED_AT.sub("<now>", repr(expression))


def _filtered(transform: Callable[..., Expr]) -> Callable[..., Expr]:
    def filtered(self: Expr, fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Expr:
        if not getattr(_state, "active", False):
            return transform(self, fun, *args, **kwargs)
        rewrites = _rewrites_of(fun)
        if rewrites is not None and kwargs.get("copy") is False and not _holds(self, rewrites):
            return self
        _state.classes = None  # it may add or replace nodes
        return transform(self, fun, *args, **kwargs)

    return filtered


def _rewrites_of(fun: Callable[..., Any]) -> tuple[type[Expr], ...] | None:
    """The classes a fakesnow transform rewrites (None: not a listed transform, always run).

    fakesnow passes most transforms as functions and the ones needing the connection's state as
    lambdas calling them; a lambda is recognised by the one listed transform its code names.
    """
    code = getattr(fun, "__code__", None)
    if code is None:
        return None
    if code not in _rewrites_by_code:
        if fun.__name__ != "<lambda>":
            found = REWRITES.get(fun.__name__) if fun.__module__.startswith("fakesnow.") else None
        else:
            named = [REWRITES[name] for name in code.co_names if name in REWRITES]
            found = named[0] if len(named) == 1 and code.co_filename.endswith("fakesnow/cursor.py") else None
        _rewrites_by_code[code] = found
    return _rewrites_by_code[code]


def _holds(root: Expr, classes: tuple[type[Expr], ...]) -> bool:
    """Whether the tree under ``root`` has a node of one of ``classes``."""
    if _state.tree is not root or _state.classes is None:
        _state.tree, _state.classes = root, _classes_in(root)
    return any(issubclass(found, classes) for found in _state.classes)


def _classes_in(root: Expr) -> set[type[Expr]]:
    found: set[type[Expr]] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        found.add(type(node))
        for value in node.args.values():
            if isinstance(value, Expr):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, Expr))
    return found
