"""Shared fixtures: a state directory per test, a Project factory over the test projects in
``tests/framework/`` (each project is closed after its test), and the MovieLens small release."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from netflix_elt.project import Project
from netflix_elt.registry import Registry

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


@pytest.fixture
def movielens_small() -> Path:
    """The real MovieLens small release beside the repository (skips when it is not there)."""
    if not (MOVIELENS_SMALL / "ratings.csv").is_file():
        pytest.skip(f"MovieLens small release not found at {MOVIELENS_SMALL}")
    return MOVIELENS_SMALL
