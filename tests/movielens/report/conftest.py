"""Fixtures of the report tests: a warehouse with the synthetic ANALYSIS tables and one real build of a
small project (so run_results.json and the lineage are real), the report rendered from it, and what
headless Chromium showed for it (see ``support.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from netflix_elt.movielens.report import Report, generate_report
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import lineage_models

from .support import CHROMIUM, PageView, view_in_chromium
from .synthetic import create_synthetic_analyses


def open_synthetic_project(state_dir: Path) -> Project:
    return Project.local(state_dir=state_dir, registry=Registry.from_modules(lineage_models))


def build_lineage_project(project: Project) -> None:
    """Create RAW_EVENTS and build the four small models (writes run_results.json)."""
    raw = project.relation("raw_events")
    project.engine.execute(lineage_models.RAW_EVENTS_DDL.format(table=raw))
    project.engine.execute(lineage_models.RAW_EVENTS_ROWS.format(table=raw))
    run = project.build()
    assert run.success, [(r.name, r.message) for r in run.results]


@dataclass
class Rendered:
    """A report written to disk, with the Report object it came from."""

    report: Report
    path: Path
    state_dir: Path


@pytest.fixture(scope="session")
def synthetic_report(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The report over every synthetic table, after a real build of the small project."""
    state_dir = tmp_path_factory.mktemp("report") / "state"
    with open_synthetic_project(state_dir) as project:
        create_synthetic_analyses(project.engine, project.profile.schemas.analysis)
        build_lineage_project(project)
        report = generate_report(project)
        path = report.write(state_dir / "report" / "index.html")
    return Rendered(report, path, state_dir)


@pytest.fixture(scope="session")
def partial_report(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """A report where some tables are missing, one lacks a contract column and one is empty."""
    state_dir = tmp_path_factory.mktemp("partial") / "state"
    with open_synthetic_project(state_dir) as project:
        schema = project.profile.schemas.analysis
        create_synthetic_analyses(
            project.engine, schema, skip=("USER_ACTIVITY", "SEASONALITY_WEEKDAY", "ANALYSIS_PARAMETERS")
        )
        engine = project.engine
        engine.execute(f"ALTER TABLE {engine.fqn(schema, 'MODEL_TIMINGS')} DROP COLUMN LAST_STATUS")
        engine.execute(f"DELETE FROM {engine.fqn(schema, 'PROMOTION_CANDIDATES')}")
        report = generate_report(project)
        path = report.write(state_dir / "report" / "index.html")
    return Rendered(report, path, state_dir)


@pytest.fixture(scope="session")
def chromium() -> None:
    """Skip when Debian's Chromium is not installed (``make browser`` installs it)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} not installed (run `make browser`)")


@pytest.fixture(scope="session")
def synthetic_page(chromium: None, synthetic_report: Rendered) -> PageView:
    return view_in_chromium(synthetic_report.path)


@pytest.fixture(scope="session")
def partial_page(chromium: None, partial_report: Rendered) -> PageView:
    return view_in_chromium(partial_report.path)
