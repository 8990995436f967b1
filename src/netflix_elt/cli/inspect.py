"""Looking around: ``ls``, ``show``, ``sql`` and ``graph``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from netflix_elt.cli.common import (
    ExcludeOption,
    FormatOption,
    ProfileOption,
    SelectOption,
    StateDirOption,
    console,
    friendly_errors,
    open_project,
    options,
    print_frame,
)

if TYPE_CHECKING:
    from netflix_elt.project import Project

LimitOption = Annotated[int, typer.Option("--limit", "-n", min=0, help="Rows to show.")]


def register(app: typer.Typer) -> None:
    app.command(name="ls")(ls)
    app.command(name="show")(show)
    app.command(name="sql")(sql)
    app.command(name="graph")(graph)


@friendly_errors
def ls(
    ctx: typer.Context,
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """List models with their kind, relation, dependencies and tags."""
    opts = options(ctx, select=select, exclude=exclude, profile=profile, state_dir=state_dir)
    project = open_project(opts)
    chosen = project.select(opts.select, opts.exclude)
    table = Table(show_edge=False)
    for column in ("model", "kind", "relation", "depends on", "tags"):
        table.add_column(column)
    for spec in project.registry:
        if spec.name in chosen:
            relation = project.relation(spec.name) if spec.materialized else "(inlined)"
            table.add_row(
                spec.name, spec.kind_name, relation, ", ".join(spec.depends_on), ", ".join(sorted(spec.tags))
            )
    console.print(table)


@friendly_errors
def show(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="Model name, e.g. dim_movies.")],
    limit: LimitOption = 20,
    fmt: FormatOption = "table",
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Show the first rows of a built model."""
    opts = options(ctx, profile=profile, state_dir=state_dir)
    with open_project(opts) as project:
        relation = project.relation(model)
        _require_built(project, relation)
        frame = project.table(model).limit(limit).to_pandas()
    print_frame(frame, fmt, title=relation)


@friendly_errors
def sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Snowflake SQL; MOVIELENS is the current database.")],
    limit: LimitOption = 100,
    fmt: FormatOption = "table",
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Run a query against the profile's engine and print the result."""
    from netflix_elt.errors import NetflixEltError
    from netflix_elt.executor import first_line

    opts = options(ctx, profile=profile, state_dir=state_dir)
    with open_project(opts) as project:
        try:
            frame = project.sql(query).limit(limit).to_pandas()
        except Exception as exc:
            raise NetflixEltError(first_line(exc), where="query", hint="check the SQL") from None
    print_frame(frame, fmt)


@friendly_errors
def graph(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="mermaid or dot.")] = "mermaid",
    select: SelectOption = None,
    exclude: ExcludeOption = None,
) -> None:
    """Print the model graph as Mermaid or Graphviz DOT."""
    from netflix_elt.lineage import to_dot, to_mermaid

    opts = options(ctx, select=select, exclude=exclude)
    project = open_project(opts)
    chosen = project.select(opts.select, opts.exclude)
    if fmt not in ("mermaid", "dot"):
        raise typer.BadParameter("use mermaid or dot", param_hint="--format")
    render = to_mermaid if fmt == "mermaid" else to_dot
    console.print(render(project.registry, chosen), markup=False, soft_wrap=True)  # never re-wrap lines


def _require_built(project: Project, relation: str) -> None:
    from netflix_elt.errors import NetflixEltError

    if project.engine.object_type(relation) is None:
        raise NetflixEltError(f"{relation} has not been built yet", hint="run `netflix-elt build` first")
