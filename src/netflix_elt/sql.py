"""Small helpers for the Snowflake SQL the framework writes: identifiers, DataFrame SQL, table references.

Every statement the framework generates is Snowflake SQL; the tests parse each one with sqlglot's
snowflake dialect (see ``tests/test_sql_dialect.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from netflix_elt.errors import UnsafeNameError

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # used with fullmatch: no trailing newline slips by
MAX_IDENTIFIER_LENGTH = 255  # Snowflake's limit for an identifier
# Snowflake's reserved keywords: unquoted, none of them can name a table or a column.
# fmt: off
RESERVED_WORDS = frozenset(
    {
        "ACCOUNT", "ALL", "ALTER", "AND", "ANY", "AS", "BETWEEN", "BY", "CASE", "CAST", "CHECK", "COLUMN",
        "CONNECT", "CONNECTION", "CONSTRAINT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
        "CURRENT_TIMESTAMP", "CURRENT_USER", "DATABASE", "DELETE", "DISTINCT", "DROP", "ELSE", "EXISTS",
        "FALSE", "FOLLOWING", "FOR", "FROM", "FULL", "GRANT", "GROUP", "GSCLUSTER", "HAVING", "ILIKE", "IN",
        "INCREMENT", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "ISSUE", "JOIN", "LATERAL", "LEFT", "LIKE",
        "LOCALTIME", "LOCALTIMESTAMP", "MINUS", "NATURAL", "NOT", "NULL", "OF", "ON", "OR", "ORDER",
        "ORGANIZATION", "QUALIFY", "REGEXP", "REVOKE", "RIGHT", "RLIKE", "ROW", "ROWS", "SAMPLE", "SCHEMA",
        "SELECT", "SET", "SOME", "START", "TABLE", "TABLESAMPLE", "THEN", "TO", "TRIGGER", "TRUE", "TRY_CAST",
        "UNION", "UNIQUE", "UPDATE", "USING", "VALUES", "VIEW", "WHEN", "WHENEVER", "WHERE", "WITH",
    }
)
# fmt: on


PLAIN_IDENTIFIER_RULE = (
    "letters, digits, _ and $, not starting with a digit, at most 255 characters, "
    "not a reserved word such as SELECT"
)


def is_plain_identifier(name: object) -> bool:
    """True when ``name`` works unquoted: letters, digits, _ and $, no leading digit, at most 255
    characters, not a reserved word."""
    return (
        isinstance(name, str)
        and len(name) <= MAX_IDENTIFIER_LENGTH
        and _IDENTIFIER.fullmatch(name) is not None
        and name.upper() not in RESERVED_WORDS
    )


def not_plain_message(name: object) -> str:
    """Why ``name`` is refused, on one line (control characters shown escaped)."""
    shown = repr(name) if len(repr(name)) <= 80 else repr(name)[:77] + "..."
    return f"{shown} is not a plain Snowflake identifier ({PLAIN_IDENTIFIER_RULE})"


def ident(name: str) -> str:
    """An unquoted, upper-case Snowflake identifier.

    This is how every name reaches SQL: anything that would need quoting (or would end the identifier
    early: quotes, ``;``, comments, spaces, line breaks, non-ASCII letters, keywords) raises
    UnsafeNameError instead of being written.
    """
    if not is_plain_identifier(name):
        raise UnsafeNameError(not_plain_message(name), hint="names in SQL must be plain identifiers")
    return name.upper()


def fqn(database: str, schema: str, name: str) -> str:
    """DATABASE.SCHEMA.NAME, upper-case."""
    return ".".join(ident(part) for part in (database, schema, name))


def schema_fqn(database: str, schema: str) -> str:
    """DATABASE.SCHEMA, upper-case."""
    return f"{ident(database)}.{ident(schema)}"


def split_fqn(qualified: str) -> tuple[str, str, str]:
    """The three plain parts of DATABASE.SCHEMA.NAME (UnsafeNameError for anything else)."""
    parts = qualified.split(".")
    if len(parts) != 3:
        raise UnsafeNameError(f"{qualified!r} is not DATABASE.SCHEMA.NAME")
    database, schema, name = (ident(part) for part in parts)
    return database, schema, name


def column_list(columns: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{ident(c)}" for c in columns)


# -- sqlglot expression builders: statements assembled from column lists are built as trees and
# rendered once, in Snowflake's dialect, instead of being glued together from strings.
def identifier(name: str) -> exp.Identifier:
    """A plain, upper-case identifier node (checked by :func:`ident`, never quoted)."""
    return exp.to_identifier(ident(name), quoted=False)


def _as_written(name: str) -> exp.Identifier:
    """An alias or qualifier kept as written (``t``, ``s``), checked like every name."""
    ident(name)
    return exp.to_identifier(name, quoted=False)


def column_ref(name: str, table: str | None = None) -> exp.Column:
    """``NAME`` or ``table.NAME``; ``table`` may be an alias or a 1-3 part table name."""
    if table is None:
        return exp.Column(this=identifier(name))
    qualifiers = table.split(".")
    if len(qualifiers) > 3:
        raise UnsafeNameError(f"{table!r} has more than three parts")
    parts = dict(
        zip(("table", "db", "catalog"), (_as_written(p) for p in reversed(qualifiers)), strict=False)
    )
    return exp.Column(this=identifier(name), **parts)


def columns_ref(names: Iterable[str], table: str | None = None) -> list[exp.Column]:
    return [column_ref(name, table) for name in names]


def table_ref(name: str, alias: str | None = None) -> exp.Table:
    """A 1-3 part table name (each part checked by :func:`ident`), optionally with an alias."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 3:
        raise UnsafeNameError(f"{name!r} is not [DATABASE.][SCHEMA.]NAME")
    names = dict(zip(("this", "db", "catalog"), (identifier(p) for p in reversed(parts)), strict=False))
    table = exp.Table(**names)
    if alias is not None:
        table.set("alias", exp.TableAlias(this=_as_written(alias)))
    return table


