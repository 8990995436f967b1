"""``unit-test``: run the model unit tests declared in the project (see ``netflix_elt.quality.unit``)."""

from __future__ import annotations

import tempfile

import typer
from rich.table import Table

from netflix_elt.cli.common import (
    ExcludeOption,
    ProfileOption,
    SelectOption,
    StateDirOption,
    console,
    friendly_errors,
    nothing_chosen,
    open_project,
    options,
)


def register(app: typer.Typer) -> None:
    app.command(name="unit-test")(unit_test)


@friendly_errors
def unit_test(
    ctx: typer.Context,
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Run the unit tests of the selected models on the embedded engine (given rows -> expected table)."""

    from netflix_elt.quality.unit import ModelUnitTest, discover_unit_tests

    opts = options(ctx, select=select, exclude=exclude, profile=profile, state_dir=state_dir)
    project = open_project(opts)
    registry = project.registry
    chosen = project.select(opts.select, opts.exclude)
    if not chosen:
        nothing_chosen(project, opts)
    cases = [c for c in discover_unit_tests(registry, [project.package]) if c.model in chosen]
    if not cases:
        console.print("no unit tests found for the selected models")
        return
    table = Table(show_edge=False)
    for column in ("unit test", "model", "result", "seconds"):
        table.add_column(column)
    failures = []
    with tempfile.TemporaryDirectory(prefix="netflix-elt-unit-") as work_dir:
        for case in cases:
            outcome = ModelUnitTest.from_case(registry, case).evaluate(work_dir)
            result = "[green]pass[/green]" if outcome.passed else "[red]fail[/red]"
            table.add_row(outcome.name, outcome.model, result, f"{outcome.seconds:.2f}")
            if not outcome.passed:
                failures.append(outcome)
    console.print(table)
    for outcome in failures:
        console.print(f"\n[red]FAIL[/red] {outcome.name}")
        console.print(outcome.diff, markup=False, highlight=False)
    console.print(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
    if failures:
        raise typer.Exit(1)
