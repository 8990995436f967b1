"""Ctrl-C during ``netflix-elt build``: the real command line in a subprocess, sent SIGINT.

The first Ctrl-C cancels: the running query is interrupted, no further node starts, the node's work
table is dropped (nothing half-built is left), the run is recorded as cancelled in RUN_HISTORY and
run_results.json, and the command exits 130. A second Ctrl-C exits at once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from netflix_elt.config import Profile
from netflix_elt.engine import open_engine
from netflix_elt.engine.worktables import find_work_tables
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import cancel_models
from reliability.helpers import start_cli, wait_for_line, wait_until_paused

CANCEL_PROJECT = "projects.cancel_models"
EXIT_CANCELLED = 130


def loaded(state_dir: Path) -> Path:
    """RAW_NUMBERS with 1,000 rows in a fresh warehouse."""
    from projects.helpers import create_table, insert_rows

    with Project.local(state_dir, Registry.from_package(CANCEL_PROJECT)) as project:
        table = project.engine.fqn(project.profile.schemas.raw, "RAW_NUMBERS")
        create_table(project.engine, table, cancel_models.NUMBER_TYPES)
        insert_rows(
            project.engine, table, cancel_models.NUMBER_TYPES, [[n] for n in range(cancel_models.ROWS)]
        )
    return state_dir


def build_in_subprocess(state_dir: Path, **driver: str) -> subprocess.Popen:
    """``netflix-elt build --threads 1`` of the cancel project (``driver``: see ``start_cli``)."""
    args = ["--state-dir", str(state_dir), "build", "--threads", "1"]
    return start_cli(args, project=CANCEL_PROJECT, **driver)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    """Wait for the process (a minute at most: a query that was not cancelled would run for hours)."""
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def test_ctrl_c_cancels_the_running_query_and_records_the_run(tmp_path: Path) -> None:
    state_dir = loaded(tmp_path / "state")
    process = build_in_subprocess(state_dir, announce_before=r"^CREATE OR REPLACE TABLE \S+\.SLOW__BUILD_")
    wait_for_line(process, "RUNNING ")
    time.sleep(1)  # let the warehouse start the statement: the interrupt must stop a running query
    process.send_signal(signal.SIGINT)
    code, err = finish(process)
    assert code == EXIT_CANCELLED, err
    assert "cancelling: interrupting the running queries" in err and "cancelled (Ctrl-C)" in err
    assert "Traceback" not in err

    results = json.loads((state_dir / "run_results.json").read_text())
    assert results["cancelled"] is True and results["success"] is False
    statuses = {r["name"]: r["status"] for r in results["results"]}
    assert statuses == {
        "RAW_NUMBERS": "success",
        "QUICK": "success",
        "SLOW": "cancelled",
        "AFTER_SLOW": "cancelled",
    }
    with open_engine(Profile(), state_dir) as engine:  # looked at without clearing anything
        assert find_work_tables(engine) == []  # SLOW's side table was dropped, not left half-built
        assert engine.object_type(engine.fqn("ANALYTICS", "SLOW")) is None
        assert engine.object_type(engine.fqn("ANALYTICS", "QUICK")) == "TABLE"
        history = engine.execute(
            "SELECT MODEL_NAME, STATUS, MESSAGE FROM MOVIELENS.ELT_META.RUN_HISTORY "
            f"WHERE RUN_ID = '{results['run_id']}'"
        )
    recorded = {row["MODEL_NAME"]: (row["STATUS"], row["MESSAGE"]) for row in history}
    assert {name: status for name, (status, _) in recorded.items()} == statuses
    assert recorded["SLOW"][1].startswith("cancelled (Ctrl-C) while it ran")
    assert recorded["AFTER_SLOW"][1].startswith("cancelled (Ctrl-C) before it started")

    with Project.local(state_dir, Registry.from_package(CANCEL_PROJECT)) as project:  # usable again
        assert project.build(select=["quick"]).success


def test_a_second_ctrl_c_exits_at_once(tmp_path: Path) -> None:
    state_dir = loaded(tmp_path / "state")
    process = build_in_subprocess(state_dir, pause_after=r"^CREATE OR REPLACE TABLE \S+\.QUICK__BUILD_")
    wait_until_paused(process)  # QUICK's worker waits on stdin: the first Ctrl-C alone cannot end the run
    process.send_signal(signal.SIGINT)
    wait_for_line(process, "cancelling: ")
    process.send_signal(signal.SIGINT)
    code, err = finish(process)
    assert code == EXIT_CANCELLED
    assert "interrupted again: exiting now" in err
