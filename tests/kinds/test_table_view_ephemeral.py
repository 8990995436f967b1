"""Kinds table, view, ephemeral and analysis, built over RAW.RAW_ITEMS (sql_fixtures/kinds/items.csv)."""

from __future__ import annotations

import pytest

from netflix_elt import Table, View
from netflix_elt.engine.worktables import find_work_tables
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import tables
from projects.helpers import FIXTURES, insert_rows, load_csv, read_csv, table_rows, with_kinds

ITEMS_CSV = FIXTURES / "kinds/items.csv"


@pytest.fixture
def project(make_project) -> Project:
    project = make_project(tables)
    load_csv(project.engine, project.engine.fqn("RAW", "RAW_ITEMS"), ITEMS_CSV, tables.ITEM_TYPES)
    return project


def expected_items() -> list[dict[str, str]]:
    return [
        {k: (v[:-1] if k == "PRICE" and v.endswith("0") else v) for k, v in row.items()}
        for row in read_csv(ITEMS_CSV)
    ]


def test_table_is_built_with_its_rows_and_row_count(project: Project) -> None:
    result = project.build(select=["items"]).by_name()["ITEMS"]
    assert (result.status, result.rows, result.inserted) == ("success", 5, 5)
    assert project.engine.object_type(project.relation("items")) == "TABLE"
    assert project.relation("items") == "MOVIELENS.ANALYTICS.ITEMS"
    rows = table_rows(project.engine, project.relation("items"), "ITEM_ID")
    assert [r["NAME"] for r in rows] == ["apple", "banana", "cherry", "blueberry", "durian"]
    assert [float(r["PRICE"]) for r in rows] == [1.5, 4.2, 9.99, 3.0, 25.0]


def test_a_failed_rebuild_leaves_the_previous_table_intact_and_skips_downstream(project: Project) -> None:
    assert project.build().success
    before = table_rows(project.engine, project.relation("items"), "ITEM_ID")
    insert_rows(project.engine, "MOVIELENS.RAW.RAW_ITEMS", tables.ITEM_TYPES, [(6, "elderberry", "7.00")])

    run = project.build(vars={"break_items": True})
    results = run.by_name()
    assert results["ITEMS"].status == "error"
    assert results["ITEMS"].message.startswith("model ITEMS: ")
    assert "\n" not in results["ITEMS"].message
    assert results["PRICEY_ITEMS"].status == "skipped"
    assert results["CHEAP_B_ITEM_COUNT"].status == "skipped"
    assert "upstream ITEMS" in results["PRICEY_ITEMS"].message
    assert not run.success
    # The old table is still there, complete and readable, and no half-built table is left behind.
    assert table_rows(project.engine, project.relation("items"), "ITEM_ID") == before
    assert project.table("items").count() == 5
    assert find_work_tables(project.engine) == []

    assert project.build(select=["items"]).success
    assert project.table("items").count() == 6


def test_a_table_replaces_a_view_of_the_same_name_and_back(project: Project, make_project) -> None:
    relation = "MOVIELENS.ANALYTICS.SHAPE"
    result = project.build(select=["shape"]).by_name()["SHAPE"]
    assert (result.status, result.rows) == ("success", None)
    assert project.engine.object_type(relation) == "VIEW"

    as_table = make_project(with_kinds(project.registry, shape=Table()))
    result = as_table.build(select=["shape"]).by_name()["SHAPE"]
    assert (result.status, result.rows) == ("success", 5)
    assert as_table.engine.object_type(relation) == "TABLE"
    assert as_table.table("shape").count() == 5

    as_view = make_project(with_kinds(project.registry, shape=View()))
    assert as_view.build(select=["shape"]).success
    assert as_view.engine.object_type(relation) == "VIEW"
    assert as_view.table("shape").count() == 5


def test_a_view_is_not_stored_and_sees_new_raw_rows(project: Project) -> None:
    result = project.build(select=["items_view"]).by_name()["ITEMS_VIEW"]
    assert (result.status, result.rows, result.inserted) == ("success", None, None)
    relation = project.relation("items_view")
    assert relation == "MOVIELENS.STAGING.ITEMS_VIEW"
    assert project.engine.object_type(relation) == "VIEW"
    assert project.table("items_view").count() == 4  # PRICE > 2
    insert_rows(project.engine, "MOVIELENS.RAW.RAW_ITEMS", tables.ITEM_TYPES, [(6, "fig", "3.50")])
    assert project.table("items_view").count() == 5
    assert any(sql.startswith(f"CREATE OR REPLACE VIEW {relation} AS SELECT") for sql in result.sql)


def test_ephemeral_models_are_inlined_never_planned_nor_materialised(project: Project) -> None:
    plan = project.plan("build")
    assert "CHEAP_ITEMS" not in plan.order and "CHEAP_B_ITEMS" not in plan.order
    assert project.plan("build", select=["cheap_items"]).order == []

    run = project.build()
    assert run.success
    assert {"CHEAP_ITEMS", "CHEAP_B_ITEMS"}.isdisjoint(run.by_name())
    for schema in ("ANALYTICS", "STAGING", "RAW"):
        assert project.engine.object_type(f"MOVIELENS.{schema}.CHEAP_ITEMS") is None
        assert project.engine.object_type(f"MOVIELENS.{schema}.CHEAP_B_ITEMS") is None

    count = run.by_name()["CHEAP_B_ITEM_COUNT"]
    assert count.rows == 1
    assert table_rows(project.engine, project.relation("cheap_b_item_count"), "ITEMS") == [{"ITEMS": "2"}]
    create = next(sql for sql in count.sql if sql.startswith("CREATE OR REPLACE TABLE"))
    assert "4.25" in create  # CHEAP_ITEMS' filter ...
    assert "'b'" in create  # ... and CHEAP_B_ITEMS' filter, inlined into the consumer's SQL
    assert "MOVIELENS.ANALYTICS.ITEMS" in create and "CHEAP_ITEMS" not in create


def test_an_ephemeral_model_is_listed_as_not_materialised(project: Project) -> None:
    registry: Registry = project.registry
    assert registry["cheap_items"].materialized is False
    assert registry.read_tables("cheap_b_item_count") == {"ITEMS"}


def test_analysis_is_a_table_in_the_analysis_schema(project: Project) -> None:
    result = project.build(select=["+pricey_items"]).by_name()["PRICEY_ITEMS"]
    assert (result.kind, result.status, result.rows) == ("analysis", "success", 2)
    assert project.relation("pricey_items") == "MOVIELENS.ANALYSIS.PRICEY_ITEMS"
    assert project.registry["pricey_items"].kind.question == "Which items cost more than 5?"
    names = [r["NAME"] for r in table_rows(project.engine, project.relation("pricey_items"), "ITEM_ID")]
    assert names == ["cherry", "durian"]


def test_rebuilding_a_table_replaces_its_rows(project: Project) -> None:
    assert project.build(select=["items"]).by_name()["ITEMS"].rows == 5
    load_csv(project.engine, "MOVIELENS.RAW.RAW_ITEMS", ITEMS_CSV, tables.ITEM_TYPES, where={"NAME": "apple"})
    result = project.build(select=["items"]).by_name()["ITEMS"]
    assert (result.rows, result.inserted) == (1, 1)
    assert project.table("items").count() == 1
