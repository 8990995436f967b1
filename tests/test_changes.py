"""Change propagation: data versions, up-to-date skipping, cadence, change sets, incremental consumers
(changes_of, delete+insert, aggregates with MIN/MAX retractions and a join) and, after every day, equality
with a full refresh of the same inputs (``Project.diff``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from netflix_elt.changes import change_table
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import delta
from projects.delta import MONDAY, SALES, load_day
from projects.helpers import insert_rows


def build(project: Project, day: int, **options) -> dict:
    run = project.build(run_started_at=MONDAY + timedelta(days=day), **options)
    assert run.success, [(r.name, r.message) for r in run.results if not r.passed]
    return run.by_name()


def play(project: Project, *days: int) -> dict:
    """Load and build these days in turn; the last build's results."""
    results: dict = {}
    for day in days:
        load_day(project, day)
        results = build(project, day)
    return results


@pytest.fixture
def pair(make_project, tmp_path: Path) -> Iterator[tuple[Project, Project]]:
    """The project built day by day, and a copy rebuilt in full from the same inputs each day."""
    registry = Registry.from_modules(delta)
    daily = make_project(registry, state_dir=tmp_path / "daily")
    full = make_project(registry, state_dir=tmp_path / "full")
    for project in (daily, full):
        delta.create_raw(project.engine)
    yield daily, full


def test_every_day_the_incremental_warehouse_equals_a_full_refresh(pair: tuple[Project, Project]) -> None:
    daily, full = pair
    for day in sorted(SALES):
        load_day(daily, day)
        load_day(full, day)
        results = build(daily, day)
        build(full, day, full_refresh=True)
        # WEEKLY_SUMMARY keeps its Monday answer all week (its cadence), so it is compared only then.
        report = daily.diff(full, exclude=["weekly_summary"] if day else None)
        assert report.equal, [m.model for m in report.different]
        if day == 0:
            continue
        assert results["WEEKLY_SUMMARY"].status == "not_due"
        assert results["SALES"].status == ("up_to_date" if day == 3 else "success")
        if day in (1, 2):  # consumers read changes: no full rebuild note
            for name in ("SALES", "SALES_CENTS", "STORE_TOTALS", "CATEGORY_TOTALS"):
                assert "rebuilt in full" not in results[name].message, (name, results[name].message)
            assert "compared every row" not in results["PRODUCTS_HISTORY"].message


def test_sales_merge_only_the_rows_loaded_since_and_record_them_as_a_change_set(
    pair: tuple[Project, Project],
) -> None:
    daily, _ = pair
    sales = play(daily, 0, 1)["SALES"]
    assert (sales.inserted, sales.updated) == (2, 1)  # sales 6 and 7, and the correction of 5
    rows = daily.sql(
        f"SELECT _CHANGE_SIGN, SALE_ID, AMOUNT FROM {change_table(daily.engine, 'SALES')} "
        "WHERE _CHANGE_VERSION = 2 ORDER BY SALE_ID, _CHANGE_SIGN"
    ).collect()
    assert [(r[0], r[1], float(r[2])) for r in rows] == [(-1, 5, 1.0), (1, 5, 1.5), (1, 6, 3.0), (1, 7, 4.4)]
    # the merge's SQL read only RAW_SALES rows loaded after the consumed mark
    assert any("LOADED_AT >" in statement for statement in sales.sql)


def test_a_store_that_loses_its_extreme_is_recomputed(pair: tuple[Project, Project]) -> None:
    daily, _ = pair
    results = play(daily, 0, 1, 2)
    totals = {r["STORE_ID"]: r for r in daily.table("store_totals").collect()}
    assert totals[1]["FIRST_SOLD_AT"] == datetime(2024, 6, 1, 10, 0)  # sale 2, once sale 1 moved on
    assert totals[1]["LAST_SOLD_AT"] == datetime(2024, 6, 2, 8, 0)  # sale 1's new time
    assert results["STORE_TOTALS"].updated == 2  # store 1 recomputed, store 3 merged


