"""The run summary the flow returns, logs and publishes as Prefect artifacts.

The summary is plain JSON: run id, status, seconds, node counts, what the loader loaded, and one
entry per node (kind, status, rows, seconds, attempts, message). It is published twice: a markdown
artifact (the whole picture at a glance) and a table artifact (one row per node, sortable in the UI).
"""

from __future__ import annotations

from typing import Any

from netflix_elt.results import RunResult

SUMMARY_ARTIFACT_KEY = "netflix-elt-run-summary"
MODELS_ARTIFACT_KEY = "netflix-elt-models"


def run_summary(
    run: RunResult, attempts: dict[str, int] | None = None, load: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What one flow run did, as JSON-ready data; its status is 'error' when a node failed or a raw
    file failed to load."""
    attempts = attempts or {}
    load_failed = bool(load and load.get("totals", {}).get("files_failed"))
    return {
        "run_id": run.run_id,
        "command": run.command,
        "status": "success" if run.success and not load_failed else "error",
        "started_at": run.started_at.isoformat(),
        "ended_at": run.ended_at.isoformat() if run.ended_at else None,
        "seconds": round(run.seconds, 3),
        "counts": run.counts(),
        "load": load,
        "models": {
            result.name: {
                "kind": result.kind,
                "status": result.status,
                "rows": result.rows,
                "seconds": result.seconds,
                "attempts": attempts.get(result.name, 0 if result.status == "skipped" else 1),
                "message": result.message,
            }
            for result in run.results
        },
    }


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The summary as log lines: one headline, then the failures."""
    counts = ", ".join(f"{number} {status}" for status, number in summary["counts"].items() if number)
    lines = [
        f"{summary['command']} {summary['run_id']}: {summary['status']} in {summary['seconds']:.1f}s "
        f"({counts or 'nothing to do'})"
    ]
    if summary["load"] is not None:
        lines.append(f"load: {_load_text(summary['load'])}")
    for name, node in summary["models"].items():
        if node["status"] == "error":
            lines.append(f"ERROR {name}: {node['message']}")
    return lines


def markdown_summary(summary: dict[str, Any]) -> str:
    """A markdown report: headline, load, then a table of every node."""
    lines = [f"# netflix-elt {summary['command']} `{summary['run_id']}`: **{summary['status']}**", ""]
    lines.append(f"{summary['seconds']:.1f} s, started {summary['started_at']} (UTC).")
    counts = " · ".join(f"{status}: {number}" for status, number in summary["counts"].items() if number)
    lines += ["", counts or "Nothing was selected.", ""]
    if summary["load"] is not None:
        lines += [f"**Load**: {_load_text(summary['load'])}", ""]
    if summary.get("validation_report"):
        lines += [f"**Checks**: validation report `{summary['validation_report']}`", ""]
    lines += [
        "| model | kind | status | rows | seconds | attempts | message |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for name, node in summary["models"].items():
        rows = "" if node["rows"] is None else f"{node['rows']:,}"
        message = node["message"].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {name} | {node['kind']} | {node['status']} | {rows} | {node['seconds']:.2f} | "
            f"{node['attempts']} | {message} |"
        )
    return "\n".join(lines) + "\n"


def model_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per node for the table artifact."""
    return [{"model": name, **node} for name, node in summary["models"].items()]


def publish_artifacts(summary: dict[str, Any]) -> None:
    """Create the markdown and table artifacts of this run (inside a flow or task run)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    description = f"netflix-elt {summary['command']} {summary['run_id']}: {summary['status']}"
    create_markdown_artifact(
        key=SUMMARY_ARTIFACT_KEY, markdown=markdown_summary(summary), description=description
    )
    create_table_artifact(key=MODELS_ARTIFACT_KEY, table=model_rows(summary), description=description)


def _load_text(load: dict[str, Any]) -> str:
    """One line from a ``LoadSummary.to_dict()``."""
    totals = load.get("totals", {})
    text = (
        f"{totals.get('files_loaded', 0)} file(s) loaded, {totals.get('files_skipped', 0)} already loaded, "
        f"{totals.get('files_failed', 0)} failed; {totals.get('rows_loaded', 0):,} rows, "
        f"{totals.get('rows_rejected', 0):,} rejected (batch {load.get('batch_id', '?')})"
    )
    failed = [f"{f['file']}: {f.get('error')}" for f in load.get("files", []) if f.get("status") == "failed"]
    return text + "".join(f"; FAILED {item}" for item in failed)
