"""The embedded engine: Snowpark on fakesnow (DuckDB), persisted under the state directory."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt.config import Profile
from netflix_elt.contracts import Contract
from netflix_elt.engine import fakesnow_compat, translation
from netflix_elt.engine.base import Column, CsvFile, CsvLanding, Engine, result_columns
from netflix_elt.errors import ConfigError
from netflix_elt.sql import column_list, split_fqn

if TYPE_CHECKING:
    import pyarrow as pa
    from snowflake.snowpark import Session


# DuckDB's CSV reader needs a NULL marker; this one never occurs, so no field becomes NULL (NULL_IF = ()).
_NO_NULL_MARKER = "__netflix_elt_no_null_marker__"
_MAX_LINE_BYTES = 64 << 20
# DuckDB's reader otherwise buffers 16 x max_line_size at once (capped at the file's size): a 700 MB
# ratings.csv was one 673 MiB allocation, which fails below that memory_limit; it must hold a line.
_BUFFER_BYTES = 2 * _MAX_LINE_BYTES
# DuckDB splits a file between its threads by buffer: a file under one 128 MB buffer whose longest
# line is known to be short is read in 16 MB buffers (a 43 MB tags.csv in 0.46 s on two threads, 0.80 s
# in one buffer). Larger files keep 128 MB buffers: each buffer's rows wait in memory to be inserted in
# order (16 MB buffers for ratings.csv at 25M: 2.1 GB and spilling, 18.6 s instead of 12.4 s).
# Both sizes are powers of two: DuckDB 2.0.1's parallel reader refused files read in buffers of other
# sizes ("does not support a full read on this file", duckdb/duckdb#24237; a 4.7 MB file failed with
# every one of 21 sizes between 272,117 and 690,983 bytes and read with 256 KB to 4 MB). A file it
# refuses all the same is read again by one thread (``refused_parallel_read``).
_SMALL_BUFFER_BYTES = 16 << 20
# A relation's columns in DuckDB's catalog, with the length fakesnow keeps of a VARCHAR(n).
_COLUMNS_SQL = (
    "SELECT c.column_name, c.data_type, c.is_nullable, x.ext_character_maximum_length "
    "FROM duckdb_columns() c LEFT JOIN _fs_global._fs_information_schema._fs_columns_ext x "
    "ON x.ext_table_catalog = c.database_name AND x.ext_table_schema = c.schema_name "
    "AND x.ext_table_name = c.table_name AND x.ext_column_name = c.column_name "
    "WHERE c.database_name = ? AND c.schema_name = ? AND c.table_name = ? ORDER BY c.column_index"
)
# A relation's kind in DuckDB's catalog (fakesnow's own tables are not relations of the warehouse).
_OBJECT_TYPE_SQL = (
    "SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ? "
    "UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE database_name = ? AND schema_name = ? "
    "AND view_name = ? AND NOT internal"
)
# DuckDB's type -> Snowflake's, as fakesnow's DESCRIBE TABLE writes them (DECIMAL and VARCHAR below).
_SNOWFLAKE_TYPES = {
    "BIGINT": "NUMBER(38,0)",
    "DOUBLE": "FLOAT",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ(9)",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_TZ(9)",
    "TIME": "TIME(9)",
    "BLOB": "BINARY(8388608)",
    "JSON": "VARIANT",
}
_ARROW_BATCH_ROWS = 100_000


class LocalEngine(Engine):
    """Runs the same Snowpark code as Snowflake, on DuckDB files in ``<state_dir>/warehouse``."""

    kind = "local"
    # DuckDB rewrites every row group an UPDATE touched when it checkpoints, which happens as that
    # transaction commits: 20,000 scattered rows of a 25M-row table cost 0.58 s to commit, against
    # 0.03 s (and a 0.1 s checkpoint) when they are deleted and inserted again.
    replaces_rows_by_delete_insert = True

    def __init__(self, profile: Profile, state_dir: Path) -> None:
        super().__init__(profile, state_dir)
        self.db_path = state_dir / "warehouse"
        self._instance: Any = None
        self._instance_lock = threading.Lock()

    def _create_session(self) -> Session:
        from snowflake.snowpark import Session

        try:
            with self._instance_lock:
                if self._instance is None:
                    self._instance = fakesnow_compat.acquire(self.db_path, self.profile.local.memory_limit)
            connection = fakesnow_compat.connect(self._instance, self.database, self.profile.schemas.raw)
        except Exception as exc:  # DuckDB refuses a file another process holds open
            if "lock" in str(exc).lower():
                raise ConfigError(
                    f"the local warehouse in {self.db_path} is in use by another process",
                    hint="wait for the other netflix-elt command to finish, or pass another --state-dir",
                ) from None
            raise
        session: Session = Session.builder.configs({"connection": connection}).create()
        return session

    def _interrupt(self, session: Session) -> None:
        # DuckDB's interrupt of the statement running on the Session's connection (ignored when idle).
        fakesnow_compat.duckdb_connection(session).interrupt()

    def error_hint(self, exc: BaseException) -> str | None:
        if "Out of Memory" not in str(exc):
            return None
        limit = self.profile.local.memory_limit
        return (
            f"the embedded engine holds at most {limit} in memory: raise memory_limit in the profile's "
            f"[local] table, or free disk space under {self.db_path}.tmp where it spills"
        )

    @property
    def warehouse_key(self) -> str:
        return str((self.state_dir / "warehouse").resolve())

    def close(self) -> None:
        super().close()
        with self._instance_lock:
            acquired, self._instance = self._instance, None
        if acquired is not None:
            fakesnow_compat.release(self.db_path)

    def query_columns(self, select_sql: str) -> list[Column]:
        """DuckDB binds fakesnow's translation of the query, which this thread keeps for a
        :meth:`create_table_as` of the same query: a contracted build translates its model's SELECT once.
        The columns are the ones fakesnow's DESCRIBE gives; a query that does not bind is described by
        fakesnow (its error is the one to show)."""
        from fakesnow.rowtype import describe_as_result_metadata

        self._local.translated = None
        translated = translation.translate_query(self.session().connection.cursor(), select_sql)
        if translated is None:
            return super().query_columns(select_sql)
        try:
            relation = self._duckdb().sql(translated)
        except Exception:
            return super().query_columns(select_sql)
        described = [
            (name, str(kind), "YES", None, None, None)
            for name, kind in zip(relation.columns, relation.types, strict=True)
        ]
        self._local.translated = (select_sql, translated)
        return result_columns(describe_as_result_metadata(described))

    def create_table_as(self, qualified: str, select_sql: str, contract: Contract | None = None) -> None:
        if contract is None:
            super().create_table_as(qualified, select_sql)
            return
        # fakesnow 0.12.1 runs a CTAS with a column list by casting the SELECT and drops the NOT NULL
        # constraints, so a NULL would pass silently. Creating the table from the contract, then
        # inserting, keeps them: DuckDB casts on INSERT as Snowflake's CTAS does, and refuses the NULL.
        self.execute(f"CREATE OR REPLACE TABLE {qualified} ({contract.column_definitions()})")
        names = column_list(contract.names)

        def insert(select: str) -> str:
            return f"INSERT INTO {qualified} ({names}) SELECT {names} FROM ({select})"

        translated, self._local.translated = getattr(self._local, "translated", None), None
        if translated is None or translated[0] != select_sql:
            self.execute(insert(select_sql))
            return
        self._run_translated(insert(select_sql), insert(translated[1]))

    def _run_translated(self, sql: str, translated: str) -> None:
        """Run ``translated``, fakesnow's reviewed translation of ``sql``, on the Session's DuckDB
        connection, as :meth:`execute` runs ``sql``: recorded, cancellable, refused alike."""
        with self.running(sql) as session:
            try:
                fakesnow_compat.duckdb_connection(session).execute(translated)
            except Exception as exc:
                refusal = translation.refusal_for(exc, sql)
                if refusal is None:
                    raise
                raise refusal from None

    def publish_table(self, building: str, qualified: str) -> None:
        # DuckDB has no SWAP WITH; DROP + RENAME inside one transaction is just as atomic there.
        previous = self.object_type(qualified)
        _, _, name = split_fqn(qualified)
        with self.transaction():
            if previous is not None:
                self.execute(f"DROP {previous} {qualified}")
            self.execute(f"ALTER TABLE {building} RENAME TO {name}")

    def _duckdb(self) -> Any:
        """This thread's Session's DuckDB connection: it sees the open transaction's tables and rows."""
        return fakesnow_compat.duckdb_connection(self.session())

    def object_type(self, qualified: str) -> str | None:
        """'TABLE', 'VIEW' or None, from DuckDB's catalog (fakesnow's SHOW OBJECTS takes 5 ms)."""
        database, schema, name = split_fqn(qualified)
        found = self._duckdb().execute(_OBJECT_TYPE_SQL, [database, schema, name] * 2).fetchall()
        return str(found[0][0]) if found else None

    def columns(self, qualified: str) -> list[Column]:
        """DuckDB's catalog, read directly (about 1 ms; fakesnow's DESCRIBE TABLE goes through its
        information_schema view and takes 9), with each type spelled as that DESCRIBE spells it. A
        relation holding a type this does not know, or none (it does not exist), is described by
        fakesnow, as on the base engine."""
        database, schema, name = split_fqn(qualified)
        rows = self._duckdb().execute(_COLUMNS_SQL, [database, schema, name]).fetchall()
        types = [_snowflake_type(kind, length) for _, kind, _, length in rows]
        if not rows or None in types:
            return super().columns(qualified)
        return [
            Column(row[0].upper(), str(kind), bool(row[2])) for row, kind in zip(rows, types, strict=True)
        ]

    def fetch_arrow(self, sql: str) -> Iterator[pa.Table]:
        """fakesnow's cursor holds no Arrow batches, so DuckDB streams the rows itself, on a connection of
        its own. ``sql`` must mean the same in both dialects: the callers' plain projection of
        qualified columns from a qualified table does."""
        import pyarrow as pa

        connection = self._duckdb().cursor()
        try:
            reader = connection.sql(sql).to_arrow_reader(_ARROW_BATCH_ROWS)
            for batch in reader:
                yield pa.Table.from_batches([batch])
        finally:
            connection.close()

    def row_hash_sum(self, qualified: str, columns: Sequence[str], where: str) -> int | None:
        """DuckDB's own hash: Snowflake's HASH has no equivalent here (the translation refuses it, see
        engine/drift.py), and these checksums are only compared with each other. Run on the Session's
        DuckDB connection, so it sees the rows of the open transaction; ``where`` is plain SQL that
        both dialects read alike (the loader's equality tests on identifiers and quoted names)."""
        sql = f"SELECT SUM(CAST(hash({', '.join(columns)}) AS HUGEINT)) FROM {qualified} WHERE {where}"
        value = self._duckdb().execute(sql).fetchone()[0]
        return None if value is None else int(value)

    def create_scratch_table(self, schema: str, hint: str, select_sql: str) -> str:
        # DuckDB keeps temporary tables in their own catalog, which a qualified Snowflake name cannot
        # reach; a regular table that the caller drops serves the same purpose.
        qualified = self.fqn(schema, self.scratch_name(hint))
        self.execute(f"CREATE TABLE {qualified} AS {select_sql}")
        return qualified

    def land_csv_file(self, file: CsvFile) -> CsvLanding:
        """A view that reads the file in place each time it is queried: nothing is copied.

        The loader reads the landing once for the good records and, only when some record is not
        good, once more for the rejects; DuckDB's reader is parallel unless a quoted field holds a
        line break (it cannot split such a file). Numbering the records (``WITH ORDINALITY``) makes
        the read single-threaded, so when the caller allows it (``file.numbered`` False) and the file
        is large enough for that to matter, the view has no numbers and no header: the rows an INSERT
        takes from it keep the file's order (DuckDB preserves insertion order), and
        ``number_inserted_rows`` numbers them afterwards. The view is DuckDB SQL on the Session's own
        DuckDB connection (it is not Snowflake SQL and is not recorded); the SQL that reads it is.
        """
        qualified = self.fqn(file.schema, self.scratch_name(file.hint))
        path = str(file.path.resolve()).replace("'", "''")
        size = file.path.stat().st_size
        line, buffer = _reader_sizes(file, size)
        parallel = file.parallel and not file.multiline
        # a file within one buffer is read by one thread: numbering it costs nothing
        numbered = file.numbered or not parallel or size <= buffer
        source = _read_csv_sql(
            f"'{path}'", file.columns, parallel=parallel, numbered=numbered, sizes=(line, buffer)
        )
        fields = "ordinality, * EXCLUDE (ordinality)" if numbered else "CAST(NULL AS BIGINT), *"
        self._duckdb().execute(
            f"CREATE VIEW {qualified} ({', '.join(file.columns)}) AS SELECT {fields} FROM {source}"
        )
        return CsvLanding(qualified, None, is_view=True, numbered=numbered)

    def refused_parallel_read(self, exc: BaseException) -> bool:
        """DuckDB's parallel CSV reader gives up on some files (duckdb/duckdb#24237) and says to read them
        with ``parallel = false``."""
        return "Parallel CSV Reader currently does not support a full read" in str(exc)

    def number_inserted_rows(self, table: str, column: str, where: str, first: int) -> None:
        """DuckDB's ``rowid`` of rows inserted in the open transaction runs contiguously in insertion
        order, so the numbers are an offset from the smallest (DuckDB SQL on the Session's connection,
        inside its transaction; ``where`` is plain SQL both dialects read alike)."""
        self._duckdb().execute(
            f"UPDATE {table} SET {column} = rowid - (SELECT MIN(rowid) FROM {table} WHERE {where}) + {first} "
            f"WHERE {where}"
        )

    def copy_csv_file(
        self,
        local_file: Path,
        *,
        stage: str,
        stage_path: str,
        file_format: str,
        landing: str,
        columns: Sequence[str],
    ) -> int:
        """DuckDB reads the file in place, with the rules of ``Engine.copy_csv_file`` (``stage`` and
        ``file_format`` are not used: there is no remote storage to PUT to).

        fakesnow 0.12.1's COPY INTO cannot do this: it has no COPY transformations or METADATA$
        columns, accepts only ON_ERROR = ABORT_STATEMENT, and lets DuckDB sniff column types (imdbId
        0114709 would land as 114709). The statement is DuckDB SQL on the Session's own DuckDB
        connection, so it is not Snowflake SQL and is not recorded.
        """
        sql = (
            f"INSERT INTO {landing} ({', '.join(columns)}) SELECT ordinality, * EXCLUDE (ordinality) "
            f"FROM {_read_csv_sql('?', columns, parallel=False, numbered=True, sizes=(_MAX_LINE_BYTES, _BUFFER_BYTES))}"
        )
        rows = self._duckdb().execute(sql, [str(local_file)]).fetchall()
        return int(rows[0][0])


