"""Snapshots (SCD2): whole histories over five runs with explicit run times, for both strategies and
every hard-delete mode, compared with the expected rows in sql_fixtures/snapshots/expected_*.csv.

The input of each run is in sql_fixtures/snapshots/customers_runs.csv (column RUN) and the run times in
runs.csv. Run 2 updates Ann, adds Di and deletes Cy; run 3 repeats run 2; run 4 touches Bob's
UPDATED_AT only (a change for 'timestamp', not for 'check'), renames Di without touching UPDATED_AT
(a change for 'check' only) and brings Cy back; run 5 repeats run 4.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from netflix_elt import Snapshot, View
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import snapshots
from projects.helpers import FIXTURES, load_csv, load_rows, read_csv, table_rows, with_kinds

SNAPSHOTS = FIXTURES / "snapshots"
RAW = "MOVIELENS.RAW.RAW_CUSTOMERS"
TARGET = "MOVIELENS.SNAPSHOTS.CUSTOMERS_HISTORY"
RUN_AT = {
    int(row["RUN"]): datetime.fromisoformat(row["RUN_STARTED_AT"]).replace(tzinfo=UTC)
    for row in read_csv(SNAPSHOTS / "runs.csv")
}
ORDER = "CUSTOMER_ID, VALID_FROM, IS_CURRENT"

# (inserted, updated, deleted) of each run, per strategy and hard-delete mode.
EXPECTED_COUNTS = {
    ("timestamp", "ignore"): [(3, 0, 0), (2, 1, 0), (0, 0, 0), (1, 1, 0), (0, 0, 0)],
    ("timestamp", "invalidate"): [(3, 0, 0), (2, 2, 1), (0, 0, 0), (2, 1, 0), (0, 0, 0)],
    ("timestamp", "new_record"): [(3, 0, 0), (3, 2, 1), (0, 0, 0), (2, 2, 0), (0, 0, 0)],
    ("check", "ignore"): [(3, 0, 0), (2, 1, 0), (0, 0, 0), (1, 1, 0), (0, 0, 0)],
    ("check", "invalidate"): [(3, 0, 0), (2, 2, 1), (0, 0, 0), (2, 1, 0), (0, 0, 0)],
    ("check", "new_record"): [(3, 0, 0), (3, 2, 1), (0, 0, 0), (2, 2, 0), (0, 0, 0)],
}


def snapshot_kind(strategy: str, hard_deletes: str) -> Snapshot:
    if strategy == "timestamp":
        return Snapshot(unique_key=("CUSTOMER_ID",), updated_at="UPDATED_AT", hard_deletes=hard_deletes)
    return Snapshot(
        unique_key=("CUSTOMER_ID",), strategy="check", check_cols=("NAME", "TIER"), hard_deletes=hard_deletes
    )


def load_run(project: Project, run: int) -> None:
    load_csv(
        project.engine,
        RAW,
        SNAPSHOTS / "customers_runs.csv",
        snapshots.CUSTOMER_TYPES,
        where={"RUN": str(run)},
    )


def snapshot_run(project: Project, run: int, **options):
    load_run(project, run)
    result = project.snapshot(run_started_at=RUN_AT[run], **options).by_name()["CUSTOMERS_HISTORY"]
    assert result.status == "success", result.message
    return result


def history(project: Project) -> list[dict[str, str]]:
    return table_rows(project.engine, TARGET, ORDER)


def assert_scd2_invariants(rows: list[dict[str, str]], hard_deletes: str) -> None:
    """One current row per key, the latest; versions do not overlap; a closed version ends where the next
    begins (only an invalidated version may leave a gap, while its key was gone)."""
    by_key: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_key.setdefault(row["CUSTOMER_ID"], []).append(row)
    for key, versions in by_key.items():
        versions.sort(key=lambda r: r["VALID_FROM"])
        current = [v for v in versions if v["IS_CURRENT"] == "true"]
        assert len(current) <= 1, f"key {key} has {len(current)} current rows"
        if current:
            assert current[0] is versions[-1] and current[0]["VALID_TO"] == ""
        for version in versions:
            assert (version["VALID_TO"] == "") == (version["IS_CURRENT"] == "true"), version
            assert version["VALID_TO"] == "" or version["VALID_FROM"] < version["VALID_TO"], version
        for earlier, later in itertools.pairwise(versions):
            assert earlier["VALID_TO"] <= later["VALID_FROM"], f"key {key}: overlapping versions"
            if hard_deletes != "invalidate":
                assert earlier["VALID_TO"] == later["VALID_FROM"], f"key {key}: gap between versions"


@pytest.fixture
def make_snapshot_project(make_project):
    def factory(kind: Snapshot) -> Project:
        return make_project(with_kinds(Registry.from_modules(snapshots), customers_history=kind))

    return factory


@pytest.mark.parametrize(("strategy", "hard_deletes"), list(EXPECTED_COUNTS))
def test_history_over_five_runs(make_snapshot_project, strategy: str, hard_deletes: str) -> None:
    project = make_snapshot_project(snapshot_kind(strategy, hard_deletes))
    seen = []
    for run in sorted(RUN_AT):
        result = snapshot_run(project, run)
        seen.append((result.inserted, result.updated, result.deleted))
        rows = history(project)
        assert result.rows == len(rows)
        assert_scd2_invariants(rows, hard_deletes)
    assert seen == EXPECTED_COUNTS[(strategy, hard_deletes)]
    assert history(project) == read_csv(SNAPSHOTS / f"expected_{strategy}_{hard_deletes}.csv")


def test_the_same_input_twice_adds_nothing(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "new_record"))
    snapshot_run(project, 1)
    snapshot_run(project, 2)
    before = history(project)
    again = project.snapshot(run_started_at=datetime(2024, 2, 1, tzinfo=UTC)).by_name()["CUSTOMERS_HISTORY"]
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert history(project) == before


def test_full_refresh_never_rebuilds_a_snapshot(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "invalidate"))
    snapshot_run(project, 1)
    snapshot_run(project, 2)
    before = history(project)
    result = snapshot_run(project, 3, full_refresh=True)
    assert (result.inserted, result.updated) == (0, 0)
    assert history(project) == before


def test_duplicate_keys_in_the_input_are_a_clear_error_on_later_runs(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("timestamp", "ignore"))
    snapshot_run(project, 1)
    before = history(project)
    load_rows(
        project.engine,
        RAW,
        snapshots.CUSTOMER_TYPES,
        [(1, "Ann", "gold", "2024-01-05 00:00:00"), (1, "Ann", "silver", "2024-01-06 00:00:00")],
    )
    result = project.snapshot(run_started_at=RUN_AT[2]).by_name()["CUSTOMERS_HISTORY"]
    assert result.status == "error"
    assert "1 key value(s) of (CUSTOMER_ID) are duplicated or NULL" in result.message
    assert history(project) == before


def test_duplicate_keys_in_the_input_are_a_clear_error_on_the_first_run(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "ignore"))
    load_rows(
        project.engine,
        RAW,
        snapshots.CUSTOMER_TYPES,
        [
            (1, "Ann", "gold", "2024-01-05 00:00:00"),
            (1, "Ann", "silver", "2024-01-06 00:00:00"),
            (2, "Bob", "x", ""),
        ],
    )
    result = project.snapshot(run_started_at=RUN_AT[1]).by_name()["CUSTOMERS_HISTORY"]
    assert result.status == "error"
    assert "duplicated or NULL" in result.message
    assert project.engine.object_type(TARGET) is None


def test_null_keys_are_refused(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "ignore"))
    snapshot_run(project, 1)
    load_rows(project.engine, RAW, snapshots.CUSTOMER_TYPES, [("", "Nobody", "gold", "2024-01-05 00:00:00")])
    result = project.snapshot(run_started_at=RUN_AT[2]).by_name()["CUSTOMERS_HISTORY"]
    assert result.status == "error" and "duplicated or NULL" in result.message


def test_a_new_column_is_added_to_the_history(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "ignore"))
    snapshot_run(project, 1)
    load_run(project, 2)
    result = project.snapshot(run_started_at=RUN_AT[2], vars={"with_email": True}).by_name()[
        "CUSTOMERS_HISTORY"
    ]
    assert result.status == "success", result.message
    columns = [c.name for c in project.engine.columns(TARGET)]
    assert columns[:4] == ["CUSTOMER_ID", "NAME", "TIER", "UPDATED_AT"] and "EMAIL" in columns
    emails = {(r["CUSTOMER_ID"], r["VALID_FROM"]): r["EMAIL"] for r in history(project)}
    assert emails[("1", "2024-01-04 00:00:00")] == ""  # a version closed before EMAIL existed
    assert emails[("1", "2024-01-11 00:00:00")] == "ann@example.com"
    assert emails[("4", "2024-01-11 00:00:00")] == "di@example.com"


def test_a_snapshot_replaces_a_view_of_the_same_name(make_snapshot_project, make_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "ignore"))
    load_run(project, 1)
    assert (
        make_project(with_kinds(project.registry, customers_history=View()))
        .build(select=["customers_history"])
        .success
    )
    assert project.engine.object_type(TARGET) == "VIEW"
    result = project.snapshot(run_started_at=RUN_AT[1]).by_name()["CUSTOMERS_HISTORY"]
    assert (result.status, result.inserted) == ("success", 3), result.message
    assert project.engine.object_type(TARGET) == "TABLE"


def test_build_runs_snapshots_and_run_does_not(make_snapshot_project) -> None:
    project = make_snapshot_project(snapshot_kind("check", "ignore"))
    load_run(project, 1)
    assert "CUSTOMERS_HISTORY" not in project.run().by_name()
    assert project.build(run_started_at=RUN_AT[1]).by_name()["CUSTOMERS_HISTORY"].inserted == 3


def test_an_update_older_than_a_return_is_applied_once(make_snapshot_project) -> None:
    """A key comes back (run at day 6) and then shows an UPDATED_AT from before its return (day 3): the
    new version starts at the return time, closing the returned one at once; later runs with the same
    input must add nothing (the zero-length version must not be taken for the latest one)."""
    project = make_snapshot_project(snapshot_kind("timestamp", "invalidate"))
    before, changed = (1, "A", "x", "2024-01-01 00:00:00"), (1, "A", "z", "2024-01-03 00:00:00")
    other = (2, "B", "y", "2024-01-01 00:00:00")
    for day, rows in [(4, [before, other]), (5, [other]), (6, [before, other]), (8, [changed, other])]:
        load_rows(project.engine, RAW, snapshots.CUSTOMER_TYPES, rows)
        assert project.snapshot(run_started_at=datetime(2024, 1, day, tzinfo=UTC)).success
    expected = history(project)
    for day in (9, 10):
        result = project.snapshot(run_started_at=datetime(2024, 1, day, tzinfo=UTC)).by_name()[
            "CUSTOMERS_HISTORY"
        ]
        assert (result.inserted, result.updated) == (0, 0)
    assert history(project) == expected
    assert [
        (r["TIER"], r["VALID_FROM"][:10], r["VALID_TO"][:10]) for r in expected if r["CUSTOMER_ID"] == "1"
    ] == [
        ("x", "2024-01-01", "2024-01-05"),
        ("x", "2024-01-06", "2024-01-06"),
        ("z", "2024-01-06", ""),
    ]
