"""Model unit tests: a correct model passes, a wrong expectation fails with a readable diff, for tables
(through an ephemeral model), incremental merges (the table after the merge) and snapshot history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from netflix_elt.quality.errors import UnitTestError
from netflix_elt.quality.unit import ModelUnitTest, UnitTestFailure, discover_unit_tests
from netflix_elt.registry import Registry
from projects import ratings, units

REGISTRY = Registry.from_modules(units)
D1, D2, D3 = datetime(2024, 1, 1), datetime(2024, 1, 2), datetime(2024, 1, 3)
EVENTS = [
    {"ID": 1, "USER_ID": 1, "AMOUNT": 20.0, "UPDATED_AT": D1},
    {"ID": 2, "USER_ID": 1, "AMOUNT": 30.0, "UPDATED_AT": D1},
    {"ID": 3, "USER_ID": 2, "AMOUNT": 5.0, "UPDATED_AT": D1},
    {"ID": 4, "USER_ID": 2, "AMOUNT": 12.5, "UPDATED_AT": D2},
]


def test_a_correct_table_model_passes_through_its_ephemeral_input(tmp_path: Path) -> None:
    outcome = ModelUnitTest(
        REGISTRY,
        "user_totals",
        given={"raw_events": EVENTS},
        expect=[
            {"USER_ID": 1, "TOTAL": 50, "EVENTS": 2},
            {"USER_ID": 2, "TOTAL": Decimal("12.50"), "EVENTS": 1},
        ],
    ).run(tmp_path)
    assert outcome.passed and len(outcome.rows) == 2


def test_a_wrong_expectation_fails_with_a_readable_diff(tmp_path: Path) -> None:
    test = ModelUnitTest(
        REGISTRY,
        "user_totals",
        given={"raw_events": EVENTS},
        expect=[{"USER_ID": 1, "TOTAL": 50.0, "EVENTS": 2}, {"USER_ID": 2, "TOTAL": 17.5, "EVENTS": 2}],
    )
    with pytest.raises(UnitTestFailure) as failure:
        test.run(tmp_path)
    diff = str(failure.value)
    assert "USER_TOTALS after 1 run(s): 1 expected row(s) missing, 1 unexpected row(s)" in diff
    assert "test_unit_harness.py" in diff
    assert "~ row with USER_ID=2 differs in TOTAL: expected 17.5, got 12.5; EVENTS: expected 2, got 1" in diff
    assert "expected but missing:" in diff and "produced but not expected:" in diff
    lines = diff.splitlines()
    header = lines.index("  actual table (2 rows):")
    assert lines[header + 1].split() == ["USER_ID", "|", "TOTAL", "|", "EVENTS"]


def test_rows_can_stand_in_for_the_ephemeral_model_and_come_as_dataframes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"USER_ID": [7, 7], "AMOUNT": [11.0, 13.0], "ID": [1, 2], "UPDATED_AT": [D1, D2]})
    ModelUnitTest(
        REGISTRY,
        "user_totals",
        given={"big_events": frame},
        expect=pd.DataFrame({"USER_ID": [7], "TOTAL": [24.0]}),
    ).run(tmp_path)


def test_values_are_compared_with_their_types(tmp_path: Path) -> None:
    test = ModelUnitTest(REGISTRY, "user_totals", given={"raw_events": EVENTS[:1]}, expect=[{"USER_ID": "1"}])
    outcome = test.evaluate(tmp_path)
    assert not outcome.passed
    assert "expected '1', got 1" not in outcome.diff  # no shared column: no near miss, both rows listed
    assert "    '1'" in outcome.diff and "    1" in outcome.diff


def test_incremental_model_is_checked_after_the_merge(tmp_path: Path) -> None:
    existing = [
        {"ID": 1, "USER_ID": 1, "AMOUNT": 5.0, "UPDATED_AT": D1},
        {"ID": 2, "USER_ID": 1, "AMOUNT": 7.0, "UPDATED_AT": D2},
    ]
    new_rows = [
        {
            "ID": 1,
            "USER_ID": 1,
            "AMOUNT": 999.0,
            "UPDATED_AT": datetime(2023, 12, 31),
        },  # below the high-water mark
        {"ID": 2, "USER_ID": 1, "AMOUNT": 8.0, "UPDATED_AT": D3},  # an update
        {"ID": 3, "USER_ID": 2, "AMOUNT": 9.0, "UPDATED_AT": D3},  # a new row
    ]
    after_merge = [
        {"ID": 1, "AMOUNT": 5.0, "UPDATED_AT": D1},
        {"ID": 2, "AMOUNT": 8.0, "UPDATED_AT": D3},
        {"ID": 3, "AMOUNT": 9.0, "UPDATED_AT": D3},
    ]
    ModelUnitTest(
        REGISTRY, "fct_events", given={"raw_events": new_rows}, existing=existing, expect=after_merge
    ).run(tmp_path)

    only_the_merged_rows = after_merge[1:]
    outcome = ModelUnitTest(
        REGISTRY, "fct_events", given={"raw_events": new_rows}, existing=existing, expect=only_the_merged_rows
    ).evaluate(tmp_path)
    assert not outcome.passed
    assert "0 expected row(s) missing, 1 unexpected row(s)" in outcome.diff
    assert "1  | 5 " in outcome.diff.split("produced but not expected:")[1]


def test_snapshot_history_after_several_runs(tmp_path: Path) -> None:
    t1, t2, t3 = (datetime(2024, 3, d, tzinfo=UTC) for d in (1, 2, 3))
    runs = [
        {"raw_events": [{"ID": 1, "AMOUNT": 5.0}, {"ID": 2, "AMOUNT": 7.0}]},
        {"raw_events": [{"ID": 1, "AMOUNT": 6.0}, {"ID": 2, "AMOUNT": 7.0}]},
        {"raw_events": [{"ID": 1, "AMOUNT": 6.0}]},  # ID 2 deleted: invalidated
    ]
    history = [
        {"ID": 1, "AMOUNT": 5.0, "VALID_FROM": t1, "VALID_TO": t2, "IS_CURRENT": False},
        {"ID": 1, "AMOUNT": 6.0, "VALID_FROM": t2, "VALID_TO": None, "IS_CURRENT": True},
        {"ID": 2, "AMOUNT": 7.0, "VALID_FROM": t1, "VALID_TO": t3, "IS_CURRENT": False},
    ]
    ModelUnitTest(REGISTRY, "snap_events", given=runs, run_started_at=[t1, t2, t3], expect=history).run(
        tmp_path
    )

    still_current = [*history[:2], {**history[2], "VALID_TO": None, "IS_CURRENT": True}]
    outcome = ModelUnitTest(
        REGISTRY, "snap_events", given=runs, run_started_at=[t1, t2, t3], expect=still_current
    ).evaluate(tmp_path)
    assert not outcome.passed
    assert (
        "differs in VALID_TO: expected NULL, got 2024-03-03 00:00:00; IS_CURRENT: expected True, got False"
        in outcome.diff
    )


def test_snapshot_with_existing_history(tmp_path: Path) -> None:
    t0, t1 = datetime(2024, 2, 1), datetime(2024, 3, 1)
    existing = [
        {"ID": 1, "AMOUNT": 5.0, "VALID_FROM": t0, "VALID_TO": None, "IS_CURRENT": True, "IS_DELETED": False}
    ]
    expect = [
        {"ID": 1, "AMOUNT": 5.0, "VALID_FROM": t0, "VALID_TO": t1, "IS_CURRENT": False},
        {"ID": 1, "AMOUNT": 6.0, "VALID_FROM": t1, "VALID_TO": None, "IS_CURRENT": True},
    ]
    ModelUnitTest(
        REGISTRY,
        "snap_events",
        given={"raw_events": [{"ID": 1, "AMOUNT": 6.0}]},
        existing=existing,
        run_started_at=t1,
        expect=expect,
    ).run(tmp_path)


def test_missing_or_unused_inputs_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(
        UnitTestError, match=r"USER_TOTALS reads raw_events, but no rows were given for it"
    ) as error:
        ModelUnitTest(REGISTRY, "user_totals", given={}, expect=[]).run(tmp_path)
    assert "test_unit_harness.py" in str(error.value) and "given={'raw_events': [...]}" in str(error.value)
    with pytest.raises(UnitTestError, match=r"rows given for fct_events, which USER_TOTALS does not read"):
        ModelUnitTest(REGISTRY, "user_totals", given={"raw_events": EVENTS, "fct_events": []}, expect=[]).run(
            tmp_path
        )
    with pytest.raises(UnitTestError, match=r"column AMOUNT of raw_events is NULL in every row"):
        ModelUnitTest(
            REGISTRY, "user_totals", given={"raw_events": [{"USER_ID": 1, "AMOUNT": None}]}, expect=[]
        ).run(tmp_path)


def test_declared_types_cover_all_null_columns_and_empty_inputs(tmp_path: Path) -> None:
    ModelUnitTest(
        REGISTRY,
        "user_totals",
        given={"raw_events": [{"USER_ID": 1, "AMOUNT": None}]},
        types={"raw_events": {"AMOUNT": "FLOAT"}},
        expect=[],
    ).run(tmp_path)
    ModelUnitTest(
        REGISTRY,
        "user_totals",
        given={"raw_events": []},
        types={"raw_events": {"USER_ID": "NUMBER", "AMOUNT": "FLOAT"}},
        expect=[],
    ).run(tmp_path)


def test_unit_tests_declared_in_a_project_are_discovered() -> None:
    registry = Registry.from_modules(ratings)
    cases = discover_unit_tests(registry)
    assert [(c.model, c.label) for c in cases] == [
        ("MOVIE_STATS", "movie_stats"),
        ("STG_MOVIES", "stg_movies_wrong_on_purpose"),
    ]
    assert all("ratings.py" in c.location for c in cases)


def test_fixture_tables_are_written_with_snowflake_sql(make_project) -> None:
    from netflix_elt.quality.unit.fixtures import records, table_columns, write_table
    from netflix_elt.sql import parse_snowflake

    project = make_project(units)
    rows = records(
        [
            {
                "I": 1,
                "F": 2.5,
                "N": float("nan"),
                "D": Decimal("1.25"),
                "S": "it's",
                "B": True,
                "TS": datetime(2024, 1, 1, 12, tzinfo=UTC),
                "DAY": datetime(2024, 1, 2).date(),
            },
            {"I": None, "F": None, "N": 1.0, "D": None, "S": None, "B": None, "TS": None, "DAY": None},
        ],
        "raw_events",
    )
    with project.engine.recording() as statements:
        write_table(
            project.engine, project.relation("raw_events"), table_columns(rows, {}, "raw_events"), rows
        )
    assert [c.type for c in table_columns(rows, {}, "raw_events")] == [
        "NUMBER(38,0)",
        "FLOAT",
        "FLOAT",
        "NUMBER(38,2)",
        "VARCHAR",
        "BOOLEAN",
        "TIMESTAMP_NTZ",
        "DATE",
    ]
    for statement in statements:
        parse_snowflake(statement)
    stored = project.engine.execute(f"SELECT S, TS, N FROM {project.relation('raw_events')} WHERE I = 1")[0]
    assert (stored["S"], stored["TS"], stored["N"]) == ("it's", datetime(2024, 1, 1, 12), None)


def test_fixture_decimals_that_are_not_finite_are_floats() -> None:
    """NaN and the infinities have no scale (their exponent is a letter): FLOAT alone, a clear error
    beside finite decimals, where working out the scale used to raise a TypeError."""
    from netflix_elt.quality.unit.fixtures import infer_type

    assert infer_type([Decimal("Infinity"), Decimal("NaN")], "RAW_EVENTS", "AMOUNT") == "FLOAT"
    assert infer_type([Decimal("1.25"), Decimal("3")], "RAW_EVENTS", "AMOUNT") == "NUMBER(38,2)"
    with pytest.raises(UnitTestError, match="mixes decimal, float"):
        infer_type([Decimal("1.5"), Decimal("-Infinity")], "RAW_EVENTS", "AMOUNT")
