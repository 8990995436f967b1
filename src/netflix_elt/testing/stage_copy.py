"""COPY INTO <table> with a transformation SELECT, run by the wire server on the session's DuckDB.

What is reproduced (the form the loader sends, and the options it uses):

- https://docs.snowflake.com/en/user-guide/data-load-transform: ``COPY INTO t (c1, c2, ...) FROM
  (SELECT <item>, ... FROM @stage/path/ [alias])``; the items are loaded into the listed columns
  in order (all columns of the table when none are listed). An item is ``$n`` / ``alias.$n`` (the
  n-th field of the record; NULL when the record has fewer fields, fields beyond the last one
  selected are not read) or a metadata column.
- https://docs.snowflake.com/en/user-guide/querying-metadata: ``METADATA$FILE_ROW_NUMBER`` (the
  record's number in its file, from 1) and ``METADATA$FILENAME`` (the file's path in the stage).
- https://docs.snowflake.com/en/sql-reference/sql/copy-into-table: ``FILE_FORMAT = (FORMAT_NAME =
  'f' | inline options)``, ``ON_ERROR = ABORT_STATEMENT`` (the default: any error loads nothing),
  ``PURGE`` (remove the staged files once loaded), ``FORCE`` (load files whatever the load history
  says; without it a file already loaded into the table is skipped), ``FILES = (...)``. The result has
  one row per file loaded (file, status, rows_parsed, rows_loaded, error_limit, errors_seen,
  first_error, first_error_line, first_error_character, first_error_column_name), or the single
  status 'Copy executed with 0 files processed.'.
- https://docs.snowflake.com/en/sql-reference/sql/create-file-format (CSV): FIELD_DELIMITER,
  FIELD_OPTIONALLY_ENCLOSED_BY (a doubled enclosing character inside an enclosed field is one
  literal character; an enclosed field may span lines), SKIP_HEADER, SKIP_BLANK_LINES = TRUE (blank
  lines are neither loaded nor counted as records), EMPTY_FIELD_AS_NULL, NULL_IF,
  ESCAPE_UNENCLOSED_FIELD = NONE, TRIM_SPACE = FALSE, ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE,
  ENCODING = UTF8 (invalid UTF-8 is an error), COMPRESSION = AUTO | GZIP | NONE; a CRLF record
  delimiter is read as a newline.

Anything else (other options or values, transformation functions, PATTERN, VALIDATION_MODE) is
refused with a "not emulated" error instead of being loaded differently from Snowflake.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from dataclasses import dataclass
from typing import Any

import snowflake.connector.errors
from sqlglot import exp

from netflix_elt.testing.rewrites import WireSession, not_emulated, qualified_parts, quoted, table_exists

# DuckDB's reader needs a NULL marker; this one never occurs, so no field becomes NULL (NULL_IF = ()).
_NO_NULL_MARKER = "__wire_server_no_null_marker__"
_MAX_LINE_BYTES = 64 << 20
_RESULT_COLUMNS = (
    ("file", "VARCHAR"),
    ("status", "VARCHAR"),
    ("rows_parsed", "NUMBER"),
    ("rows_loaded", "NUMBER"),
    ("error_limit", "NUMBER"),
    ("errors_seen", "NUMBER"),
    ("first_error", "VARCHAR"),
    ("first_error_line", "NUMBER"),
    ("first_error_character", "NUMBER"),
    ("first_error_column_name", "VARCHAR"),
)
_ACCEPTED_FORMAT_OPTIONS: dict[str, set[object]] = {
    "TYPE": {"CSV"},
    "ESCAPE_UNENCLOSED_FIELD": {"NONE"},
    "ESCAPE": {"NONE"},
    "TRIM_SPACE": {False},
    "SKIP_BLANK_LINES": {True},
    "ERROR_ON_COLUMN_COUNT_MISMATCH": {False},
    "ENCODING": {"UTF8", "UTF-8"},
    "COMPRESSION": {"AUTO", "GZIP", "NONE"},
    "RECORD_DELIMITER": {"\\n", "\n"},
}
_FREE_FORMAT_OPTIONS = {
    "FIELD_DELIMITER",
    "FIELD_OPTIONALLY_ENCLOSED_BY",
    "SKIP_HEADER",
    "EMPTY_FIELD_AS_NULL",
    "NULL_IF",
    "COMMENT",
}


@dataclass(frozen=True)
class CsvFormat:
    """The CSV options that change what is read, as Snowflake names them."""

    delimiter: str = ","
    enclosed_by: str = ""
    skip_header: int = 0
    empty_field_as_null: bool = True
    null_if: tuple[str, ...] = ("\\N",)
    compression: str = "auto"


@dataclass(frozen=True)
class CopyOptions:
    csv: CsvFormat
    purge: bool = False
    force: bool = False
    files: tuple[str, ...] = ()


def copy_with_transformation(statement: exp.Copy, session: WireSession) -> str:
    """Load the staged files as Snowflake would and return the SELECT of COPY's result rows."""
    target, columns = _target(statement, session)
    select = statement.args["files"][0].this
    stage_var, alias = _stage_reference(select)
    options = _options(statement, session)
    items = [_item(expression, alias) for expression in select.expressions]
    if len(items) != len(columns):
        raise snowflake.connector.errors.ProgrammingError(
            msg=f"SQL compilation error:\nInsert value list does not match column list expecting {len(columns)} but got {len(items)}",
            errno=904,
            sqlstate="21S01",
        )
    files = _staged_files(stage_var, target, options, session)
    history = f"{quoted(target[0])}._fs_information_schema._fs_load_history"
    if not options.force:
        files = [f for f in files if not _loaded_before(session, history, f, target)]
    if not files:
        return "SELECT 'Copy executed with 0 files processed.' AS \"status\""
    loaded = _load(session, target, columns, items, files, options.csv)
    _record_history(session, history, target, loaded)
    if options.purge:
        for path, _ in loaded:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
    return _result_sql([(_file_name(path), count) for path, count in loaded])


