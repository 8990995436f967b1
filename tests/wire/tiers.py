"""The two Snowflake tiers the end-to-end test runs on, driven through the ``netflix-elt`` CLI.

- wire: ``python -m netflix_elt.testing.wire_server`` as a subprocess on a free loopback port (DuckDB
  files in a temporary directory), a named connection in a temporary ``SNOWFLAKE_HOME`` and a
  ``snowflake`` profile that selects it. The snowflake engine, Snowpark, the connector and GX's
  snowflake-sqlalchemy route run unchanged against it.
- live: a real account from SNOWFLAKE_ACCOUNT / SNOWFLAKE_USER (+ SNOWFLAKE_PASSWORD or
  SNOWFLAKE_PRIVATE_KEY_FILE, SNOWFLAKE_ROLE, optionally SNOWFLAKE_WAREHOUSE), building into a database
  of its own (NETFLIX_ELT_E2E_<random>) that is dropped afterwards.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONNECTION = "netflix_elt_wire_test"
LIVE_VARIABLES = ("SNOWFLAKE_ACCOUNT", "SNOWFLAKE_USER", "SNOWFLAKE_ROLE")
_READY_SECONDS = 120
_CLI_SECONDS = 600


@dataclass
class WireServer:
    """A running ``netflix_elt.testing.wire_server`` subprocess."""

    process: subprocess.Popen[str]
    port: int
    entry: str
    log: Path
    statement_log: Path

    @classmethod
    def start(cls, directory: Path, *options: str) -> WireServer:
        """Start the server on a free port (``--port 0``) with ``options`` and wait for its connection entry."""
        log = directory / "server.log"
        statements = directory / "statements.jsonl"
        command = [
            sys.executable,
            "-m",
            "netflix_elt.testing.wire_server",
            "--port",
            "0",
            "--db-path",
            str(directory / "duckdb"),
            "--connection-name",
            CONNECTION,
            "--statement-log",
            str(statements),
            *options,
        ]
        with log.open("w") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        lines = _stdout_lines(process)
        entry_lines: list[str] = []
        deadline = time.monotonic() + _READY_SECONDS
        while not any(line.startswith("protocol = ") for line in entry_lines):
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if not line:  # no entry in time, or the server exited
                process.kill()
                process.wait()
                raise RuntimeError(f"the wire server did not start:\n{log.read_text()}")
            entry_lines.append(line)
        start = next(i for i, line in enumerate(entry_lines) if line.startswith(f"[{CONNECTION}]"))
        entry = "".join(entry_lines[start:])
        port = int(re.search(r"^port = (\d+)$", entry, re.MULTILINE).group(1))  # type: ignore[union-attr]
        return cls(process, port, entry, log, statements)

    def status(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/wire/status", timeout=10) as response:
            return json.loads(response.read())

    def statements(self) -> list[str]:
        lines = self.statement_log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["sql"] for line in lines]

    def mark(self) -> WireActivity:
        """Where the server's counters stand now; ``since`` tells what happened after."""
        status = self.status()
        return WireActivity(len(self.statements()), status["untouched"], status["rewritten"])

    def since(self, mark: WireActivity) -> WireActivity:
        """What the server received after ``mark`` (it is shared by the whole test session)."""
        now = self.status()
        rewritten = {
            name: count - mark.rewritten.get(name, 0)
            for name, count in now["rewritten"].items()
            if count > mark.rewritten.get(name, 0)
        }
        return WireActivity(
            self.statements()[mark.statements :], now["untouched"] - mark.untouched, rewritten
        )

    def stop(self) -> str:
        """SIGTERM, wait for a clean exit, return the server's log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


def _stdout_lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The process's stdout lines, read by a thread ("" at the end), so waiting for one can time out."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, name="wire-server-stdout", daemon=True).start()
    return lines


@dataclass(frozen=True)
class WireActivity:
    """Statements the wire server received (a count in a mark, the texts in ``since``), how many of
    them needed no rewrite, and how often each rewrite was applied."""

    statements: Any
    untouched: int
    rewritten: dict[str, int]


@dataclass
class Tier:
    """Where the end-to-end test runs: a profile file, the environment of the CLI, a state directory."""

    name: str
    profile: Path | None  # None: the built-in local profile (the embedded engine)
    state_dir: Path
    env: dict[str, str]
    database: str = "MOVIELENS"
    server: WireServer | None = None
    server_mark: WireActivity | None = None  # the shared server's counters when the tier was made
    calls: list[list[str]] = field(default_factory=list)

    def cli(self, *args: str | Path, expect: int = 0) -> subprocess.CompletedProcess[str]:
        """Run ``netflix-elt --profile P --state-dir S ARGS...`` as a user would; check the exit code."""
        command = [
            _netflix_elt(),
            *(["--profile", str(self.profile)] if self.profile else []),
            "--state-dir",
            str(self.state_dir),
            *map(str, args),
        ]
        self.calls.append(command)
        result = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=_CLI_SECONDS, check=False
        )
        assert result.returncode == expect, (
            f"{' '.join(command[1:])} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
        return result

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Rows of a query through ``netflix-elt sql --format json``."""
        return json.loads(self.cli("sql", sql, "--limit", "100000", "--format", "json").stdout)

    def run_results(self) -> dict[str, dict[str, Any]]:
        results = json.loads((self.state_dir / "run_results.json").read_text())["results"]
        return {result["name"]: result for result in results}


