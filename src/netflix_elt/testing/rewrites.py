"""The statement rewrites of the wire server: documented Snowflake behaviour that fakesnow 0.12.1 lacks.

Every statement a client sends reaches :func:`rewrite` first. Each rewrite whose trigger pattern
matches the text gets the statement (its text and sqlglot parse in the Snowflake dialect)
and the client's session, and either returns None (not its statement) or the Snowflake SQL statement
fakesnow should run instead, whose result is the client's answer; the rewrites apply in list order,
each to the output of the one before. Where no SQL fakesnow runs can express the semantics, the rewrite does
the work itself on the session's DuckDB connection and returns a SELECT of the result Snowflake
would return. Each rewrite's docstring cites the Snowflake documentation it follows.

The list is :data:`REWRITES`; anything not listed reaches fakesnow untouched.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import snowflake.connector.errors
from sqlglot import exp
from sqlglot.errors import ParseError

if TYPE_CHECKING:
    from fakesnow.conn import FakeSnowflakeConnection

SUCCESS = "SELECT 'Statement executed successfully.' AS \"status\""


@dataclass
class WireSession:
    """One client session as the rewrites see it: fakesnow's connection plus what Snowflake keeps per session.

    ``connection`` is fakesnow's connection of the session's login token.
    """

    connection: FakeSnowflakeConnection
    temporary_tables: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def duckdb(self) -> Any:
        """The session's own DuckDB connection (fakesnow gives each login one)."""
        return self.connection._duck_conn

    @property
    def database(self) -> str | None:
        return self.connection.database

    @property
    def schema(self) -> str | None:
        return self.connection.schema

    def end(self) -> list[str]:
        """What Snowflake does when a session ends: drop its temporary tables. Returns the names of
        those that still existed (the client may have dropped them itself)."""
        registered, self.temporary_tables = self.temporary_tables, []
        dropped = []
        for parts in registered:
            with contextlib.suppress(Exception):  # a connection already closed has nothing to drop
                if table_exists(self, *parts):
                    self.duckdb.execute(f"DROP TABLE {quoted(*parts)}")
                    dropped.append(".".join(parts))
        return dropped


def not_emulated(what: str) -> snowflake.connector.errors.ProgrammingError:
    """The error a client gets for a Snowflake feature this server does not reproduce."""
    return snowflake.connector.errors.ProgrammingError(
        msg=f"wire server: {what} is not emulated (see netflix_elt/testing/rewrites.py)",
        errno=2,
        sqlstate="0A000",
    )


def does_not_exist(kind: str, name: str) -> snowflake.connector.errors.ProgrammingError:
    return snowflake.connector.errors.ProgrammingError(
        msg=f"SQL compilation error:\n{kind} '{name}' does not exist or not authorized.",
        errno=2003,
        sqlstate="42S02",
    )


@dataclass
class Statement:
    """One statement as the client sent it, parsed on demand."""

    sql: str
    _parsed: exp.Expr | None = field(default=None, repr=False)

    @property
    def parsed(self) -> exp.Expr | None:
        """The sqlglot parse (Snowflake dialect), or None when it does not parse (fakesnow reports it)."""
        if self._parsed is None:
            from fakesnow.dialect import parse_one

            with contextlib.suppress(ParseError):
                self._parsed = parse_one(self.sql)
        return self._parsed


@dataclass(frozen=True)
class Rewrite:
    """A named rewrite: ``apply(statement, session)`` runs only when ``trigger`` matches the text."""

    name: str
    trigger: re.Pattern[str]
    apply: Callable[[Statement, WireSession], str | None]


def rewrite(sql: str, session: WireSession) -> tuple[str, list[str]]:
    """The statement for fakesnow and the names of the rewrites applied (empty: sent as it came).

    Raises ``snowflake.connector.errors.ProgrammingError`` when a rewrite finds the statement invalid
    (as Snowflake would) or uses something it does not emulate.
    """
    applied: list[str] = []
    for candidate in REWRITES:
        if not candidate.trigger.search(sql):
            continue
        replacement = candidate.apply(Statement(sql), session)
        if replacement is not None:
            sql = replacement
            applied.append(candidate.name)
    return sql, applied