# -- the statement ----------------------------------------------------------------------------------
def _target(statement: exp.Copy, session: WireSession) -> tuple[tuple[str, str, str], list[str]]:
    into = statement.this
    table = into.this if isinstance(into, exp.Schema) else into
    target = qualified_parts(table, session)
    if not table_exists(session, *target):
        from netflix_elt.testing.rewrites import does_not_exist

        raise does_not_exist("Table", ".".join(target))
    if isinstance(into, exp.Schema) and into.expressions:
        columns = [c.this if c.quoted else c.this.upper() for c in into.expressions]
    else:
        rows = session.duckdb.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index",
            list(target),
        ).fetchall()
        columns = [row[0] for row in rows]
    return target, columns


def _stage_reference(select: exp.Select) -> tuple[str, str | None]:
    source = select.args.get("from_")
    table = source.this if isinstance(source, exp.From) else None
    if not (
        isinstance(table, exp.Table) and isinstance(table.this, exp.Var) and table.this.name.startswith("@")
    ):
        raise not_emulated("COPY from anything but a stage reference")
    if select.args.get("where") or select.args.get("joins") or table.args.get("joins"):
        raise not_emulated("a COPY transformation with WHERE or JOIN")
    return table.this.name[1:], table.alias or None


def _item(expression: exp.Expr, alias: str | None) -> str:
    """One SELECT item as a column of the reading query: ``F<n>`` or a metadata column."""
    if isinstance(expression, exp.Column) and isinstance(expression.this, exp.Parameter):
        if expression.table and expression.table != alias:
            raise not_emulated(f"the field reference {expression.sql('snowflake')}")
        expression = expression.this
    if isinstance(expression, exp.Parameter) and isinstance(expression.this, exp.Literal):
        return f"F{int(expression.this.name)}"
    if isinstance(expression, exp.Column) and not expression.table:
        name = expression.name.upper()
        if name in ("METADATA$FILE_ROW_NUMBER", "METADATA$FILENAME"):
            return name
    raise not_emulated(f"the COPY transformation item {expression.sql('snowflake')}")


