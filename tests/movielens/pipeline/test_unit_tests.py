"""The MovieLens models' unit tests (netflix_elt/movielens/pipeline/unit_tests) under pytest: every declared case
passes, the models the issue names are covered, a wrong expectation fails, and ``netflix-elt unit-test``
finds and runs them."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.movielens.cli import app
from netflix_elt.project import PROJECT_ENV
from netflix_elt.quality.unit import ModelUnitTest, discover_unit_tests
from netflix_elt.registry import Registry

PIPELINE = "netflix_elt.movielens.pipeline"
REGISTRY = Registry.from_package(PIPELINE)
CASES = discover_unit_tests(REGISTRY, [PIPELINE])
COVERED = {
    "SRC_RATINGS",
    "SRC_TAGS",
    "DIM_MOVIES",
    "DIM_MOVIE_GENRES",
    "DIM_USERS",
    "FCT_RATINGS",
    "FCT_GENOME_SCORES",
    "MART_CONTENT_METRICS",
    "MART_USER_BEHAVIOR",
    "SNAP_TAGS",
    "AGG_MOVIE_RATINGS",
    "AGG_USER_RATINGS",
    "AGG_USER_GENRE_RATINGS",
    "AGG_MONTHLY_USER_RATINGS",
}


def test_the_models_of_the_issue_have_unit_tests() -> None:
    assert not COVERED - {case.model for case in CASES}
    assert all("/pipeline/unit_tests/" in case.location for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_unit_test(case, tmp_path: Path) -> None:
    ModelUnitTest.from_case(REGISTRY, case).run(tmp_path)


def test_a_wrong_expectation_fails_with_a_diff(tmp_path: Path) -> None:
    """Expecting a late rating older than the one held for its pair to be merged is wrong: it is not."""
    case = next(c for c in CASES if c.label == "fct_ratings_incremental_merge")
    missed = {"USER_ID": 1, "MOVIE_ID": 20, "RATING": 1.0, "RATED_AT": datetime(2024, 1, 4)}
    wrong = dataclasses.replace(case, expect=[*case.expect, missed])
    outcome = ModelUnitTest.from_case(REGISTRY, wrong).evaluate(tmp_path)
    assert not outcome.passed
    assert "1 expected row(s) missing, 0 unexpected row(s)" in outcome.diff
    assert len(outcome.rows) == len(case.expect)


def test_the_cli_finds_and_runs_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    result = CliRunner().invoke(
        app, ["--state-dir", str(tmp_path / "state"), "unit-test", "--select", "snap_tags dim_movies"]
    )
    assert result.exit_code == 0, result.output
    assert "snap_tags_history_over_three_runs" in result.output
    assert "dim_movies_title_and_year_parsing" in result.output
    assert "2 passed, 0 failed" in result.output
