"""The engine contract: a Snowpark Session per thread plus the few statements that differ per engine.

Model and kind code talk to an ``Engine`` only. Everything is Snowflake SQL; where the embedded
engine cannot run a statement Snowflake documents (``ALTER TABLE ... SWAP WITH``, qualified temporary
tables), the subclass swaps in an equivalent route.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from netflix_elt.config import Profile
from netflix_elt.contracts import Contract
from netflix_elt.engine import worktables
from netflix_elt.engine.cancellation import Cancellation
from netflix_elt.sql import column_list, ident, literal, schema_fqn, split_fqn
from netflix_elt.sql import fqn as make_fqn

if TYPE_CHECKING:
    import pyarrow as pa
    from snowflake.snowpark import Row, Session


# Result-metadata type names (snowflake.connector.constants) that Snowflake spells differently in DDL.
_RESULT_TYPES = {"REAL": "FLOAT", "TEXT": "VARCHAR"}


@dataclass(frozen=True)
class CsvFile:
    """A local CSV file to land, and where: see ``Engine.land_csv_file``.

    ``empty_select_sql`` is a SELECT with ``columns`` (row number, then one VARCHAR per field) and no
    rows; the landing is named ``<schema>.<hint>__SCRATCH_<id>``; ``stage``/``stage_path`` and
    ``file_format`` are the internal stage location and named file format of the PUT + COPY route;
    ``multiline`` says that some quoted field holds a line break; ``longest_line`` is the length in
    bytes of the file's longest line, when known; ``numbered=False`` lets an engine land the records
    without row numbers when the caller numbers the rows it takes itself
    (``Engine.number_inserted_rows``); ``parallel=False`` asks for a read by one thread (after
    ``Engine.refused_parallel_read``).
    """

    path: Path
    schema: str
    hint: str
    empty_select_sql: str
    columns: Sequence[str]
    stage: str
    stage_path: str
    file_format: str
    multiline: bool = False
    numbered: bool = True
    longest_line: int | None = None
    parallel: bool = True


@dataclass(frozen=True)
class CsvLanding:
    """Where the records of one CSV file can be read as text (see ``Engine.land_csv_file``).

    ``name`` is a table or view with a row-number column then one VARCHAR column per field;
    ``records`` is the number of records the engine landed (header included) when it counted them
    while landing, None when the records are read from the file only by the statements that use them.
    ``numbered=False``: the row-number column is NULL, the header is not in the landing, and an
    INSERT ... SELECT from it keeps the file's order, for ``Engine.number_inserted_rows``.
    """

    name: str
    records: int | None
    is_view: bool = False
    numbered: bool = True


@dataclass(frozen=True)
class Column:
    """A column as the warehouse describes it (upper-case name, Snowflake type text, DESCRIBE's null?)."""

    name: str
    type: str
    nullable: bool = True


class Engine(ABC):
    """A warehouse to build into. Thread-safe: each thread gets its own Session (and transaction scope)."""

    kind: ClassVar[str]
    # Whether rows whose every column changes are cheaper to replace by DELETE + INSERT than by UPDATE
    # (the same rows either way). Snowflake: no, an UPDATE rewrites the micro-partitions it touches
    # once, where DELETE + INSERT would rewrite them and add new ones.
    replaces_rows_by_delete_insert: ClassVar[bool] = False

    def __init__(self, profile: Profile, state_dir: Path) -> None:
        self.profile = profile
        self.state_dir = state_dir
        self._local = threading.local()
        self._sessions: list[Session] = []
        self._sessions_lock = threading.Lock()
        self._closed = False
        # Names this engine's work tables; alive (see worktables) until the engine is closed.
        self.owner = worktables.new_owner()
        worktables.register(self.owner, self.warehouse_key)
        self.cancellation = Cancellation(self._interrupt)

    @property
    def warehouse_key(self) -> str:
        """What identifies the warehouse across engines of this process (for work-table liveness)."""
        return f"{self.kind}:{self.database}"

    # -- sessions -----------------------------------------------------------------------------
    @abstractmethod
    def _create_session(self) -> Session:
        """Open a new Session with the profile's database as current database."""

    def session(self) -> Session:
        """This thread's Session, created on first use."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._create_session()
            _configure(session)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close every Session this engine opened."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            with contextlib.suppress(Exception):
                session.close()
        self._local = threading.local()
        self._closed = True
        worktables.unregister(self.owner)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- names --------------------------------------------------------------------------------
    @property
    def database(self) -> str:
        return ident(self.profile.database)

    def fqn(self, schema: str, name: str) -> str:
        return make_fqn(self.database, schema, name)

    # -- statements ---------------------------------------------------------------------------
    def execute(self, sql: str) -> list[Row]:
        """Run one statement on this thread's Session and return its rows; recorded when recording."""
        with self.running(sql) as session:
            return session.sql(sql).collect()

    @contextlib.contextmanager
    def running(self, sql: str) -> Iterator[Session]:
        """This thread's Session, to run ``sql`` on inside the block: the statement is recorded (when
        recording) and cancellable, as every statement :meth:`execute` runs."""
        for log in getattr(self._local, "recorders", ()):
            log.append(sql)
        session = self.session()
        with self.cancellation.statement(session, sql):
            yield session

    def _interrupt(self, session: Session) -> None:
        """Stop what ``session`` is running (see ``engine.cancellation``): Snowpark's ``cancel_all``, which
        sends ``SYSTEM$CANCEL_ALL_QUERIES`` for the session's id."""
        session.cancel_all()

    def error_hint(self, exc: BaseException) -> str | None:
        """What a user can do about a warehouse error this engine knows, or None."""
        return None

    def with_hint(self, message: str, exc: BaseException) -> str:
        """``message`` about ``exc``, followed by :meth:`error_hint` in parentheses when there is one."""
        hint = self.error_hint(exc)
        return f"{message} ({hint})" if hint else message

    def scalar(self, sql: str) -> Any:
        rows = self.execute(sql)
        return rows[0][0] if rows else None

    def fetch_arrow(self, sql: str) -> Iterator[pa.Table]:
        """Run one SELECT and yield its rows as Arrow tables, a batch at a time (none for no rows).

        Snowflake: the connector's Arrow result, timestamps at microsecond precision (so dates outside
        1677-2262 fit). Read the iterator to the end before running another statement on this thread.
        """
        cursor = self.session().connection.cursor()
        try:
            cursor.execute(sql)
            yield from cursor.fetch_arrow_batches(force_microsecond_precision=True)
        finally:
            cursor.close()

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[str]]:
        """Collect every statement this thread executes inside the block."""
        log: list[str] = []
        recorders = getattr(self._local, "recorders", [])
        self._local.recorders = [*recorders, log]
        try:
            yield log
        finally:
            self._local.recorders = recorders

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """An explicit transaction on this thread's Session; rolled back if the block raises."""
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            with contextlib.suppress(Exception):
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    # -- catalog ------------------------------------------------------------------------------
    def bootstrap(self) -> None:
        """Create the database and every schema of the profile (idempotent)."""
        schemas = [schema_fqn(self.database, schema) for schema in self.profile.schemas.all()]
        self.execute(f"CREATE DATABASE IF NOT EXISTS {self.database}")
        for schema in schemas:
            self.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")

    def object_type(self, qualified: str) -> str | None:
        """'TABLE', 'VIEW' or None for a fully qualified name."""
        database, schema, name = split_fqn(qualified)
        rows = self.execute(f"SHOW OBJECTS LIKE {literal(name)} IN SCHEMA {database}.{schema}")
        kinds = [row["kind"] for row in rows if row["name"].upper() == name.upper()]
        if not kinds:
            return None
        return "VIEW" if kinds[0] == "VIEW" else "TABLE"

    def existing_relations(self) -> dict[str, str]:
        """{qualified name (DATABASE.SCHEMA.NAME, upper-case): 'TABLE' or 'VIEW'} of every table and view
        of the database, in one statement."""
        rows = self.execute(f"SHOW TERSE OBJECTS IN DATABASE {self.database}")
        found = {}
        for row in rows:
            values = {k.lower(): v for k, v in row.as_dict().items()}
            name = f"{self.database}.{str(values['schema_name']).upper()}.{str(values['name']).upper()}"
            found[name] = "VIEW" if str(values["kind"]).upper() == "VIEW" else "TABLE"
        return found

    def columns(self, qualified: str) -> list[Column]:
        """The columns of a table or view, in order."""
        rows = self.execute(f"DESCRIBE TABLE {qualified}")
        return [
            Column(row["name"].upper(), row["type"], str(row["null?"]).upper() != "N")
            for row in rows
            if row["kind"] == "COLUMN"
        ]

    def query_columns(self, select_sql: str) -> list[Column]:
        """The columns a SELECT returns, in order, described without running it.

        This is the connector's ``describe``: Snowflake answers it from the compiled query (a
        describe-only request), the embedded engine from DuckDB's DESCRIBE of the translated query.
        Types come back in Snowflake's spelling (NUMBER(p,s), FLOAT, VARCHAR, ...); nullability is
        what the result metadata says, not a table constraint. Nothing runs, so nothing is recorded.
        """
        cursor = self.session().connection.cursor()
        try:
            return result_columns(cursor.describe(select_sql))
        finally:
            with contextlib.suppress(Exception):
                cursor.close()

    def row_hash_sum(self, qualified: str, columns: Sequence[str], where: str) -> int | None:
        """An order-independent checksum of the rows of ``qualified`` matching ``where``: the sum of a
        64-bit hash of each row's ``columns`` (None when no row matches).

        The values are the engine's own and only ever compared with checksums from the same warehouse
        (Snowflake: HASH, summed as NUMBER so that the sum is exact).
        """
        value = self.scalar(
            f"SELECT SUM(CAST(HASH({', '.join(columns)}) AS NUMBER(20,0))) FROM {qualified} WHERE {where}"
        )
        return None if value is None else int(value)

    def row_count(self, qualified: str) -> int:
        return int(self.scalar(f"SELECT COUNT(*) FROM {qualified}"))

    def drop_object(self, qualified: str) -> None:
        """Drop a table or view of that name if one exists."""
        kind = self.object_type(qualified)
        if kind is not None:
            self.execute(f"DROP {kind} IF EXISTS {qualified}")

    # -- engine-specific routes ---------------------------------------------------------------
    def replace_table(
        self,
        qualified: str,
        select_sql: str,
        audit: Callable[[str], None] | None = None,
        contract: Contract | None = None,
    ) -> None:
        """Build ``select_sql`` into a side table, ``audit`` it, then publish it under ``qualified`` atomically.

        Readers see the old table until the new one is complete; a failing SELECT, or an ``audit`` that
        raises (write-audit-publish: the model's blocking checks), leaves the old table untouched.
        With a ``contract`` the side table has exactly its columns, types and NOT NULL constraints.
        """
        building = worktables.build_name(qualified, self.owner)
        try:
            self.create_table_as(building, select_sql, contract)
            if audit is not None:
                audit(building)
            self.publish_table(building, qualified)
        except BaseException:
            with contextlib.suppress(Exception):
                self.execute(f"DROP TABLE IF EXISTS {building}")
            raise

    def create_table_as(self, qualified: str, select_sql: str, contract: Contract | None = None) -> None:
        """CREATE OR REPLACE TABLE ... AS ``select_sql``; under a ``contract``, with its column definitions.

        That is the CTAS with a column list of docs.snowflake.com/en/sql-reference/sql/create-table
        (section "CREATE TABLE ... AS SELECT"), in the form dbt-snowflake builds enforced contracts with:
        Snowflake maps the selected columns to the definitions by position, casts each value to the
        declared type (implicit casting, docs.snowflake.com/en/sql-reference/data-type-conversion) and
        fails the statement on a NULL in a NOT NULL column, so nothing that breaks the contract is built.
        """
        if contract is None:
            self.execute(f"CREATE OR REPLACE TABLE {qualified} AS {select_sql}")
        else:
            self.execute(contract_ctas_sql(qualified, contract, select_sql))

    @abstractmethod
    def publish_table(self, building: str, qualified: str) -> None:
        """Atomically make the table ``building`` visible as ``qualified`` (replacing what was there)."""

    @abstractmethod
    def create_scratch_table(self, schema: str, hint: str, select_sql: str) -> str:
        """Materialise a SELECT into a table private to this run and return its qualified name."""

    def drop_scratch_table(self, qualified: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {qualified}")

    def scratch_name(self, hint: str) -> str:
        """A scratch table name that names this engine as its owner (see ``worktables``)."""
        return worktables.scratch_name(hint, self.owner)

    # -- loading files ------------------------------------------------------------------------
    def land_csv_file(self, file: CsvFile) -> CsvLanding:
        """Make every record of a local CSV file readable as text under a name private to this run.

        Records follow the rules of ``copy_csv_file``. Drop the result with ``drop_landing``.
        Snowflake: a scratch table filled by ``copy_csv_file`` (PUT + COPY INTO).
        """
        table = self.create_scratch_table(file.schema, file.hint, file.empty_select_sql)
        try:
            landed = self.copy_csv_file(
                file.path,
                stage=file.stage,
                stage_path=file.stage_path,
                file_format=file.file_format,
                landing=table,
                columns=file.columns,
            )
        except BaseException:
            with contextlib.suppress(Exception):
                self.drop_scratch_table(table)
            raise
        return CsvLanding(table, landed)

    def refused_parallel_read(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the engine refusing to read a landed file in parallel, so that landing it
        again with ``CsvFile.parallel=False`` reads it. None of Snowflake's errors is."""
        return False

    def number_inserted_rows(self, table: str, column: str, where: str, first: int) -> None:
        """Set ``column`` of the rows of ``table`` matching ``where``, inserted in the open transaction
        from an unnumbered landing, to ``first``, ``first + 1``, ... in the order they were inserted.

        Only engines whose ``land_csv_file`` returns unnumbered landings implement it (Snowflake keeps
        no insertion order; its landings are numbered by COPY).
        """
        raise NotImplementedError(f"the {self.kind} engine lands every CSV file numbered")

    def drop_landing(self, landing: CsvLanding) -> None:
        kind = "VIEW" if landing.is_view else "TABLE"
        self.execute(f"DROP {kind} IF EXISTS {landing.name}")

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
        """Land every record of a local CSV file, header included, as text; return the number landed.

        ``landing`` exists and ``columns`` names its row-number column, then one VARCHAR column per field.
        Row numbers count records from 1 (the header); blank lines are skipped. A record with fewer
        fields gets NULL in the missing columns, fields beyond the last column are dropped, an empty
        field is '' and no value is converted or trimmed (the options of the named ``file_format``).

        Snowflake: PUT the file to ``@stage/stage_path`` and COPY it with a transformation SELECT of
        METADATA$FILE_ROW_NUMBER and $1..$n (a COPY with a SELECT does not fail on column-count
        mismatches); the staged file is purged once loaded.
        """
        location = f"@{stage}/{stage_path}"
        # A string constant: backslashes first, then quotes (a path ending in \ cannot close it early).
        path = local_file.resolve().as_posix().replace("\\", "\\\\").replace("'", "\\'")
        self.execute(f"PUT 'file://{path}' {location} AUTO_COMPRESS = TRUE OVERWRITE = TRUE")
        fields = ", ".join(f"${position}" for position in range(1, len(columns)))
        rows = self.execute(
            f"COPY INTO {landing} ({', '.join(columns)}) "
            f"FROM (SELECT METADATA$FILE_ROW_NUMBER, {fields} FROM {location}/) "
            f"FILE_FORMAT = (FORMAT_NAME = '{file_format}') ON_ERROR = ABORT_STATEMENT PURGE = TRUE FORCE = TRUE"
        )
        loaded = [{k.lower(): v for k, v in row.as_dict().items()}.get("rows_loaded") for row in rows]
        return sum(int(count) for count in loaded if count is not None)


def result_columns(described: Sequence[Any]) -> list[Column]:
    """Columns from the connector's result metadata, types in Snowflake's spelling (NUMBER(p,s), ...)."""
    from snowflake.connector.constants import FIELD_ID_TO_NAME

    columns = []
    for meta in described:
        name = FIELD_ID_TO_NAME.get(meta.type_code, str(meta.type_code))
        if name == "FIXED":
            name = f"NUMBER({meta.precision if meta.precision is not None else 38},{meta.scale or 0})"
        columns.append(Column(meta.name.upper(), _RESULT_TYPES.get(name, name), bool(meta.is_nullable)))
    return columns


def contract_ctas_sql(qualified: str, contract: Contract, select_sql: str) -> str:
    """The contracted CTAS (as dbt-snowflake builds an enforced contract): the declared column list,
    then the model's columns selected by name in contract order."""
    return (
        f"CREATE OR REPLACE TABLE {qualified} ({contract.column_definitions()}) "
        f"AS SELECT {column_list(contract.names)} FROM ({select_sql})"
    )


def _configure(session: Session) -> None:
    """Settings every engine's Sessions share.

    - No usage telemetry: Snowpark sends the API calls a session makes to the account by default.
    - Snowpark infers a DataFrame's columns where it can instead of sending a describe query for them
      (``reduce_describe_query_enabled``, experimental since Snowpark 1.24): a model's DataFrame then
      costs fewer round trips to Snowflake and fewer translations on the embedded engine.
    """
    session.telemetry_enabled = False
    with warnings.catch_warnings():  # the setter warns that the parameter is experimental
        warnings.simplefilter("ignore")
        session.reduce_describe_query_enabled = True  # type: ignore[misc]  # the setter is decorated
