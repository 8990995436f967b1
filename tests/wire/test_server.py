"""The wire server's own protocol: a statement that runs long is answered "in progress" and polled, as
Snowflake does, instead of outliving the connector's socket timeout (which makes it send the statement
again while it still runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import snowflake.connector

from .tiers import WireServer


@pytest.fixture(scope="module")
def eager_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireServer]:
    """A server that answers "in progress" to every statement not finished at once."""
    server = WireServer.start(tmp_path_factory.mktemp("eager_wire_server"), "--in-progress-after", "0")
    yield server
    server.stop()


def test_statements_in_progress_are_polled_to_their_result(eager_server: WireServer, tmp_path: Path) -> None:
    connection = snowflake.connector.connect(
        account="fakeacct",
        user="fake",
        password="fake",
        host="127.0.0.1",
        port=eager_server.port,
        protocol="http",
        database="POLLED",
        schema="S",
        session_parameters={"TIMEZONE": "UTC"},
    )
    try:
        cursor = connection.cursor()
        cursor.execute("CREATE DATABASE IF NOT EXISTS POLLED")
        cursor.execute("CREATE SCHEMA IF NOT EXISTS POLLED.S")
        cursor.execute("CREATE TABLE POLLED.S.T (X NUMBER(38,0))")
        cursor.execute("INSERT INTO POLLED.S.T SELECT column1 FROM VALUES (1), (2), (3)")
        assert cursor.execute("SELECT SUM(a.X * b.X) FROM POLLED.S.T a, POLLED.S.T b").fetchall() == [(36,)]
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match="MISSING"):
            cursor.execute("SELECT * FROM POLLED.S.MISSING")  # an error arrives through the poll too
    finally:
        connection.close()
    status = eager_server.status()
    assert status["in_progress_answers"] >= 6, status
