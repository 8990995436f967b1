"""The only place that knows how Snowpark is wired onto fakesnow (DuckDB).

Snowpark's ServerConnection reads a few private attributes that fakesnow's fake connection lacks, and
``Session.create_dataframe(pandas)`` calls the connector's ``write_pandas`` through a module-level
import. Both are bridged here, without a process-wide ``fakesnow.patch()``: a Session is built on a
fake connection object we create, so a local and a Snowflake engine can coexist in one process.

Both libraries are pinned exactly in pyproject.toml; ``tests/engine/test_capabilities.py`` exercises
every Snowpark operation the framework relies on and fails loudly after an upgrade.
"""

from __future__ import annotations

import logging
import threading
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

PINNED = {
    "snowflake-snowpark-python": "1.56.0",
    "snowflake-connector-python": "4.8.1",
    "fakesnow": "0.12.1",
    "duckdb": "2.0.1",
}

_install_lock = threading.Lock()
_installed = False
_instances: dict[Path, Any] = {}
_users: dict[Path, int] = {}
_removed_at_exit: set[str] = set()


def patch(owner: object, attribute: str, value: object) -> None:
    """Give a pinned library's class or module an attribute it lacks, or replace one it has.

    On purpose, so spelled out: the libraries' own annotations describe them unpatched.
    """
    setattr(owner, attribute, value)


def check_versions() -> list[str]:
    """Return one line per package whose installed version differs from the pin."""
    return [
        f"{name} {version(name)} installed, {pinned} pinned"
        for name, pinned in PINNED.items()
        if version(name) != pinned
    ]


