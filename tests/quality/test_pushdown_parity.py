"""The SQL push-down route gives the same results as real GX validations on the same data."""

from __future__ import annotations

import math

import pytest

from netflix_elt import source
from netflix_elt.quality import default_check_runner
from netflix_elt.quality.delta import UNIQUE_EXPECTATIONS
from netflix_elt.quality.gx_route import expectation_class
from netflix_elt.quality.pushdown import TRANSLATORS
from projects import parity

from .conftest import write_rows

COMPARED = ("success", "unexpected_count", "element_count", "missing_count", "unexpected_percent")


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


UNIQUE = [i for i, e in enumerate(parity.EXPECTATIONS) if e.type in UNIQUE_EXPECTATIONS]


@pytest.fixture(scope="module")
def both_routes(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict], dict[int, dict]]:
    """Every expectation on the parity table by the push-down route and by GX, and each uniqueness
    expectation by the push-down route alone (then one GROUP BY answers it, see _unique_alone)."""
    from netflix_elt.project import Project
    from netflix_elt.registry import Registry

    project = Project.local(tmp_path_factory.mktemp("parity"), Registry.from_modules(parity))
    try:
        write_rows(project, "parity", parity.ROWS, parity.COLUMN_TYPES)
        spec, target = project.registry["PARITY"], project.relation("parity")
        pushdown = default_check_runner(project, "pushdown")
        everything = pushdown(spec, target)
        gx = default_check_runner(project, "gx-pandas")(spec, target)
        alone = {i: pushdown(source("PARITY", checks=[parity.EXPECTATIONS[i]]), target)[0] for i in UNIQUE}
    finally:
        project.close()
    return everything, gx, alone


def test_every_pushdown_expectation_is_a_gx_expectation() -> None:
    for name in TRANSLATORS:
        assert expectation_class(name, "test").__name__.lower() == name.replace("_", "")


def test_parity_cases_cover_every_translator() -> None:
    assert {e.type for e in parity.EXPECTATIONS} == set(TRANSLATORS)


def test_pushdown_route_ran_every_case_in_sql(
    both_routes: tuple[list[dict], list[dict], dict[int, dict]],
) -> None:
    pushdown, gx, _ = both_routes
    assert {r["route"] for r in pushdown} == {"sql"}
    assert {r["route"] for r in gx} == {"gx-pandas"}


@pytest.mark.parametrize("index", range(len(parity.EXPECTATIONS)), ids=lambda i: repr(parity.EXPECTATIONS[i]))
def test_same_result_as_gx(both_routes: tuple[list[dict], list[dict], dict[int, dict]], index: int) -> None:
    assert_same(both_routes[0][index], both_routes[1][index])


@pytest.mark.parametrize("index", UNIQUE, ids=lambda i: repr(parity.EXPECTATIONS[i]))
def test_a_uniqueness_expectation_alone_gives_the_same_result_as_gx(
    both_routes: tuple[list[dict], list[dict], dict[int, dict]], index: int
) -> None:
    alone, theirs = both_routes[2][index], both_routes[1][index]
    assert_same({**alone, "name": theirs["name"]}, theirs)  # named without the "#2" of a repeat


def test_the_uniqueness_cases_include_duplicates_and_missing_keys(
    both_routes: tuple[list[dict], list[dict], dict[int, dict]],
) -> None:
    alone = both_routes[2].values()
    assert len(UNIQUE) == 4
    assert any(r["unexpected_count"] for r in alone) and any(r["missing_count"] for r in alone)


def assert_same(ours: dict, theirs: dict) -> None:
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
