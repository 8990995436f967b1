"""The validation report of one run: ``<state_dir>/validation/validation_results.json`` and a
self-contained ``validation_report.html`` beside it (inline CSS, no scripts, nothing fetched)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from netflix_elt.artifacts import write_json
from netflix_elt.results import RunResult

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


def outcome_label(check: dict[str, Any]) -> str:
    """'pass', 'fail' (a failed 'error' check) or 'warn' (a failed 'warn' check)."""
    if check.get("success"):
        return "pass"
    return "fail" if check.get("severity") == "error" else "warn"


def validation_results(run: RunResult) -> dict[str, Any]:
    """Per model: its status and every check with pass/fail, counts and a few failing values."""
    models = []
    labels: list[str] = []
    for result in sorted(run.results, key=lambda r: (r.status == "success", r.name)):
        checks = [{"outcome": outcome_label(c), **{k: c.get(k) for k in CHECK_FIELDS}} for c in result.checks]
        labels += [c["outcome"] for c in checks]
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
    partial = html_path.with_suffix(".html.partial")
    partial.write_text(render_html(payload), encoding="utf-8")
    partial.replace(html_path)
    return json_path, html_path


# -- HTML ---------------------------------------------------------------------------------------
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d232a;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 6px} .meta{color:#5b6570;margin-bottom:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0 8px}
.card{background:#fff;border:1px solid #dde2e7;border-radius:8px;padding:8px 14px;min-width:90px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde2e7;margin-bottom:8px}
th,td{padding:5px 8px;border-bottom:1px solid #eef1f4;text-align:left;vertical-align:top}
th{background:#f2f4f7;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.num{text-align:right;font-variant-numeric:tabular-nums} code{font-size:12px;overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
.pass,.success{background:#e3f6e8;color:#17672e} .fail,.error{background:#fde7e7;color:#a11d1d}
.warn{background:#fff4d6;color:#7a5600} .skipped{background:#eceff2;color:#4d5863}
.exception{color:#a11d1d} .rule{color:#5b6570;margin-top:2px} .rule code{font-size:11px}
"""


def render_html(payload: dict[str, Any]) -> str:
    summary = payload["summary"]
    status = "success" if payload["success"] else "error"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Validation report {_e(payload['run_id'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>Validation report <span class='badge {status}'>{'passed' if payload['success'] else 'failed'}</span></h1>",
        f"<div class='meta'>run {_e(payload['run_id'])} · {_e(payload['command'])} · "
        f"{_e(payload['started_at'])} → {_e(payload['ended_at'])} (UTC)</div>",
        "<div class='cards'>",
        *(
            f"<div class='card'><b>{summary[key]}</b>{label}</div>"
            for key, label in (
                ("checks", "checks"),
                ("passed", "passed"),
                ("failed", "failed"),
                ("warned", "warned"),
                ("models_skipped", "models skipped"),
            )
        ),
        "</div>",
    ]
    checked = [m for m in payload["models"] if m["checks"]]
    others = [m for m in payload["models"] if not m["checks"]]
    for entry in checked:
        parts.append(_model_section(entry))
    if others:
        parts.append(
            "<h2>Nodes without check results</h2><table><tr><th>node</th><th>kind</th><th>status</th><th>message</th></tr>"
        )
        parts += [
            f"<tr><td>{_e(m['model'])}</td><td>{_e(m['kind'])}</td>"
            f"<td><span class='badge {_e(m['status'])}'>{_e(m['status'])}</span></td><td>{_e(m['message'])}</td></tr>"
            for m in others
        ]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _model_section(entry: dict[str, Any]) -> str:
    head = (
        f"<h2 id='{_e(entry['model'])}'>{_e(entry['model'])} <span class='badge {_e(entry['status'])}'>"
        f"{_e(entry['status'])}</span></h2>"
    )
    columns = (
        "check",
        "severity",
        "result",
        "unexpected",
        "rows",
        "unexpected %",
        "observed",
        "failing values",
    )
    rows = [f"<table><tr>{''.join(f'<th>{c}</th>' for c in columns)}<th>route, s</th></tr>"]
    for check in entry["checks"]:
        exception = (
            f"<div class='exception'>exception: {_e(check['exception'])}</div>"
            if check.get("exception")
            else ""
        )
        rule = _e(check["expectation"]) + (
            f" {_short(check['arguments'], 200)}" if check.get("arguments") else ""
        )
        rows.append(
            "<tr>"
            f"<td>{_e(check['name'])}<div class='rule'><code>{rule}</code></div>{exception}</td>"
            f"<td>{_e(check['severity'])}</td>"
            f"<td><span class='badge {check['outcome']}'>{check['outcome']}</span></td>"
            f"<td class='num'>{_number(check.get('unexpected_count'))}</td>"
            f"<td class='num'>{_number(check.get('element_count'))}</td>"
            f"<td class='num'>{_percent(check.get('unexpected_percent'))}</td>"
            f"<td><code>{_short(check.get('observed_value'))}</code></td>"
            f"<td><code>{_short(check.get('sample'))}</code></td>"
            f"<td class='num'>{_e(check.get('route'))}<br>{check.get('seconds') or 0:.3f}</td>"
            "</tr>"
        )
    rows.append("</table>")
    return head + "".join(rows)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value:.2f}"


def _short(value: Any, limit: int = 160) -> str:
    if value is None or value == [] or value == {}:
        return ""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return _e(text if len(text) <= limit else text[: limit - 1] + "…")


def failed_checks(payload: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """(model, check) for every check that did not pass."""
    for entry in payload["models"]:
        for check in entry["checks"]:
            if check["outcome"] != "pass":
                yield entry["model"], check
