"""The same test projects on a real Snowflake account (marker ``snowflake``; excluded by default).

Runs only when SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER are set (plus SNOWFLAKE_PASSWORD or
SNOWFLAKE_PRIVATE_KEY_FILE; optionally SNOWFLAKE_WAREHOUSE, default COMPUTE_WH, and SNOWFLAKE_ROLE)::

    .venv/bin/python -m pytest -m snowflake tests/engine/test_snowflake_live.py

Each run builds into its own database (NETFLIX_ELT_TEST_<random>) and drops it at the end. ``make
test-snowflake`` runs these together with the live tier of the MovieLens end-to-end test
(tests/wire/test_end_to_end.py, which also needs SNOWFLAKE_ROLE).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from netflix_elt import Snapshot
from netflix_elt.config import Profile, SnowflakeSettings
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import incremental, snapshots, tables
from projects.helpers import FIXTURES, load_csv, load_rows, read_csv, table_rows, with_kinds

pytestmark = [
    pytest.mark.snowflake,
    pytest.mark.skipif(
        not (os.environ.get("SNOWFLAKE_ACCOUNT") and os.environ.get("SNOWFLAKE_USER")),
        reason="needs SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER (and a password or key pair)",
    ),
]


@pytest.fixture(scope="module")
def profile() -> Profile:
    return Profile(
        name="live-test",
        engine="snowflake",
        database=f"NETFLIX_ELT_TEST_{uuid.uuid4().hex[:10].upper()}",
        threads=2,
        snowflake=SnowflakeSettings(
            warehouse=os.environ.get("SNOWFLAKE_WAREHOUSE", "COMPUTE_WH"),
            role=os.environ.get("SNOWFLAKE_ROLE") or None,
            query_tag="netflix-elt-tests",
        ),
    )


@pytest.fixture(scope="module")
def live(profile: Profile, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """``live(registry) -> Project`` on the test database; the database is dropped afterwards."""
    opened: list[Project] = []

    def open_project(registry: Registry) -> Project:
        project = Project(registry=registry, profile=profile, state_dir=tmp_path_factory.mktemp("live"))
        opened.append(project)
        return project

    try:
        yield open_project
    finally:
        if opened:
            opened[0].engine.execute(f"DROP DATABASE IF EXISTS {profile.database}")
        for project in opened:
            project.close()


def test_tables_views_and_ephemerals(live) -> None:
    project = live(Registry.from_modules(tables))
    raw = project.engine.fqn("RAW", "RAW_ITEMS")
    load_csv(project.engine, raw, FIXTURES / "kinds/items.csv", tables.ITEM_TYPES)
    run = project.build()
    assert run.success, [(r.name, r.message) for r in run.results if not r.passed]
    results = run.by_name()
    assert results["ITEMS"].rows == 5
    assert project.engine.object_type(project.relation("items_view")) == "VIEW"
    assert table_rows(project.engine, project.relation("cheap_b_item_count"), "ITEMS") == [{"ITEMS": "2"}]
    failed = project.build(select=["items"], vars={"break_items": True}).by_name()["ITEMS"]
    assert failed.status == "error"
    assert project.table("items").count() == 5  # the previous table survived (SWAP WITH never ran)
    assert project.build(select=["items"]).by_name()["ITEMS"].rows == 5  # SWAP WITH an existing table


def test_incremental_merge(live) -> None:
    project = live(Registry.from_modules(incremental))
    raw = project.engine.fqn("RAW", "RAW_EVENTS")
    batch_1 = [r for r in read_csv(FIXTURES / "kinds/events.csv") if r["BATCH"] == "1"]
    load_rows(
        project.engine,
        raw,
        incremental.EVENT_TYPES,
        ([r[c] for c in incremental.EVENT_TYPES] for r in batch_1),
    )
    first = project.build(select=["events"]).by_name()["EVENTS"]
    assert (first.status, first.rows) == ("success", 3), first.message
    load_csv(project.engine, raw, FIXTURES / "kinds/events_after_batch_2.csv", incremental.EVENT_TYPES)
    second = project.build(select=["events"]).by_name()["EVENTS"]
    assert (second.status, second.rows, second.inserted, second.updated) == ("success", 5, 2, 1), (
        second.message
    )
    again = project.build(select=["events"]).by_name()["EVENTS"]
    assert (again.inserted, again.updated) == (0, 0)
    assert table_rows(project.engine, project.relation("events"), "EVENT_ID") == read_csv(
        FIXTURES / "kinds/events_after_batch_2.csv"
    )


def test_snapshot_history(live) -> None:
    kind = Snapshot(
        unique_key=("CUSTOMER_ID",), strategy="check", check_cols=("NAME", "TIER"), hard_deletes="new_record"
    )
    project = live(with_kinds(Registry.from_modules(snapshots), customers_history=kind))
    raw = project.engine.fqn("RAW", "RAW_CUSTOMERS")
    runs = {
        int(r["RUN"]): datetime.fromisoformat(r["RUN_STARTED_AT"]).replace(tzinfo=UTC)
        for r in read_csv(FIXTURES / "snapshots/runs.csv")
    }
    for run, started in sorted(runs.items()):
        load_csv(
            project.engine,
            raw,
            FIXTURES / "snapshots/customers_runs.csv",
            snapshots.CUSTOMER_TYPES,
            where={"RUN": str(run)},
        )
        result = project.snapshot(run_started_at=started).by_name()["CUSTOMERS_HISTORY"]
        assert result.status == "success", result.message
    history = table_rows(project.engine, project.relation("customers_history"), "CUSTOMER_ID, VALID_FROM")
    assert history == read_csv(FIXTURES / "snapshots/expected_check_new_record.csv")