def _options(statement: exp.Copy, session: WireSession) -> CopyOptions:
    from fakesnow.transforms.file_format import lookup_file_format
    from fakesnow.transforms.options import parse_options

    csv: CsvFormat | None = None
    purge = force = False
    files: tuple[str, ...] = ()
    for param in statement.args.get("params") or []:
        name = param.this.name.upper()
        value = param.args.get("expression")
        if name == "FILE_FORMAT":
            settings = parse_options(param.expressions)
            if format_name := settings.pop("FORMAT_NAME", None):
                named = lookup_file_format(session.duckdb, str(format_name), session.database, session.schema)
                settings = {**named, **settings}
            csv = _csv_format(settings)
        elif name == "ON_ERROR":
            if not (isinstance(value, (exp.Var, exp.Literal)) and value.name.upper() == "ABORT_STATEMENT"):
                raise not_emulated(f"ON_ERROR = {value.sql('snowflake') if value else ''}")
        elif name in ("PURGE", "FORCE"):
            flag = isinstance(value, exp.Boolean) and bool(value.this)
            purge, force = (flag, force) if name == "PURGE" else (purge, flag)
        elif name == "FILES":
            files = tuple(literal.name for literal in param.find_all(exp.Literal))
        else:
            raise not_emulated(f"the COPY option {name}")
    if csv is None:
        raise not_emulated("COPY without FILE_FORMAT (the stage's own format is not tracked)")
    return CopyOptions(csv=csv, purge=purge, force=force, files=files)


def _csv_format(settings: dict[str, Any]) -> CsvFormat:
    for key, value in settings.items():
        normalised = value.upper() if isinstance(value, str) and key != "RECORD_DELIMITER" else value
        if key in _ACCEPTED_FORMAT_OPTIONS:
            if normalised not in _ACCEPTED_FORMAT_OPTIONS[key]:
                raise not_emulated(f"the file format option {key} = {value!r}")
        elif key not in _FREE_FORMAT_OPTIONS:
            raise not_emulated(f"the file format option {key}")
    if settings.get("SKIP_BLANK_LINES") is not True:
        raise not_emulated("SKIP_BLANK_LINES = FALSE (a blank line is an error on Snowflake)")
    enclosed = str(settings.get("FIELD_OPTIONALLY_ENCLOSED_BY", "NONE"))
    null_if = settings.get("NULL_IF", ["\\N"])
    return CsvFormat(
        delimiter=str(settings.get("FIELD_DELIMITER", ",")),
        enclosed_by="" if enclosed.upper() == "NONE" else enclosed,
        skip_header=int(settings.get("SKIP_HEADER", 0)),
        empty_field_as_null=bool(settings.get("EMPTY_FIELD_AS_NULL", True)),
        null_if=tuple(str(v) for v in (null_if if isinstance(null_if, list) else [null_if])),
        compression=str(settings.get("COMPRESSION", "AUTO")).lower(),
    )


# -- the files --------------------------------------------------------------------------------------
def _staged_files(
    stage_var: str, target: tuple[str, str, str], options: CopyOptions, session: WireSession
) -> list[str]:
    from fakesnow.copy_into import stage_url_from_var
    from fakesnow.transforms import stage

    url = stage_url_from_var(
        stage_var,
        session.duckdb,
        session.database,
        session.schema,
        session.connection.table_stages,
        exp.Table(
            this=exp.to_identifier(target[2]),
            db=exp.to_identifier(target[1]),
            catalog=exp.to_identifier(target[0]),
        ),
    )
    if not stage.is_internal(url):
        raise not_emulated("COPY from an external stage")
    files = sorted(row[0] for row in session.duckdb.execute(stage.internal_files_sql(url)).fetchall())
    if options.files:
        wanted = {f"{url.rstrip('/')}/{name}" for name in options.files}
        files = [f for f in files if f in wanted]
    return files


def _file_name(path: str) -> str:
    from fakesnow.transforms import stage

    return stage.internal_file_name(path)


def _loaded_before(session: WireSession, history: str, path: str, target: tuple[str, str, str]) -> bool:
    row = session.duckdb.execute(
        f"SELECT COUNT(*) FROM {history} WHERE FILE_NAME = ? AND SCHEMA_NAME = ? AND TABLE_NAME = ?",
        [path, target[1], target[2]],
    ).fetchone()
    return bool(row and row[0])