# -- names ----------------------------------------------------------------------------------------
def object_name(part: exp.Identifier | None) -> str | None:
    """An identifier as Snowflake resolves it: unquoted names are upper case."""
    if part is None:
        return None
    name: str = part.this
    return name if part.quoted else name.upper()


def qualified_parts(table: exp.Table, session: WireSession) -> tuple[str, str, str]:
    """(database, schema, name) of a table reference, defaulting to the session's current ones."""
    database = object_name(table.args.get("catalog")) or session.database
    schema = object_name(table.args.get("db")) or session.schema
    name = object_name(table.this)
    if not (database and schema and name):
        raise snowflake.connector.errors.ProgrammingError(
            msg=f"SQL compilation error:\nCannot resolve '{table.sql('snowflake')}': no current database or schema.",
            errno=90105,
            sqlstate="22000",
        )
    return database, schema, name


def quoted(*parts: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def table_exists(session: WireSession, database: str, schema: str, name: str) -> bool:
    row = session.duckdb.execute(
        "SELECT COUNT(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ?",
        [database, schema, name],
    ).fetchone()
    return bool(row and row[0])


# -- the rewrites ---------------------------------------------------------------------------------
def qualified_temporary_table(client: Statement, session: WireSession) -> str | None:
    """``CREATE [OR REPLACE] TEMPORARY TABLE db.schema.t ...``: a table of the session, dropped at its end.

    https://docs.snowflake.com/en/user-guide/tables-temp-transient#temporary-tables: a temporary table
    belongs to the database and schema it is created in, exists only within the session that created
    it, and is purged when the session ends. DuckDB keeps temporary tables in its separate ``temp``
    catalog, which a qualified name cannot reach ("TEMPORARY table names can *only* use the temp
    catalog"). So the table is created as a regular table under its qualified name and the server drops
    it when the session logs out (or when the server stops). Not reproduced: other sessions can see
    it, and a temporary table cannot shadow a permanent table of the same name here.
    """
    statement = client.parsed
    if not (isinstance(statement, exp.Create) and str(statement.args.get("kind", "")).upper() == "TABLE"):
        return None
    properties = statement.args.get("properties")
    temporary = [
        p for p in (properties.expressions if properties else []) if isinstance(p, exp.TemporaryProperty)
    ]
    table = statement.find(exp.Table)
    if not temporary or table is None or table.args.get("db") is None:
        return None  # fakesnow runs unqualified temporary tables in DuckDB's temp catalog itself
    parts = qualified_parts(table, session)
    if not table_exists(session, *parts):
        session.temporary_tables.append(parts)
    elif parts not in session.temporary_tables:  # OR REPLACE of the session's own one is fine
        raise not_emulated(f"a temporary table shadowing the permanent table {'.'.join(parts)}")
    for prop in temporary:
        prop.pop()
    if properties is not None and not properties.expressions:
        properties.pop()
    return statement.sql(dialect="snowflake")


def ctas_with_not_null_columns(client: Statement, session: WireSession) -> str | None:
    """``CREATE [OR REPLACE] TABLE t (c TYPE NOT NULL, ...) AS SELECT ...``: the NOT NULL constraints hold.

    https://docs.snowflake.com/en/sql-reference/sql/create-table (CREATE TABLE ... AS SELECT): with
    column definitions, the SELECT's columns fill them by position, cast to the declared types, and
    the table has the declared constraints, so a NULL for a NOT NULL column fails the statement, which
    then creates nothing (an OR REPLACE keeps the old table). fakesnow 0.12.1 casts the SELECT but
    drops the NOT NULL constraints. Run here as: the old table parked under another name, fakesnow's
    CTAS, then DuckDB's ``SET NOT NULL`` per column (which checks the rows); on failure the new table
    is dropped and the old one restored. Not reproduced: other sessions can see the table missing
    for that moment.
    """
    statement = client.parsed
    if not (
        isinstance(statement, exp.Create)
        and str(statement.args.get("kind", "")).upper() == "TABLE"
        and isinstance(statement.this, exp.Schema)
        and isinstance(statement.expression, exp.Query)
    ):
        return None
    not_null = [
        object_name(c.this)
        for c in statement.this.expressions
        if isinstance(c, exp.ColumnDef) and c.find(exp.NotNullColumnConstraint)
    ]
    if not not_null:
        return None
    parts = qualified_parts(statement.this.this, session)
    exists = table_exists(session, *parts)
    if exists and statement.args.get("exists"):
        return f"SELECT '{parts[2]} already exists, statement succeeded.' AS \"status\""
    parked = (
        f"{parts[2]}__WIRE_CTAS_{uuid.uuid4().hex[:8].upper()}"
        if exists and statement.args.get("replace")
        else None
    )
    duck = session.duckdb
    if parked:
        duck.execute(f"ALTER TABLE {quoted(*parts)} RENAME TO {quoted(parked)}")
    try:
        session.connection.cursor().execute(client.sql)
        for column in not_null:
            duck.execute(f"ALTER TABLE {quoted(*parts)} ALTER COLUMN {quoted(str(column))} SET NOT NULL")
    except BaseException as exc:
        if parked or not exists:
            with contextlib.suppress(Exception):
                duck.execute(f"DROP TABLE IF EXISTS {quoted(*parts)}")
        if parked:
            duck.execute(f"ALTER TABLE {quoted(*parts[:2], parked)} RENAME TO {quoted(parts[2])}")
        if type(exc).__name__ == "ConstraintException":
            raise snowflake.connector.errors.ProgrammingError(
                msg="NULL result in a non-nullable column", errno=100072, sqlstate="22000"
            ) from None
        raise
    if parked:
        duck.execute(f"DROP TABLE {quoted(*parts[:2], parked)}")
    return f"SELECT 'Table {parts[2]} successfully created.' AS \"status\""


def alter_table_swap_with(client: Statement, session: WireSession) -> str | None:
    """``ALTER TABLE a SWAP WITH b``: the two tables exchange names in one transaction.

    https://docs.snowflake.com/en/sql-reference/sql/alter-table: "Swaps all content and metadata
    between two specified tables ... The two tables are essentially renamed in a single transaction."
    Like every DDL statement it first commits the session's open transaction
    (https://docs.snowflake.com/en/sql-reference/transactions#ddl). Run here as three renames inside
    one DuckDB transaction on the session's connection; both tables must exist (else Snowflake's
    "does not exist" error). Swapping across schemas is not emulated (DuckDB renames within a schema).
    """
    statement = client.parsed
    if not isinstance(statement, exp.Alter) or not any(
        isinstance(action, exp.SwapTable) for action in statement.args.get("actions") or []
    ):
        return None
    swap = next(a for a in statement.args["actions"] if isinstance(a, exp.SwapTable))
    first = qualified_parts(statement.this, session)
    second = qualified_parts(swap.this, session)
    if first[:2] != second[:2]:
        raise not_emulated("SWAP WITH a table of another schema")
    for database, schema, name in (first, second):
        if not table_exists(session, database, schema, name):
            raise does_not_exist("Table", f"{database}.{schema}.{name}")
    duck = session.duckdb
    commit_open_transaction(duck)
    parking = f"{first[2]}__WIRE_SWAP_{uuid.uuid4().hex[:8].upper()}"
    duck.begin()
    try:
        duck.execute(f"ALTER TABLE {quoted(*first)} RENAME TO {quoted(parking)}")
        duck.execute(f"ALTER TABLE {quoted(*second)} RENAME TO {quoted(first[2])}")
        duck.execute(f"ALTER TABLE {quoted(*first[:2], parking)} RENAME TO {quoted(second[2])}")
    except BaseException:
        duck.rollback()
        raise
    duck.commit()
    return SUCCESS


def commit_open_transaction(duck: Any) -> None:
    """Commit the connection's open transaction, if there is one (what Snowflake DDL does first)."""
    import duckdb

    with contextlib.suppress(duckdb.TransactionException):
        duck.commit()


def cancel_all_queries(client: Statement, session: WireSession) -> str | None:
    """``SELECT SYSTEM$CANCEL_ALL_QUERIES(session_id)``: cancel the session's running queries.

    https://docs.snowflake.com/en/sql-reference/functions/system_cancel_all_queries returns a string
    'N cancelled.'. Snowpark's ``Session.close()`` sends it before logging out. fakesnow answers each
    statement of a session before the client can send the next one, so a session that is closing has
    nothing running: the answer is '0 cancelled.'.
    """
    statement = client.parsed
    if not isinstance(statement, exp.Select) or len(statement.expressions) != 1:
        return None
    call = statement.expressions[0]
    if not (isinstance(call, exp.Anonymous) and str(call.this).upper() == "SYSTEM$CANCEL_ALL_QUERIES"):
        return None
    label = call.sql(dialect="snowflake").replace('"', '""')
    return f"SELECT '0 cancelled.' AS \"{label}\""


def copy_into_with_transformation(client: Statement, session: WireSession) -> str | None:
    """``COPY INTO t (cols) FROM (SELECT METADATA$FILE_ROW_NUMBER, $1, ... FROM @stage/path/) ...``.

    See :mod:`netflix_elt.testing.stage_copy` for the semantics reproduced and the documentation.
    """
    statement = client.parsed
    if not isinstance(statement, exp.Copy):
        return None
    source = (statement.args.get("files") or [None])[0]
    if not isinstance(source, exp.Subquery):
        return None  # a plain COPY is fakesnow's own
    from netflix_elt.testing.stage_copy import copy_with_transformation

    return copy_with_transformation(statement, session)


# HASH's arguments: DuckDB macros cannot be variadic, so one overload per argument count.
HASH_MACRO = "_NETFLIX_ELT_WIRE_HASH"
_HASH_ARITY = 16


def hash_macro_sql(catalog: str) -> str:
    """``CREATE MACRO`` of the function :func:`hash_function` calls, for one database (see the server)."""
    overloads = []
    for arity in range(1, _HASH_ARITY + 1):
        names = ", ".join(f"a{i}" for i in range(arity))
        overloads.append(f"({names}) AS hash({names})")
    return f"CREATE OR REPLACE MACRO {catalog}.main.{HASH_MACRO.lower()}{', '.join(overloads)};\n"


_macros_installed = False


def install_macros() -> None:
    """Have fakesnow create the rewrites' DuckDB macros in every database it creates or attaches, as it
    does its own (once per process; before the first database)."""
    global _macros_installed
    import fakesnow.macros

    if _macros_installed:
        return
    creation_sql = fakesnow.macros.creation_sql
    fakesnow.macros.creation_sql = lambda catalog: creation_sql(catalog) + hash_macro_sql(catalog)
    _macros_installed = True


def hash_function(client: Statement, session: WireSession) -> str | None:
    """``HASH(expr, ...)``: a signed 64-bit hash of the arguments.

    https://docs.snowflake.com/en/sql-reference/functions/hash says the values are Snowflake's own and not
    a cryptographic hash; callers may only compare them with other HASH values of the same warehouse
    (the loader sums them into a file's content identity). The embedded engine refuses HASH rather than
    answer other numbers; this server gives DuckDB's 64-bit hash, which is as stable and as private.
    ``HASH(*)`` and more than 16 arguments are not emulated.
    """
    statement = client.parsed
    if statement is None:
        return None
    calls = [n for n in statement.find_all(exp.Anonymous) if str(n.this).upper() == "HASH"]
    if not calls:
        return None
    for call in calls:
        if not 0 < len(call.expressions) <= _HASH_ARITY or any(
            isinstance(a, exp.Star) for a in call.expressions
        ):
            raise not_emulated("HASH(*) or HASH of more than 16 arguments")
        call.set("this", HASH_MACRO)
    return statement.sql(dialect="snowflake")


def _rule(name: str, pattern: str, apply: Callable[[Statement, WireSession], str | None]) -> Rewrite:
    return Rewrite(name, re.compile(pattern, re.IGNORECASE), apply)


REWRITES: tuple[Rewrite, ...] = (
    _rule("qualified_temporary_table", r"\bTEMP(ORARY)?\b", qualified_temporary_table),
    _rule("ctas_with_not_null_columns", r"\bNOT\s+NULL\b", ctas_with_not_null_columns),
    _rule("alter_table_swap_with", r"\bSWAP\s+WITH\b", alter_table_swap_with),
    _rule("copy_into_with_transformation", r"^\s*COPY\s+INTO\b", copy_into_with_transformation),
    _rule("cancel_all_queries", r"SYSTEM\$CANCEL_ALL_QUERIES", cancel_all_queries),
    _rule("hash_function", r"\bHASH\s*\(", hash_function),
)
