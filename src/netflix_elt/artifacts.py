"""Run artifacts: manifest.json, run_results.json and state.json in the state directory, and the
RUN_HISTORY table in the warehouse's metadata schema (which the MODEL_TIMINGS analysis reads)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netflix_elt.engine import Engine
from netflix_elt.files import write_text_atomic
from netflix_elt.plan import command_builds
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult, RunResult
from netflix_elt.sql import fqn, literal

RUN_HISTORY = "RUN_HISTORY"
RUN_HISTORY_COLUMNS = {
    "RUN_ID": "VARCHAR",
    "COMMAND": "VARCHAR",
    "MODEL_NAME": "VARCHAR",
    "KIND": "VARCHAR",
    "STATUS": "VARCHAR",
    "STARTED_AT": "TIMESTAMP_NTZ",
    "ENDED_AT": "TIMESTAMP_NTZ",
    "SECONDS": "FLOAT",
    "ROWS_AFFECTED": "NUMBER",
    "ROWS_INSERTED": "NUMBER",
    "ROWS_UPDATED": "NUMBER",
    "ROWS_DELETED": "NUMBER",
    "MESSAGE": "VARCHAR",
}


def manifest(registry: Registry, engine_schemas: Any, database: str) -> dict[str, Any]:
    """Every node with its kind, location, dependencies, configuration and fingerprint."""
    nodes = {}
    for spec in registry:
        schema = getattr(engine_schemas, spec.layer)
        nodes[spec.name] = {
            "kind": spec.kind_name,
            "relation": fqn(database, schema, spec.name) if spec.materialized else None,
            "layer": spec.layer,
            "depends_on": list(spec.depends_on),
            "tags": sorted(spec.tags),
            "description": spec.description,
            "location": spec.location,
            "config": spec.kind.model_dump(mode="json"),
            "checks": len(spec.checks),
            "columns": _contract_columns(spec),
            "fingerprint": spec.fingerprint(),
        }
    return {"generated_at": datetime.now(UTC).isoformat(), "database": database, "nodes": nodes}


def _contract_columns(spec: Any) -> list[dict[str, Any]] | None:
    """The model's contract as the manifest lists it (None when it declares none)."""
    if spec.contract is None:
        return None
    return [
        {
            "name": c.name,
            "type": c.type,
            "nullable": c.nullable,
            "key": c.key,
            "run_dependent": c.run_dependent,
            "description": c.description,
        }
        for c in spec.contract.columns
    ]


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as indented JSON, atomically (a reader never sees half a file)."""
    write_text_atomic(path, json.dumps(payload, indent=2, default=str))


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class StateStore:
    """Fingerprints of each node's last successful build, for ``state:modified``."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "state.json"

    def fingerprints(self) -> dict[str, str]:
        fingerprints: dict[str, str] = read_json(self.path).get("fingerprints", {})
        return fingerprints

    def modified(self, registry: Registry) -> set[str]:
        """Nodes whose code or config differs from their last successful build (or never built)."""
        known = self.fingerprints()
        return {spec.name for spec in registry if known.get(spec.name) != spec.fingerprint()}

    def record(self, run: RunResult) -> None:
        if not command_builds(run.command):
            return  # checks alone prove nothing about the built code
        known = self.fingerprints()
        for result in run.results:
            if result.passed:
                known[result.name] = result.fingerprint
        write_json(self.path, {"fingerprints": known, "updated_at": datetime.now(UTC).isoformat()})


def write_run_artifacts(state_dir: Path, registry: Registry, engine: Engine, run: RunResult) -> None:
    """manifest.json, run_results.json and state.json of one run (RUN_HISTORY is written as nodes finish)."""
    write_json(state_dir / "manifest.json", manifest(registry, engine.profile.schemas, engine.database))
    write_json(state_dir / "run_results.json", run.to_dict())
    StateStore(state_dir).record(run)


def run_history_table(engine: Engine) -> str:
    return engine.fqn(engine.profile.schemas.meta, RUN_HISTORY)


def create_run_history(engine: Engine) -> None:
    """Create ELT_META.RUN_HISTORY if needed (models may read it as a source)."""
    columns = ", ".join(f"{name} {kind}" for name, kind in RUN_HISTORY_COLUMNS.items())
    engine.execute(f"CREATE TABLE IF NOT EXISTS {run_history_table(engine)} ({columns})")


def last_seconds(engine: Engine, command: str) -> dict[str, float]:
    """Each node's seconds in the last ``command`` run that ran it (not skipped), from RUN_HISTORY."""
    rows = engine.execute(
        f"SELECT MODEL_NAME, SECONDS FROM {run_history_table(engine)} "
        f"WHERE COMMAND = {literal(command)} AND STATUS NOT IN ('skipped', 'cancelled') "
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY MODEL_NAME ORDER BY ENDED_AT DESC NULLS LAST) = 1"
    )
    return {str(row[0]): float(row[1] or 0.0) for row in rows}


def history_row(run_id: str, command: str, result: NodeResult) -> list[Any]:
    """A node's RUN_HISTORY values, in RUN_HISTORY_COLUMNS order."""
    return [
        run_id,
        command,
        result.name,
        result.kind,
        result.status,
        result.started_at,
        result.ended_at,
        result.seconds,
        result.rows,
        result.inserted,
        result.updated,
        result.deleted,
        result.message[:4000],
    ]


def run_history_sql(engine: Engine, rows: list[list[Any]]) -> str:
    values = ", ".join(f"({', '.join(literal(v) for v in row)})" for row in rows)
    return f"INSERT INTO {run_history_table(engine)} ({', '.join(RUN_HISTORY_COLUMNS)}) VALUES {values}"


class RunHistory:
    """The RUN_HISTORY rows of one run, in one INSERT per node that did something.

    A node that wrote nothing (up to date, not due, skipped, or a source: sources are only read) waits
    for the next row written, so a build where most of the graph is up to date does not pay one
    statement per node; a built, failed or cancelled model's row is written as it finishes, with the
    rows waiting before it. ``flush`` writes what waits: before a node that reads RUN_HISTORY
    (``runs_last``) builds, and when the run ends.
    Thread-safe.
    """

    QUIET = frozenset({"up_to_date", "not_due", "skipped"})

    def __init__(self, engine: Engine, run_id: str, command: str) -> None:
        self.engine = engine
        self.run_id = run_id
        self.command = command
        self._waiting: list[list[Any]] = []
        self._lock = threading.Lock()

    def add(self, result: NodeResult) -> None:
        with self._lock:
            self._waiting.append(history_row(self.run_id, self.command, result))
        if result.status not in self.QUIET and result.kind != "source":
            self.flush()

    def flush(self) -> None:
        with self._lock:
            rows, self._waiting = self._waiting, []
        if rows:
            self.engine.execute(run_history_sql(self.engine, rows))
