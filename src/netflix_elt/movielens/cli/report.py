"""``report``: write the self-contained HTML insight report and print its path."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netflix_elt.cli.common import (
    ProfileOption,
    StateDirOption,
    console,
    err_console,
    friendly_errors,
    open_project,
    options,
)

OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="HTML file to write (default: <state-dir>/report/index.html)."),
]


def register(app: typer.Typer) -> None:
    app.command(name="report")(report)


@friendly_errors
def report(
    ctx: typer.Context,
    out: OutOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Write one self-contained HTML report answering the business questions from the ANALYSIS tables.

    Sections whose tables are not built yet show a notice; the command still succeeds and warns.
    """
    from netflix_elt.movielens.report import default_output, generate_report

    opts = options(ctx, profile=profile, state_dir=state_dir)
    with open_project(opts) as project:
        rendered = generate_report(project)
        path = rendered.write(out or default_output(project))
    missing = rendered.missing_tables
    if missing:
        err_console.print(
            f"[yellow]warning:[/yellow] {len(missing)} analysis table(s) not built yet: {', '.join(missing)} "
            "(run `netflix-elt build`)",
            soft_wrap=True,
        )
    for problem in rendered.problems:
        err_console.print(f"[yellow]warning:[/yellow] {problem}", soft_wrap=True)
    console.print(str(path), soft_wrap=True, markup=False)
