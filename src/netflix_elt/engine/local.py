"""The embedded engine: Snowpark on fakesnow (DuckDB), persisted under the state directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from netflix_elt.config import Profile
from netflix_elt.engine import fakesnow_compat
from netflix_elt.engine.base import Engine
from netflix_elt.errors import ConfigError
from netflix_elt.sql import split_fqn

if TYPE_CHECKING:
    from snowflake.snowpark import Session


class LocalEngine(Engine):
    """Runs the same Snowpark code as Snowflake, on DuckDB files in ``<state_dir>/warehouse``."""

    kind = "local"

    def __init__(self, profile: Profile, state_dir: Path) -> None:
        super().__init__(profile, state_dir)
        self.db_path = state_dir / "warehouse"

    def _create_session(self) -> Session:
        from snowflake.snowpark import Session

        try:
            connection = fakesnow_compat.connect(self.db_path, self.database, self.profile.schemas.raw)
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
        fakesnow_compat.close_instance(self.db_path)

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
