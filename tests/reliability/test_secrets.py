"""A password never appears in what netflix-elt prints or writes, whether the commands succeed or fail.

The Snowflake engine talks to the wire-tier emulator server on loopback (tests/conftest.py) through a named
connection whose password is a recognisable secret (another one is in SNOWFLAKE_PASSWORD, which a
named connection must not use either).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reliability.helpers import CRASH_PROJECT, run_cli
from wire.tiers import WireServer

SECRET = "hunter2-Zq8-s3cret"
ENV_SECRET = "env-hunter2-Xv5-s3cret"


@pytest.fixture(scope="module")
def wire(wire_server: WireServer) -> dict:
    """The emulator server's connection settings, as the connector takes them (any account and user)."""
    return {
        "account": "fakeacct",
        "user": "fake",
        "host": "127.0.0.1",
        "port": wire_server.port,
        "protocol": "http",
    }


def write_connection(home: Path, settings: dict) -> None:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "connections.toml"
    path.write_text(
        "[wire]\n"
        f'account = "{settings["account"]}"\nuser = "{settings["user"]}"\npassword = "{SECRET}"\n'
        f'host = "{settings["host"]}"\nport = {settings["port"]}\nprotocol = "{settings["protocol"]}"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)


def test_no_password_in_output_or_files(wire: dict, tmp_path: Path) -> None:
    home = tmp_path / "snowflake_home"
    write_connection(home, wire)
    profile = tmp_path / "wire.toml"
    profile.write_text(
        'engine = "snowflake"\n[snowflake]\nconnection_name = "wire"\nwarehouse = "WH"\n', encoding="utf-8"
    )
    missing = tmp_path / "missing.toml"
    missing.write_text(profile.read_text(encoding="utf-8").replace('"wire"', '"nope"'), encoding="utf-8")
    release = tmp_path / "release"
    release.mkdir()
    (release / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    state = str(tmp_path / "state")
    env = {"SNOWFLAKE_HOME": str(home), "SNOWFLAKE_PASSWORD": ENV_SECRET}
    runs = [
        (["--profile", str(profile), "sql", "select 41 + 1 as answer"], 0),  # over the wire
        (["--profile", str(profile), "load", "--source", str(release)], None),  # fails per file there
        (["--profile", str(profile), "build"], 1),
        (["--profile", str(missing), "sql", "select 1"], 2),  # an unknown connection name
    ]
    printed = []
    for args, code in runs:
        done = run_cli(["--state-dir", state, *args], project=CRASH_PROJECT, env=env)
        assert "Traceback" not in done.stdout + done.stderr, (args, done.stderr)
        if code is not None:
            assert done.returncode == code, (args, done.stdout, done.stderr)
        printed.append(done.stdout + done.stderr)
    assert "42" in printed[0]
    assert "Invalid connection_name 'nope'" in printed[3]
    for text in printed:
        assert SECRET not in text and ENV_SECRET not in text
    written = [p for p in Path(state).rglob("*") if p.is_file()]
    assert any(p.name == "run_results.json" for p in written)
    for path in written:
        data = path.read_bytes()
        assert SECRET.encode() not in data and ENV_SECRET.encode() not in data, path
    assert os.environ.get("SNOWFLAKE_PASSWORD") != ENV_SECRET  # the test's own process never held it
