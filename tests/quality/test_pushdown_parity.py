"""The SQL push-down route gives the same results as real GX validations on the same data."""

from __future__ import annotations

import math

import pytest

from netflix_elt.quality import default_check_runner
from netflix_elt.quality.gx_route import expectation_class
from netflix_elt.quality.pushdown import TRANSLATORS
from projects import parity

from .conftest import write_rows

COMPARED = ("success", "unexpected_count", "element_count", "missing_count", "unexpected_percent")


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.fixture(scope="module")
def both_routes(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict]]:
    from netflix_elt.project import Project
    from netflix_elt.registry import Registry

    project = Project.local(tmp_path_factory.mktemp("parity"), Registry.from_modules(parity))
    try:
        write_rows(project, "parity", parity.ROWS, parity.COLUMN_TYPES)
        spec, target = project.registry["PARITY"], project.relation("parity")
        pushdown = default_check_runner(project, "pushdown")(spec, target)
        gx = default_check_runner(project, "gx-pandas")(spec, target)
    finally:
        project.close()
    return pushdown, gx


def test_every_pushdown_expectation_is_a_gx_expectation() -> None:
    for name in TRANSLATORS:
        assert expectation_class(name, "test").__name__.lower() == name.replace("_", "")


def test_parity_cases_cover_every_translator() -> None:
    assert {e.type for e in parity.EXPECTATIONS} == set(TRANSLATORS)


def test_pushdown_route_ran_every_case_in_sql(both_routes: tuple[list[dict], list[dict]]) -> None:
    pushdown, gx = both_routes
    assert {r["route"] for r in pushdown} == {"sql"}
    assert {r["route"] for r in gx} == {"gx-pandas"}


@pytest.mark.parametrize("index", range(len(parity.EXPECTATIONS)), ids=lambda i: repr(parity.EXPECTATIONS[i]))
def test_same_result_as_gx(both_routes: tuple[list[dict], list[dict]], index: int) -> None:
    ours, theirs = both_routes[0][index], both_routes[1][index]
    assert ours["name"] == theirs["name"]
    assert (ours["exception"] is None) == (theirs["exception"] is None), (
        ours["exception"],
        theirs["exception"],
    )
    for field in COMPARED:
        assert _same(ours[field], theirs[field]), (field, ours[field], theirs[field])
    if theirs["observed_value"] is not None or ours["observed_value"] is not None:
        assert _same(ours["observed_value"], theirs["observed_value"]), (
            ours["observed_value"],
            theirs["observed_value"],
        )
    assert _values(ours["partial_unexpected_list"]) == _values(theirs["partial_unexpected_list"])


def _values(values: list[object]) -> set[str]:
    """Failing values as comparable text (pandas turns an integer column with NULLs into floats)."""

    def number(value: object) -> object:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    return {repr({k: number(v) for k, v in v.items()} if isinstance(v, dict) else number(v)) for v in values}