def install() -> None:
    """Apply the compatibility shims once per process (idempotent, thread-safe)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from fakesnow.cursor import FakeSnowflakeCursor
        from fakesnow.fakes import FakeSnowflakeConnection

        # Attributes Snowpark's ServerConnection reads from a real connector connection.
        patch(
            FakeSnowflakeConnection, "_session_parameters", {"PYTHON_SNOWPARK_USE_SCOPED_TEMP_OBJECTS": False}
        )
        patch(FakeSnowflakeConnection, "_telemetry", None)
        patch(FakeSnowflakeConnection, "session_id", 1)
        patch(FakeSnowflakeCursor, "_request_id", None)
        patch(FakeSnowflakeCursor, "query", None)
        patch(FakeSnowflakeCursor, "_describe_internal", FakeSnowflakeCursor.describe)
        _describe_results_once()
        _route_write_pandas()
        _quiet()
        refuse_lossy_translation()
        remove_stage_directory_at_exit()
        _installed = True


def refuse_lossy_translation() -> None:
    """Make fakesnow's translation refuse what it cannot translate without loss (idempotent, thread-safe).

    In-process engines get it from :func:`install`; a fakesnow HTTP server in this process (the wire
    tier) calls it before serving. See ``engine/translation.py`` and ``engine/drift.py``.
    """
    from netflix_elt.engine import translation

    translation.install()


def remove_stage_directory_at_exit() -> None:
    """Remove the directory fakesnow keeps its stages' files in when the process ends (idempotent).

    Importing fakesnow creates it (``tempfile.mkdtemp(prefix="fakesnow_bucket_")``) in every process and
    nothing removes it: one empty or stale directory per command, forever. A stage lives as long as the
    fakesnow instance, which is this process.
    """
    import atexit
    import shutil

    from fakesnow.transforms import stage

    if stage.LOCAL_BUCKET_PATH not in _removed_at_exit:
        _removed_at_exit.add(stage.LOCAL_BUCKET_PATH)
        atexit.register(shutil.rmtree, stage.LOCAL_BUCKET_PATH, ignore_errors=True)


def _describe_results_once() -> None:
    """Describe a result from the DuckDB statement that produced it, not by planning it again.

    fakesnow's ``cursor.description`` (which Snowpark reads after every statement) runs
    ``DESCRIBE <last statement>``: a sqlglot parse and generation of the statement and a second DuckDB
    plan of it. DuckDB's own ``description`` of the statement just run holds the same column names and
    type names, which fakesnow's ``describe_as_result_metadata`` turns into the same metadata. A result
    restored from fakesnow's results cache (``RESULT_SCAN``), or one DuckDB describes no columns of, is
    described the original way.
    """
    from fakesnow.cursor import FakeSnowflakeCursor
    from fakesnow.rowtype import describe_as_result_metadata

    execute = FakeSnowflakeCursor._execute
    describe_last = vars(FakeSnowflakeCursor)["description"].fget

    def execute_and_keep_description(cursor: Any, *args: Any, **kwargs: Any) -> None:
        cursor._netflix_elt_described = None
        execute(cursor, *args, **kwargs)
        columns = cursor._duck_conn.description
        if columns:
            rows = [(column[0], str(column[1]), "YES", None, None, None) for column in columns]
            cursor._netflix_elt_described = (cursor._last_sql, rows)

    def description(cursor: Any) -> Any:
        described = getattr(cursor, "_netflix_elt_described", None)
        if described is not None and described[0] is cursor._last_sql:
            return describe_as_result_metadata(described[1])
        return describe_last(cursor)

    patch(FakeSnowflakeCursor, "_execute", execute_and_keep_description)
    patch(FakeSnowflakeCursor, "description", property(description))


def _route_write_pandas() -> None:
    """Send write_pandas to fakesnow's implementation for fake connections, the real one otherwise."""
    import snowflake.snowpark.session as snowpark_session
    from fakesnow.fakes import FakeSnowflakeConnection
    from fakesnow.pandas_tools import write_pandas as fake_write_pandas

    real_write_pandas = vars(snowpark_session)["write_pandas"]  # imported there from the connector

    def write_pandas(conn: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(conn, FakeSnowflakeConnection):
            return fake_write_pandas(conn, *args, **kwargs)
        return real_write_pandas(conn, *args, **kwargs)

    patch(snowpark_session, "write_pandas", write_pandas)


def _quiet() -> None:
    # fakesnow warns about an extra Arrow copy on every query; Snowpark warns about connector features
    # that do not apply to a fake connection. Neither says anything a user can act on.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"fakesnow\..*")
    warnings.filterwarnings("ignore", message=r"use_logical_type will be ignored.*")
    for name in ("snowflake.snowpark", "snowflake.connector", "fakesnow"):
        logging.getLogger(name).setLevel(logging.ERROR)


def acquire(db_path: Path, memory_limit: str) -> Any:
    """The fakesnow instance (one DuckDB database set) of a directory, counting one more user.

    DuckDB allows a file to be attached once per process, so every engine on the same state
    directory shares the instance; each ``connect()`` on it is a separate DuckDB connection and
    therefore safe to use from its own thread. Call :func:`release` once per ``acquire``.
    The instance's ``memory_limit`` is the first caller's; beyond it DuckDB spills to
    ``<db_path>.tmp`` (by default it would spill to ``.tmp`` in the current directory).
    """
    from fakesnow.instance import FakeSnow

    key = db_path.resolve()
    with _install_lock:
        if key not in _instances:
            key.mkdir(parents=True, exist_ok=True)
            instance = FakeSnow(db_path=key)
            spill = str(key.with_name(key.name + ".tmp")).replace("'", "''")
            instance.duck_conn.execute(f"SET temp_directory = '{spill}'")
            instance.duck_conn.execute(f"SET memory_limit = '{memory_limit}'")
            _instances[key] = instance
        _users[key] = _users.get(key, 0) + 1
        return _instances[key]


def release(db_path: Path) -> None:
    """One user fewer; the last one detaches the DuckDB files so another process can open them."""
    key = db_path.resolve()
    with _install_lock:
        _users[key] = _users.get(key, 1) - 1
        instance = _instances.pop(key, None) if _users[key] <= 0 else None
    if instance is not None:
        instance.duck_conn.close()


def connect(instance: Any, database: str, schema: str) -> Any:
    """A new fake connector connection (its own DuckDB connection) on an acquired instance."""
    install()
    return instance.connect(database=database, schema=schema)


def duckdb_connection(session: Any) -> Any:
    """The DuckDB connection under a fakesnow-backed Session (Session -> ServerConnection -> fakesnow)."""
    return session._conn._conn._duck_conn