def key_matches(keys: Iterable[str], left: str, right: str) -> list[exp.Expr]:
    """``left.K = right.K`` for each key, to be and-ed with other conditions on one level."""
    return [column_ref(k, left).eq(column_ref(k, right)) for k in keys]


def pairs_equal(keys: Iterable[str], left: str, right: str) -> exp.Expr:
    """``left.K1 = right.K1 AND left.K2 = right.K2 ...``"""
    return exp.and_(*key_matches(keys, left, right))


def pairs_not_distinct(keys: Iterable[str], left: str, right: str) -> exp.Expr:
    """``left.K1 IS NOT DISTINCT FROM right.K1 AND ...``: key equality where NULL matches NULL."""
    return exp.and_(
        *(exp.NullSafeEQ(this=column_ref(k, left), expression=column_ref(k, right)) for k in keys)
    )


def insert_rows_sql(target: str, source: str, columns: list[str]) -> str:
    """INSERT INTO ``target`` (columns) the ``columns`` of every row of the table ``source``."""
    select = exp.select(*columns_ref(columns)).from_(table_ref(source))
    into = exp.Schema(this=table_ref(target), expressions=columns_ref(columns))
    return render(exp.Insert(this=into, expression=select))


def render(expression: exp.Expr) -> str:
    """The Snowflake SQL text of a built expression."""
    return expression.sql(dialect="snowflake")


def dataframe_sql(df: DataFrame) -> tuple[list[str], str]:
    """Split a Snowpark DataFrame's SQL into (statements to run first, the final SELECT).

    A DataFrame made from local data carries a temp-table upload before its SELECT; one made from
    tables is a single SELECT.
    """
    queries = df.queries["queries"]
    return list(queries[:-1]), queries[-1]


def referenced_tables(sql: str) -> set[str]:
    """Upper-case names of every table or view a query reads, as written (1, 2 or 3 parts)."""
    tree = sqlglot.parse_one(sql, read="snowflake")
    ctes = {cte.alias_or_name.upper() for cte in tree.find_all(exp.CTE)}
    names = set()
    for table in tree.find_all(exp.Table):
        if not table.name or isinstance(table.this, exp.Func):
            continue  # table functions such as FLATTEN(...)
        parts = [p for p in (table.catalog, table.db, table.name) if p]
        name = ".".join(parts).upper()
        if len(parts) == 1 and name in ctes:
            continue
        names.add(name)
    return names


def timestamp_literal(moment: datetime) -> str:
    """A TIMESTAMP_NTZ literal holding the UTC wall-clock time of ``moment`` (naive means UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return f"CAST('{moment.strftime('%Y-%m-%d %H:%M:%S.%f')}' AS TIMESTAMP_NTZ)"


def parse_snowflake(sql: str) -> exp.Expr:
    """Parse a statement as Snowflake SQL, raising sqlglot.ParseError when it is not."""
    return sqlglot.parse_one(sql, read="snowflake", error_level=sqlglot.ErrorLevel.RAISE)


def literal(value: object) -> str:
    """A Snowflake SQL literal for a Python scalar (None, bool, int, float, str, datetime)."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return timestamp_literal(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace("'", "''")
    return f"'{text}'"
