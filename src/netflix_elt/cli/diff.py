"""``diff``: compare this warehouse's models with another's (a state directory or a profile).

Exit 0 when every compared model is equal, 1 when one differs (or is missing on a side), 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from netflix_elt.cli.common import (
    ExcludeOption,
    ProfileOption,
    SelectOption,
    StateDirOption,
    console,
    friendly_errors,
    open_project,
    options,
)

if TYPE_CHECKING:
    from netflix_elt.diff import DiffReport, ModelDiff

STATUS_STYLE = {"equal": "green", "different": "red", "missing": "red"}


def register(app: typer.Typer) -> None:
    app.command(name="diff")(diff)


@friendly_errors
def diff(
    ctx: typer.Context,
    against: Annotated[
        str,
        typer.Option(
            "--against", help="State directory (the local engine on it), or profile name or .toml path."
        ),
    ],
    selectors: Annotated[
        list[str] | None, typer.Argument(help="Selectors (as --select); default: every published model.")
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", min=0.0, help="FLOATs a, b are equal when |a-b| <= X * max(1, |a|, |b|)."
        ),
    ] = 0.0,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    examples: Annotated[
        int, typer.Option("--examples", min=0, help="Example rows per kind of difference.")
    ] = 5,
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Compare the models' tables with another warehouse: schema, row counts, rows only on one side,
    changed rows (matched by key) and mismatches per column."""
    from netflix_elt.diff import target_project

    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"unknown format '{fmt}' (table or json)", param_hint="--format")
    opts = options(ctx, select=select, exclude=exclude, profile=profile, state_dir=state_dir)
    with open_project(opts) as project:
        report = project.diff(
            target_project(against, project),
            select=[*(selectors or []), *opts.select],
            exclude=opts.exclude,
            tolerance=tolerance,
            examples=examples,
        )
    if fmt == "json":
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        print_report(report)
    if not report.equal:
        raise typer.Exit(1)


def print_report(report: DiffReport) -> None:
    """One line per model, then the details of each model that differs, then a summary line."""
    console.print(
        f"[bold]diff[/bold] left: {escape(report.left.describe())}\n"
        f"     right: {escape(report.right.describe())}"
        + (f"\n     FLOAT tolerance {report.tolerance:g}" if report.tolerance else "")
    )
    for model in report.models:
        style = STATUS_STYLE[model.status]
        console.print(
            f"[{style}]{model.status.upper():9}[/{style}] {model.kind:11} {model.model:32} {escape(_summary(model))}",
            soft_wrap=True,
        )
    for model in report.different:
        _print_details(model)
    different = len(report.different)
    verdict = "[green]equal[/green]" if report.equal else f"[red]{different} different[/red]"
    count = len(report.models)
    console.print(f"[bold]{count} model{'' if count == 1 else 's'} compared[/bold]: {verdict}")


def _summary(model: ModelDiff) -> str:
    if model.missing:
        return f"missing on the {' and the '.join(model.missing)}"
    rows = model.rows
    if rows is None:
        return ""
    counts = f"{rows.left:,} rows" if rows.left == rows.right else f"{rows.left:,} vs {rows.right:,} rows"
    parts = []
    if rows.only_left or rows.only_right:
        parts.append(f"{rows.only_left:,} only left, {rows.only_right:,} only right")
    if rows.changed:
        parts.append(f"{rows.changed:,} changed")
    if model.schema is not None and model.schema.differs:
        parts.append("schema differs")
    return counts + (": " + ", ".join(parts) if parts else "")


def _print_details(model: ModelDiff) -> None:
    console.print(f"\n[bold]{model.model}[/bold] [dim]{escape(model.left_relation)}[/dim]")
    if model.missing:
        console.print(f"  no table on the {' and the '.join(model.missing)}")
    key = f"{', '.join(model.key)} ({model.key_source})" if model.key else "none: whole rows compared"
    console.print(f"  key: {escape(key)}", soft_wrap=True)
    if model.left_out:
        console.print(f"  left out (run-dependent): {', '.join(model.left_out)}", soft_wrap=True)
    schema = model.schema
    if schema is not None and schema.differs:
        for name in schema.only_left:
            console.print(f"  column {name} only on the left")
        for name in schema.only_right:
            console.print(f"  column {name} only on the right")
        for name, left, right in schema.type_changes:
            console.print(f"  column {name}: {left} on the left, {right} on the right")
        if schema.order_changed:
            shared = [c.name for c in schema.right if c.name not in schema.only_right]
            console.print(f"  column order differs: right has {', '.join(shared)}", soft_wrap=True)
    rows = model.rows
    if rows is not None and rows.differs:
        matched = (
            f", {rows.matched:,} matched by key, {rows.changed:,} changed" if rows.matched is not None else ""
        )
        console.print(
            f"  rows: {rows.left:,} left, {rows.right:,} right; {rows.only_left:,} only left, "
            f"{rows.only_right:,} only right{matched}",
            soft_wrap=True,
        )
        if rows.column_mismatches:
            counts = ", ".join(f"{c} {n:,}" for c, n in rows.column_mismatches.items())
            console.print(f"  mismatches per column: {counts}", soft_wrap=True)
        _print_rows("only on the left", rows.examples_only_left, rows.only_left)
        _print_rows("only on the right", rows.examples_only_right, rows.only_right)
        _print_changes(model, rows.changed or 0)
    for note in model.notes:
        console.print(f"  [dim]note: {escape(note)}[/dim]", soft_wrap=True)


def _print_rows(title: str, rows: list[dict[str, Any]], total: int) -> None:
    if not rows:
        return
    console.print(f"  {title} ({len(rows)} of {total:,}):")
    for row in rows:
        console.print(f"    {escape(_fields(row))}", soft_wrap=True)


def _print_changes(model: ModelDiff, total: int) -> None:
    changes = model.rows.examples_changed if model.rows else []
    if not changes:
        return
    console.print(f"  changed ({len(changes)} of {total:,}):")
    for change in changes:
        values = "; ".join(
            f"{c} {_value(left)} -> {_value(right)}" for c, (left, right) in change.columns.items()
        )
        console.print(f"    {escape(_fields(change.key))}: {escape(values)}", soft_wrap=True)


def _fields(row: dict[str, Any]) -> str:
    return ", ".join(f"{name}={_value(value)}" for name, value in row.items())


def _value(value: object) -> str:
    """NULL, quoted text, or the value as Python prints it."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)
