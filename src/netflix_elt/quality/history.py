"""``ELT_META.CHECK_RESULTS``: every check of every run, appended, for results over time.

``publish_validation(project, run)`` is what ``build`` and ``test`` call at the end of a run: the
JSON and HTML reports in the state directory plus the rows of this table.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt.engine import Engine
from netflix_elt.quality.report import write_validation_report
from netflix_elt.results import RunResult, outcome_label
from netflix_elt.sql import literal

if TYPE_CHECKING:
    from netflix_elt.project import Project

CHECK_RESULTS = "CHECK_RESULTS"
CHECK_RESULTS_COLUMNS = {
    "RUN_ID": "VARCHAR",
    "COMMAND": "VARCHAR",
    "MODEL_NAME": "VARCHAR",
    "CHECK_NAME": "VARCHAR",
    "EXPECTATION": "VARCHAR",
    "SEVERITY": "VARCHAR",
    "SUCCESS": "BOOLEAN",
    "OUTCOME": "VARCHAR",
    "UNEXPECTED_COUNT": "NUMBER",
    "ELEMENT_COUNT": "NUMBER",
    "UNEXPECTED_PERCENT": "FLOAT",
    "OBSERVED_VALUE": "VARCHAR",
    "SAMPLE": "VARCHAR",
    "EXCEPTION": "VARCHAR",
    "ROUTE": "VARCHAR",
    "SECONDS": "FLOAT",
    "CHECKED_AT": "TIMESTAMP_NTZ",
}
ROWS_PER_INSERT = 500


def check_results_table(engine: Engine) -> str:
    return engine.fqn(engine.profile.schemas.meta, CHECK_RESULTS)


def create_table_sql(table: str) -> str:
    columns = ", ".join(f"{name} {kind}" for name, kind in CHECK_RESULTS_COLUMNS.items())
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns})"


def insert_sql(table: str, run: RunResult) -> list[str]:
    """INSERT statements for every check result of the run (in chunks)."""
    rows = []
    for node in run.results:
        for check in node.checks:
            values = [
                run.run_id,
                run.command,
                check.get("model", node.name),
                check.get("name"),
                check.get("expectation"),
                check.get("severity"),
                bool(check.get("success")),
                outcome_label(check),
                check.get("unexpected_count"),
                check.get("element_count"),
                check.get("unexpected_percent"),
                _json(check.get("observed_value")),
                _json(check.get("sample")),
                _text(check.get("exception")),
                check.get("route"),
                check.get("seconds"),
                _moment(check.get("checked_at")) or node.ended_at,
            ]
            rows.append(f"({', '.join(literal(v) for v in values)})")
    names = ", ".join(CHECK_RESULTS_COLUMNS)
    return [
        f"INSERT INTO {table} ({names}) VALUES {', '.join(rows[start : start + ROWS_PER_INSERT])}"
        for start in range(0, len(rows), ROWS_PER_INSERT)
    ]


def append_check_results(engine: Engine, run: RunResult) -> int:
    """Append the run's check results to CHECK_RESULTS (created on first use); return the row count."""
    statements = insert_sql(check_results_table(engine), run)
    if not statements:
        return 0
    engine.execute(create_table_sql(check_results_table(engine)))
    for statement in statements:
        engine.execute(statement)
    return sum(len(node.checks) for node in run.results)


def publish_validation(project: Project, run: RunResult) -> tuple[Path, Path]:
    """Reports in ``<state_dir>/validation/`` and the CHECK_RESULTS rows of a ``build`` or ``test`` run."""
    paths = write_validation_report(project.state_dir, run)
    append_check_results(project.engine, run)
    return paths


def _json(value: Any) -> str | None:
    if value is None or value == [] or value == {}:
        return None
    return json.dumps(value, default=str, ensure_ascii=False)[:16_000]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:4000]


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
