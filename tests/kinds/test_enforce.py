"""Contracts enforced on builds (tests/projects/contracted.py): each kind is built with exactly the
declared types and NOT NULL constraints, and a model whose output breaks its contract fails with the
difference named while the previous table (or view, or history) stays published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netflix_elt.project import Project
from projects import contracted
from projects.helpers import FIXTURES, load_csv, table_rows
from projects.incremental import EVENT_TYPES
from projects.snapshots import CUSTOMER_TYPES
from projects.tables import ITEM_TYPES

RAW_ITEMS = "MOVIELENS.RAW.RAW_ITEMS"
RAW_EVENTS = "MOVIELENS.RAW.RAW_EVENTS"
RAW_CUSTOMERS = "MOVIELENS.RAW.RAW_CUSTOMERS"
BREAKAGES = {
    "missing": "missing PRICE NUMBER(10,2)",
    "extra": "extra COLOUR VARCHAR",
    "type": "PRICE is FLOAT, the contract says NUMBER(10,2)",
    "order": "column order is (NAME, ITEM_ID, PRICE), the contract's (ITEM_ID, NAME, PRICE)",
    "null": "NAME has 5 NULL value(s), the contract says NOT NULL",
}


@pytest.fixture
def project(make_project) -> Project:
    project = make_project(contracted)
    project.engine.bootstrap()
    load_csv(project.engine, RAW_ITEMS, FIXTURES / "kinds/items.csv", ITEM_TYPES)
    events = FIXTURES / "kinds/events.csv"
    load_csv(project.engine, RAW_EVENTS, events, EVENT_TYPES, where={"BATCH": "1"})
    customers = FIXTURES / "snapshots/customers_runs.csv"
    load_csv(project.engine, RAW_CUSTOMERS, customers, CUSTOMER_TYPES, where={"RUN": "1"})
    return project


def described(project: Project, name: str) -> list[tuple[str, str, bool]]:
    return [(c.name, c.type, c.nullable) for c in project.engine.columns(project.relation(name))]


def test_every_kind_is_built_with_its_declared_columns(project: Project) -> None:
    run = project.build(exclude=["budgeted_releases"])
    assert run.success, [(r.name, r.message) for r in run.results if not r.passed]
    assert described(project, "items") == [
        ("ITEM_ID", "NUMBER(38,0)", False),
        ("NAME", "VARCHAR(16777216)", False),
        ("PRICE", "NUMBER(10,2)", True),
    ]
    # COUNT(*) is built as the declared NUMBER(38,0) whatever precision the engine gives it.
    assert described(project, "item_stats") == [
        ("ITEMS", "NUMBER(38,0)", False),
        ("MEAN_PRICE", "FLOAT", True),
        ("CHECKED", "BOOLEAN", False),
    ]
    assert [c[0] for c in described(project, "customers_history")] == [
        "CUSTOMER_ID",
        "NAME",
        "TIER",
        "UPDATED_AT",
        "VALID_FROM",
        "VALID_TO",
        "IS_CURRENT",
        "IS_DELETED",
        "SNAPSHOT_RUN_AT",
    ]
    for name in ("items", "item_stats", "items_view", "events", "customers_history", "releases"):
        spec = project.registry[name.upper()]
        assert spec.contract is not None
        assert spec.contract.differences(project.engine.columns(project.relation(name)), exact=True) == [], (
            name
        )


@pytest.mark.parametrize("how", sorted(BREAKAGES))
def test_a_broken_contract_fails_the_table_and_keeps_the_previous_one(project: Project, how: str) -> None:
    assert project.build(select=["items+"]).success
    before = table_rows(project.engine, project.relation("items"), "ITEM_ID")
    columns_before = described(project, "items")

    run = project.build(select=["items+"], vars={"break": how})
    results = run.by_name()
    assert results["ITEMS"].status == "error"
    message = results["ITEMS"].message
    assert message.startswith("model ITEMS: the model's output does not match its contract: ")
    assert BREAKAGES[how] in message and "nothing was published" in message and "\n" not in message
    assert results["ITEM_STATS"].status == "skipped"
    assert table_rows(project.engine, project.relation("items"), "ITEM_ID") == before
    assert described(project, "items") == columns_before
    assert project.engine.object_type("MOVIELENS.ANALYTICS.ITEMS__BUILD") is None


def test_a_view_is_not_replaced_by_one_that_breaks_its_contract(project: Project) -> None:
    assert project.build(select=["items_view"]).success
    result = project.build(select=["items_view"], vars={"break": "type"}).by_name()["ITEMS_VIEW"]
    assert result.status == "error" and BREAKAGES["type"] in result.message
    assert ("PRICE", "NUMBER(10,2)", True) in described(project, "items_view")


def test_a_seed_whose_rows_break_its_contract_is_not_published(project: Project) -> None:
    result = project.seed().by_name()["BUDGETED_RELEASES"]
    assert result.status == "error"
    assert "BUDGET has 1 NULL value(s), the contract says NOT NULL" in result.message
    assert project.engine.object_type(project.relation("budgeted_releases")) is None


def test_an_incremental_merge_checks_its_rows_and_its_target(project: Project) -> None:
    assert project.build(select=["events"]).success
    load_csv(project.engine, RAW_EVENTS, FIXTURES / "kinds/events_after_batch_2.csv", EVENT_TYPES)
    before = table_rows(project.engine, project.relation("events"), "EVENT_ID")

    # The rows to merge: a NULL where the contract says NOT NULL is refused before the MERGE.
    result = project.build(select=["events"], vars={"break": "null"}).by_name()["EVENTS"]
    assert result.status == "error"
    assert "AMOUNT has 3 NULL value(s), the contract says NOT NULL" in result.message
    assert table_rows(project.engine, project.relation("events"), "EVENT_ID") == before

    result = project.build(select=["events"], vars={"break": "type"}).by_name()["EVENTS"]
    assert result.status == "error" and "AMOUNT is FLOAT, the contract says NUMBER(10,2)" in result.message

    # The target: a table changed behind the contract's back is not merged into.
    project.engine.execute(f"ALTER TABLE {project.relation('events')} ADD COLUMN CHANNEL VARCHAR")
    result = project.build(select=["events"]).by_name()["EVENTS"]
    assert result.status == "error"
    assert "the existing table does not match its contract: extra CHANNEL VARCHAR" in result.message
    assert "--full-refresh" in result.message
    assert table_rows(project.engine, project.relation("events"), "EVENT_ID")[0].keys() >= before[0].keys()

    run = project.build(select=["events"], full_refresh=True)
    assert run.success and project.table("events").count() == 5
    assert described(project, "events")[0] == ("EVENT_ID", "NUMBER(38,0)", False)

    result = project.build(select=["events"]).by_name()["EVENTS"]
    assert (result.status, result.inserted, result.updated) == ("success", 0, 0)


def test_a_snapshot_update_checks_its_rows_and_its_history(project: Project) -> None:
    first = datetime(2024, 1, 5, tzinfo=UTC)
    assert project.snapshot(run_started_at=first).success
    history = table_rows(project.engine, project.relation("customers_history"), "CUSTOMER_ID, VALID_FROM")
    customers = FIXTURES / "snapshots/customers_runs.csv"
    load_csv(project.engine, RAW_CUSTOMERS, customers, CUSTOMER_TYPES, where={"RUN": "2"})

    for how, problem in (
        ("extra", "extra COLOUR VARCHAR"),
        ("null", "NULL value(s), the contract says NOT NULL"),
    ):
        result = project.snapshot(run_started_at=first, vars={"break": how}).by_name()["CUSTOMERS_HISTORY"]
        assert result.status == "error" and problem in result.message
        assert (
            table_rows(project.engine, project.relation("customers_history"), "CUSTOMER_ID, VALID_FROM")
            == history
        )

    assert project.snapshot(run_started_at=datetime(2024, 1, 12, tzinfo=UTC)).success
    assert project.table("customers_history").count() > len(history)
    project.engine.execute(f"ALTER TABLE {project.relation('customers_history')} DROP COLUMN TIER")
    result = project.snapshot(run_started_at=datetime(2024, 1, 13, tzinfo=UTC)).by_name()["CUSTOMERS_HISTORY"]
    assert result.status == "error"
    assert "the existing history table does not match its contract: missing TIER VARCHAR" in result.message
