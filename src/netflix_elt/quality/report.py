"""The validation report of one run: ``<state_dir>/validation/validation_results.json`` and a
self-contained ``validation_report.html`` beside it (inline CSS, no scripts, nothing fetched)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from netflix_elt.artifacts import write_json
from netflix_elt.files import write_text_atomic
from netflix_elt.results import RunResult, outcome_label
from netflix_elt.templating import render

VALIDATION_DIR = "validation"
JSON_NAME = "validation_results.json"
HTML_NAME = "validation_report.html"
CHECK_FIELDS = (
    "name",
    "expectation",
    "severity",
    "success",
    "unexpected_count",
    "element_count",
    "missing_count",
    "unexpected_percent",
    "sample",
    "observed_value",
    "exception",
    "details",
    "arguments",
    "route",
    "seconds",
    "checked_at",
)


def validation_results(run: RunResult) -> dict[str, Any]:
    """Per model: its status and every check with pass/fail, counts and a few failing values."""
    models = []
    labels: list[str] = []
    for result in sorted(run.results, key=lambda r: (r.status == "success", r.name)):
        outcomes = [outcome_label(c) for c in result.checks]
        checks = [
            {"outcome": label, **{k: c.get(k) for k in CHECK_FIELDS}}
            for label, c in zip(outcomes, result.checks, strict=True)
        ]
        labels += outcomes
        models.append(
            {
                "model": result.name,
                "kind": result.kind,
                "status": result.status,
                "message": result.message,
                "checks": checks,
            }
        )
    return {
        "run_id": run.run_id,
        "command": run.command,
        "started_at": run.started_at.isoformat(),
        "ended_at": run.ended_at.isoformat() if run.ended_at else None,
        "success": run.success,
        "summary": {
            "checks": len(labels),
            "passed": labels.count("pass"),
            "failed": labels.count("fail"),
            "warned": labels.count("warn"),
            "models": len(models),
            "models_skipped": sum(1 for m in models if m["status"] == "skipped"),
        },
        "models": models,
    }


def write_validation_report(state_dir: Path, run: RunResult) -> tuple[Path, Path]:
    """Write the JSON and HTML reports of ``run``; return their paths."""
    payload = validation_results(run)
    folder = Path(state_dir) / VALIDATION_DIR
    json_path, html_path = folder / JSON_NAME, folder / HTML_NAME
    write_json(json_path, payload)
    write_text_atomic(html_path, render_html(payload))
    return json_path, html_path


# -- HTML ---------------------------------------------------------------------------------------
TEMPLATES = __name__.rpartition(".")[0]  # this package: its templates/ folder


def render_html(payload: dict[str, Any]) -> str:
    """The page of ``payload`` (``templates/validation_report.html``, autoescaped)."""
    return render(
        TEMPLATES,
        "validation_report.html",
        payload=payload,
        checked=[m for m in payload["models"] if m["checks"]],
        others=[m for m in payload["models"] if not m["checks"]],
        number=_number,
        percent=_percent,
        short=_short,
    )


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value:.2f}"


def _short(value: Any, limit: int = 160) -> str:
    """``value`` as JSON, cut to ``limit`` characters."""
    if value is None or value == [] or value == {}:
        return ""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failed_checks(payload: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """(model, check) for every check that did not pass."""
    for entry in payload["models"]:
        for check in entry["checks"]:
            if check["outcome"] != "pass":
                yield entry["model"], check
