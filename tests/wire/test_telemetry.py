"""No telemetry: the snowflake engine's Sessions send none to the account (Snowflake's in-band endpoint,
``POST /telemetry/send``, counted by the wire server), while a Snowpark Session left at its defaults
does (so the count can fail)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .tiers import WireServer, wire_tier


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireServer]:
    """A server of this module's own, so that no other test's messages are counted."""
    server = WireServer.start(tmp_path_factory.mktemp("telemetry_wire_server"))
    yield server
    server.stop()


def test_a_snowpark_session_at_its_defaults_sends_telemetry(server: WireServer) -> None:
    from snowflake.snowpark import Session

    before = server.status()["telemetry_messages"]
    session = Session.builder.configs(
        {
            "account": "fakeacct",
            "user": "fake",
            "password": "fake",
            "host": "127.0.0.1",
            "port": server.port,
            "protocol": "http",
        }
    ).create()
    session.sql("SELECT 1").collect()
    session.close()
    assert server.status()["telemetry_messages"] > before


def test_the_snowflake_engine_sends_none(server: WireServer, tmp_path: Path) -> None:
    tier = wire_tier(server, tmp_path)
    before = server.status()["telemetry_messages"]
    tier.cli("sql", "SELECT 1")
    tier.cli("build", "--select", "seed_genres")
    assert server.status()["telemetry_messages"] == before