def _reader_sizes(file: CsvFile, size: int) -> tuple[int, int]:
    """DuckDB's ``max_line_size`` and ``buffer_size`` for ``file`` of ``size`` bytes: small buffers for
    a file under one large buffer whose longest line is known and short (no quoted line breaks), so
    that several threads share its read; else room for lines of up to 64 MiB."""
    short = (
        not file.multiline and file.longest_line is not None and 4 * file.longest_line <= _SMALL_BUFFER_BYTES
    )
    if short and size < _BUFFER_BYTES:
        return _SMALL_BUFFER_BYTES // 2, _SMALL_BUFFER_BYTES
    return _MAX_LINE_BYTES, _BUFFER_BYTES


def _read_csv_sql(
    path_sql: str, columns: Sequence[str], *, parallel: bool, numbered: bool, sizes: tuple[int, int]
) -> str:
    """DuckDB's reader over a CSV file with the landing rules of ``Engine.copy_csv_file``.

    Every field is VARCHAR (no sniffing), an empty field stays '' (the NULL marker never occurs) and
    missing fields are NULL (``null_padding``). ``numbered``: every record, the header included, with
    ``WITH ORDINALITY`` numbering records in file order; otherwise the data records without numbers
    (the header line skipped). ``sizes``: ``max_line_size`` and ``buffer_size``.
    """
    fields = ", ".join(f"'{name}': 'VARCHAR'" for name in columns[1:])
    line, buffer = sizes
    return (
        f"read_csv({path_sql}, columns = {{{fields}}}, header = false, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', strict_mode = false, null_padding = true, "
        f"parallel = {'true' if parallel else 'false'}, nullstr = '{_NO_NULL_MARKER}', "
        f"max_line_size = {line}, buffer_size = {buffer}, encoding = 'utf-8'"
        + (") WITH ORDINALITY" if numbered else ", skip = 1)")
    )


def _snowflake_type(duckdb_type: str, varchar_length: int | None) -> str | None:
    """How fakesnow's DESCRIBE TABLE spells a DuckDB column type (None: a type not mapped here)."""
    if duckdb_type == "VARCHAR":
        return f"VARCHAR({varchar_length or 16777216})"
    if duckdb_type.startswith("DECIMAL(") and duckdb_type.endswith(")"):
        return f"NUMBER{duckdb_type[len('DECIMAL') :]}"
    return _SNOWFLAKE_TYPES.get(duckdb_type)
