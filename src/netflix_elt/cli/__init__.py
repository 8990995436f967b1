"""The ``netflix-elt`` command line (typer + rich).

Each command group lives in its own module with a ``register(app)`` function; global options given
before the command (``netflix-elt --select x build``) apply to every command and can be repeated after it.
"""

from __future__ import annotations

import importlib

import typer

from netflix_elt.cli.common import (
    ExcludeOption,
    FullRefreshOption,
    Options,
    ProfileOption,
    SelectOption,
    StateDirOption,
    ThreadsOption,
)

COMMAND_MODULES = (
    "demo",
    "generate",
    "load",
    "build",
    "inspect",
    "diff",
    "quality",
    "report",
    "orchestrate",
    "clean",
)

app = typer.Typer(
    name="netflix-elt",
    help="ELT on Snowpark: load MovieLens, build the warehouse, check it, report on it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def global_options(
    ctx: typer.Context,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
    select: SelectOption = None,
    exclude: ExcludeOption = None,
    threads: ThreadsOption = None,
    full_refresh: FullRefreshOption = None,
) -> None:
    ctx.obj = Options().merged(
        profile=profile,
        state_dir=state_dir,
        select=select,
        exclude=exclude,
        threads=threads,
        full_refresh=full_refresh,
    )


for _name in COMMAND_MODULES:
    importlib.import_module(f"netflix_elt.cli.{_name}").register(app)


def main() -> None:
    app()
