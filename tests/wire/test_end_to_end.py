"""ml-latest-small end to end on the ``snowflake`` engine, through the CLI, on two tiers with one body.

- ``wire`` (default suite): the emulator server of ``netflix_elt.testing.wire_server``; the real
  connector, Snowpark and GX's Snowflake route talk HTTP to it.
- ``live`` (marker ``snowflake``, ``make test-snowflake``): a real account, in a throwaway database.

Day 0: ``load`` (stage, PUT, COPY INTO; read = loaded + rejected per file), ``build`` with every check
(GX's Snowflake route). Day 1 (generated, with one bad record): ``load`` (the record is rejected with its
line), ``build`` through FCT_RATINGS's incremental merge and the SNAP_TAGS snapshot, then ``report``.
Finally ``netflix-elt diff`` proves the tier's warehouse equal, table by table, to the embedded engine's
after the same two days.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlglot import exp

from netflix_elt.config import Schemas
from netflix_elt.quality.check_runner import declared_checks
from netflix_elt.registry import Registry
from netflix_elt.sql import parse_snowflake

from .conftest import BAD_RATING
from .tiers import Tier, drop_database, live_tier, local_twin, wire_tier

# What `diff` compares by default: every published model but views and sources.
DIFFED = {"table", "incremental", "aggregate", "snapshot", "analysis", "seed"}
LEFT_AS_THEY_ARE = ("up_to_date", "not_due")
RELEASE_ROWS = {"RAW_RATINGS": 100_836, "RAW_MOVIES": 9_742, "RAW_TAGS": 3_683, "RAW_LINKS": 9_742}


@pytest.fixture(params=["wire", pytest.param("live", marks=pytest.mark.snowflake)])
def tier(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tier]:
    if request.param == "wire":
        yield wire_tier(request.getfixturevalue("wire_server"), tmp_path)
        return
    live = live_tier(tmp_path)
    if live is None:
        pytest.skip("needs SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE and a password or key pair")
    try:
        yield live
    finally:
        drop_database(live)  # also when the test failed


def test_movielens_end_to_end(release: Path, tier: Tier) -> None:  # no server without the release
    day1 = release / "increments" / "day-0001"
    counts = json.loads((day1 / "_increment.json").read_text())["counts"]
    day1_ratings = counts["new_ratings"] + counts["late_ratings"] + counts["re_ratings"]

    # -- day 0: load, then build with every check ------------------------------------------------
    tier.cli("load", "--source", release, "--mode", "replace")
    tier.cli("build")
    day0 = tier.run_results()
    assert_built_and_checked(day0)
    assert {r["status"] for r in day0.values()} <= {"success", "warn"}  # a first build builds everything
    assert day0["FCT_RATINGS"]["rows"] == RELEASE_ROWS["RAW_RATINGS"]
    assert day0["DIM_MOVIES"]["rows"] == RELEASE_ROWS["RAW_MOVIES"]
    assert day0["DIM_USERS"]["rows"] == 610
    assert day0["SNAP_TAGS"]["rows"] == RELEASE_ROWS["RAW_TAGS"]

    # -- day 1: the increment (one record rejected), merged into FCT_RATINGS, snapshotted --------
    tier.cli("load", "--source", day1)
    tier.cli("build")
    day1_results = tier.run_results()
    assert_built_and_checked(day1_results)
    left = {name: r["status"] for name, r in day1_results.items() if r["status"] in LEFT_AS_THEY_ARE}
    weekly = {spec.name for spec in Registry.from_package("netflix_elt.movielens.pipeline") if spec.cron}
    # nothing changed the seeds; the weekly analyses wait for their slot (unless one passed since day 0)
    assert {"SEED_GENRES", "SEED_MOVIE_RELEASE_DATES"} <= {n for n, s in left.items() if s == "up_to_date"}
    assert {n for n, s in left.items() if s == "not_due"} <= weekly
    fct = day1_results["FCT_RATINGS"]
    assert (fct["inserted"], fct["updated"]) == (
        counts["new_ratings"] + counts["late_ratings"],
        counts["re_ratings"],
    )
    assert fct["rows"] == RELEASE_ROWS["RAW_RATINGS"] + counts["new_ratings"] + counts["late_ratings"]
    snap = day1_results["SNAP_TAGS"]
    assert (snap["inserted"], snap["deleted"]) == (
        counts["tags_added"] + counts["tags_changed"],
        counts["tags_removed"],
    )

    # -- what the warehouse recorded: the load log, the rejected record, the current tags ---------
    day0_log, day1_log = load_log_per_batch(tier)
    assert {row["TARGET_TABLE"]: row["ROWS_LOADED"] for row in day0_log} == RELEASE_ROWS
    ratings = next(row for row in day1_log if row["TARGET_TABLE"] == "RAW_RATINGS")
    assert (ratings["ROWS_READ"], ratings["ROWS_LOADED"], ratings["ROWS_REJECTED"]) == (
        day1_ratings + 1,
        day1_ratings,
        1,
    )
    facts = tier.query(
        "SELECT 'reject' AS KIND, LINE_NUMBER AS N, RAW_RECORD AS TEXT FROM ELT_META.LOAD_REJECTS "
        "UNION ALL SELECT 'current tags', COUNT(*), NULL FROM SNAPSHOTS.SNAP_TAGS WHERE IS_CURRENT"
    )
    assert sorted((row["KIND"], row["N"], row["TEXT"]) for row in facts) == [
        ("current tags", counts["tags_total"], None),
        ("reject", day1_ratings + 2, BAD_RATING.strip()),  # line 1 is the header
    ]

    # -- the report -------------------------------------------------------------------------------
    report = tier.state_dir / "report.html"
    tier.cli("report", "--out", report)
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")

    # -- the same warehouse as the local engine's, table by table --------------------------------
    local = local_twin(tier.state_dir.parent)
    for source, mode in ((release, "replace"), (day1, "append")):
        local.cli("load", "--source", source, "--mode", mode)
        local.cli("build")
    diff = tier.cli("diff", "--against", local.state_dir, "--format", "json")  # exit 0: equal
    compared = json.loads(diff.stdout)["models"]
    published = [
        spec.name
        for spec in Registry.from_package("netflix_elt.movielens.pipeline")
        if spec.kind_name in DIFFED
    ]
    assert sorted(model["model"] for model in compared) == sorted(published)

    if tier.server is not None:
        assert_wire_server_did_its_part(tier, [*day0.values(), *day1_results.values()])


def load_log_per_batch(tier: Tier) -> list[list[dict[str, Any]]]:
    """LOAD_LOG rows grouped by batch, in load order; every record of every file accounted for."""
    rows = tier.query(
        "SELECT BATCH_ID, TARGET_TABLE, STATUS, ROWS_READ, ROWS_LOADED, ROWS_REJECTED "
        "FROM ELT_META.LOAD_LOG ORDER BY STARTED_AT"
    )
    batches: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        assert row["STATUS"] == "LOADED", row
        assert row["ROWS_READ"] == row["ROWS_LOADED"] + row["ROWS_REJECTED"], row
        batches.setdefault(row["BATCH_ID"], []).append(row)
    return list(batches.values())


def assert_built_and_checked(results: dict[str, dict[str, Any]]) -> None:
    """Every node built or left as it is (up to date, or not due: then its last checks stand and none
    ran), every declared check of a built node ran (expectations in the warehouse through GX), unless
    the build left its data version as it was (then too its checks stand, and it says so)."""
    registry = Registry.from_package("netflix_elt.movielens.pipeline")
    accepted = ("success", "warn", *LEFT_AS_THEY_ARE)
    assert not {name: r["message"] for name, r in results.items() if r["status"] not in accepted}
    built = {name for name, r in results.items() if r["status"] in ("success", "warn")}
    standing = {name for name in built if results[name]["message"].endswith("its checks (success) stand")}
    declared = {
        spec.name: len(declared_checks(spec, spec.name))
        for spec in registry
        if spec.materialized and spec.name in built - standing
    }
    ran = {name: len(r["checks"]) for name, r in results.items() if name in declared}
    assert ran == declared
    checked = built - standing
    assert not {name: r["checks"] for name, r in results.items() if name not in checked and r["checks"]}
    checks = [check for r in results.values() for check in r["checks"]]
    assert not [c for c in checks if c["exception"]]
    assert {c["route"] for c in checks if c["expectation"].startswith("expect_")} == {"gx-snowflake"}


def assert_wire_server_did_its_part(tier: Tier, results: list[dict[str, Any]]) -> None:
    """The rewrites the run needed were applied, most statements needed none, and every statement the
    engine and the models sent parses as Snowflake SQL."""
    assert tier.server is not None and tier.server_mark is not None
    activity = tier.server.since(tier.server_mark)
    assert set(activity.rewritten) >= {
        "qualified_temporary_table",
        "ctas_with_not_null_columns",
        "alter_table_swap_with",
        "copy_into_with_transformation",
        "cancel_all_queries",
        "hash_function",
    }
    assert activity.untouched > 10 * sum(activity.rewritten.values())
    built = [sql for r in results for sql in r["sql"]]  # what the builds recorded, per model
    received = activity.statements
    assert built and set(built) <= set(received)  # sent as recorded: nothing rewritten on the way out
    # copy_csv_file's statements: a PUT (which the connector sends again, with the staged file's name,
    # for the upload URL) and a COPY INTO per file, four files a day
    puts = [sql for sql in received if sql.startswith("PUT ")]
    copies = [sql for sql in received if sql.startswith("COPY INTO ")]
    assert (len(puts), len(copies)) == (2 * 2 * 4, 2 * 4)
    for sql in [*built, *puts, *copies]:
        assert not isinstance(parse_snowflake(sql), exp.Command), sql
    # GX reuses one engine per schema (snowflake_gx.reuse_engine): a few logins per build (each one
    # sends this), not one per validated table (over 50 per build)
    gx_logins = received.count("ALTER SESSION SET autocommit=False")
    assert 0 < gx_logins <= 2 * 3 * len(Schemas().all())
