"""The embedded engine: Snowpark on fakesnow (DuckDB), persisted under the state directory."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt.config import Profile
from netflix_elt.engine import fakesnow_compat
from netflix_elt.engine.base import Engine
from netflix_elt.errors import ConfigError
from netflix_elt.sql import split_fqn

if TYPE_CHECKING:
    from snowflake.snowpark import Session


# DuckDB's CSV reader needs a NULL marker; this one never occurs, so no field becomes NULL (NULL_IF = ()).
_NO_NULL_MARKER = "__netflix_elt_no_null_marker__"
_MAX_LINE_BYTES = 64 << 20


class LocalEngine(Engine):
    """Runs the same Snowpark code as Snowflake, on DuckDB files in ``<state_dir>/warehouse``."""

    kind = "local"

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
                    self._instance = fakesnow_compat.acquire(self.db_path)
            connection = fakesnow_compat.connect(self._instance, self.database, self.profile.schemas.raw)
        except Exception as exc:  # DuckDB refuses a file another process holds open
            if "lock" in str(exc).lower():
                raise ConfigError(
                    f"the local warehouse in {self.db_path} is in use by another process",
                    hint="wait for the other netflix-elt command to finish, or pass another --state-dir",
                ) from None
            raise
        return Session.builder.configs({"connection": connection}).create()

    def close(self) -> None:
        super().close()
        with self._instance_lock:
            acquired, self._instance = self._instance, None
        if acquired is not None:
            fakesnow_compat.release(self.db_path)

    def publish_table(self, building: str, qualified: str) -> None:
        # DuckDB has no SWAP WITH; DROP + RENAME inside one transaction is just as atomic there.
        previous = self.object_type(qualified)
        _, _, name = split_fqn(qualified)
        with self.transaction():
            if previous is not None:
                self.execute(f"DROP {previous} {qualified}")
            self.execute(f"ALTER TABLE {building} RENAME TO {name}")

    def create_scratch_table(self, schema: str, hint: str, select_sql: str) -> str:
        # DuckDB keeps temporary tables in their own catalog, which a qualified Snowflake name cannot
        # reach; a regular table that the caller drops serves the same purpose.
        qualified = self.fqn(schema, self.scratch_name(hint))
        self.execute(f"CREATE TABLE {qualified} AS {select_sql}")
        return qualified

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
        connection, so it is not Snowflake SQL and is not recorded. ``parallel = false`` keeps records in
        file order for row_number() (and was faster than the parallel reader on 2 cores).
        """
        fields = ", ".join(f"'{name}': 'VARCHAR'" for name in columns[1:])
        sql = (
            f"INSERT INTO {landing} ({', '.join(columns)}) SELECT row_number() OVER (), * FROM read_csv(?, "
            f"columns = {{{fields}}}, header = false, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', strict_mode = false, null_padding = true, parallel = false, "
            f"nullstr = '{_NO_NULL_MARKER}', max_line_size = {_MAX_LINE_BYTES}, encoding = 'utf-8')"
        )
        rows = fakesnow_compat.duckdb_connection(self.session()).execute(sql, [str(local_file)]).fetchall()
        return int(rows[0][0])
