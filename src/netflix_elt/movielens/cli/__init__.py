"""The ``netflix-elt`` command line: the framework's commands (``netflix_elt.cli``) building the MovieLens
pipeline by default, plus the application's own: ``demo``, ``generate``, ``load`` and ``report``."""

from __future__ import annotations

import importlib

from netflix_elt.cli import create_app, exiting
from netflix_elt.movielens import PIPELINE

COMMAND_MODULES = ("demo", "generate", "load", "report")

app = create_app(
    help="ELT on Snowpark: load MovieLens, build the warehouse, check it, report on it.",
    default_project=PIPELINE,
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"netflix_elt.movielens.cli.{_name}").register(app)


def main() -> None:
    exiting.run(app)
