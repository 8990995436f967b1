"""Which failures the flow retries: real driver exceptions, classified through their chains."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from snowflake.connector.errors import OperationalError, ProgrammingError
from snowflake.snowpark.exceptions import SnowparkSQLException

from netflix_elt.errors import ConfigError, ModelError
from netflix_elt.orchestration.transient import exception_chain, is_transient


def raised(make: type[BaseException] | BaseException, cause: BaseException | None = None) -> BaseException:
    """An exception as it is seen after being raised (with its cause attached)."""
    try:
        raise make from cause
    except BaseException as exc:
        return exc


@pytest.mark.parametrize(
    "error",
    [
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        OperationalError(msg="Could not connect to Snowflake backend", errno=250001),
        ProgrammingError(
            msg="the number of waiters for this lock exceeds the 20 statements limit", errno=625
        ),
        ProgrammingError(msg="Statement reached its statement or warehouse timeout", errno=630),
    ],
    ids=["connection-reset", "timeout", "connector-operational", "lock-waiters", "statement-timeout"],
)
def test_connection_timeouts_and_busy_warehouse_are_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        ProgrammingError(msg="SQL compilation error: invalid identifier 'NO_SUCH_COLUMN'", errno=904),
        ModelError("returned DataFrame, not a Snowpark DataFrame", where="model X"),
        ConfigError("profile 'nope' not found"),
        ValueError("bad value"),
        FileNotFoundError(2, "No such file"),
        None,
    ],
    ids=["invalid-identifier", "model-error", "config-error", "value-error", "missing-file", "none"],
)
def test_model_and_user_errors_are_not_transient(error: BaseException | None) -> None:
    assert not is_transient(error)


def test_the_chain_is_searched_through_wrappers() -> None:
    reset = ConnectionResetError(104, "Connection reset by peer")
    wrapped = raised(SnowparkSQLException("query failed", sql_error_code=None), cause=reset)
    assert is_transient(wrapped)
    assert is_transient(raised(ModelError("lost the warehouse", where="model X"), cause=reset))
    snowpark_lock = SnowparkSQLException("000625 (57014): lock waiters", sql_error_code=625)
    assert is_transient(snowpark_lock)
    assert list(exception_chain(wrapped)) == [wrapped, reset]


def test_a_duckdb_file_locked_by_another_process_is_transient(tmp_path: Path) -> None:
    database = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, duckdb
                con = duckdb.connect({str(database)!r})
                print("ready", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(duckdb.Error) as caught:
            duckdb.connect(str(database))
        assert is_transient(caught.value), str(caught.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_duckdb_binder_error_is_not_transient() -> None:
    with duckdb.connect() as con, pytest.raises(duckdb.Error) as caught:
        con.execute("SELECT no_such_column FROM (SELECT 1 AS a)")
    assert not is_transient(caught.value)
