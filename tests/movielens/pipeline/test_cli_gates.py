"""``netflix-elt build`` on a warehouse with a broken raw file: exit code 1, the validation JSON names the
failing checks with their counts; warnings alone exit 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.movielens.cli import app
from netflix_elt.project import PROJECT_ENV, Project
from netflix_elt.registry import Registry

from .conftest import load_fixture


@pytest.fixture
def cli_state(good_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the good build for the CLI (the default project: the MovieLens pipeline)."""
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    monkeypatch.delenv("NETFLIX_ELT_CONFIG_DIR", raising=False)
    state_dir = tmp_path / "state"
    shutil.copytree(good_build, state_dir)
    return state_dir


def load(state_dir: Path, registry: Registry, fixture: str) -> None:
    with Project.local(state_dir=state_dir, registry=registry) as project:
        load_fixture(project, fixture)


def build(state_dir: Path, *args: str):
    return CliRunner().invoke(app, ["--state-dir", str(state_dir), "build", *args])


def validation(state_dir: Path) -> dict[str, dict]:
    """The validation JSON of the last run: model -> {check name -> result}, plus the run's summary."""
    report = json.loads((state_dir / "validation" / "validation_results.json").read_text(encoding="utf-8"))
    checks = {m["model"]: {c["name"]: c for c in m["checks"]} for m in report["models"]}
    return {"summary": report["summary"], "success": report["success"], **checks}


def test_a_blocking_check_makes_the_build_exit_1(cli_state: Path, pipeline_registry: Registry) -> None:
    load(cli_state, pipeline_registry, "bad_ratings")

    result = build(cli_state, "--select", "+mart_content_metrics")

    assert result.exit_code == 1, result.output
    assert "RAW_RATINGS: 3 blocking check(s) failed" in " ".join(result.output.split())
    report = validation(cli_state)
    assert report["success"] is False
    failed = {name: c["unexpected_count"] for name, c in report["RAW_RATINGS"].items() if not c["success"]}
    assert failed == {
        "expect_column_values_to_be_in_set(RATING)": 2,
        "unique_per_batch(USER_ID,MOVIE_ID)": 2,
        "epoch_seconds_within_1995_and_tomorrow": 1,
    }
    assert all(report["RAW_RATINGS"][name]["severity"] == "error" for name in failed)
    assert report["summary"]["failed"] == 3 and report["summary"]["models_skipped"] >= 3


def test_warnings_alone_exit_0_and_are_in_the_report(cli_state: Path, pipeline_registry: Registry) -> None:
    load(cli_state, pipeline_registry, "warnings")

    result = build(cli_state, "--select", "+dim_movie_genres +src_links")

    assert result.exit_code == 0, result.output
    report = validation(cli_state)
    assert report["success"] is True and report["summary"]["warned"] == 3
    genre = report["DIM_MOVIE_GENRES"]["genre_in_seed_genres"]
    assert (genre["success"], genre["severity"], genre["unexpected_count"]) == (False, "warn", 1)
