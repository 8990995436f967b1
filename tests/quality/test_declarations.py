"""Declaring checks: GX vocabulary without importing GX, deterministic repr, clear declaration errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netflix_elt import Table, model
from netflix_elt.declare import spec_of
from netflix_elt.quality import (
    ExpectationCall,
    ExpectationCheck,
    QualityError,
    check,
    gxe,
    relationship,
    row_count_reconciles,
    singular,
    snapshot_invariants,
)
from netflix_elt.quality.check_runner import declared_checks

TESTS = Path(__file__).resolve().parents[1]


def test_gxe_records_the_expectation_in_gx_spelling() -> None:
    call = gxe.ExpectColumnValuesToBeBetween(max_value=5.0, column="RATING", min_value=0.5)
    assert isinstance(call, ExpectationCall)
    assert call.type == "expect_column_values_to_be_between"
    assert repr(call) == "gxe.ExpectColumnValuesToBeBetween(column='RATING', max_value=5.0, min_value=0.5)"
    assert call == gxe.ExpectColumnValuesToBeBetween(column="RATING", min_value=0.5, max_value=5.0)


def test_names_and_classes_declare_the_same_check() -> None:
    by_snake = check("expect_column_values_to_not_be_null", column="ID")
    by_class = check("ExpectColumnValuesToNotBeNull", column="ID")
    by_call = check(gxe.ExpectColumnValuesToNotBeNull(column="ID"))
    assert by_snake == by_class == by_call
    assert by_call.severity == "error" and by_call.display_name() == "expect_column_values_to_not_be_null(ID)"


def test_repr_is_deterministic_for_sets_and_dicts() -> None:
    first = check(
        gxe.ExpectColumnValuesToBeInSet(column="G", value_set={"b", "a", "c"}, meta={"z": 1, "a": [2]})
    )
    second = check(
        gxe.ExpectColumnValuesToBeInSet(column="G", value_set={"c", "a", "b"}, meta={"a": [2], "z": 1})
    )
    assert repr(first) == repr(second)
    assert "value_set=('a', 'b', 'c')" in repr(first) and "{'a': (2,), 'z': 1}" in repr(first)
    assert first.expectation.arguments["value_set"] == ["a", "b", "c"]
    assert hash(first) == hash(second)


def test_checks_feed_the_model_fingerprint() -> None:
    def declare(severity: str):
        @model(Table(), checks=[check(gxe.ExpectColumnValuesToNotBeNull(column="ID"), severity=severity)])
        def thing(raw):
            return raw

        return spec_of(thing)

    assert declare("error").fingerprint() == declare("error").fingerprint()
    assert declare("error").fingerprint() != declare("warn").fingerprint()


def test_gx_severity_maps_onto_the_runner_severity() -> None:
    assert check(gxe.ExpectColumnValuesToNotBeNull(column="ID", severity="warning")).severity == "warn"
    assert check(gxe.ExpectColumnValuesToNotBeNull(column="ID", severity="critical")).severity == "error"
    assert (
        check(gxe.ExpectColumnValuesToNotBeNull(column="ID", severity="warning"), severity="error").severity
        == "error"
    )


def test_a_real_gx_expectation_is_accepted() -> None:
    import great_expectations.expectations as real

    declared = check(
        real.ExpectColumnValuesToBeBetween(column="RATING", min_value=0.5, max_value=5.0), severity="warn"
    )
    assert declared.expectation.type == "expect_column_values_to_be_between"
    assert declared.expectation.rule_arguments["max_value"] == 5.0
    assert declared.severity == "warn"


def test_custom_checks_take_severity_and_name_through_check() -> None:
    rel = check(relationship("MOVIE_ID", to="dim_movies"), severity="warn", name="movies known")
    assert (rel.severity, rel.display_name(), rel.fields) == ("warn", "movies known", ("MOVIE_ID",))
    assert singular("x", "SELECT * FROM {this} JOIN {dim_movies} USING (MOVIE_ID)").references() == (
        "DIM_MOVIES",
    )
    assert row_count_reconciles(to="raw", plus="rejected").references() == ("RAW", "REJECTED")
    assert [c.kind for c in snapshot_invariants()] == ["one_current_row_per_key", "no_overlapping_validity"]


def test_query_checks_repr_by_source_not_address() -> None:
    def failing(this):
        return this

    assert "0x" not in repr(singular("q", query=failing))
    assert singular("q", query=failing) == singular("q", query=failing)


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (
            lambda: check(gxe.ExpectColumnValuesToNotBeNull(column="X"), severity="fatal"),
            "severity must be 'error' or 'warn'",
        ),
        (lambda: check("not_an_expectation"), "'not_an_expectation' is not an expectation name"),
        (lambda: check(gxe.ExpectColumnValuesToNotBeNull(column="X"), column="Y"), "given next to"),
        (lambda: check(42), "cannot make a check of int"),
        (lambda: relationship(["A", "B"], to="p", field="A"), "2 column(s) but 1 field(s)"),
        (lambda: row_count_reconciles(to="raw", tolerance=-1), "tolerances cannot be negative"),
        (lambda: singular("s"), "needs exactly one of sql= or query="),
    ],
)
def test_declaration_errors_name_the_declaring_line(declare, message: str) -> None:
    with pytest.raises(QualityError) as error:
        declare()
    assert message in str(error.value)
    assert f"{Path(__file__).name}:" in str(error.value)


def test_runner_normalises_and_names_the_checks() -> None:
    @model(
        Table(),
        checks=[
            gxe.ExpectColumnValuesToNotBeNull(column="ID"),
            [gxe.ExpectColumnValuesToNotBeNull(column="ID")],
            *snapshot_invariants("ID"),
        ],
    )
    def thing(raw):
        return raw

    named = declared_checks(spec_of(thing), "model THING")
    assert [n for n, _ in named] == [
        "expect_column_values_to_not_be_null(ID)",
        "expect_column_values_to_not_be_null(ID) #2",
        "one_current_row_per_key(ID)",
        "no_overlapping_validity(ID)",
    ]
    assert isinstance(named[0][1], ExpectationCheck) and named[0][1].severity == "error"


def test_models_import_and_pushdown_checks_run_without_great_expectations(tmp_path: Path) -> None:
    """Declaring checks must not import GX, nor must running the checks that SQL push-down covers."""
    script = f"""
import sys
from projects import ratings, units, history
assert "great_expectations" not in sys.modules, "declaring imported GX"
from quality.conftest import load_raw
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from netflix_elt.quality import default_check_runner
with Project.local({str(tmp_path)!r}, Registry.from_modules(ratings)) as project:
    project.use_check_runner(default_check_runner(project))
    load_raw(project)
    run = project.build()
    assert run.success and sum(len(r.checks) for r in run.results) == 9
assert "great_expectations" not in sys.modules, "push-down checks imported GX"
"""
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