def test_nothing_new_leaves_every_model_up_to_date_and_a_weekly_model_not_due(
    pair: tuple[Project, Project],
) -> None:
    daily, _ = pair
    play(daily, 0)
    load_day(daily, 3)  # no sale; products differ from day 0's
    again = build(daily, 1)
    assert again["RAW_SALES"].status == "success"  # sources are judged every run
    assert again["SALES"].status == "up_to_date"
    assert again["SALES"].message.startswith("up to date: v1 built 2024-06-03 07:00 UTC")
    assert again["PRODUCTS"].status == "success"  # source RAW_PRODUCTS declares no loaded_at: always a change
    assert again["CATEGORY_TOTALS"].status == "success"
    assert again["STORE_TOTALS"].status == again["STORE_REPORT"].status == "up_to_date"
    assert again["WEEKLY_SUMMARY"].status == "not_due"
    assert again["WEEKLY_SUMMARY"].message == (
        "not due (cron '0 6 * * 1'): built 2024-06-03 07:00 UTC, last slot 2024-06-03 06:00 UTC"
    )
    load_day(daily, 1)
    later = build(daily, 2)
    assert later["STORE_TOTALS"].status == "success"
    assert later["WEEKLY_SUMMARY"].status == "not_due"
    history = daily.sql(
        "SELECT STATUS FROM MOVIELENS.ELT_META.RUN_HISTORY WHERE MODEL_NAME = 'WEEKLY_SUMMARY' ORDER BY ENDED_AT"
    ).collect()
    assert [r[0] for r in history] == ["success", "not_due", "not_due"]


def test_a_weekly_model_is_built_at_its_next_slot_or_when_named_or_on_full_refresh(
    pair: tuple[Project, Project],
) -> None:
    daily, _ = pair
    assert play(daily, 0, 1)["WEEKLY_SUMMARY"].status == "not_due"
    named = daily.build(select=["weekly_summary"], run_started_at=MONDAY + timedelta(days=1))
    assert named.by_name()["WEEKLY_SUMMARY"].status == "success"
    load_day(daily, 2)
    assert build(daily, 2)["WEEKLY_SUMMARY"].status == "not_due"
    assert build(daily, 7)["WEEKLY_SUMMARY"].status == "success"  # the next Monday
    assert build(daily, 7, full_refresh=True)["WEEKLY_SUMMARY"].status == "success"


def test_a_tracked_table_that_did_not_change_keeps_its_version_and_its_readers_stay_up_to_date(
    pair: tuple[Project, Project],
) -> None:
    daily, _ = pair
    play(daily, 1)
    load_day(daily, 3)  # sales unchanged (none), products: 12 removed
    changed = build(daily, 2)
    assert (changed["PRODUCTS"].inserted, changed["PRODUCTS"].deleted) == (0, 1)
    load_day(daily, 3)
    unchanged = build(daily, 3)
    assert unchanged["PRODUCTS"].status == "success" and unchanged["PRODUCTS"].message.endswith(
        "no row changed"
    )
    assert unchanged["CATEGORY_TOTALS"].status == "up_to_date"


def test_a_consumer_whose_change_history_is_gone_is_rebuilt_in_full(pair: tuple[Project, Project]) -> None:
    daily, full = pair
    play(daily, 0)
    load_day(daily, 1)
    daily.build(select=["sales"], full_refresh=True, run_started_at=MONDAY + timedelta(days=1))
    results = build(daily, 1)
    assert (
        "rebuilt in full: the changes of SALES since version 1 are not kept"
        in results["STORE_TOTALS"].message
    )
    load_day(full, 0)
    load_day(full, 1)
    build(full, 1, full_refresh=True)
    # PRODUCTS_HISTORY holds the history since each project's first build: day 0 here, day 1 there.
    assert daily.diff(full, exclude=["weekly_summary", "products_history"]).equal


