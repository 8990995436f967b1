"""The transform filter (engine/transform_filter.py) skips only fakesnow transforms that cannot rewrite
anything: its table names every transform of the pinned translation, and a pipeline build translates
every statement to the same tree with the filter and without it."""

from __future__ import annotations

import contextlib
import inspect
import re
import types
from pathlib import Path
from typing import Any

import pytest

from netflix_elt.engine import Engine, fakesnow_compat, transform_filter

FIXTURES = Path(__file__).resolve().parents[2] / "sql_fixtures" / "pipeline"


def pinned_translation() -> types.FunctionType:
    """fakesnow's own ``FakeSnowflakeCursor._transform`` (the class attribute is our wrapper of it)."""
    fakesnow_compat.install()
    from fakesnow.cursor import FakeSnowflakeCursor

    wrapper = FakeSnowflakeCursor._transform
    inner = [
        cell.cell_contents
        for cell in wrapper.__closure__ or ()
        if getattr(cell.cell_contents, "__name__", "") == "_transform"
    ]
    assert len(inner) == 1
    return inner[0]


def test_the_table_names_every_transform_of_the_pinned_translation() -> None:
    source = inspect.getsource(pinned_translation())
    assert set(re.findall(r"transforms\.(\w+)", source)) == set(transform_filter.REWRITES)


def test_every_lambda_of_the_translation_is_recognised_by_the_transform_it_calls() -> None:
    lambdas = [c for c in pinned_translation().__code__.co_consts if isinstance(c, types.CodeType)]
    assert len(lambdas) >= 10
    for code in lambdas:
        assert len([name for name in code.co_names if name in transform_filter.REWRITES]) == 1, code.co_names


def test_a_pipeline_build_translates_alike_with_and_without_the_filter(tmp_path: Path) -> None:
    from netflix_elt.movielens.loader import load_directory
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner
    from netflix_elt.registry import Registry

    with (
        transform_filter.verifying() as differences,
        Project.local(tmp_path / "state", Registry.from_package("netflix_elt.movielens.pipeline")) as project,
    ):
        project.use_check_runner(default_check_runner(project))
        load_directory(project.engine, FIXTURES / "release", mode="replace", batch_id="release")
        first = project.build()
        load_directory(project.engine, FIXTURES / "late_rating", mode="append", batch_id="late-rating")
        second = project.build()
    assert first.success and second.success
    assert differences == [], "\n\n".join(differences)


def test_a_wrong_table_entry_is_caught(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: claim that `identifier` rewrites only PUT statements, and the
    translation of IDENTIFIER('...') differs."""
    from sqlglot import exp

    wrong: dict[str, Any] = {**transform_filter.REWRITES, "identifier": (exp.Put,)}
    monkeypatch.setattr(transform_filter, "REWRITES", wrong)
    monkeypatch.setattr(transform_filter, "_rewrites_by_code", {})
    engine.execute("CREATE TABLE ANSWERS (N INT)")
    with transform_filter.verifying() as differences, contextlib.suppress(Exception):
        engine.execute("SELECT N FROM IDENTIFIER('ANSWERS')")
    assert differences and "IDENTIFIER" in differences[0].upper()
