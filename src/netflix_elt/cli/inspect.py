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
    err_console,
    friendly_errors,
    nothing_chosen,
    open_project,
    options,
    print_frame,
)

if TYPE_CHECKING:
    import pandas as pd
    from snowflake.snowpark import DataFrame

    from netflix_elt.errors import NetflixEltError
    from netflix_elt.project import Project

LimitOption = Annotated[int, typer.Option("--limit", "-n", min=0, help="Rows to show; 0 shows every row.")]


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
    if not chosen:
        nothing_chosen(project, opts)
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
    """Show the first rows of a built model (says so on stderr when there are more)."""
    opts = options(ctx, profile=profile, state_dir=state_dir)
    from netflix_elt.errors import SqlError

    with open_project(opts) as project:
        relation = project.relation(model)
        _require_built(project, relation)
        try:
            frame, cut = first_rows(project.table(model), limit)
        except SqlError as exc:  # e.g. a view whose SQL the embedded engine refuses when it runs
            raise exc.locate(f"model {model}") from None
    print_frame(frame, fmt, title=relation)
    if cut:
        say_cut(len(frame))


@friendly_errors
def sql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Snowflake SQL; MOVIELENS is the current database.")],
    limit: LimitOption = 100,
    fmt: FormatOption = "table",
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Run a query against the profile's engine and print the result (the first 100 rows unless
    --limit says otherwise; a cut is said on stderr)."""
    from netflix_elt.errors import NetflixEltError, SqlError

    opts = options(ctx, profile=profile, state_dir=state_dir)
    with open_project(opts) as project:
        project.engine  # noqa: B018  (opening it reports a locked warehouse or a failed connection as such)
        try:
            frame, cut = first_rows(project.sql(query), limit, limitable=is_query(query))
        except SqlError as exc:  # e.g. a construct the embedded engine refuses to translate
            raise exc.locate("query") from None
        except NetflixEltError:
            raise
        except Exception as exc:
            raise query_error(exc) from None
    print_frame(frame, fmt)
    if cut:
        say_cut(len(frame))


def first_rows(df: DataFrame, limit: int, limitable: bool = True) -> tuple[pd.DataFrame, bool]:
    """The first ``limit`` rows of ``df`` (every row when ``limit`` is 0) and whether rows were left out.

    One row more than asked for is fetched, so a cut is known without counting the whole result. A
    statement that is not a query (``DESCRIBE``, ``SHOW``: ``limitable=False``) cannot be wrapped in a
    LIMIT, in Snowflake as here: its whole result is fetched and cut afterwards.
    """
    if limit == 0:
        return df.to_pandas(), False
    frame = (df.limit(limit + 1) if limitable else df).to_pandas()
    return frame.head(limit), len(frame) > limit


def is_query(sql: str) -> bool:
    """Whether ``sql`` is a query (SELECT, WITH, a set operation); unparsable text counts as one, so
    that the warehouse reports what is wrong with it."""
    import sqlglot
    from sqlglot import exp

    try:
        return isinstance(sqlglot.parse_one(sql, read="snowflake"), exp.Query)
    except sqlglot.errors.ParseError:
        return True


def say_cut(shown: int) -> None:
    """Tell on stderr (never in the data on stdout) that the output stops at the limit."""
    err_console.print(
        f"note: showing the first {shown:,} rows; the result has more. Use --limit 0 for every row "
        "(or --limit N for N rows).",
        soft_wrap=True,
    )


def query_error(exc: Exception) -> NetflixEltError:
    """A failed query as the user should read it: the SQL was refused, or the warehouse went away."""
    from netflix_elt.errors import NetflixEltError
    from netflix_elt.executor import first_line

    if is_connection_error(exc):
        return NetflixEltError(
            f"lost the connection to the warehouse: {first_line(exc)}",
            where="query",
            hint="check the connection and run the query again",
        )
    return NetflixEltError(first_line(exc), where="query", hint="check the SQL")


def is_connection_error(exc: BaseException) -> bool:
    """True for the connector's errors about the connection itself (not about the statement)."""
    from snowflake.connector.errors import InterfaceError, OperationalError

    seen: set[int] = set()
    current: BaseException | None = exc
    while (
        current is not None and id(current) not in seen
    ):  # Snowpark wraps the connector's error (conn_error)
        seen.add(id(current))
        if isinstance(current, InterfaceError | OperationalError):
            return True
        current = getattr(current, "conn_error", None) or current.__cause__ or current.__context__
    return False


@friendly_errors
def graph(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="mermaid or dot.")] = "mermaid",
    select: SelectOption = None,
    exclude: ExcludeOption = None,
) -> None:
    """Print the model graph as Mermaid or Graphviz DOT."""
    from netflix_elt.graph_text import to_dot, to_mermaid

    opts = options(ctx, select=select, exclude=exclude)
    project = open_project(opts)
    chosen = project.select(opts.select, opts.exclude)
    if not chosen:
        nothing_chosen(project, opts)
    if fmt not in ("mermaid", "dot"):
        raise typer.BadParameter("use mermaid or dot", param_hint="--format")
    render = to_mermaid if fmt == "mermaid" else to_dot
    console.print(render(project.registry, chosen), markup=False, soft_wrap=True)  # never re-wrap lines


def _require_built(project: Project, relation: str) -> None:
    from netflix_elt.errors import NetflixEltError

    if project.engine.object_type(relation) is None:
        raise NetflixEltError(f"{relation} has not been built yet", hint="run `netflix-elt build` first")
