"""Fixtures of the quality tests: the ratings project with the quality runner and its raw data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from netflix_elt.project import Project
from netflix_elt.quality import default_check_runner
from netflix_elt.quality.unit.fixtures import records, table_columns, write_table
from projects import ratings

MOVIE_TYPES = {"MOVIE_ID": "NUMBER(38,0)", "TITLE": "VARCHAR"}
RATING_TYPES = {
    "USER_ID": "NUMBER(38,0)",
    "MOVIE_ID": "NUMBER(38,0)",
    "RATING": "NUMBER(2,1)",
    "RATED_AT": "TIMESTAMP_NTZ",
}
GOOD_MOVIES = [
    {"MOVIE_ID": 1, "TITLE": "Heat"},
    {"MOVIE_ID": 2, "TITLE": "Alien"},
    {"MOVIE_ID": 3, "TITLE": "Up"},
]
GOOD_RATINGS = [
    {"USER_ID": 1, "MOVIE_ID": 1, "RATING": 4.5, "RATED_AT": datetime(2020, 1, 1)},
    {"USER_ID": 1, "MOVIE_ID": 2, "RATING": 3.0, "RATED_AT": datetime(2020, 1, 2)},
    {"USER_ID": 2, "MOVIE_ID": 1, "RATING": 2.0, "RATED_AT": datetime(2020, 1, 3)},
    {"USER_ID": 2, "MOVIE_ID": 3, "RATING": 4.0, "RATED_AT": datetime(2020, 1, 4)},
]


def write_rows(project: Project, name: str, rows: list[dict[str, Any]], types: dict[str, str]) -> None:
    """(Re)create the table of model ``name`` with exactly ``rows``."""
    data = records(rows, name)
    write_table(project.engine, project.relation(name), table_columns(data, types, name), data)


@pytest.fixture
def checked_project(make_project: Callable[..., Project]) -> Callable[..., Project]:
    """``checked_project(module=ratings, route=None)``: a local project that runs its checks."""

    def factory(module: Any = ratings, route: str | None = None, state_dir: Path | None = None) -> Project:
        project = make_project(module, state_dir=state_dir)
        project.use_check_runner(default_check_runner(project, route))
        return project

    return factory


@pytest.fixture
def ratings_project(checked_project: Callable[..., Project]) -> Iterator[Project]:
    """The ratings project with good raw data loaded (nothing built yet)."""
    project = checked_project()
    load_raw(project)
    yield project


def load_raw(
    project: Project, movies: list[dict] | None = None, ratings_rows: list[dict] | None = None
) -> None:
    write_rows(project, "raw_movies", GOOD_MOVIES if movies is None else movies, MOVIE_TYPES)
    write_rows(project, "raw_ratings", GOOD_RATINGS if ratings_rows is None else ratings_rows, RATING_TYPES)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (skips when it is not installed).

    Per test, not per session: between its sync calls Playwright marks its asyncio loop as the running
    loop of this thread, so a browser kept open would make every later test (e.g. Prefect's sync API in
    tests/orchestration) run as if inside ``async`` code and get coroutines back.
    """
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
