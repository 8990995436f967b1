"""Declaration errors name the model; GX runs what the push-down route does not translate; custom
checks (snapshot invariants, reconciliation, composite relationships, singular queries)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from netflix_elt.errors import ProjectError
from netflix_elt.project import Project
from netflix_elt.quality import default_check_runner
from netflix_elt.registry import Registry
from netflix_elt.results import RunResult
from projects import faulty, history, unknown_reference

from .conftest import write_rows

ITEM_TYPES = {"ID": "NUMBER(38,0)", "CODE": "VARCHAR", "PARENT_ID": "NUMBER(38,0)", "QTY": "NUMBER(38,0)"}
ITEMS = [
    {"ID": 1, "CODE": "AB", "PARENT_ID": 1, "QTY": 5},
    {"ID": 2, "CODE": "abc", "PARENT_ID": 1, "QTY": 0},
    {"ID": 3, "CODE": None, "PARENT_ID": 2, "QTY": 2000},
    {"ID": 4, "CODE": "CD", "PARENT_ID": None, "QTY": 7},
]
TAG_TYPES = {"USER_ID": "NUMBER(38,0)", "MOVIE_ID": "NUMBER(38,0)", "TAG": "VARCHAR"}


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    """One build of the faulty project (each model has one problem), shared by the tests below."""
    with Project.local(tmp_path_factory.mktemp("faulty"), Registry.from_modules(faulty)) as project:
        project.use_check_runner(default_check_runner(project))
        write_rows(project, "raw_items", ITEMS, ITEM_TYPES)
        yield project.build()


def test_an_unknown_expectation_is_an_error_naming_the_model(faulty_run) -> None:
    node = faulty_run.by_name()["TYPO_EXPECTATION"]
    assert node.status == "error"
    assert "model TYPO_EXPECTATION (" in node.message and "faulty.py" in node.message
    assert "unknown expectation 'expect_column_values_to_be_nul'" in node.message
    assert "did you mean expect_column_values_to_be_null" in node.message


def test_gx_validates_the_arguments(faulty_run) -> None:
    missing = faulty_run.by_name()["MISSING_ARGUMENT"]
    assert missing.status == "error"
    assert (
        "invalid arguments for expect_column_values_to_be_of_type: type_: field required" in missing.message
    )
    unknown = faulty_run.by_name()["UNKNOWN_ARGUMENT"]
    assert (
        "model UNKNOWN_ARGUMENT" in unknown.message and "bogus: extra fields not permitted" in unknown.message
    )


def test_a_missing_column_fails_its_check_with_the_reason(faulty_run) -> None:
    node = faulty_run.by_name()["MISSING_COLUMN"]
    assert node.status == "error"
    nope, present = node.checks
    assert nope["success"] is False and "column 'NOPE' not found" in nope["exception"]
    assert present["success"] is True


def test_a_check_on_an_unknown_model_is_refused_when_the_project_loads() -> None:
    with pytest.raises(ProjectError) as caught:
        Registry.from_modules(unknown_reference)
    assert "UNKNOWN_REFERENCE checks 'nowhere', which is not a model" in caught.value.render()
    assert "unknown_reference.py" in caught.value.render()


def test_a_model_is_ordered_after_the_models_its_checks_read(faulty_run) -> None:
    assert "TYPO_EXPECTATION" in Registry.from_modules(faulty).dag.upstream("CHECKS_A_FAILED_MODEL")
    node = faulty_run.by_name()["CHECKS_A_FAILED_MODEL"]
    assert node.status == "skipped" and "TYPO_EXPECTATION" in node.message


def test_expectations_without_push_down_run_in_gx(faulty_run) -> None:
    node = faulty_run.by_name()["GX_FALLBACK"]
    regex, not_null, conditional = node.checks
    assert regex["route"] == conditional["route"] == "gx-pandas"
    assert not_null["route"] == "sql"
    assert (regex["success"], regex["unexpected_count"], regex["missing_count"]) == (False, 1, 1)
    assert regex["sample"] == ["abc"]
    assert (not_null["success"], not_null["unexpected_count"]) == (False, 1)
    assert conditional["success"] is True and conditional["observed_value"] == 3


@pytest.fixture
def history_project(checked_project: Callable[..., Project]) -> Project:
    project = checked_project(history)
    write_rows(project, "raw_items", ITEMS, ITEM_TYPES)
    write_rows(
        project,
        "raw_tags",
        [{"USER_ID": 1, "MOVIE_ID": 1, "TAG": "dark"}, {"USER_ID": 1, "MOVIE_ID": 2, "TAG": "fun"}],
        TAG_TYPES,
    )
    return project


def test_snapshot_invariants_hold_over_runs_and_catch_a_broken_history(history_project: Project) -> None:
    project = history_project
    assert project.build(select=["snap_tags"], run_started_at=datetime(2024, 1, 1)).success
    write_rows(project, "raw_tags", [{"USER_ID": 1, "MOVIE_ID": 1, "TAG": "noir"}], TAG_TYPES)
    run = project.build(select=["snap_tags"], run_started_at=datetime(2024, 1, 2))
    assert run.success, run.by_name()["SNAP_TAGS"].message
    assert [c["success"] for c in run.by_name()["SNAP_TAGS"].checks] == [True, True]

    table = project.relation("snap_tags")
    project.engine.execute(
        f"INSERT INTO {table} (USER_ID, MOVIE_ID, TAG, VALID_FROM, VALID_TO, IS_CURRENT, IS_DELETED) "
        "VALUES (1, 1, 'twice', '2024-01-01 12:00:00', NULL, TRUE, FALSE)"
    )
    run = project.test(select=["snap_tags"])
    current, overlap = run.by_name()["SNAP_TAGS"].checks
    assert run.by_name()["SNAP_TAGS"].status == "error"
    assert (current["unexpected_count"], current["element_count"]) == (1, 2)
    assert current["sample"] == [{"USER_ID": 1, "MOVIE_ID": 1, "CURRENT_ROWS": 2}]
    assert (overlap["unexpected_count"], overlap["element_count"]) == (2, 4)


def test_reconciliation_relationship_and_singular_checks(history_project: Project) -> None:
    run = history_project.build()
    assert run.by_name()["VALID_ITEMS"].checks[0]["success"]  # a check on a view
    checks = {c["name"]: c for c in run.by_name()["LOADED_ITEMS"].checks}
    exact = checks["row_count_reconciles(this + REJECTED_ITEMS = RAW_ITEMS)"]
    assert exact["success"] and exact["observed_value"]["plus"] == {"REJECTED_ITEMS": 1}
    assert checks["against the table by name"]["observed_value"]["to"] == {"RAW.RAW_ITEMS": 4}
    tolerant = checks["most items load"]
    assert (
        tolerant["success"]
        and tolerant["unexpected_count"] == 1
        and tolerant["observed_value"]["allowed"] == 1.0
    )
    assert checks["at most one item lost"]["success"]
    composite = checks["relationship(ID,CODE -> RAW_ITEMS.ID,CODE)"]
    assert composite["success"] and composite["missing_count"] == 1
    big = checks["no_big_quantities"]
    assert (big["success"], big["unexpected_count"], big["sample"]) == (False, 1, [{"ID": 3, "QTY": 2000}])
    huge = checks["no_huge_raw_quantities"]
    assert (huge["success"], huge["unexpected_count"]) == (False, 1)
    assert run.by_name()["LOADED_ITEMS"].status == "error"

    write_rows(
        history_project,
        "raw_items",
        [
            *ITEMS,
            {"ID": 5, "CODE": "EF", "PARENT_ID": 1, "QTY": 0},
            {"ID": 6, "CODE": "GH", "PARENT_ID": 1, "QTY": 0},
        ],
        ITEM_TYPES,
    )
    checks = {c["name"]: c for c in history_project.build().by_name()["LOADED_ITEMS"].checks}
    assert checks["row_count_reconciles(this + REJECTED_ITEMS = RAW_ITEMS)"]["success"]
    assert not checks["most items load"]["success"]  # 3 of 6 missing > 25 %
    assert not checks["at most one item lost"]["success"]
