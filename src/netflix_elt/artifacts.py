"""Run artifacts: manifest.json, run_results.json and state.json in the state directory, and the
RUN_HISTORY table in the warehouse's metadata schema (which the MODEL_TIMINGS analysis reads)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netflix_elt.engine import Engine
from netflix_elt.registry import Registry
from netflix_elt.results import RunResult
from netflix_elt.sql import literal

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
            "relation": f"{database}.{schema}.{spec.name}" if spec.materialized else None,
            "layer": spec.layer,
            "depends_on": list(spec.depends_on),
            "tags": sorted(spec.tags),
            "description": spec.description,
            "location": spec.location,
            "config": spec.kind.model_dump(mode="json"),
            "checks": len(spec.checks),
            "fingerprint": spec.fingerprint(),
        }
    return {"generated_at": datetime.now(UTC).isoformat(), "database": database, "nodes": nodes}


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write atomically (temp file + rename) so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    partial.replace(path)


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class StateStore:
    """Fingerprints of each node's last successful build, for ``state:modified``."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "state.json"

    def fingerprints(self) -> dict[str, str]:
        return read_json(self.path).get("fingerprints", {})

    def modified(self, registry: Registry) -> set[str]:
        """Nodes whose code or config differs from their last successful build (or never built)."""
        known = self.fingerprints()
        return {spec.name for spec in registry if known.get(spec.name) != spec.fingerprint()}

    def record(self, run: RunResult) -> None:
        if run.command == "test":
            return  # checks alone prove nothing about the built code
        known = self.fingerprints()
        for result in run.results:
            if result.passed:
                known[result.name] = result.fingerprint
        write_json(self.path, {"fingerprints": known, "updated_at": datetime.now(UTC).isoformat()})


def write_run_artifacts(state_dir: Path, registry: Registry, engine: Engine, run: RunResult) -> None:
    """manifest.json, run_results.json, state.json and the RUN_HISTORY rows of one run."""
    write_json(state_dir / "manifest.json", manifest(registry, engine.profile.schemas, engine.database))
    write_json(state_dir / "run_results.json", run.to_dict())
    StateStore(state_dir).record(run)
    append_run_history(engine, run)


def run_history_table(engine: Engine) -> str:
    return engine.fqn(engine.profile.schemas.meta, RUN_HISTORY)


def append_run_history(engine: Engine, run: RunResult) -> None:
    if not run.results:
        return
    table = run_history_table(engine)
    columns = ", ".join(f"{name} {kind}" for name, kind in RUN_HISTORY_COLUMNS.items())
    engine.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    rows = []
    for r in run.results:
        values = [
            run.run_id,
            run.command,
            r.name,
            r.kind,
            r.status,
            r.started_at,
            r.ended_at,
            r.seconds,
            r.rows,
            r.inserted,
            r.updated,
            r.deleted,
            r.message[:4000],
        ]
        rows.append(f"({', '.join(literal(v) for v in values)})")
    engine.execute(f"INSERT INTO {table} ({', '.join(RUN_HISTORY_COLUMNS)}) VALUES {', '.join(rows)}")
