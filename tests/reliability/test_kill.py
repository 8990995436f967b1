"""``kill -9`` at chosen points of a build and of a load: the next run clears what the dead one left and
ends with the same tables as a run that was never interrupted.

The real command line runs in a subprocess, paused after a given statement (``pause_driver.py``), and is
killed there with SIGKILL; each run of a chain is killed at the next point, and the one after it
recovers. Small data, so the whole file takes seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netflix_elt.config import Profile
from netflix_elt.engine import open_engine
from netflix_elt.engine.worktables import find_work_tables
from netflix_elt.movielens import PIPELINE
from netflix_elt.movielens.loader import load_directory
from netflix_elt.project import Project
from netflix_elt.quality import default_check_runner
from netflix_elt.recovery import find_leftovers
from netflix_elt.registry import Registry
from reliability.helpers import (
    CRASH_PROJECT,
    kill,
    load_crash_raw,
    start_cli,
    wait_until_paused,
)

# Where each run of the build chain dies, and what it must have left behind there.
BUILD_KILLS = [
    (r"^UPDATE \S+\.CUSTOMERS_HISTORY ", ("CUSTOMERS_HISTORY__SCRATCH_",) * 3),  # inside its transaction
    (r"^CREATE OR REPLACE TABLE \S+\.RELEASES__BUILD_", ("RELEASES__BUILD_",)),
    (r"^CREATE TABLE \S+\.EVENTS__SCRATCH_", ("EVENTS__SCRATCH_",)),
    (r"^CREATE OR REPLACE TABLE \S+\.EVENT_TOTALS__BUILD_", ("EVENT_TOTALS__BUILD_",)),  # not yet audited
]


def crash_registry() -> Registry:
    return Registry.from_package(CRASH_PROJECT)


def checked(state_dir: Path) -> Project:
    project = Project.local(project=PIPELINE, state_dir=state_dir, registry=crash_registry())
    project.use_check_runner(default_check_runner(project))
    return project


def leftovers(state_dir: Path) -> tuple[list[str], int]:
    """Work tables and IN_PROGRESS loads in the warehouse, looked at without clearing them."""
    with open_engine(Profile(), state_dir) as engine:
        found = find_leftovers(engine)
    return [t.rsplit(".", 1)[-1] for t in found.tables], len(found.rows)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Day 0 built, day 1 loaded: the next build merges events, updates the snapshot, rebuilds tables."""
    state_dir = tmp_path_factory.mktemp("killed-build") / "base"
    with checked(state_dir) as project:
        load_crash_raw(project.engine, 0)
        assert project.build().success
        load_crash_raw(project.engine, 1)
    return state_dir


def assert_same_tables(left: Project, right: Project, select: list[str] | None = None) -> None:
    """Every selected model has the same rows on both sides (run times left out; see Project.diff)."""
    report = left.diff(right, select=select)
    assert report.models and all(not m.missing for m in report.models)
    assert [m.to_dict() for m in report.different] == []


def copy_of(state_dir: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(state_dir, target)
    return target


def test_a_build_killed_at_each_point_recovers_to_the_clean_result(built_once: Path, tmp_path: Path) -> None:
    clean_dir = copy_of(built_once, tmp_path, "clean")
    with checked(clean_dir) as project:
        assert project.build().success

    state_dir = copy_of(built_once, tmp_path, "killed")
    # every node named: built even when up to date (the seed is, and would never reach its kill point)
    every_node = " ".join(spec.name.lower() for spec in crash_registry())
    for pattern, expected_left in BUILD_KILLS:
        process = start_cli(
            ["--state-dir", str(state_dir), "build", "--threads", "1", "--select", every_node],
            pause_after=pattern,
            project=CRASH_PROJECT,
        )
        wait_until_paused(process)
        kill(process)
        left, loads = leftovers(state_dir)
        for prefix in set(expected_left):
            assert sum(t.startswith(prefix) for t in left) == expected_left.count(prefix), (pattern, left)
        assert loads == 0
        if pattern == BUILD_KILLS[0][0]:  # killed inside the snapshot's transaction: none of it was kept
            assert_same_tables(checked(state_dir), checked(built_once), ["customers_history"])

    with checked(state_dir) as project:  # the next run
        assert project.build().success
        assert find_work_tables(project.engine) == []
    assert_same_tables(checked(state_dir), checked(clean_dir))


# -- loads ---------------------------------------------------------------------------------------
# Where each run of the load chain dies, and whether a file's LOAD_LOG row is left IN_PROGRESS there.
LOAD_KILLS = [
    # movies' landing made (a view over the file on the embedded engine), its transaction just begun
    (r"^BEGIN TRANSACTION", True),
    (r"^INSERT INTO \S+\.RAW_RATINGS ", True),  # the file's rows in RAW, not committed
    (r"^COMMIT", False),  # ratings committed (movies were, by the run before): the next load skips them
    (r"^UPDATE \S+\.LOAD_LOG .*'LOADED'", True),  # tags published and logged, the transaction not committed
]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from netflix_elt.movielens.datagen import generate_dataset

    out = tmp_path_factory.mktemp("release") / "small"
    generate_dataset(out, 1000, 7)
    return out


def load_log(project: Project) -> list[tuple[str, str, str]]:
    rows = project.engine.execute(
        "SELECT BATCH_ID, TARGET_TABLE, STATUS FROM MOVIELENS.ELT_META.LOAD_LOG ORDER BY STARTED_AT, TARGET_TABLE"
    )
    return [tuple(str(v) for v in row) for row in rows]


def test_a_load_killed_at_each_point_recovers_to_the_clean_result(release: Path, tmp_path: Path) -> None:
    with Project.local(project=PIPELINE, state_dir=tmp_path / "clean") as project:
        load_directory(project.engine, release)

    state_dir = tmp_path / "killed"
    for number, (pattern, in_progress) in enumerate(LOAD_KILLS):
        process = start_cli(
            ["--state-dir", str(state_dir), "load", "--source", str(release)], pause_after=pattern
        )
        wait_until_paused(process)
        kill(process)
        left, loads = leftovers(state_dir)
        assert loads == in_progress, pattern  # the file being loaded is IN_PROGRESS in LOAD_LOG
        assert all(t.startswith(("LANDING_", "RECORD_MAP")) for t in left), left
        assert number > 0 or left  # the first kill comes right after the landing table was made
        if "RAW_RATINGS" in pattern:  # killed inside the file's transaction: none of its rows are kept
            with Project.local(project=PIPELINE, state_dir=state_dir) as project:
                assert project.engine.row_count("MOVIELENS.RAW.RAW_RATINGS") == 0

    with Project.local(
        project=PIPELINE, state_dir=state_dir
    ) as project:  # opening marks the IN_PROGRESS rows
        log = load_log(project)
        assert [s for _, _, s in log].count("INTERRUPTED") == sum(p for _, p in LOAD_KILLS)
        assert "IN_PROGRESS" not in {s for _, _, s in log}
        summary = load_directory(project.engine, release)
        assert not summary.failed
        assert find_work_tables(project.engine) == []
        ratings = [s for _, t, s in load_log(project) if t == "RAW_RATINGS"]
        assert ratings.count("LOADED") == 1  # loaded once, by the run killed after its COMMIT
    raw = ["raw_*"]  # the loader's tables (the sources of the MovieLens pipeline)
    assert_same_tables(
        Project.local(project=PIPELINE, state_dir=state_dir),
        Project.local(project=PIPELINE, state_dir=tmp_path / "clean"),
        raw,
    )
