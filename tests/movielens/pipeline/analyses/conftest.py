"""Warehouses for the analysis tests: the hand-written fixture (sql_fixtures/analyses) and, when present,
ml-latest-small; each loaded into RAW tables shaped like ``netflix_elt.movielens.loader.layout`` and built once.

The fixture is tiny, so the analyses run with FIXTURE_PARAMETERS (smaller thresholds, caps and windows)
that the expected answers in test_fixture_*.py were worked out with.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from netflix_elt.engine import Engine
from netflix_elt.movielens.loader.layout import LOAD_COLUMNS, LOAD_LOG, LOAD_REJECTS, MOVIELENS_FILES
from netflix_elt.movielens.loader.tables import LOAD_LOG_COLUMNS, LOAD_REJECTS_COLUMNS, create_table_sql
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from netflix_elt.results import RunResult

FIXTURES = Path(__file__).resolve().parents[4] / "sql_fixtures" / "analyses"
MOVIELENS_SMALL = Path("/work/shared/data/ml-latest-small")
PIPELINE = "netflix_elt.movielens.pipeline"
ANALYSES = "netflix_elt.movielens.pipeline.analyses"

# Parameters the fixture answers were computed with (module -> constant -> value).
FIXTURE_PARAMETERS: dict[str, dict[str, object]] = {
    "segments": {"HEAVY_MIN_RATINGS": 4, "REGULAR_MIN_RATINGS": 2},
    "content": {"POLARIZED_MIN_RATINGS": 4, "ENGAGEMENT_MIN_PERCENTILE": 0.5, "LOW_RATING_GAP": 0.25},
    "users": {"CONSISTENCY_MIN_RATINGS": 3, "OUTLIER_Z": 1.2},
    "recommendations": {
        "USER_CAP": 3,
        "MOVIE_RATER_CAP": 3,
        "MIN_CO_RATED": 2,
        "LIKES_CAP": 3,
        "MIN_CO_RATERS": 2,
        "TOP_K": 2,
    },
    "business": {"PRIOR_RATINGS": 2, "RECENT_DAYS": 45, "PROMOTION_TOP_N": 3, "GROWTH_MONTHS": 1},
    "temporal": {"BASELINE_PERIODS": 3, "MIN_BASELINE_PERIODS": 2, "ANOMALY_Z": 2.0},
}


def use_fixture_parameters(patch: pytest.MonkeyPatch) -> None:
    """Set the analysis modules' constants to FIXTURE_PARAMETERS (undone when ``patch`` is)."""
    for module_name, values in FIXTURE_PARAMETERS.items():
        module = importlib.import_module(f"{ANALYSES}.{module_name}")
        for name, value in values.items():
            assert hasattr(module, name), f"{module_name}.{name} is not a parameter"
            patch.setattr(module, name, value)


@dataclass
class Built:
    """A built warehouse: the project and the result of its build."""

    project: Project
    run: RunResult

    def rows(self, model: str, order_by: str) -> list[dict]:
        """Every row of a model as a dict (UPPER-case keys), ordered."""
        relation = self.project.relation(model)
        return [
            row.as_dict()
            for row in self.project.engine.execute(f"SELECT * FROM {relation} ORDER BY {order_by}")
        ]

    def scalar(self, sql: str) -> object:
        return self.project.engine.scalar(sql)


def load_raw_directory(engine: Engine, directory: Path, batch_id: str) -> None:
    """Replace every RAW table with the CSVs of ``directory`` (absent files give empty tables).

    Empty fields become NULL in typed columns and stay '' in text columns, as the loader does; the
    load columns record the file, the line number (header = 1), now (UTC) and ``batch_id``.
    """
    loaded_at = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    for spec in MOVIELENS_FILES:
        table = engine.fqn(engine.profile.schemas.raw, spec.table)
        columns = ", ".join(f"{name} {kind}" for name, kind in spec.columns + LOAD_COLUMNS)
        engine.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
        path = directory / spec.file_name
        if not path.is_file():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")[list(spec.header)]
        frame.columns = list(spec.column_names)
        frame["_SOURCE_FILE"] = spec.file_name
        frame["_FILE_ROW_NUMBER"] = [str(n) for n in range(2, len(frame) + 2)]
        frame["_LOADED_AT"] = loaded_at
        frame["_BATCH_ID"] = batch_id
        uploaded = engine.session().create_dataframe(frame)
        for statement in uploaded.queries["queries"][:-1]:
            engine.execute(statement)
        casts = [
            name if kind == "VARCHAR" else f"CAST(NULLIF({name}, '') AS {kind})"
            for name, kind in spec.columns
        ]
        casts += [f"CAST({name} AS {kind})" for name, kind in LOAD_COLUMNS]
        engine.execute(
            f"INSERT INTO {table} SELECT {', '.join(casts)} FROM ({uploaded.queries['queries'][-1]})"
        )


def load_rejects(engine: Engine, path: Path | None, batch_id: str) -> None:
    """Create ELT_META.LOAD_REJECTS as the loader does and fill it from a CSV (TARGET_TABLE, LINE_NUMBER,
    RAW_RECORD, REASON), when given."""
    table = engine.fqn(engine.profile.schemas.meta, LOAD_REJECTS)
    engine.execute(f"DROP TABLE IF EXISTS {table}")
    engine.execute(create_table_sql(table, LOAD_REJECTS_COLUMNS))
    if path is None:
        return
    from netflix_elt.sql import literal

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    values = [
        f"({literal(batch_id)}, 'fixture', {literal(r.TARGET_TABLE)}, {int(r.LINE_NUMBER)}, "
        f"{literal(r.RAW_RECORD)}, {literal(r.REASON)}, CURRENT_TIMESTAMP()::TIMESTAMP_NTZ)"
        for r in frame.itertuples()
    ]
    names = ", ".join(name for name, _ in LOAD_REJECTS_COLUMNS)
    engine.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join(values)}")


def build_project(state_dir: Path, directory: Path, rejects: Path | None) -> Built:
    project = Project.local(state_dir=state_dir, registry=Registry.from_package(PIPELINE))
    load_raw_directory(project.engine, directory, batch_id="b1")
    load_rejects(project.engine, rejects, batch_id="b1")
    # The pipeline declares the loader's LOAD_LOG as a source (for its reconciliation check): create it.
    log = project.engine.fqn(project.engine.profile.schemas.meta, LOAD_LOG)
    project.engine.execute(create_table_sql(log, LOAD_LOG_COLUMNS))
    return Built(project, project.build(threads=2))


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The hand-written fixture, built with FIXTURE_PARAMETERS."""
    with pytest.MonkeyPatch.context() as patch:
        use_fixture_parameters(patch)
        built = build_project(
            tmp_path_factory.mktemp("analyses_fixture"), FIXTURES, FIXTURES / "load_rejects.csv"
        )
    yield built
    built.project.close()


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """ml-latest-small, built with the default parameters (skipped when the data is absent)."""
    if not (MOVIELENS_SMALL / "ratings.csv").is_file():
        pytest.skip(f"{MOVIELENS_SMALL} is not available")
    built = build_project(tmp_path_factory.mktemp("analyses_small"), MOVIELENS_SMALL, None)
    yield built
    built.project.close()
