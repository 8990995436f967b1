"""The pipeline appendix: the model lineage (from the registry) and the last run (run_results.json).

Both render without any ANALYSIS table, so even a report over an unbuilt warehouse shows what would
be built and how the last attempt went.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.errors import NetflixEltError
from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.lineage import STATUS_COLOURS, lineage_svg
from netflix_elt.movielens.report.sections.base import Content, TableColumn, table
from netflix_elt.movielens.report.svg import MUTED

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

SLOWEST_NODES = 12


def lineage_content(data: ReportData) -> Content:
    """The DAG drawing with a sentence counting models per kind; a broken project yields a notice."""
    try:
        registry = data.project.registry
    except NetflixEltError as exc:
        return Content([f"The model graph could not be loaded: {exc.render()}"])
    results = {r["name"]: r for r in data.last_run.get("results", [])}
    kinds: dict[str, int] = {}
    for spec in registry:
        kinds[spec.kind_name] = kinds.get(spec.kind_name, 0) + 1
    edges = sum(len(spec.depends_on) for spec in registry)
    answer = [
        f"The project has {fmt.plural(len(registry), 'model')} and "
        f"{fmt.plural(edges, 'dependency', 'dependencies')}: "
        + fmt.listing(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
        + ". Hover a node for its description and last run."
    ]
    return Content(answer, [lineage_svg(registry, results)])


def last_run_content(data: ReportData) -> Content:
    """Status counts and the slowest nodes of the last run, or a notice when nothing has run yet."""
    run = data.last_run
    if not run:
        return Content(["No run has been recorded in this state directory yet (run netflix-elt build)."])
    counts = run.get("counts", {})
    results: list[dict[str, Any]] = run.get("results", [])
    slowest = sorted(results, key=lambda r: -float(r.get("seconds") or 0))[:SLOWEST_NODES]
    answer = [
        f"The last run, {run.get('command')} {run.get('run_id')}, started {fmt.timestamp(run.get('started_at'))} "
        f"and took {fmt.seconds(run.get('elapsed_seconds'))}: "
        + fmt.listing(f"{fmt.integer(counts.get(s, 0))} {s}" for s in ("success", "warn", "error", "skipped"))
        + "."
    ]
    failed = [r["name"] for r in results if r.get("status") == "error"]
    if failed:
        answer.append(f"Failed: {fmt.listing(failed)}.")
    charts_ = []
    if slowest:
        charts_.append(
            charts.hbar_chart(
                [str(r["name"]) for r in slowest],
                [r.get("seconds") or 0.0 for r in slowest],
                "Slowest nodes of the last run (seconds)",
                formatter=fmt.seconds,
                colours=[STATUS_COLOURS.get(str(r.get("status")), MUTED) for r in slowest],
                legend_entries=[(s, c) for s, c in STATUS_COLOURS.items() if counts.get(s)],
            )
        )
    return Content(
        answer,
        charts_,
        [
            table(
                [
                    TableColumn("Node", lambda r: str(r["name"])),
                    TableColumn("Kind", lambda r: str(r.get("kind", ""))),
                    TableColumn("Status", lambda r: str(r.get("status", ""))),
                    TableColumn("Seconds", lambda r: fmt.seconds(r.get("seconds")), True),
                    TableColumn("Rows", lambda r: fmt.integer(r.get("rows")), True),
                ],
                slowest[:10],
                "Slowest nodes",
            )
        ],
    )
