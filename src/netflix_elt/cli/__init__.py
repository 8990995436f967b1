"""The ``netflix-elt`` command line (typer + rich).

Each command group lives in its own module with a ``register(app)`` function; global options given
before the command (``netflix-elt --select x build``) apply to every command and can be repeated after it.
These are the framework's commands; an application builds its command line with :func:`create_app` and
adds its own (the ``netflix-elt`` script is the MovieLens application's, ``netflix_elt.movielens.cli``).
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

COMMAND_MODULES = ("build", "inspect", "diff", "quality", "orchestrate", "clean")

HELP = "ELT on Snowpark: build the warehouse of a project's models, check it, look around in it."


def create_app(help: str = HELP, default_project: str | None = None) -> typer.Typer:
    """The framework's command line: global options and the framework's commands.

    ``default_project`` is the package of models the commands build when neither $NETFLIX_ELT_PROJECT
    nor the profile's ``project`` names one (an application passes its own); an application adds its
    commands to the app returned with ``register(app)`` functions of its own.
    """
    app = typer.Typer(
        name="netflix-elt",
        help=help,
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
        ctx.obj = Options(default_project=default_project).merged(
            profile=profile,
            state_dir=state_dir,
            select=select,
            exclude=exclude,
            threads=threads,
            full_refresh=full_refresh,
        )

    for name in COMMAND_MODULES:
        importlib.import_module(f"netflix_elt.cli.{name}").register(app)
    return app


app = create_app()


def main() -> None:
    app()
