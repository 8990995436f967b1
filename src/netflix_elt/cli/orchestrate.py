"""``flow run`` and ``deploy``: the graph as a Prefect flow, now or on a daily schedule.

Prefect is imported inside the commands only. Without ``PREFECT_API_URL`` Prefect starts a temporary
local server for the run; it is kept offline and quiet (``netflix_elt.orchestration.environment``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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
    options,
)

if TYPE_CHECKING:
    from netflix_elt.cli.common import Options


SourceOption = Annotated[
    Path | None,
    typer.Option("--source", help="Load new raw files from this directory first (default: the profile's)."),
]
ModelsOption = Annotated[
    str | None,
    typer.Option(
        "--models",
        help="Python package or module of the models (default: $NETFLIX_ELT_PROJECT, the profile's "
        "project, else the application's).",
    ),
]
CronOption = Annotated[
    str | None, typer.Option("--cron", help="Cron schedule in UTC (default: the profile's, '0 6 * * *').")
]
ServeOption = Annotated[
    bool, typer.Option("--serve", help="Serve the flow from this process on the schedule (blocks).")
]
WorkPoolOption = Annotated[
    str | None, typer.Option("--work-pool", help="Create or update the deployment on this work pool.")
]
NameOption = Annotated[str, typer.Option("--name", help="Deployment name.")]
ProjectDirOption = Annotated[
    Path,
    typer.Option("--project-dir", help="Directory holding flows/; work-pool runs start there (default: .)."),
]


def register(app: typer.Typer) -> None:
    flow_app = typer.Typer(help="Run the graph as a Prefect flow.", no_args_is_help=True)
    flow_app.command(name="run")(flow_run)
    app.add_typer(flow_app, name="flow")
    app.command(name="deploy")(deploy)


@friendly_errors
def flow_run(
    ctx: typer.Context,
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    source: SourceOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
    threads: ThreadsOption = None,
    full_refresh: FullRefreshOption = None,
    models: ModelsOption = None,
) -> None:
    """Run the flow now: load new raw files (if a source is configured), then build and check."""
    from netflix_elt.config import load_profile
    from netflix_elt.orchestration.environment import quiet_prefect_environment, uses_temporary_server

    opts = options(
        ctx,
        select=select,
        exclude=exclude,
        threads=threads,
        full_refresh=full_refresh,
        profile=profile,
        state_dir=state_dir,
    )
    load_profile(opts.profile)  # a bad profile fails here, before Prefect starts
    quiet_prefect_environment()
    if uses_temporary_server():
        err_console.print("[dim]PREFECT_API_URL is not set: Prefect starts a temporary local server.[/dim]")
    from netflix_elt.errors import NetflixEltError
    from netflix_elt.orchestration.flow import build_warehouse

    state = build_warehouse(**_parameters(opts, source, models), return_state=True)
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, NetflixEltError):
        raise outcome
    if not isinstance(outcome, dict):
        err_console.print(
            f"[red]error:[/red] flow run ended {state.type.value}: {escape(state.message or '')}",
            soft_wrap=True,  # one line even when piped (80 columns), like friendly_errors
        )
        raise typer.Exit(1)
    print_flow_summary(outcome)
    if not state.is_completed():
        raise typer.Exit(1)


@friendly_errors
def deploy(
    ctx: typer.Context,
    cron: CronOption = None,
    serve: ServeOption = False,
    work_pool: WorkPoolOption = None,
    name: NameOption = "daily",
    project_dir: ProjectDirOption = Path("."),
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    source: SourceOption = None,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
    threads: ThreadsOption = None,
    models: ModelsOption = None,
) -> None:
    """Schedule the flow daily: --serve it from this process, or deploy it to --work-pool NAME."""
    if serve == (work_pool is not None):
        raise typer.BadParameter(
            "choose one of --serve or --work-pool NAME", param_hint="--serve/--work-pool"
        )
    from netflix_elt.config import load_profile
    from netflix_elt.errors import ConfigError
    from netflix_elt.orchestration.environment import quiet_prefect_environment, uses_temporary_server

    opts = options(ctx, select=select, exclude=exclude, threads=threads, profile=profile, state_dir=state_dir)
    load_profile(opts.profile)
    quiet_prefect_environment()
    from netflix_elt.orchestration.deploy import (
        daily_schedule,
        deploy_to_work_pool,
        deployment_name,
        serve_daily,
    )

    parameters = _parameters(opts, source, models)
    schedule = daily_schedule(cron, opts.profile)  # validates before anything is created
    temporary = uses_temporary_server()
    if serve:
        if temporary:
            err_console.print(
                "[yellow]PREFECT_API_URL is not set: the schedule lives in a temporary local server that "
                "stops with this process (see flows/README.md to use a Prefect server).[/yellow]"
            )
        serve_daily(name=name, cron=schedule.cron, parameters=parameters)
        return
    if temporary:
        raise ConfigError(
            "a work-pool deployment needs a Prefect server that workers can reach",
            where="--work-pool",
            hint="set PREFECT_API_URL to a self-hosted server or Prefect Cloud as flows/README.md shows, "
            "or use --serve",
        )
    assert work_pool is not None
    deployment_id = deploy_to_work_pool(
        work_pool, name=name, cron=schedule.cron, parameters=parameters, project_dir=project_dir
    )
    console.print(
        f"deployment [bold]{deployment_name(name)}[/bold] ({deployment_id}) on work pool "
        f"[bold]{work_pool}[/bold]: cron '{schedule.cron}' UTC"
    )
    console.print(f"start a worker: prefect worker start --pool {work_pool}")
    console.print(f"run it now:     prefect deployment run '{deployment_name(name)}'")


def _parameters(opts: Options, source: Path | None, models: str | None) -> dict[str, Any]:
    from netflix_elt.orchestration.deploy import flow_parameters

    return flow_parameters(
        select=opts.select,
        exclude=opts.exclude,
        source_dir=str(source) if source is not None else None,
        profile=opts.profile if opts.profile != "local" else None,
        state_dir=str(opts.state_dir) if opts.state_dir is not None else None,
        threads=opts.threads,
        full_refresh=opts.full_refresh or None,
        models=models or _default_models(opts),
    )


def _default_models(opts: Options) -> str | None:
    """The application's package of models (see ``cli.create_app``), unless $NETFLIX_ELT_PROJECT or the
    profile names one, which the flow then reads itself."""
    import os

    from netflix_elt.config import load_profile
    from netflix_elt.registry import PROJECT_ENV

    if os.environ.get(PROJECT_ENV) or load_profile(opts.profile).project:
        return None
    return opts.default_project


def print_flow_summary(summary: dict[str, Any]) -> None:
    """One row per node, then the headline and the errors."""
    table = Table(show_edge=False)
    for column in ("model", "kind", "status", "rows", "seconds", "attempts"):
        table.add_column(column, justify="right" if column in ("rows", "seconds", "attempts") else "left")
    for name, node in summary["models"].items():
        style = STATUS_STYLE[node["status"]]
        rows = "" if node["rows"] is None else f"{node['rows']:,}"
        table.add_row(
            name,
            node["kind"],
            f"[{style}]{node['status']}[/]",
            rows,
            f"{node['seconds']:.2f}",
            str(node["attempts"]),
        )
    console.print(table)
    counts = ", ".join(f"{n} {status}" for status, n in summary["counts"].items() if n)
    style = "green" if summary["status"] == "success" else "red"
    console.print(
        f"[{style}]{summary['status']}[/] flow run {summary['run_id']}: {summary['seconds']:.1f}s ({counts})"
    )
    for name, node in summary["models"].items():
        if node["status"] == "error":
            console.print(f"[red]ERROR[/red] {name}: {escape(node['message'])}", soft_wrap=True)
