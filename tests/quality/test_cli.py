"""The CLI runs the checks (open_project installs the runner), writes the validation report after
build/test, exits 1 when a blocking check fails, and runs the project's unit tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.cli import app
from netflix_elt.project import PROJECT_ENV, Project
from netflix_elt.registry import Registry
from projects import ratings

from .conftest import load_raw
from .test_gates import BAD_RATINGS


@pytest.fixture
def cli(tmp_state_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    monkeypatch.setenv(PROJECT_ENV, ratings.__name__)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--state-dir", str(tmp_state_dir), *args])


def load(state_dir: Path, bad: bool = False) -> None:
    with Project.local(state_dir, Registry.from_modules(ratings)) as project:
        load_raw(project, ratings_rows=BAD_RATINGS if bad else None)


def test_build_runs_checks_and_writes_the_report(cli, tmp_state_dir: Path) -> None:
    load(tmp_state_dir)
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert "validation report:" in result.output
    payload = json.loads((tmp_state_dir / "validation" / "validation_results.json").read_text())
    assert payload["summary"]["checks"] == 9 and payload["summary"]["passed"] == 9
    assert (tmp_state_dir / "validation" / "validation_report.html").is_file()


def test_a_blocking_failure_exits_1_in_build_and_test(cli, tmp_state_dir: Path) -> None:
    load(tmp_state_dir)
    assert cli("build").exit_code == 0
    load(tmp_state_dir, bad=True)
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "3 blocking check(s) failed" in result.output
    assert "not published, the previous table is kept" in result.output
    # `test` checks what is published: the good FCT_RATINGS was kept, and it no longer reconciles with
    # the new staging rows.
    result = cli("test", "--select", "fct_ratings")
    assert result.exit_code == 1, result.output
    payload = json.loads((tmp_state_dir / "validation" / "validation_results.json").read_text())
    assert payload["command"] == "test" and payload["summary"]["failed"] == 1
    with Project.local(tmp_state_dir, Registry.from_modules(ratings)) as project:
        runs = project.engine.scalar("SELECT COUNT(DISTINCT RUN_ID) FROM MOVIELENS.ELT_META.CHECK_RESULTS")
    assert runs == 3


def test_unit_test_command(cli) -> None:
    passing = cli("unit-test", "--select", "movie_stats")
    assert passing.exit_code == 0, passing.output
    assert "1 passed, 0 failed" in passing.output
    failing = cli("unit-test")
    assert failing.exit_code == 1, failing.output
    assert "1 passed, 1 failed" in failing.output
    assert "FAIL stg_movies_wrong_on_purpose" in failing.output
    assert "'Heat (1995)'" in failing.output and "'Heat'" in failing.output
