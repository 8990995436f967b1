"""Generated days through the incremental path: after every day, the warehouse equals a full refresh
of the same inputs for every published model (``netflix-elt diff``, exact: no float tolerance), history
aside: SNAP_TAGS is compared on its current rows, MODEL_TIMINGS (the run history's) is not compared.

The daily warehouse loads each day's increment and builds with every check at that day's logical time:
sources hand their new batches on, FCT_RATINGS merges only them, the partials fold FCT_RATINGS' change
set in, the marts and analyses are rebuilt from the partials (or left up to date), and the weekly
analyses are not due between Mondays. A second warehouse is loaded with the same files and rebuilt with
``--full-refresh``. The weekly analyses are compared with the full refresh of the day they were last
built (the Monday's), every other published model with today's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from netflix_elt.movielens import PIPELINE
from netflix_elt.movielens.datagen import generate_dataset, generate_increment
from netflix_elt.movielens.loader import load_directory
from netflix_elt.project import Project
from netflix_elt.quality import default_check_runner

RATINGS = 12_000
SEED = 5
MONDAY = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
# day -> logical run time: Monday (every model built), Tuesday and Wednesday (the weekly ones are not
# due), and the next Monday (they are due again).
RUN_AT = {
    0: MONDAY,
    1: MONDAY + timedelta(days=1),
    2: MONDAY + timedelta(days=2),
    3: MONDAY + timedelta(days=7),
}
# What a full refresh cannot reproduce, being history: SNAP_TAGS' versions (its current rows are compared
# instead) and MODEL_TIMINGS (read from the run history).
HISTORY = ["snap_tags", "model_timings"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("days") / "data"
    generate_dataset(directory, RATINGS, SEED)
    for day in (1, 2, 3):
        generate_increment(directory, day, SEED)
    return directory


def files_of(data_dir: Path, day: int) -> Path:
    return data_dir if day == 0 else data_dir / "increments" / f"day-{day:04d}"


def open_project(state_dir: Path) -> Project:
    project = Project.local(project=PIPELINE, state_dir=state_dir)
    project.use_check_runner(default_check_runner(project))
    return project


def build(project: Project, day: int, **options) -> dict:
    run = project.build(run_started_at=RUN_AT[day], **options)
    failed = {r.name: r.message for r in run.results if not r.passed}
    assert not failed, failed
    return run.by_name()


def full_refresh(data_dir: Path, day: int, state_dir: Path) -> Project:
    """A warehouse loaded with the files of days 0..day and built from scratch at that day's time."""
    project = open_project(state_dir)
    for loaded in range(day + 1):
        load_directory(
            project.engine, files_of(data_dir, loaded), mode="replace" if loaded == 0 else "append"
        )
    build(project, day, full_refresh=True)
    return project


@dataclass
class Day:
    """What one played day left: the daily build's results and its comparisons."""

    results: dict
    different: list[str]  # models that differ from today's full refresh (weekly ones aside when not due)
    weekly_different: list[str]  # weekly models that differ from the full refresh of their last build
    weekly: list[str]
    current_tags: tuple[list, list]  # SNAP_TAGS' current rows: daily, full refresh


def current_tags(project: Project) -> list:
    rows = project.table("snap_tags").filter("IS_CURRENT").select("USER_ID", "MOVIE_ID", "TAG", "TAGGED_AT")
    return sorted(tuple(row) for row in rows.collect())


@pytest.fixture(scope="module")
def days(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Day]]:
    daily = open_project(tmp_path_factory.mktemp("daily"))
    weekly = sorted(spec.name.lower() for spec in daily.registry if spec.cron)
    monday: Project | None = None
    played = []
    try:
        for day, run_at in RUN_AT.items():
            load_directory(daily.engine, files_of(data_dir, day), mode="replace" if day == 0 else "append")
            results = build(daily, day)
            full = full_refresh(data_dir, day, tmp_path_factory.mktemp(f"full-{day}"))
            due = run_at.weekday() == 0
            report = daily.diff(full, exclude=HISTORY if due else [*HISTORY, *weekly])
            tags = (current_tags(daily), current_tags(full))
            weekly_different: list[str] = []
            if due:
                if monday is not None:
                    monday.close()
                monday = full
            else:
                assert monday is not None
                weekly_different = [m.model for m in daily.diff(monday, select=weekly).different]
                full.close()
            played.append(Day(results, [m.model for m in report.different], weekly_different, weekly, tags))
        yield played
    finally:
        daily.close()
        if monday is not None:
            monday.close()


def test_every_day_equals_a_full_refresh(days: list[Day]) -> None:
    assert len(days) == len(RUN_AT)
    for day, played in enumerate(days):
        assert played.different == [], f"day {day}: differ from the full refresh: {played.different}"
        assert played.weekly_different == [], f"day {day}: weekly models differ: {played.weekly_different}"
        daily_tags, full_tags = played.current_tags
        assert daily_tags and daily_tags == full_tags, f"day {day}: SNAP_TAGS' current rows differ"
    # the weekly ones were compared too: with today's full refresh on Mondays, the Monday's otherwise
    assert days[0].weekly and days[1].results[days[0].weekly[0].upper()].status == "not_due"


def test_a_day_reads_only_what_changed(days: list[Day]) -> None:
    results = days[1].results
    fct = results["FCT_RATINGS"]
    assert (fct.inserted or 0) + (fct.updated or 0) > 0
    assert "rebuilt in full" not in fct.message
    for name in ("AGG_MOVIE_RATINGS", "AGG_USER_RATINGS", "AGG_USER_GENRE_RATINGS", "MART_MOVIE_RELEASES"):
        assert results[name].status == "success" and "rebuilt in full" not in results[name].message, name
    # no genome files that day: everything built from them stays as it is
    for name in ("RAW_GENOME_SCORES", "SRC_GENOME_SCORES", "FCT_GENOME_SCORES", "DIM_GENOME_TAGS"):
        assert results[name].status in ("success", "up_to_date"), name
    assert results["FCT_GENOME_SCORES"].status == "up_to_date"
    checks = {c["name"]: c["scope"] for c in fct.checks}
    assert checks["expect_column_values_to_not_be_null(RATING)"].startswith("the ")
    assert checks["expect_column_values_to_not_be_null(RATING)"].endswith(" changed rows")


def test_the_weekly_analyses_are_built_again_on_the_next_monday(days: list[Day]) -> None:
    played = days[3]
    for name in played.weekly:
        assert played.results[name.upper()].status == "success", name
