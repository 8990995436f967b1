"""``netflix-elt load``: MovieLens CSV files into the RAW schema.

Exit codes: 0 when every file loaded or was skipped, 1 when a file failed in the warehouse (the
others still load; see ELT_META.LOAD_LOG), 2 when nothing could be loaded (a missing or empty
directory, a required file that cannot be read, a bad header or quoting, a bad profile): one red
``error:`` line, no traceback. Records that cannot be stored are rejected, not errors.
Snowpark, fakesnow and pandas are imported inside the command so that ``netflix-elt --help`` is fast.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from netflix_elt.movielens.loader import LoadSummary


class LoadModeOption(enum.StrEnum):
    append = "append"
    replace = "replace"  # type: ignore[assignment]  # the CLI's choice, named like str.replace


def register(app: typer.Typer) -> None:
    """Add the ``load`` command to ``app``."""
    app.command("load")(load_command)


def load_command(
    ctx: typer.Context,
    source: Path = typer.Option(
        ...,
        "--source",
        help="A MovieLens release directory (ml-latest-small, ml-25m, ...) or one generated increment "
        "(increments/day-0001). Subdirectories are not read.",
    ),
    mode: LoadModeOption = typer.Option(
        LoadModeOption.append,
        "--mode",
        help="append: load files whose content is not loaded yet. replace: empty the RAW table of each "
        "file present, then load it (a release must be complete).",
    ),
    profile: str | None = typer.Option(
        None, "--profile", help="Profile name (configs/NAME.toml) or path (default: local)."
    ),
    state_dir: Path | None = typer.Option(
        None, "--state-dir", help="State directory (default: $NETFLIX_ELT_STATE_DIR, else ./.netflix_elt)."
    ),
) -> None:
    """Load MovieLens CSV files into the RAW schema, logging every file and every rejected record."""
    from netflix_elt.cli.common import exit_with_error, options
    from netflix_elt.config import load_profile, resolve_state_dir
    from netflix_elt.engine import open_engine
    from netflix_elt.errors import NetflixEltError
    from netflix_elt.movielens.loader import load_directory
    from netflix_elt.movielens.loader.discover import discover
    from netflix_elt.recovery import clear_leftovers

    try:
        opts = options(ctx, profile=profile, state_dir=state_dir)  # global options given before `load`
        chosen = load_profile(opts.profile)
        discover(source, mode.value)  # fail fast, before the warehouse is opened
        engine = open_engine(chosen, resolve_state_dir(opts.state_dir))
        try:
            engine.bootstrap()
            clear_leftovers(engine)  # what a killed run left: its work tables, its IN_PROGRESS loads
            summary = load_directory(engine, source, mode.value)
        finally:
            engine.close()
    except NetflixEltError as exc:
        exit_with_error(exc)
    print_summary(summary)
    if summary.failed:
        raise typer.Exit(1)


def print_summary(summary: LoadSummary) -> None:
    """One table row per file, then the totals, the rejects, why files were skipped or not loaded, and
    any failures."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(soft_wrap=True)
    table = Table(title=f"load {summary.mode} {summary.source_dir} (batch {summary.batch_id})")
    justify: JustifyMethod
    for name, justify in (("file", "left"), ("table", "left"), ("status", "left")):
        table.add_column(name, justify=justify)
    for name in ("read", "loaded", "rejected", "seconds"):
        table.add_column(name, justify="right")
    for file in summary.files:
        table.add_row(
            Path(file.file).name,
            file.table,
            file.status,
            f"{file.rows_read:,}",
            f"{file.rows_loaded:,}",
            f"{file.rows_rejected:,}",
            f"{file.seconds:.2f}",
        )
    table.add_row(
        "total",
        "",
        "",
        f"{summary.rows_read:,}",
        f"{summary.rows_loaded:,}",
        f"{summary.rows_rejected:,}",
        f"{summary.seconds:.2f}",
    )
    console.print(table)
    if summary.rows_rejected:
        console.print(
            f"{summary.rows_rejected:,} records rejected, each with its line and reason in the "
            f"LOAD_REJECTS table of the metadata schema (BATCH_ID = '{summary.batch_id}')"
        )
    for file in summary.files:
        if file.status == "skipped" and file.message:
            console.print(Text(f"skipped {Path(file.file).name}: {file.message}"))
    for entry in summary.ignored:
        console.print(Text(f"not loaded: {entry.name} ({entry.reason})"))
    for file in summary.failed:
        console.print(Text(f"failed: {file.error}", style="red"))