def write_profile(path: Path, *, database: str, warehouse: str, role: str, connection: str | None) -> Path:
    lines = [
        'engine = "snowflake"',
        f'database = "{database}"',
        "threads = 2",
        "",
        "[snowflake]",
        *([f'connection_name = "{connection}"'] if connection else []),
        f'warehouse = "{warehouse}"',
        f'role = "{role}"',
        'query_tag = "netflix-elt-e2e"',
        "",
    ]
    path.write_text("\n".join(lines))
    return path


def wire_tier(server: WireServer, directory: Path) -> Tier:
    """The snowflake profile on the wire server, through a named connection in a private SNOWFLAKE_HOME."""
    home = directory / "snowflake_home"
    home.mkdir()
    connections = home / "connections.toml"
    connections.write_text(server.entry)
    connections.chmod(0o600)  # the connector refuses a connections.toml others can read
    # a database of its own: the server is shared by the whole test session (tests/conftest.py)
    database = f"WIRE_E2E_{uuid.uuid4().hex[:10].upper()}"
    profile = write_profile(
        directory / "wire.toml", database=database, warehouse="WIRE_WH", role="WIRE", connection=CONNECTION
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOWFLAKE_")}
    env["SNOWFLAKE_HOME"] = str(home)
    return Tier(
        "wire", profile, directory / "state", env, database=database, server=server, server_mark=server.mark()
    )


def local_twin(directory: Path) -> Tier:
    """The embedded engine in a state directory of its own: what a tier's warehouse is compared with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOWFLAKE_")}
    return Tier("local", None, directory / "local_state", env)


def live_tier(directory: Path) -> Tier | None:
    """The snowflake profile on the account of the SNOWFLAKE_* variables, or None without them."""
    if not all(os.environ.get(name) for name in LIVE_VARIABLES):
        return None
    database = f"NETFLIX_ELT_E2E_{uuid.uuid4().hex[:10].upper()}"
    profile = write_profile(
        directory / "live.toml",
        database=database,
        warehouse=os.environ.get("SNOWFLAKE_WAREHOUSE", "COMPUTE_WH"),
        role=os.environ["SNOWFLAKE_ROLE"],
        connection=None,
    )
    return Tier("live", profile, directory / "state", dict(os.environ), database=database)


def drop_database(tier: Tier) -> None:
    """Drop the live tier's throwaway database (the profile's own credentials, in process)."""
    from netflix_elt.config import parse_profile
    from netflix_elt.engine import open_engine

    engine = open_engine(parse_profile(tier.profile), tier.state_dir)
    try:
        engine.execute(f"DROP DATABASE IF EXISTS {tier.database}")
    finally:
        engine.close()


def _netflix_elt() -> str:
    script = Path(sys.executable).with_name("netflix-elt")
    return str(script) if script.exists() else "netflix-elt"
