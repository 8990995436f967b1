"""No silent drift: every statement fakesnow translates is translated without loss or refused.

fakesnow parses each statement as Snowflake SQL, transforms it and generates DuckDB SQL with sqlglot.
sqlglot reports what it cannot translate (an unsupported function or argument, a statement it can only
keep as an opaque command) as logger warnings, and runs the statement anyway. :func:`install` hooks
fakesnow's translation so that, on the thread running it and only there:

- the known lossy constructs of :mod:`netflix_elt.engine.drift` are rewritten or refused before
  fakesnow's own transforms (``FakeSnowflakeCursor._transform``), and fakesnow's conversion of
  aggregate arguments to DOUBLE (and its timestamp macro around ISO text) is undone after them;
- sqlglot's DuckDB generator raises instead of warning (``unsupported_level=RAISE``), and any other
  sqlglot warning is collected and refused before the statement runs;
- every refusal becomes :class:`~netflix_elt.engine.drift.UnsupportedSqlError` naming the construct;
  inside fakesnow's HTTP server (``server=True``) it is a connector ``ProgrammingError`` with the same
  message, which the server sends to the client like any SQL error.

sqlglot used anywhere else (the project's own ``parse_one(..., read="snowflake")``, other threads) keeps
its behaviour: the hooks act only while the current thread is inside a fakesnow ``execute``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from netflix_elt.engine import drift, drift_rules, transform_filter
from netflix_elt.engine.drift import UnsupportedSqlError
from netflix_elt.engine.fakesnow_compat import patch
from netflix_elt.errors import NetflixEltError

GENERIC_HINT = (
    "this works on Snowflake but the embedded engine cannot run it with the same result; "
    "rewrite it with documented functions the engine supports, or run it with a snowflake profile"
)

_state = threading.local()  # depth: fakesnow execute calls in progress; warnings: sqlglot warnings seen
_install_lock = threading.Lock()
_installed = False


def translating() -> bool:
    """True while the current thread is inside fakesnow's translation of a statement."""
    return getattr(_state, "depth", 0) > 0


class _CollectWarnings(logging.Filter):
    """Takes sqlglot's warnings out of the log while translating; the translation refuses them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not translating() or record.levelno < logging.WARNING:
            return True
        _state.warnings.append(record.getMessage())
        return False


def install() -> None:
    """Hook fakesnow's translation (idempotent, thread-safe); see the module docstring."""
    global _installed
    with _install_lock:
        if _installed:
            return
        import fakesnow.macros
        from fakesnow.cursor import FakeSnowflakeCursor
        from sqlglot.dialects.duckdb import DuckDB

        patch(FakeSnowflakeCursor, "execute", _guarded_execute(FakeSnowflakeCursor.execute))
        patch(
            FakeSnowflakeCursor,
            "_describe_only",
            _guarded_execute(FakeSnowflakeCursor._describe_only, server=True),
        )
        patch(FakeSnowflakeCursor, "_transform", _reviewed_transform(FakeSnowflakeCursor._transform))
        patch(DuckDB, "generator", _strict_generator(DuckDB.generator))
        patch(fakesnow.macros, "creation_sql", _with_drift_macros(fakesnow.macros.creation_sql))
        logging.getLogger("sqlglot").addFilter(_CollectWarnings())
        transform_filter.install()
        _installed = True


def _guarded_execute(execute: Callable[..., Any], server: bool = False) -> Callable[..., Any]:
    def guarded(cursor: Any, command: str, *args: Any, **kwargs: Any) -> Any:
        outermost = not translating()
        if outermost:
            _state.warnings = []
        _state.depth = getattr(_state, "depth", 0) + 1
        try:
            result = execute(cursor, command, *args, **kwargs)
            if outermost and _state.warnings:  # a warning raised while generating: the answer is suspect
                messages, _state.warnings = list(dict.fromkeys(_state.warnings)), []
                raise _generic(messages, command)
            return result
        except NetflixEltError as exc:
            raise _for_caller(exc, server or bool(kwargs.get("server"))) from None
        except Exception as exc:
            refusal = refusal_for(exc, command) if outermost else None
            if refusal is None:
                raise
            raise _for_caller(refusal, server or bool(kwargs.get("server"))) from None
        finally:
            _state.depth -= 1

    return guarded


