"""``build``, ``run``, ``seed``, ``snapshot`` and ``test``: run a command over the selected graph."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from netflix_elt.cli.common import (
    STATUS_STYLE,
    ExcludeOption,
    FullRefreshOption,
    ProfileOption,
    SelectOption,
    StateDirOption,
    ThreadsOption,
    console,
    err_console,
    friendly_errors,
    nothing_chosen,
    open_project,
    options,
)

if TYPE_CHECKING:
    from netflix_elt.cli.common import Options
    from netflix_elt.project import Project
    from netflix_elt.results import NodeResult, RunResult


EXIT_CANCELLED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C

HELP = {
    "build": "Build seeds, sources, models and snapshots in DAG order, each followed by its checks.",
    "run": "Build models only (tables, views, incrementals, analyses).",
    "seed": "Load the seed CSVs.",
    "snapshot": "Update the SCD2 snapshots.",
    "test": "Run the data-quality checks of the selected nodes against what is built.",
}


def register(app: typer.Typer) -> None:
    for command in HELP:
        app.command(name=command, help=HELP[command])(_command(command))


def _command(command: str) -> Callable[..., None]:
    @friendly_errors
    def run_command(
        ctx: typer.Context,
        select: SelectOption = None,
        exclude: ExcludeOption = None,
        threads: ThreadsOption = None,
        full_refresh: FullRefreshOption = None,
        profile: ProfileOption = None,
        state_dir: StateDirOption = None,
    ) -> None:
        opts = options(
            ctx,
            select=select,
            exclude=exclude,
            threads=threads,
            full_refresh=full_refresh,
            profile=profile,
            state_dir=state_dir,
        )
        from netflix_elt.plan import command_checks

        with open_project(opts) as project, ctrl_c_cancels(project):
            run = execute_with_progress(project, command, opts)
            if command_checks(command):
                from netflix_elt.quality import publish_validation

                console.print(f"[dim]validation report: {publish_validation(project, run)[1]}[/dim]")
        print_summary(run)
        if run.cancelled:
            err_console.print(
                f"{command} {run.run_id} cancelled (Ctrl-C): recorded in RUN_HISTORY and run_results.json",
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_CANCELLED)
        if not run.success:
            raise typer.Exit(1)

    run_command.__name__ = command
    return run_command


@contextlib.contextmanager
def ctrl_c_cancels(project: Project) -> Iterator[None]:
    """Inside the block, a first Ctrl-C cancels the command (``Project.cancel``: running queries are
    interrupted, work tables dropped, the run recorded as cancelled, exit 130 afterwards); a second one
    exits at once, leaving whatever is half-done to the next command or ``netflix-elt clean``."""
    presses = 0

    def on_sigint(signum: int, frame: object) -> None:
        nonlocal presses
        presses += 1
        if presses > 1:
            err_console.print(
                "interrupted again: exiting now (`netflix-elt clean` drops what this run left)",
                soft_wrap=True,
            )
            sys.stderr.flush()
            os._exit(EXIT_CANCELLED)
        err_console.print(
            "cancelling: interrupting the running queries (press Ctrl-C again to exit at once)",
            soft_wrap=True,
        )
        project.cancel()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def execute_with_progress(project: Project, command: str, opts: Options) -> RunResult:
    """Run a command with a progress bar and one line per finished node."""
    plan = project.plan(command, opts.select, opts.exclude)
    if not plan.order:
        nothing_chosen(project, opts, command)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task(f"{command} ({len(plan.order)} nodes)", total=len(plan.order))

        def on_event(event: str, name: str, result: NodeResult | None) -> None:
            if event == "finish" and result is not None:
                progress.advance(task)
                progress.console.print(node_line(result))

        return project.execute(
            command,
            select=opts.select,
            exclude=opts.exclude,
            threads=opts.threads,
            full_refresh=opts.full_refresh,
            on_event=on_event,
        )


def node_line(result: NodeResult) -> str:
    style = STATUS_STYLE[result.status]
    rows = f"{result.rows:,} rows" if result.rows is not None else ""
    changes = ""
    if result.updated or result.deleted:
        changes = f" (+{result.inserted or 0} ~{result.updated or 0} -{result.deleted or 0})"
    # A success's message (e.g. a source's freshness) is noise in the stream; warnings and errors are not.
    note = f"  [dim]{escape(result.message)}[/dim]" if result.message and result.status != "success" else ""
    return (
        f"[{style}]{result.status.upper():8}[/{style}] {result.kind:11} {result.name:32} "
        f"{rows}{changes} [dim]{result.seconds:.2f}s[/dim]{note}"
    )


def print_summary(run: RunResult) -> None:
    """One line of counts per status, then every error with its message."""
    counts = ", ".join(
        f"[{STATUS_STYLE[status]}]{number} {status}[/]" for status, number in run.counts().items() if number
    )
    console.print(f"[bold]{run.command}[/bold] {run.run_id}: {counts} in {run.seconds:.1f}s")
    for result in run.results:
        if result.status == "error":
            console.print(f"[red]ERROR[/red] {result.name}: {escape(result.message)}", soft_wrap=True)
