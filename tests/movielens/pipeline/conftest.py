"""Fixtures of the pipeline gate tests: the hand-written release of sql_fixtures/pipeline loaded with the
real loader into the real pipeline and built once with its checks (the analyses left out); each test
works on its own copy of that warehouse, loads a broken file on top and builds again."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netflix_elt.movielens.loader import load_directory
from netflix_elt.project import Project
from netflix_elt.quality import default_check_runner
from netflix_elt.registry import Registry

FIXTURES = Path(__file__).resolve().parents[3] / "sql_fixtures" / "pipeline"
CORE = {"exclude": ["tag:analysis"]}  # the analyses carry no checks; leaving them out keeps builds short


def checked_project(state_dir: Path, registry: Registry) -> Project:
    """A local project on ``state_dir`` that runs the declared checks after every node."""
    project = Project.local(state_dir=state_dir, registry=registry)
    project.use_check_runner(default_check_runner(project))
    return project


@pytest.fixture(scope="session")
def pipeline_registry() -> Registry:
    return Registry.from_package("netflix_elt.movielens.pipeline")


@pytest.fixture(scope="session")
def good_build(tmp_path_factory: pytest.TempPathFactory, pipeline_registry: Registry) -> Path:
    """A closed state directory: the fixture release loaded and built with every check passing."""
    state_dir = tmp_path_factory.mktemp("pipeline_good") / "state"
    with checked_project(state_dir, pipeline_registry) as project:
        load_directory(project.engine, FIXTURES / "release", mode="replace", batch_id="release")
        run = project.build(**CORE)
        failed = {r.name: r.message for r in run.results if r.status != "success"}
        assert not failed, failed
    return state_dir


@pytest.fixture
def built(good_build: Path, tmp_path: Path, pipeline_registry: Registry) -> Iterator[Project]:
    """This test's copy of the good build, opened with the check runner."""
    state_dir = tmp_path / "state"
    shutil.copytree(good_build, state_dir)
    project = checked_project(state_dir, pipeline_registry)
    yield project
    project.close()


def load_fixture(project: Project, name: str) -> None:
    """Append the files of ``sql_fixtures/pipeline/<name>`` as a new load batch named after them."""
    load_directory(project.engine, FIXTURES / name, mode="append", batch_id=name.replace("_", "-"))


def checks_of(run: Any, model: str) -> dict[str, dict[str, Any]]:
    """The check results of one node of a run, by check name."""
    return {c["name"]: c for c in run.by_name()[model.upper()].checks}


def rows_of(project: Project, model: str) -> list[tuple[Any, ...]]:
    """Every row of a model's table, sorted, for before/after comparisons."""
    return sorted(tuple(r) for r in project.engine.execute(f"SELECT * FROM {project.relation(model)}"))
