"""Two commands on one local warehouse: exactly one wins, every other one exits 2 with one line saying the
warehouse is in use by another process (and nothing else: not a SQL error, not a traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netflix_elt.engine.worktables import find_work_tables
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from reliability.helpers import CRASH_PROJECT, load_crash_raw, resume, start_cli, wait_until_paused

IN_USE = "is in use by another process"


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    state_dir = tmp_path / "state"
    with Project.local(state_dir=state_dir, registry=Registry.from_package(CRASH_PROJECT)) as project:
        load_crash_raw(project.engine, 0)
    return state_dir


def test_while_a_build_runs_every_other_command_is_refused_with_one_line(
    loaded: Path, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    release.mkdir()
    (release / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    state = ["--state-dir", str(loaded)]
    build = start_cli(
        [*state, "build"], pause_after=r"^CREATE OR REPLACE TABLE \S+\.EVENTS__BUILD_", project=CRASH_PROJECT
    )
    wait_until_paused(build)  # it holds the warehouse, half-way through its run
    others = {
        "build": [*state, "build"],
        "load": [*state, "load", "--source", str(release)],
        "sql": [*state, "sql", "select 1"],
    }
    running = {name: start_cli(args, project=CRASH_PROJECT) for name, args in others.items()}
    for name, process in running.items():
        out, err = process.communicate()
        lines = [line for line in err.splitlines() if line.strip()]
        assert process.returncode == 2, (name, out, err)
        assert len(lines) == 1 and lines[0].startswith("error: ") and IN_USE in lines[0], (name, lines)
        assert "check the SQL" not in lines[0] and "Traceback" not in out + err, (name, lines)

    code, out, err = resume(build)  # the one that held the warehouse finishes its build
    assert code == 0, (out, err)
    assert "Traceback" not in out + err
    with Project.local(state_dir=loaded, registry=Registry.from_package(CRASH_PROJECT)) as project:
        assert project.engine.row_count(project.relation("events")) == 5
        assert find_work_tables(project.engine) == []
