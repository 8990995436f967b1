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

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
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


def is_plain_identifier(name: str) -> bool:
    """True when ``name`` works unquoted: letters, digits, _ and $, no leading digit, not a reserved word."""
    return bool(_IDENTIFIER.match(name)) and name.upper() not in RESERVED_WORDS


def ident(name: str) -> str:
    """An unquoted, upper-case Snowflake identifier; refuses anything that would need quoting."""
    if not is_plain_identifier(name):
        raise ValueError(
            f"'{name}' is not a plain identifier "
            "(letters, digits, _ and $; no leading digit; not a reserved word)"
        )
    return name.upper()


def fqn(database: str, schema: str, name: str) -> str:
    """DATABASE.SCHEMA.NAME, upper-case."""
    return ".".join(ident(part) for part in (database, schema, name))


def split_fqn(qualified: str) -> tuple[str, str, str]:
    database, schema, name = qualified.split(".")
    return database, schema, name


def column_list(columns: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{ident(c)}" for c in columns)


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


def parse_snowflake(sql: str) -> exp.Expression:
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
