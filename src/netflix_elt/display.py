"""How projects, runs and check results show themselves: a one-line ``repr`` and, in Jupyter, an HTML
table (``_repr_html_``) rendered through ``templates/table.html`` with autoescape."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from itertools import takewhile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt.errors import NetflixEltError
from netflix_elt.templating import render

if TYPE_CHECKING:
    from netflix_elt.project import Project
    from netflix_elt.results import CheckResults, NodeResult, RunResult

TEMPLATES = __name__.rpartition(".")[0]  # the package's own templates/ folder
# Row colours by status (success is left plain).
COLOURS = {
    "warn": "#fff4d6",
    "error": "#fde7e7",
    "fail": "#fde7e7",
    "skipped": "#eceff2",
    "cancelled": "#eceff2",
}


def html_table(
    title: str,
    summary: str,
    columns: Sequence[tuple[str, bool]],
    rows: Iterable[Sequence[Any]],
    statuses: Sequence[str] = (),
) -> str:
    """A titled HTML table; ``columns`` are (header, right-aligned) pairs, ``statuses`` colour rows."""
    return render(
        TEMPLATES,
        "table.html",
        title=title,
        summary=summary,
        headers=[c[0] for c in columns],
        numeric=[c[1] for c in columns],
        rows=[list(r) for r in rows],
        statuses=list(statuses),
        colours=COLOURS,
    )


def counted(counts: dict[str, int]) -> str:
    """``53 success, 1 warn`` (statuses with none left out)."""
    return ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "nothing"


def short_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


# -- Project ------------------------------------------------------------------------------------
def project_name(project: Project) -> str:
    """The package the models come from (the common package of their modules for a given registry)."""
    if project.registry_given:
        modules = [s.func.__module__.split(".") for s in project.registry if s.func is not None]
        common = [
            parts[0] for parts in takewhile(lambda same: len(set(same)) == 1, zip(*modules, strict=False))
        ]
        return ".".join(common) or "models"
    try:
        return project.package
    except NetflixEltError:  # nothing names one: the repr says so below, without raising
        return "(no project package)"


def project_repr(project: Project) -> str:
    try:
        nodes = f"{len(project.registry)} nodes"
    except NetflixEltError as exc:
        nodes = f"models not loaded ({exc.render()})"
    return (
        f"<Project {project_name(project)}: {nodes}, profile {project.profile.name}, "
        f"state {short_path(project.state_dir)}>"
    )


def project_html(project: Project) -> str:
    """The project's line, then one row per node: kind, layer, inputs, tags."""
    columns = [("node", False), ("kind", False), ("layer", False), ("inputs", False), ("tags", False)]
    rows = [
        (s.name, s.kind_name, s.layer, ", ".join(s.depends_on), ", ".join(sorted(s.tags)))
        for s in project.registry
    ]
    summary = f"{len(rows)} nodes, profile {project.profile.name}, state {short_path(project.state_dir)}"
    return html_table(f"Project {project_name(project)}", summary, columns, rows)


# -- runs ---------------------------------------------------------------------------------------
def node_repr(result: NodeResult) -> str:
    rows = f", {result.rows:,} rows" if result.rows is not None else ""
    return f"<NodeResult {result.name} {result.kind}: {result.status}{rows}, {result.seconds:.2f} s>"


def run_summary(run: RunResult) -> str:
    return f"{len(run.results)} nodes, {counted(run.counts())}, {run.seconds:.1f} s"


def run_repr(run: RunResult) -> str:
    return f"<RunResult {run.command} {run.run_id}: {run_summary(run)}>"


def run_html(run: RunResult) -> str:
    """One row per node: status, rows, changes, seconds, checks passed and the message."""
    columns = [
        ("node", False),
        ("kind", False),
        ("status", False),
        ("rows", True),
        ("inserted", True),
        ("updated", True),
        ("deleted", True),
        ("seconds", True),
        ("checks passed", True),
        ("message", False),
    ]
    rows = [
        (
            r.name,
            r.kind,
            r.status,
            _number(r.rows),
            _number(r.inserted),
            _number(r.updated),
            _number(r.deleted),
            f"{r.seconds:.2f}",
            f"{sum(1 for c in r.checks if c.get('success'))} of {len(r.checks)}" if r.checks else "",
            r.message,
        )
        for r in run.results
    ]
    title = f"Run {run.run_id} ({run.command})"
    return html_table(title, run_summary(run), columns, rows, [r.status for r in run.results])


# -- check results ------------------------------------------------------------------------------
def checks_repr(checks: CheckResults) -> str:
    if not checks:
        return "<CheckResults: no checks>"
    return f"<CheckResults: {len(checks)} checks, {counted(checks.counts())}>"


def checks_html(checks: CheckResults) -> str:
    """One row per check: model, check, severity, outcome, unexpected and checked rows, observed value."""
    from netflix_elt.results import outcome_label

    columns = [
        ("model", False),
        ("check", False),
        ("severity", False),
        ("outcome", False),
        ("unexpected", True),
        ("rows", True),
        ("observed", False),
        ("exception", False),
    ]
    rows = [
        (
            c.get("model"),
            c.get("name"),
            c.get("severity"),
            outcome_label(c),
            _number(c.get("unexpected_count")),
            _number(c.get("element_count")),
            c.get("observed_value"),
            c.get("exception"),
        )
        for c in checks
    ]
    return html_table(
        "Check results",
        f"{len(checks)} checks, {counted(checks.counts())}",
        columns,
        rows,
        [r[3] for r in rows],
    )