def translate_query(cursor: Any, query: str) -> str | None:
    """The DuckDB text fakesnow's ``cursor`` would run for the single query ``query``, translated and
    reviewed exactly as its ``execute`` does (the same refusals), without running it. None when fakesnow
    would run it otherwise than as that text (not a query, a seeded RANDOM, a RESULT_SCAN)."""
    translated: str | None = _guarded_execute(_translate_query)(cursor, query)
    return translated


def _translate_query(cursor: Any, query: str) -> str | None:
    from fakesnow.dialect import parse_one

    expression = parse_one(cursor._inline_variables(query))
    if not isinstance(expression, exp.Query):
        return None
    cursor.check_db_and_schema(expression)
    transformed = cursor._transform(expression, None)
    if not isinstance(transformed, exp.Query) or transformed.args.get("result_scan_sfqid"):
        return None
    if any(select.args.get("seed") for select in transformed.find_all(exp.Select)):
        return None
    return str(transformed.sql(dialect="duckdb", copy=False))  # the tree is not used again


def _for_caller(exc: NetflixEltError, server: bool) -> Exception:
    if not server:
        return exc
    from snowflake.connector.errors import ProgrammingError

    # 0A000: feature not supported; the connector shows the message like Snowflake's own errors.
    return ProgrammingError(msg=exc.render(), errno=2, sqlstate="0A000")


def refusal_for(exc: BaseException, statement: str) -> NetflixEltError | None:
    """The refusal an error raised while translating or running ``statement`` stands for, if any."""
    if isinstance(exc, UnsupportedError):
        return _generic(str(exc).splitlines(), statement)
    return drift.runtime_error(exc)


def _reviewed_transform(transform: Callable[..., Any]) -> Callable[..., Any]:
    def reviewed(cursor: Any, expression: Any, params: Any) -> Any:
        _refuse_warnings(expression)
        reviewed = drift_rules.review(expression)
        drift_rules.mark_aggregate_arguments(reviewed)
        transformed = transform_filter.translate(
            lambda: transform(cursor, reviewed, params),
            again=lambda: transform(cursor, reviewed.copy(), _copied(params)),
        )
        drift_rules.after_fakesnow(transformed)
        _refuse_warnings(transformed)
        return transformed

    return reviewed


def _copied(params: Any) -> Any:
    return params if params is None else type(params)(params)


def _refuse_warnings(expression: Any) -> None:
    warnings = getattr(_state, "warnings", None)
    if warnings:
        messages, _state.warnings = list(dict.fromkeys(warnings)), []
        raise _generic(messages, expression.sql(dialect="snowflake"))


def _strict_generator(generator: Callable[..., Any]) -> Callable[..., Any]:
    def strict(dialect: Any, **opts: Any) -> Any:
        if translating():
            opts.setdefault("unsupported_level", ErrorLevel.RAISE)
            opts.setdefault("max_unsupported", 10)
        return generator(dialect, **opts)

    return strict


def _with_drift_macros(creation_sql: Callable[[str], str]) -> Callable[[str], str]:
    def with_macros(catalog: str) -> str:
        return creation_sql(catalog) + drift_rules.macro_sql(catalog)

    return with_macros


def _generic(messages: list[str], statement: str) -> UnsupportedSqlError:
    """A refusal from sqlglot's own messages, naming the construct they point at when it can be found."""
    messages = [m.strip() for m in messages if m.strip()]
    construct = _construct_named(messages, statement) or " ".join(statement.split())[:120]
    reason = "; ".join(messages) or "sqlglot cannot translate it"
    return UnsupportedSqlError(f"{construct}: {reason}", hint=GENERIC_HINT, construct=construct)


def _construct_named(messages: list[str], statement: str) -> str | None:
    """The first node a sqlglot message names, as SQL: by class ("... for expression 'ToChar' ...") or
    by function name ("SOUNDEX is not supported ...")."""
    text = " ".join(messages)
    classes = tuple(
        kind
        for name in re.findall(r"expression '(\w+)'", text)
        if isinstance(kind := getattr(exp, name, None), type)
    )
    names = set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", text))
    try:
        tree = sqlglot.parse_one(statement, read="snowflake")
    except Exception:  # e.g. a statement fakesnow built itself; the message still names the construct
        return None
    for node in tree.walk():
        named = isinstance(node, exp.Func) and (
            (isinstance(node, exp.Anonymous) and node.name.upper() in names) or node.sql_name() in names
        )
        if (classes and isinstance(node, classes)) or named:
            return " ".join(node.sql(dialect="snowflake").split())[:120]
    return None
