"""Shared fixtures: a state directory per test, a Project factory over the test projects in
``tests/projects/`` (each project is closed after its test), a bare embedded engine per test or per
module, the wire-tier emulator server, and the MovieLens small release."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from netflix_elt.config import Profile
from netflix_elt.engine import Engine, open_engine
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from wire.tiers import WireServer

MOVIELENS_SMALL = Path(__file__).resolve().parents[1].parent / "shared/data/ml-latest-small"

ProjectFactory = Callable[..., Project]


@pytest.fixture
def tmp_state_dir(tmp_path: Path) -> Path:
    """A fresh state directory (its warehouse lives in ``<state_dir>/warehouse``)."""
    return tmp_path / "state"


@pytest.fixture
def make_project(tmp_state_dir: Path) -> Iterator[ProjectFactory]:
    """``make_project(module_or_registry, ..., state_dir=None)`` -> a local Project, closed after the test.

    Several projects may share one state directory (e.g. two versions of a registry); they share its
    embedded warehouse, so all of them are closed together at the end of the test.
    """
    opened: list[Project] = []

    def factory(*sources: ModuleType | Registry, state_dir: Path | None = None) -> Project:
        if len(sources) == 1 and isinstance(sources[0], Registry):
            registry = sources[0]
        else:
            registry = Registry.from_modules(*sources)  # type: ignore[arg-type]
        project = Project.local(state_dir=state_dir or tmp_state_dir, registry=registry)
        opened.append(project)
        return project

    yield factory
    for project in reversed(opened):
        project.close()


@pytest.fixture(scope="module")
def module_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A bootstrapped local engine shared by the tests of one module, closed after them."""
    engine = open_engine(Profile(), tmp_path_factory.mktemp("engine"))
    engine.bootstrap()
    yield engine
    engine.close()


@pytest.fixture
def engine(tmp_state_dir: Path) -> Iterator[Engine]:
    """A bootstrapped embedded engine on a fresh state directory, closed after the test."""
    engine = open_engine(Profile(), tmp_state_dir)
    engine.bootstrap()
    yield engine
    engine.close()


@pytest.fixture
def movielens_small() -> Path:
    """The real MovieLens small release beside the repository (skips when it is not there)."""
    if not (MOVIELENS_SMALL / "ratings.csv").is_file():
        pytest.skip(f"MovieLens small release not found at {MOVIELENS_SMALL}")
    return MOVIELENS_SMALL


def release_with_a_day(directory: Path) -> Path:
    """A copy of the MovieLens small release in ``directory`` with generated day 1 (seed 7) in
    ``increments/day-0001``; skips when the release is not there."""
    from netflix_elt.movielens.datagen import generate_increment

    if not (MOVIELENS_SMALL / "ratings.csv").is_file():
        pytest.skip(f"MovieLens small release not found at {MOVIELENS_SMALL}")
    copy = directory / "ml-latest-small"
    shutil.copytree(MOVIELENS_SMALL, copy)
    generate_increment(copy, 1, seed=7)
    return copy


@pytest.fixture(scope="session")
def wire_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireServer]:
    """``python -m netflix_elt.testing.wire_server`` on a free loopback port; stopped (SIGTERM) at the end."""
    server = WireServer.start(tmp_path_factory.mktemp("wire_server"))
    try:
        yield server
    finally:
        log = server.stop()
        assert server.process.returncode == 0, log[-4000:]
        assert "wire server stopped:" in log