def test_change_rows_every_consumer_has_read_are_pruned(pair: tuple[Project, Project]) -> None:
    daily, _ = pair
    play(daily, 0, 1, 2)
    versions = daily.sql(
        f"SELECT DISTINCT _CHANGE_VERSION FROM {change_table(daily.engine, 'SALES')}"
    ).collect()
    assert [r[0] for r in versions] == [3]  # day 1's changes (v2) were read by every consumer


def test_a_skipped_node_is_recorded_and_a_forced_one_is_built(pair: tuple[Project, Project]) -> None:
    daily, _ = pair
    play(daily, 0)
    run = daily.build(select=["+store_report"], run_started_at=MONDAY)
    statuses = {r.name: r.status for r in run.results}
    assert statuses == {  # STORE_REPORT is named; its ancestors are reached through '+'
        "RAW_SALES": "success",
        "SALES": "up_to_date",
        "STORE_TOTALS": "up_to_date",
        "STORE_REPORT": "success",
    }
    assert run.by_name()["STORE_REPORT"].message == "named in --select"
    rows = daily.sql(
        f"SELECT STATUS, MESSAGE FROM MOVIELENS.ELT_META.RUN_HISTORY WHERE RUN_ID = '{run.run_id}' "
        "AND MODEL_NAME = 'SALES'"
    ).collect()
    assert rows[0][0] == "up_to_date" and rows[0][1].startswith("up to date: v1")


# -- checks on the changed rows ---------------------------------------------------------------------
def checks_of(result) -> dict[str, tuple[bool, str]]:
    return {c["name"]: (c["success"], c["scope"]) for c in result.checks}


@pytest.fixture
def checked(pair: tuple[Project, Project]) -> Project:
    """The daily project, running its checks."""
    from netflix_elt.quality import default_check_runner

    daily, _ = pair
    daily.use_check_runner(default_check_runner(daily))
    return daily


def test_checks_that_judge_rows_one_by_one_run_on_the_changed_rows_only(checked: Project) -> None:
    daily = checked
    first = play(daily, 0)
    assert {scope for _, scope in checks_of(first["SALES"]).values()} == {"the whole table"}
    second = play(daily, 1)
    assert checks_of(second["SALES"]) == {
        "expect_column_values_to_not_be_null(AMOUNT)": (True, "the 3 changed rows"),
        "expect_column_values_to_be_between(AMOUNT)": (True, "the 3 changed rows"),
        # SALE_ID is the merge's unique_key: a changed sale's row replaced the old one
        "expect_column_values_to_be_unique(SALE_ID)": (True, "the 3 changed rows"),
        "expect_column_values_to_be_unique(SOLD_AT)": (True, "the rows sharing a key with the changed rows"),
        "expect_table_row_count_to_be_between": (True, "the whole table"),
    }
    assert checks_of(second["RAW_SALES"]) == {
        "expect_column_values_to_not_be_null(SALE_ID)": (True, "the 3 changed rows"),
        "no_sale_before_2024": (True, "the 3 changed rows"),
    }
    # day 3 brings no sale: RAW_SALES is as its checks last found it (clean), so their results stand
    third = play(daily, 3)
    assert third["RAW_SALES"].message.endswith("its checks (success) stand") and not third["RAW_SALES"].checks


