"""Incremental models: first build, merges, idempotent re-runs, lookback, strategies, duplicate keys,
schema changes, --full-refresh, and what the model's context says on each call.

RAW.RAW_EVENTS is loaded from sql_fixtures/kinds/events.csv one BATCH at a time (a later row of an
EVENT_ID replaces the earlier one, as an upstream system's current state would).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from netflix_elt import Incremental, View
from netflix_elt.errors import ProjectError
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import incremental
from projects.helpers import FIXTURES, insert_rows, load_rows, read_csv, table_rows, with_kinds

EVENTS_CSV = FIXTURES / "kinds/events.csv"
RAW = "MOVIELENS.RAW.RAW_EVENTS"
TARGET = "MOVIELENS.ANALYTICS.EVENTS"
FIRST_MARK = datetime(2024, 1, 10, 12, 0)  # the newest UPDATED_AT of batch 1
SECOND_MARK = datetime(2024, 1, 11, 11, 0)  # ... and after batch 2


def load_batches(project: Project, *batches: str) -> None:
    """RAW_EVENTS := the current state after these batches."""
    current: dict[str, list[str]] = {}
    for row in read_csv(EVENTS_CSV):
        if row["BATCH"] in batches:
            current[row["EVENT_ID"]] = [row[c] for c in incremental.EVENT_TYPES]
    load_rows(project.engine, RAW, incremental.EVENT_TYPES, current.values())


def events(project: Project) -> list[dict[str, str]]:
    return table_rows(project.engine, TARGET, "EVENT_ID, UPDATED_AT")


def scratch_tables(project: Project) -> list[str]:
    rows = project.engine.execute("SHOW OBJECTS LIKE '%SCRATCH%' IN SCHEMA MOVIELENS.ANALYTICS")
    return [row["name"] for row in rows]


def build(project: Project, **options):
    return project.build(select=["events"], **options).by_name()["EVENTS"]


def counts(result) -> tuple[str, int | None, int | None, int | None]:
    return result.status, result.rows, result.inserted, result.updated


@pytest.fixture
def make_events_project(make_project):
    """``make_events_project(kind=None)``: the EVENTS project (kind replaced if given), batch 1 loaded."""

    def factory(kind: Incremental | None = None) -> Project:
        incremental.SEEN.clear()
        registry = Registry.from_modules(incremental)
        project = make_project(with_kinds(registry, events=kind) if kind else registry)
        load_batches(project, "1")
        return project

    return factory


@pytest.fixture
def project(make_events_project) -> Project:
    return make_events_project()


def test_first_run_builds_the_table_with_a_full_context(project: Project) -> None:
    result = build(project)
    assert counts(result) == ("success", 3, 3, None)
    assert incremental.SEEN == [(False, None)]
    assert [r["EVENT_ID"] for r in events(project)] == ["1", "2", "3"]


def test_second_run_merges_new_and_changed_rows(project: Project) -> None:
    build(project)
    load_batches(project, "1", "2")
    result = build(project)
    assert counts(result) == ("success", 5, 2, 1)
    assert result.deleted == 0
    assert incremental.SEEN[-1] == (True, FIRST_MARK)
    assert events(project) == read_csv(FIXTURES / "kinds/events_after_batch_2.csv")
    # The embedded engine replaces a changed key's row (DELETE + INSERT: an UPDATE costs DuckDB a
    # rewrite of what it touched); Snowflake updates it in place (incremental_merge_snowflake.sql).
    assert any(sql.startswith(f"DELETE FROM {TARGET} AS t USING") for sql in result.sql)
    assert not any(sql.startswith("UPDATE") for sql in result.sql)
    assert "BEGIN TRANSACTION" in result.sql and "COMMIT" in result.sql
    assert scratch_tables(project) == []


def test_rerun_without_new_data_changes_nothing(project: Project) -> None:
    build(project)
    load_batches(project, "1", "2")
    build(project)
    before = events(project)
    result = build(project)
    assert counts(result) == ("success", 5, 0, 0)
    assert incremental.SEEN[-1] == (True, SECOND_MARK)
    assert events(project) == before


def test_rerun_of_an_unfiltered_model_merges_every_row_but_updates_none(make_events_project) -> None:
    project = make_events_project(Incremental(unique_key=("EVENT_ID",)))
    build(project)
    result = build(project)
    assert counts(result) == ("success", 3, 0, 0)
    assert incremental.SEEN == [(False, None), (True, None)]


def test_update_if_leaves_a_key_whose_table_row_is_newer(make_events_project) -> None:
    project = make_events_project(
        Incremental(unique_key=("EVENT_ID",), update_if="source.UPDATED_AT >= target.UPDATED_AT")
    )
    build(project)  # batch 1: events 1, 2, 3
    rows = [
        [1, 10, "6.00", "2024-01-09 08:00:00"],  # older than the table's row: left as it is
        [2, 10, "8.00", "2024-01-10 11:00:00"],  # newer: updated
        [3, 11, "12.00", "2024-01-10 12:00:00"],  # the same row
        [9, 13, "1.00", "2024-01-01 00:00:00"],  # a new key, however old: inserted
    ]
    load_rows(project.engine, RAW, incremental.EVENT_TYPES, rows)
    result = build(project)
    assert counts(result) == ("success", 4, 1, 1)
    assert [(r["EVENT_ID"], r["AMOUNT"]) for r in events(project)] == [
        ("1", "5.00"),
        ("2", "8.00"),
        ("3", "12.00"),
        ("9", "1.00"),
    ]


@pytest.mark.parametrize(
    ("update_if", "problem"),
    [
        ("UPDATED_AT > target.UPDATED_AT", "write UPDATED_AT as source.UPDATED_AT"),
        ("source.UPDATED_AT >>", "not a Snowflake SQL condition"),
    ],
)
def test_update_if_must_be_a_condition_on_source_and_target(update_if: str, problem: str) -> None:
    with pytest.raises(ProjectError, match=problem):
        Incremental(unique_key=("EVENT_ID",), update_if=update_if)
    with pytest.raises(ProjectError, match="applies to strategy 'merge'"):
        Incremental(unique_key=("EVENT_ID",), strategy="delete+insert", update_if="source.A > target.A")


def test_late_rows_within_the_lookback_are_picked_up_and_older_ones_are_not(make_events_project) -> None:
    project = make_events_project(
        Incremental(unique_key=("EVENT_ID",), incremental_column="UPDATED_AT", lookback_hours=24)
    )
    build(project)
    load_batches(project, "1", "late")
    result = build(project)
    # The window re-reads rows 1-3 (unchanged: no update) and finds late row 6 (12 h late), not row 7 (36 h).
    assert counts(result) == ("success", 4, 1, 0)
    assert incremental.SEEN[-1] == (True, datetime(2024, 1, 9, 12, 0))
    assert [r["EVENT_ID"] for r in events(project)] == ["1", "2", "3", "6"]


def test_without_lookback_late_rows_are_missed(project: Project) -> None:
    build(project)
    load_batches(project, "1", "late")
    assert counts(build(project)) == ("success", 3, 0, 0)
    assert incremental.SEEN[-1] == (True, FIRST_MARK)


def test_append_strategy_inserts_what_the_model_returns(make_events_project) -> None:
    project = make_events_project(Incremental(strategy="append", incremental_column="UPDATED_AT"))
    build(project)
    load_batches(project, "1", "2")
    result = build(project)
    assert counts(result) == ("success", 6, 3, 0)
    assert [r["EVENT_ID"] for r in events(project)] == ["1", "2", "2", "3", "4", "5"]
    assert any(
        sql.startswith(f"INSERT INTO {TARGET} (EVENT_ID, USER_ID, AMOUNT, UPDATED_AT) SELECT")
        for sql in result.sql
    )
    assert counts(build(project)) == ("success", 6, 0, 0)


def test_delete_insert_strategy_replaces_matching_keys(make_events_project) -> None:
    project = make_events_project(
        Incremental(unique_key=("EVENT_ID",), strategy="delete+insert", incremental_column="UPDATED_AT")
    )
    build(project)
    load_batches(project, "1", "2")
    result = build(project)
    assert (result.status, result.rows, result.inserted, result.deleted) == ("success", 5, 3, 1)
    assert events(project) == read_csv(FIXTURES / "kinds/events_after_batch_2.csv")
    assert "BEGIN TRANSACTION" in result.sql and "COMMIT" in result.sql
    assert (build(project).inserted, build(project).deleted) == (0, 0)


@pytest.mark.parametrize("strategy", ["merge", "delete+insert"])
def test_duplicate_keys_in_the_rows_to_merge_are_a_clear_error(make_events_project, strategy: str) -> None:
    project = make_events_project(
        Incremental(unique_key=("EVENT_ID",), strategy=strategy, incremental_column="UPDATED_AT")
    )
    build(project)
    before = events(project)
    insert_rows(
        project.engine,
        RAW,
        incremental.EVENT_TYPES,
        [(4, 12, "1.00", "2024-01-12 00:00:00"), (4, 12, "2.00", "2024-01-12 01:00:00")],
    )
    result = build(project)
    assert result.status == "error"
    assert result.message.startswith("model EVENTS: 1 unique_key value(s) (EVENT_ID) appear more than once")
    assert "QUALIFY ROW_NUMBER()" in result.message
    assert events(project) == before
    assert scratch_tables(project) == []


def test_on_schema_change_fail_names_the_changed_columns(project: Project) -> None:
    build(project)
    before = events(project)
    load_batches(project, "1", "2")
    result = build(project, vars={"add_column": True, "drop_column": True})
    assert result.status == "error"
    assert result.message.startswith("model EVENTS: columns changed: +CHANNEL VARCHAR")
    assert "-USER_ID" in result.message
    assert "on_schema_change" in result.message and "--full-refresh" in result.message
    assert events(project) == before
    assert scratch_tables(project) == []


def test_on_schema_change_fail_names_a_changed_type(project: Project) -> None:
    build(project)
    load_batches(project, "1", "2")
    result = build(project, vars={"widen_amount": True})
    assert result.status == "error"
    assert "AMOUNT NUMBER(10,2) -> NUMBER(12,2)" in result.message


def test_append_new_columns_adds_them_and_leaves_old_rows_null(make_events_project) -> None:
    project = make_events_project(
        Incremental(
            unique_key=("EVENT_ID",), incremental_column="UPDATED_AT", on_schema_change="append_new_columns"
        )
    )
    build(project)
    load_batches(project, "1", "2")
    result = build(project, vars={"add_column": True, "drop_column": True})
    assert counts(result) == ("success", 5, 2, 1)
    columns = [c.name for c in project.engine.columns(TARGET)]
    assert columns == ["EVENT_ID", "USER_ID", "AMOUNT", "UPDATED_AT", "CHANNEL"]  # USER_ID is kept
    by_id = {r["EVENT_ID"]: r for r in events(project)}
    assert (by_id["1"]["CHANNEL"], by_id["1"]["USER_ID"]) == ("", "10")  # untouched old row
    assert (by_id["2"]["CHANNEL"], by_id["2"]["AMOUNT"]) == ("web", "9.50")  # updated row
    assert by_id["2"]["USER_ID"] == "10"  # a column the model no longer returns keeps its value:
    assert any(sql.startswith(f"UPDATE {TARGET} AS t SET") for sql in result.sql)  # updated in place
    assert by_id["4"]["CHANNEL"] == "web"


def test_sync_all_columns_adds_drops_and_widens(make_events_project) -> None:
    project = make_events_project(
        Incremental(
            unique_key=("EVENT_ID",), incremental_column="UPDATED_AT", on_schema_change="sync_all_columns"
        )
    )
    build(project)
    load_batches(project, "1", "2")
    result = build(project, vars={"add_column": True, "drop_column": True, "widen_amount": True})
    assert counts(result) == ("success", 5, 2, 1)
    types = {c.name: c.type for c in project.engine.columns(TARGET)}
    assert list(types) == ["EVENT_ID", "AMOUNT", "UPDATED_AT", "CHANNEL"]
    assert types["AMOUNT"] == "NUMBER(12,2)"
    assert {r["EVENT_ID"]: r["AMOUNT"] for r in events(project)}["2"] == "9.50"


def test_on_schema_change_full_refresh_rebuilds_with_a_full_context(make_events_project) -> None:
    project = make_events_project(
        Incremental(
            unique_key=("EVENT_ID",), incremental_column="UPDATED_AT", on_schema_change="full_refresh"
        )
    )
    build(project)
    load_batches(project, "1", "2")
    result = build(project, vars={"add_column": True})
    assert counts(result) == ("success", 5, 5, None)
    assert incremental.SEEN == [(False, None), (True, FIRST_MARK), (False, None)]
    assert {r["CHANNEL"] for r in events(project)} == {"web"}


def test_full_refresh_rebuilds_from_scratch(project: Project) -> None:
    build(project)
    load_batches(project, "1", "2")
    build(project)
    load_rows(project.engine, RAW, incremental.EVENT_TYPES, [(9, 1, "1.00", "2023-01-01 00:00:00")])
    result = build(project, full_refresh=True)
    assert counts(result) == ("success", 1, 1, None)
    assert incremental.SEEN[-1] == (False, None)
    assert [r["EVENT_ID"] for r in events(project)] == ["9"]


def test_high_water_mark_of_an_empty_table_is_none(project: Project) -> None:
    load_rows(project.engine, RAW, incremental.EVENT_TYPES, [])
    assert counts(build(project)) == ("success", 0, 0, None)
    load_batches(project, "1")
    assert counts(build(project)) == ("success", 3, 3, 0)
    assert incremental.SEEN == [(False, None), (True, None)]


def test_context_this_is_the_existing_target(project: Project) -> None:
    build(project)
    executor = project.executor("build")
    job = executor._job(project.registry["events"])
    context = job.context_for(is_incremental=True, high_water_mark=FIRST_MARK)
    assert context.this is not None and context.this.count() == 3
    assert context.model == "EVENTS" and context.run_started_at == executor.settings.started_at
    assert job.full_context().this is None


def test_an_incremental_model_that_was_a_view_is_built_as_a_table(project: Project, make_project) -> None:
    as_view = make_project(with_kinds(project.registry, events=View()))
    assert as_view.build(select=["events"]).success
    assert project.engine.object_type(TARGET) == "VIEW"
    result = build(project)
    assert counts(result) == ("success", 3, 3, None)
    assert project.engine.object_type(TARGET) == "TABLE"
    assert incremental.SEEN[-1] == (False, None)
