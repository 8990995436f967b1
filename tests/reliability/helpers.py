"""Shared by the reliability tests: the CLI in a subprocess (optionally paused at a statement) and the
small project the kill and concurrency tests build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from netflix_elt.engine import Engine
from netflix_elt.project import PROJECT_ENV

TESTS = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("pause_driver.py")
T0 = datetime(2024, 1, 1)


def cli_env(project: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETFLIX_ELT_", "SNOWFLAKE_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["COLUMNS"] = "200"
    if project:
        env[PROJECT_ENV] = project
    return env


def start_cli(
    args: Sequence[str],
    *,
    pause_after: str | None = None,
    announce_before: str | None = None,
    project: str | None = None,
) -> subprocess.Popen:
    """``netflix-elt ARGS`` in a subprocess; with ``pause_after`` it stops after the first statement
    matching that regular expression (see ``pause_driver.py``) until :func:`resume` or a kill; with
    ``announce_before`` it says ``RUNNING <statement>`` on stderr as each matching statement starts."""
    env = cli_env(project)
    if pause_after:
        env["PAUSE_AFTER"] = pause_after
    if announce_before:
        env["ANNOUNCE_BEFORE"] = announce_before
    return subprocess.Popen(
        [sys.executable, str(DRIVER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def run_cli(args: Sequence[str], *, project: str | None = None, env: dict[str, str] | None = None):
    """``netflix-elt ARGS`` to completion in a subprocess: CompletedProcess with text output."""
    return subprocess.run(
        [sys.executable, str(DRIVER), *args],
        capture_output=True,
        text=True,
        env={**cli_env(project), **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def wait_until_paused(process: subprocess.Popen) -> str:
    """The statement the process paused after; fails if it ended without pausing."""
    return wait_for_line(process, "PAUSED ")


def wait_for_line(process: subprocess.Popen, prefix: str) -> str:
    """The rest of the first stderr line that starts with ``prefix``; fails if the process ended first."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        if line.startswith(prefix):
            return line.removeprefix(prefix).strip()
        seen.append(line)
    process.wait()
    out = process.stdout.read() if process.stdout else ""
    raise AssertionError(f"exited {process.returncode} before {prefix!r}:\n{''.join(seen)}\n{out}")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, as a crash or an out-of-memory kill would end it."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def resume(process: subprocess.Popen) -> tuple[int, str, str]:
    """Let a paused process go on to its end: (exit code, stdout, rest of stderr)."""
    out, err = process.communicate("\n")
    return process.returncode, out, err


# -- the test project of the kill and concurrency tests -----------------------------------------
CRASH_PROJECT = "projects.crash_models"


def load_crash_raw(engine: Engine, day: int) -> None:
    """Day 0 creates the raw tables; each day adds events and changes the customers (a tier changes,
    one customer goes, one comes)."""
    from projects import crash_models
    from projects.helpers import create_table, insert_rows

    if day == 0:
        engine.execute("CREATE SCHEMA IF NOT EXISTS MOVIELENS.RAW")
        create_table(engine, "MOVIELENS.RAW.RAW_EVENTS", crash_models.EVENT_TYPES)
        create_table(engine, "MOVIELENS.RAW.RAW_CUSTOMERS", crash_models.CUSTOMER_TYPES)
    moment = T0 + timedelta(days=day)
    events = [[day * 10 + i, i % 3, moment + timedelta(minutes=i)] for i in range(5)]
    insert_rows(engine, "MOVIELENS.RAW.RAW_EVENTS", crash_models.EVENT_TYPES, events)
    engine.execute("DELETE FROM MOVIELENS.RAW.RAW_CUSTOMERS")
    customers = [[1, f"tier{day}"], [2, "gold"], [3 + day, "new"]]
    insert_rows(engine, "MOVIELENS.RAW.RAW_CUSTOMERS", crash_models.CUSTOMER_TYPES, customers)