def test_snapshot_invariants_run_on_the_versions_of_the_keys_a_run_touched(checked: Project) -> None:
    daily = checked
    play(daily, 0)
    history = play(daily, 1)["PRODUCTS_HISTORY"]
    keys = "the rows sharing a key with the changed rows"
    assert checks_of(history) == {
        "one_current_row_per_key(unique_key)": (True, keys),
        "no_overlapping_validity(unique_key)": (True, keys),
    }
    # product 11 moved (its version closed, a new one added), 13 is new; only its checks read the
    # change set, so it holds the new images alone
    changes = daily.sql(
        f"SELECT _CHANGE_SIGN, PRODUCT_ID, CATEGORY, IS_CURRENT FROM {change_table(daily.engine, 'PRODUCTS_HISTORY')} "
        "WHERE _CHANGE_VERSION = 2 ORDER BY PRODUCT_ID, _CHANGE_SIGN, IS_CURRENT"
    ).collect()
    assert [tuple(r) for r in changes] == [
        (1, 11, "games", False),
        (1, 11, "music", True),
        (1, 13, "music", True),
    ]
    # a second current version of product 12 (written behind the snapshot's back): day 2 removes 12,
    # so its versions are checked, and the invariant fails on them
    daily.sql(
        "INSERT INTO MOVIELENS.SNAPSHOTS.PRODUCTS_HISTORY SELECT PRODUCT_ID, CATEGORY, "
        "DATEADD('hour', 1, VALID_FROM), VALID_TO, IS_CURRENT, IS_DELETED, SNAPSHOT_RUN_AT "
        "FROM MOVIELENS.SNAPSHOTS.PRODUCTS_HISTORY WHERE PRODUCT_ID = 12"
    ).collect()
    load_day(daily, 2)
    failed = daily.build(run_started_at=MONDAY + timedelta(days=2)).by_name()["PRODUCTS_HISTORY"]
    assert {name for name, (ok, _) in checks_of(failed).items() if not ok} == {
        "no_overlapping_validity(unique_key)"
    }


def test_a_bare_expectation_makes_a_model_no_one_reads_record_its_new_rows(checked: Project) -> None:
    """SALES_CENTS has no consumer; its one check, a bare ``gxe.X(...)`` that judges rows one by one,
    runs on the rows a day replaced. Its change set holds their new images only and is not kept as a
    history (CHANGES_SINCE stays unset: a consumer added later rebuilds in full once)."""
    daily = checked
    play(daily, 0)
    cents = play(daily, 1)["SALES_CENTS"]
    assert checks_of(cents) == {
        "expect_column_values_to_be_between(CENTS)": (True, f"the {cents.inserted} changed rows")
    }
    assert cents.inserted and cents.deleted
    signs = daily.sql(f"SELECT DISTINCT _CHANGE_SIGN FROM {change_table(daily.engine, 'SALES_CENTS')}")
    assert [tuple(r) for r in signs.collect()] == [(1,)]
    assert daily.sql(
        "SELECT CHANGES_SINCE FROM MOVIELENS.ELT_META.NODE_STATE WHERE NODE_NAME = 'SALES_CENTS' "
        "QUALIFY ROW_NUMBER() OVER (ORDER BY UPDATED_AT DESC) = 1"
    ).collect() == [(None,)]


def test_a_bad_changed_row_fails_its_check_and_keeps_failing_until_fixed(checked: Project) -> None:
    daily = checked
    play(daily, 0)
    late = (MONDAY + timedelta(days=1)).replace(tzinfo=None).isoformat(sep=" ")
    insert_rows(
        daily.engine,
        "MOVIELENS.RAW.RAW_SALES",
        delta.RAW_SALES_TYPES,
        [(9, 1, 10, "-4.00", "2024-06-03 09:00:00", late)],
    )
    run = daily.build(run_started_at=MONDAY + timedelta(days=1))
    results = run.by_name()
    assert results["SALES"].status == "error" and results["STORE_TOTALS"].status == "skipped"
    failed = [c for c in results["SALES"].checks if not c["success"]]
    assert [(c["name"], c["unexpected_count"], c["scope"]) for c in failed] == [
        ("expect_column_values_to_be_between(AMOUNT)", 1, "the 1 changed rows")
    ]
    again = daily.build(run_started_at=MONDAY + timedelta(days=1)).by_name()
    assert again["SALES"].status == "error" and again["SALES"].message.startswith("checks failed last time")
    assert {c["scope"] for c in again["SALES"].checks} == {"the whole table"}
