"""What every command shares: global options, opening the project, printing errors and tables.

Heavy modules (Snowpark, fakesnow, pandas) are imported inside the functions that need them so that
``netflix-elt --help`` answers at once.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    import pandas as pd

    from netflix_elt.errors import NetflixEltError
    from netflix_elt.project import Project

STATUS_STYLE = {
    "success": "green",
    "warn": "yellow",
    "error": "red",
    "skipped": "dim",
    "up_to_date": "cyan",
    "not_due": "blue",
    "cancelled": "magenta",
}

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

P = ParamSpec("P")
R = TypeVar("R")

ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="Profile name (configs/NAME.toml) or path; default 'local'.")
]
StateDirOption = Annotated[
    Path | None,
    typer.Option("--state-dir", help="State directory (env NETFLIX_ELT_STATE_DIR; default ./.netflix_elt)."),
]
SelectOption = Annotated[
    list[str] | None, typer.Option("--select", "-s", help="dbt-style selector, e.g. +dim_movies, tag:mart.")
]
ExcludeOption = Annotated[list[str] | None, typer.Option("--exclude", help="Selector of nodes to leave out.")]
ThreadsOption = Annotated[
    int | None, typer.Option("--threads", min=1, help="Worker threads (default: profile).")
]
FullRefreshOption = Annotated[
    bool | None, typer.Option("--full-refresh", help="Rebuild incremental models from scratch.")
]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv or json.")]


@dataclass
class Options:
    """Global options, overridable per command."""

    profile: str = "local"
    state_dir: Path | None = None
    select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    threads: int | None = None
    full_refresh: bool = False
    default_project: str | None = None  # the application's package of models (see cli.create_app)

    def merged(self, **overrides: Any) -> Options:
        """These options with every override that was actually given on the command."""
        given = {k: v for k, v in overrides.items() if v not in (None, [], ())}
        return replace(self, **given)


def options(ctx: typer.Context, **overrides: Any) -> Options:
    base = ctx.obj if isinstance(ctx.obj, Options) else Options()
    return base.merged(**overrides)


def open_project(opts: Options) -> Project:
    from netflix_elt.config import load_profile
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner

    project = Project(
        profile=load_profile(opts.profile), state_dir=opts.state_dir, default_project=opts.default_project
    )
    project.use_check_runner(default_check_runner(project))
    return project


def nothing_chosen(project: Project, opts: Options, command: str | None = None) -> None:
    """Called when the selection leaves nothing to list or run (for ``command``, when given).

    With --select or --exclude that is bad input: a SelectionError naming the selector (exit 2). A
    selection that reads earlier runs (``state:modified``) may rightly be empty, and only warns, as
    does a command with no selector that has nothing to run in this project.
    """
    from netflix_elt.errors import SelectionError
    from netflix_elt.plan import nothing_to_run
    from netflix_elt.selection import depends_on_state, nothing_selected

    registry, modified = project.registry, project.modified
    if command is None:
        reason = nothing_selected(registry, opts.select, opts.exclude, modified)
    else:
        reason = nothing_to_run(registry, command, opts.select, opts.exclude, modified)
    if (opts.select or opts.exclude) and not depends_on_state(opts.select):
        raise SelectionError(reason, hint="`netflix-elt ls` lists every node with its kind and tags")
    err_console.print(f"[yellow]warning:[/yellow] nothing to do: {escape(reason)}", soft_wrap=True)


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a NetflixEltError as one red line and exit 2, instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from netflix_elt.errors import NetflixEltError

        try:
            return func(*args, **kwargs)
        except NetflixEltError as exc:
            exit_with_error(exc)

    return wrapper


def exit_with_error(exc: NetflixEltError, code: int = 2) -> NoReturn:
    """Print ``error: <message>`` as one red line on stderr and exit with ``code``."""
    # escape: messages may hold [brackets]; soft_wrap: one line even when piped (80 columns)
    err_console.print(f"[red]error:[/red] {escape(exc.render())}", soft_wrap=True)
    raise typer.Exit(code)


def print_frame(frame: pd.DataFrame, fmt: str, title: str | None = None) -> None:
    """Print a pandas DataFrame as a rich table, CSV or JSON records."""
    from rich.table import Table

    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(json.dumps(json.loads(frame.to_json(orient="records", date_format="iso")), indent=2))
        sys.stdout.write("\n")
    elif fmt == "table":
        table = Table(title=title, show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if _is_null(v) else str(v) for v in row))
        console.print(table)
    else:
        raise typer.BadParameter(f"unknown format '{fmt}' (table, csv or json)", param_hint="--format")


def _is_null(value: object) -> bool:
    try:
        return value is None or value != value  # NaN
    except (TypeError, ValueError):
        return False
