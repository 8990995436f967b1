"""The engine contract: a Snowpark Session per thread plus the few statements that differ per engine.

Model and kind code talk to an ``Engine`` only. Everything is Snowflake SQL; where the embedded
engine cannot run a statement Snowflake documents (``ALTER TABLE ... SWAP WITH``, qualified temporary
tables), the subclass swaps in an equivalent route.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from netflix_elt.config import Profile
from netflix_elt.sql import fqn as make_fqn
from netflix_elt.sql import split_fqn

if TYPE_CHECKING:
    from snowflake.snowpark import Row, Session


@dataclass(frozen=True)
class Column:
    """A column as the warehouse describes it (upper-case name, Snowflake type text)."""

    name: str
    type: str


class Engine(ABC):
    """A warehouse to build into. Thread-safe: each thread gets its own Session (and transaction scope)."""

    kind: ClassVar[str]

    def __init__(self, profile: Profile, state_dir: Path) -> None:
        self.profile = profile
        self.state_dir = state_dir
        self._local = threading.local()
        self._sessions: list[Session] = []
        self._sessions_lock = threading.Lock()
        self._closed = False

    # -- sessions -----------------------------------------------------------------------------
    @abstractmethod
    def _create_session(self) -> Session:
        """Open a new Session with the profile's database as current database."""

    def session(self) -> Session:
        """This thread's Session, created on first use."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._create_session()
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

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- names --------------------------------------------------------------------------------
    @property
    def database(self) -> str:
        return self.profile.database.upper()

    def fqn(self, schema: str, name: str) -> str:
        return make_fqn(self.database, schema, name)

    # -- statements ---------------------------------------------------------------------------
    def execute(self, sql: str) -> list[Row]:
        """Run one statement on this thread's Session and return its rows; recorded when recording."""
        for log in getattr(self._local, "recorders", ()):
            log.append(sql)
        return self.session().sql(sql).collect()

    def scalar(self, sql: str) -> Any:
        rows = self.execute(sql)
        return rows[0][0] if rows else None

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
        self.execute(f"CREATE DATABASE IF NOT EXISTS {self.database}")
        for schema in self.profile.schemas.all():
            self.execute(f"CREATE SCHEMA IF NOT EXISTS {self.database}.{schema}")

    def object_type(self, qualified: str) -> str | None:
        """'TABLE', 'VIEW' or None for a fully qualified name."""
        database, schema, name = split_fqn(qualified)
        rows = self.execute(f"SHOW OBJECTS LIKE '{name}' IN SCHEMA {database}.{schema}")
        kinds = [row["kind"] for row in rows if row["name"].upper() == name.upper()]
        if not kinds:
            return None
        return "VIEW" if kinds[0] == "VIEW" else "TABLE"

    def columns(self, qualified: str) -> list[Column]:
        """The columns of a table or view, in order."""
        rows = self.execute(f"DESCRIBE TABLE {qualified}")
        return [Column(row["name"].upper(), row["type"]) for row in rows if row["kind"] == "COLUMN"]

    def row_count(self, qualified: str) -> int:
        return int(self.scalar(f"SELECT COUNT(*) FROM {qualified}"))

    def drop_object(self, qualified: str) -> None:
        """Drop a table or view of that name if one exists."""
        kind = self.object_type(qualified)
        if kind is not None:
            self.execute(f"DROP {kind} IF EXISTS {qualified}")

    # -- engine-specific routes ---------------------------------------------------------------
    def replace_table(
        self, qualified: str, select_sql: str, audit: Callable[[str], None] | None = None
    ) -> None:
        """Build ``select_sql`` into a side table, ``audit`` it, then publish it under ``qualified`` atomically.

        Readers see the old table until the new one is complete; a failing SELECT, or an ``audit`` that
        raises (write-audit-publish: the model's blocking checks), leaves the old table untouched.
        """
        building = f"{qualified}__BUILD"
        self.execute(f"CREATE OR REPLACE TABLE {building} AS {select_sql}")
        try:
            if audit is not None:
                audit(building)
            self.publish_table(building, qualified)
        except BaseException:
            with contextlib.suppress(Exception):
                self.execute(f"DROP TABLE IF EXISTS {building}")
            raise

    @abstractmethod
    def publish_table(self, building: str, qualified: str) -> None:
        """Atomically make the table ``building`` visible as ``qualified`` (replacing what was there)."""

    @abstractmethod
    def create_scratch_table(self, schema: str, hint: str, select_sql: str) -> str:
        """Materialise a SELECT into a table private to this run and return its qualified name."""

    def drop_scratch_table(self, qualified: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {qualified}")

    @staticmethod
    def scratch_name(hint: str) -> str:
        return f"{hint}__SCRATCH_{uuid.uuid4().hex[:8].upper()}"

    # -- loading files ------------------------------------------------------------------------
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
        path = local_file.resolve().as_posix().replace("'", "\\'")
        self.execute(f"PUT 'file://{path}' {location} AUTO_COMPRESS = TRUE OVERWRITE = TRUE")
        fields = ", ".join(f"${position}" for position in range(1, len(columns)))
        rows = self.execute(
            f"COPY INTO {landing} ({', '.join(columns)}) "
            f"FROM (SELECT METADATA$FILE_ROW_NUMBER, {fields} FROM {location}/) "
            f"FILE_FORMAT = (FORMAT_NAME = '{file_format}') ON_ERROR = ABORT_STATEMENT PURGE = TRUE FORCE = TRUE"
        )
        loaded = [{k.lower(): v for k, v in row.as_dict().items()}.get("rows_loaded") for row in rows]
        return sum(int(count) for count in loaded if count is not None)
