"""``netflix-elt demo``: the quickstart's main job on the embedded engine.

Generate MovieLens-shaped data, load it, build and check everything, then play a number of daily
increments through the same pipeline (incremental merge, snapshot history) and write the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from netflix_elt.cli.build import execute_with_progress, print_summary
from netflix_elt.cli.common import (
    ProfileOption,
    StateDirOption,
    ThreadsOption,
    console,
    friendly_errors,
    open_project,
    options,
)

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from netflix_elt.results import RunResult


def register(app: typer.Typer) -> None:
    app.command(name="demo")(demo)


@friendly_errors
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Where the generated CSV files go.")] = Path(
        ".netflix_elt/demo-data"
    ),
    ratings: Annotated[
        int, typer.Option("--ratings", min=1000, help="Size of the generated data.")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Generator seed.")] = 42,
    days: Annotated[
        int, typer.Option("--days", min=0, help="Daily increments to play after the first build.")
    ] = 1,
    source: Annotated[
        Path | None, typer.Option("--source", help="Use this MovieLens directory instead of generating data.")
    ] = None,
    threads: ThreadsOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Generate (or take) data, load, build with checks, play daily increments, write the report."""
    from netflix_elt.movielens.datagen import generate_dataset, generate_increment
    from netflix_elt.movielens.loader import load_directory
    from netflix_elt.movielens.report import write_report
    from netflix_elt.quality import publish_validation

    opts = options(ctx, threads=threads, profile=profile, state_dir=state_dir)
    data_dir = source or out
    if source is None:
        console.rule(f"generate {ratings:,} ratings (seed {seed}) into {out}")
        generated = generate_dataset(out, ratings, seed)
        console.print(", ".join(f"{name} {rows:,}" for name, rows in generated.rows.items()))
    with open_project(opts) as project:
        console.rule(f"load {data_dir}")
        loaded = load_directory(project.engine, data_dir, mode="replace")
        console.print(f"{loaded.rows_loaded:,} rows loaded, {loaded.rows_rejected:,} rejected")
        # The raw tables were just replaced: incremental models start over too (snapshots keep history).
        console.rule("build --full-refresh")
        runs = [execute_with_progress(project, "build", opts.merged(full_refresh=True))]
        for day in range(1, days + 1 if source is None else 1):
            increment = generate_increment(out, day, seed)
            console.rule(f"day {day}: " + ", ".join(f"{k} {v:,}" for k, v in increment.counts.items()))
            load_directory(project.engine, increment.out_dir, mode="append")
            runs.append(execute_with_progress(project, "build", opts))
        validation = publish_validation(project, runs[-1])
        report = write_report(project, project.state_dir / "report" / "index.html")
        print_models(runs[-1])
        print_summary(runs[-1])
    console.print(f"validation report: {validation[1]}")
    console.print(f"insight report:    {report}")
    if not all(run.success for run in runs):
        raise typer.Exit(1)


def print_models(run: RunResult) -> None:
    """Rows and seconds per built model, slowest first."""
    table = Table(title="models", show_edge=False)
    justify: JustifyMethod
    for column, justify in (
        ("model", "left"),
        ("kind", "left"),
        ("status", "left"),
        ("rows", "right"),
        ("seconds", "right"),
    ):
        table.add_column(column, justify=justify)
    for result in sorted(run.results, key=lambda r: r.seconds, reverse=True):
        rows = f"{result.rows:,}" if result.rows is not None else ""
        table.add_row(result.name, result.kind, result.status, rows, f"{result.seconds:.2f}")
    console.print(table)