def _read_sql(csv: CsvFormat, fields: int) -> str:
    """DuckDB's read_csv of one file (parameter ?) with ``fields`` text columns F1..Fn, in file order."""
    columns = ", ".join(f"'F{i}': 'VARCHAR'" for i in range(1, fields + 1))
    if csv.empty_field_as_null or csv.null_if:
        nulls = [*([""] if csv.empty_field_as_null else []), *csv.null_if]
    else:
        nulls = [_NO_NULL_MARKER]
    null_list = ", ".join("'" + value.replace("'", "''") + "'" for value in nulls)
    quote = csv.enclosed_by.replace("'", "''")
    return (
        f"read_csv(?, columns = {{{columns}}}, header = false, auto_detect = false, "
        f"delim = '{csv.delimiter.replace(chr(39), chr(39) * 2)}', quote = '{quote}', escape = '{quote}', "
        f"skip = {csv.skip_header}, strict_mode = false, null_padding = true, parallel = false, "
        f"nullstr = [{null_list}], allow_quoted_nulls = false, max_line_size = {_MAX_LINE_BYTES}, "
        f"encoding = 'utf-8', compression = '{csv.compression}')"
    )


def _load(
    session: WireSession,
    target: tuple[str, str, str],
    columns: list[str],
    items: list[str],
    files: list[str],
    csv: CsvFormat,
) -> list[tuple[str, int]]:
    """Insert every file in one transaction (ON_ERROR = ABORT_STATEMENT); returns (file, rows) pairs."""
    import duckdb

    fields = max([int(item[1:]) for item in items if item.startswith("F")] or [1])
    duck = session.duckdb
    owns_transaction = True
    try:
        duck.begin()
    except duckdb.TransactionException:  # inside the client's explicit transaction
        owns_transaction = False
    loaded: list[tuple[str, int]] = []
    try:
        for path in files:
            selected = ", ".join(
                "row_number() OVER ()"
                if item == "METADATA$FILE_ROW_NUMBER"
                else "?"
                if item == "METADATA$FILENAME"
                else item
                for item in items
            )
            parameters = [_file_name(path)] * items.count("METADATA$FILENAME") + [path]
            sql = (
                f"INSERT INTO {quoted(*target)} ({', '.join(quoted(c) for c in columns)}) "
                f"SELECT {selected} FROM {_read_sql(csv, fields)}"
            )
            rows = duck.execute(sql, parameters).fetchall()
            loaded.append((path, int(rows[0][0])))
    except duckdb.Error as exc:
        if owns_transaction:
            duck.rollback()
        raise snowflake.connector.errors.ProgrammingError(
            msg=f"{str(exc).splitlines()[0]}\n  File '{_file_name(path)}'", errno=100069, sqlstate="22P02"
        ) from None
    if owns_transaction:
        duck.commit()
    return loaded


def _record_history(
    session: WireSession, history: str, target: tuple[str, str, str], loaded: list[tuple[str, int]]
) -> None:
    """A LOAD_HISTORY row per file (what FORCE = FALSE reads), in fakesnow's load-history table."""
    now = datetime.datetime.now(datetime.UTC).isoformat()
    session.duckdb.executemany(
        f"INSERT INTO {history} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (target[1], path, target[2], now, "LOADED", rows, rows, None, None, None, None, 0, 1)
            for path, rows in loaded
        ],
    )


def _result_sql(loaded: list[tuple[str, int]]) -> str:
    """COPY's result rows as a Snowflake SELECT (one per file)."""
    selects = []
    for name, rows in loaded:
        values = ["'" + name.replace("'", "''") + "'", "'LOADED'", str(rows), str(rows), "1", "0"]
        values += [f"CAST(NULL AS {kind})" for _, kind in _RESULT_COLUMNS[6:]]
        selects.append(
            "SELECT "
            + ", ".join(
                f'{value} AS "{column}"' for value, (column, _) in zip(values, _RESULT_COLUMNS, strict=True)
            )
        )
    return " UNION ALL ".join(selects)
