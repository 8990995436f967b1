"""``netflix-elt diff`` on real embedded warehouses.

Two state directories are built from the same inputs (the shop project plus tests/projects/diffing.py)
at different run times, so every run-dependent column differs between them. Each test copies the right
one, changes it in one controlled way with SQL, and checks that the diff reports exactly that.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.declare import spec_of
from netflix_elt.diff import PUBLISHED_KINDS, DiffReport, rules_for
from netflix_elt.diff.load import select_sql
from netflix_elt.diff.types import classify, comparison_type
from netflix_elt.movielens import PIPELINE
from netflix_elt.movielens.cli import app
from netflix_elt.project import PROJECT_ENV, Project
from netflix_elt.registry import Registry
from netflix_elt.sql import parse_snowflake
from projects import diffing, shop

REGISTRY = Registry.from_modules(shop, diffing)
LEFT_RUN = datetime(2024, 3, 2, 6, tzinfo=UTC)
RIGHT_RUN = datetime(2024, 3, 2, 18, tzinfo=UTC)
PUBLISHED = {
    "COUNTRY_NAMES",
    "CUSTOMERS_SNAPSHOT",
    "DIM_CUSTOMERS",
    "FCT_ORDERS",
    "CUSTOMER_REVENUE",
    "LARGE_ORDER_COUNTS",
    "ORDERS_HISTORY",
    "ORDER_SHARES",
    "REVENUE_BY_COUNTRY",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(left, right) state directories, each built once from the shop's fixture files."""
    base = tmp_path_factory.mktemp("diff")
    for name, moment in (("left", LEFT_RUN), ("right", RIGHT_RUN)):
        with Project.local(base / name, REGISTRY) as project:
            shop.load_raw(project.engine)
            assert project.build(run_started_at=moment).success
    return base / "left", base / "right"


@pytest.fixture
def left(built: tuple[Path, Path]) -> Path:
    return built[0]


@pytest.fixture
def right(built: tuple[Path, Path], tmp_path: Path) -> Path:
    """A private copy of the right warehouse, free to change."""
    return Path(shutil.copytree(built[1], tmp_path / "right"))


def change(state_dir: Path, *statements: str) -> None:
    with Project.local(state_dir, REGISTRY) as project:
        for statement in statements:
            project.engine.execute(statement)


def rebuild(state_dir: Path, table: str, select_list: str) -> None:
    """Replace a table with ``SELECT select_list`` from its current rows."""
    change(
        state_dir,
        f"CREATE TABLE {table}__OLD AS SELECT * FROM {table}",
        f"CREATE OR REPLACE TABLE {table} AS SELECT {select_list} FROM {table}__OLD",
        f"DROP TABLE {table}__OLD",
    )


def diff(left: Path, right: Path, **options) -> DiffReport:
    with Project.local(left, REGISTRY) as project:
        return project.diff(str(right), **options)


def differing(report: DiffReport) -> list[str]:
    return [m.model for m in report.different]


# -- equal -----------------------------------------------------------------------------------
def test_two_builds_of_the_same_inputs_are_equal(left: Path, built: tuple[Path, Path]) -> None:
    report = diff(left, built[1])
    assert report.equal, [m.to_dict() for m in report.different]
    assert {m.model for m in report.models} == PUBLISHED  # no views, sources or ephemeral models
    assert all(REGISTRY[m.model].kind_name in PUBLISHED_KINDS for m in report.models)
    # The run-dependent columns do differ, and are left out; keys come from the declarations.
    with Project.local(left, REGISTRY) as a, Project.local(built[1], REGISTRY) as b:
        query = "SELECT MAX(BUILT_AT) FROM MOVIELENS.ANALYTICS.ORDER_SHARES"
        assert a.engine.scalar(query) != b.engine.scalar(query)
    shares, history, customers = (
        report["ORDER_SHARES"],
        report["ORDERS_HISTORY"],
        report["CUSTOMERS_SNAPSHOT"],
    )
    assert (shares.key, shares.key_source, shares.left_out) == (("ORDER_ID",), "contract", ["BUILT_AT"])
    assert (history.key, history.left_out) == (("ORDER_ID", "VALID_FROM"), ["SNAPSHOT_RUN_AT"])
    assert customers.key == () and customers.left_out == ["VALID_FROM", "VALID_TO", "SNAPSHOT_RUN_AT"]
    assert report["FCT_ORDERS"].key_source == "incremental kind"
    assert report["FCT_ORDERS"].rows.matched == 5


def test_a_source_leaves_out_its_load_columns(left: Path, right: Path) -> None:
    change(right, "UPDATE MOVIELENS.RAW.RAW_ORDERS SET LOADED_AT = CAST('2030-01-01' AS TIMESTAMP_NTZ)")
    report = diff(left, right, select=["raw_orders", "stg_orders"])
    assert report.equal
    assert [m.model for m in report.models] == ["RAW_ORDERS", "STG_ORDERS"]  # named: a source and a view
    assert report["RAW_ORDERS"].left_out == ["LOADED_AT"]


# -- rows --------------------------------------------------------------------------------------
def test_changed_values_are_matched_by_key(left: Path, right: Path) -> None:
    change(
        right,
        "UPDATE MOVIELENS.ANALYTICS.FCT_ORDERS SET STATUS = 'returned' WHERE ORDER_ID = 2",
        "UPDATE MOVIELENS.ANALYTICS.FCT_ORDERS SET STATUS = NULL, AMOUNT = 16 WHERE ORDER_ID = 4",
    )
    report = diff(left, right)
    assert differing(report) == ["FCT_ORDERS"]
    orders = report["FCT_ORDERS"]
    rows = orders.rows
    assert (rows.left, rows.right, rows.matched, rows.changed, rows.only_left, rows.only_right) == (
        5,
        5,
        5,
        2,
        0,
        0,
    )
    assert rows.column_mismatches == {"STATUS": 2, "AMOUNT": 1}
    assert [(c.key, c.columns) for c in rows.examples_changed] == [
        ({"ORDER_ID": 2}, {"STATUS": ("shipped", "returned")}),
        ({"ORDER_ID": 4}, {"AMOUNT": (pytest.approx(15), pytest.approx(16)), "STATUS": ("cancelled", None)}),
    ]
    assert diff(left, right, examples=1)["FCT_ORDERS"].rows.examples_changed[0].key == {"ORDER_ID": 2}


def test_rows_only_on_one_side(left: Path, right: Path) -> None:
    change(
        right,
        "DELETE FROM MOVIELENS.ANALYTICS.FCT_ORDERS WHERE ORDER_ID = 1",
        "INSERT INTO MOVIELENS.ANALYTICS.FCT_ORDERS (ORDER_ID, CUSTOMER_ID, AMOUNT, STATUS, UPDATED_AT) "
        "VALUES (6, 3, 10.25, 'placed', CAST('2024-03-01 15:00:00' AS TIMESTAMP_NTZ))",
    )
    rows = diff(left, right)["FCT_ORDERS"].rows
    assert (rows.left, rows.right, rows.only_left, rows.only_right, rows.changed) == (5, 5, 1, 1, 0)
    assert [r["ORDER_ID"] for r in rows.examples_only_left] == [1]
    only_right = rows.examples_only_right[0]
    assert (only_right["ORDER_ID"], str(only_right["AMOUNT"]), only_right["STATUS"]) == (6, "10.25", "placed")
    assert only_right["UPDATED_AT"] == datetime(2024, 3, 1, 15)


def test_float_tolerance(left: Path, right: Path) -> None:
    table = "MOVIELENS.ANALYTICS.ORDER_SHARES"
    change(
        right,
        f"UPDATE {table} SET SHARE = SHARE + 1e-9 WHERE ORDER_ID = 1",
        f"UPDATE {table} SET SHARE = SHARE * 1.01 WHERE ORDER_ID = 2",
    )
    exact = diff(left, right)["ORDER_SHARES"].rows
    assert (exact.changed, exact.column_mismatches) == (2, {"SHARE": 2})
    loose = diff(left, right, tolerance=1e-6)
    assert loose.tolerance == 1e-6
    rows = loose["ORDER_SHARES"].rows
    assert (rows.changed, rows.column_mismatches) == (1, {"SHARE": 1})
    (change_2,) = rows.examples_changed
    before, after = change_2.columns["SHARE"]
    assert change_2.key == {"ORDER_ID": 2} and after == pytest.approx(before * 1.01)
    assert diff(left, right, tolerance=0.02).equal


def test_a_duplicated_key_falls_back_to_whole_rows(left: Path, right: Path) -> None:
    change(
        right,
        "INSERT INTO MOVIELENS.ANALYTICS.FCT_ORDERS SELECT * FROM MOVIELENS.ANALYTICS.FCT_ORDERS WHERE ORDER_ID = 3",
    )
    orders = diff(left, right)["FCT_ORDERS"]
    assert orders.key == () and any("not unique (1 on the right" in note for note in orders.notes)
    rows = orders.rows
    assert (rows.left, rows.right, rows.only_left, rows.only_right, rows.changed) == (5, 6, 0, 1, None)
    assert [r["ORDER_ID"] for r in rows.examples_only_right] == [3]


def test_keyless_tables_are_compared_as_multisets(left: Path, right: Path) -> None:
    table = "MOVIELENS.ANALYTICS.DIM_CUSTOMERS"
    change(
        right,
        f"INSERT INTO {table} SELECT * FROM {table} WHERE CUSTOMER_ID = 1",  # a second copy of a row
        f"UPDATE {table} SET TIER = 'platinum' WHERE CUSTOMER_ID = 2",
    )
    customers = diff(left, right)["DIM_CUSTOMERS"]
    assert customers.key == ()
    rows = customers.rows
    assert (rows.left, rows.right, rows.only_left, rows.only_right, rows.changed, rows.matched) == (
        3,
        4,
        1,
        2,
        None,
        None,
    )
    assert [(r["CUSTOMER_ID"], r["TIER"]) for r in rows.examples_only_left] == [(2, "silver")]
    assert sorted((r["CUSTOMER_ID"], r["TIER"]) for r in rows.examples_only_right) == [
        (1, "gold"),
        (2, "platinum"),
    ]


def test_without_a_key_float_tables_are_matched_on_their_other_columns(
    left: Path, right: Path, tmp_path: Path
) -> None:
    # SUM of a NUMBER is a NUMBER (exact, as on Snowflake): make REVENUE a FLOAT on both sides first
    left = Path(shutil.copytree(left, tmp_path / "left"))
    for side in (left, right):
        rebuild(
            side, "MOVIELENS.ANALYSIS.REVENUE_BY_COUNTRY", "COUNTRY_NAME, CAST(REVENUE AS FLOAT) AS REVENUE"
        )
    change(right, "UPDATE MOVIELENS.ANALYSIS.REVENUE_BY_COUNTRY SET REVENUE = REVENUE + 1")
    revenue = diff(left, right)["REVENUE_BY_COUNTRY"]
    assert (revenue.key, revenue.key_source) == (("COUNTRY_NAME",), "non-FLOAT columns")
    assert (revenue.rows.changed, revenue.rows.column_mismatches) == (2, {"REVENUE": 2})


# -- schema ------------------------------------------------------------------------------------
def test_schema_changes_are_reported_and_shared_columns_still_compared(left: Path, right: Path) -> None:
    change(
        right,
        "ALTER TABLE MOVIELENS.ANALYTICS.DIM_CUSTOMERS DROP COLUMN TIER",
        "ALTER TABLE MOVIELENS.ANALYTICS.LARGE_ORDER_COUNTS RENAME COLUMN LARGE_ORDERS TO ORDER_COUNT",
    )
    rebuild(right, "MOVIELENS.RAW.COUNTRY_NAMES", "COUNTRY_NAME, COUNTRY_CODE")
    rebuild(
        right,
        "MOVIELENS.ANALYTICS.FCT_ORDERS",
        "ORDER_ID, CUSTOMER_ID, CAST(AMOUNT AS FLOAT) AS AMOUNT, STATUS, UPDATED_AT",
    )
    rebuild(
        right,
        "MOVIELENS.ANALYTICS.CUSTOMER_REVENUE",
        "CUSTOMER_ID, NAME, COUNTRY_NAME, REVENUE, CAST(ORDERS AS VARCHAR) AS ORDERS",
    )
    report = diff(left, right)
    assert set(differing(report)) == {
        "DIM_CUSTOMERS",
        "LARGE_ORDER_COUNTS",
        "COUNTRY_NAMES",
        "FCT_ORDERS",
        "CUSTOMER_REVENUE",
    }
    dropped = report["DIM_CUSTOMERS"]
    assert (dropped.schema.only_left, dropped.schema.only_right) == (["TIER"], [])
    assert "TIER" not in dropped.compared and not dropped.rows.differs

    renamed = report["LARGE_ORDER_COUNTS"].schema
    assert (renamed.only_left, renamed.only_right, renamed.order_changed) == (
        ["LARGE_ORDERS"],
        ["ORDER_COUNT"],
        False,
    )

    reordered = report["COUNTRY_NAMES"]
    assert reordered.schema.order_changed and not reordered.schema.only_left and not reordered.rows.differs

    retyped = report["FCT_ORDERS"]
    assert retyped.schema.type_changes == [("AMOUNT", "NUMBER(10,2)", "FLOAT")]
    assert "AMOUNT" in retyped.compared and not retyped.rows.differs  # 35.50 as FLOAT is still 35.5

    incomparable = report["CUSTOMER_REVENUE"]
    assert incomparable.schema.type_changes == [("ORDERS", "NUMBER(38,0)", "VARCHAR(16777216)")]
    assert incomparable.not_compared == ["ORDERS"] and not incomparable.rows.differs


def test_a_missing_table_is_a_difference(left: Path, right: Path) -> None:
    change(right, "DROP TABLE MOVIELENS.ANALYTICS.LARGE_ORDER_COUNTS")
    report = diff(left, right)
    assert differing(report) == ["LARGE_ORDER_COUNTS"]
    missing = report["LARGE_ORDER_COUNTS"]
    assert (missing.status, missing.missing, missing.rows) == ("missing", ["right"], None)


# -- declarations ------------------------------------------------------------------------------
def test_rules_come_from_the_declarations() -> None:
    from netflix_elt import Incremental, Snapshot, source
    from netflix_elt.movielens.pipeline.sources import raw_ratings

    loaded = source("raw_x", loaded_at="_loaded_at", run_dependent=["_batch_id", "_LOADED_AT"])
    assert rules_for(loaded).run_dependent == ("_LOADED_AT", "_BATCH_ID")
    assert rules_for(raw_ratings).run_dependent == ("_LOADED_AT", "_SOURCE_FILE", "_BATCH_ID")
    assert Incremental(unique_key=("a",), strategy="append").row_key() == ()
    invalidating = Snapshot(unique_key=("k",), updated_at="u", hard_deletes="invalidate")
    assert invalidating.row_key() == ()  # a returning key's VALID_FROM is the run's time
    assert "VALID_FROM" in invalidating.run_dependent_columns()
    shares = spec_of(diffing.order_shares)
    assert rules_for(shares).key == ("ORDER_ID",)


def test_types_compare_as_snowflake_classes() -> None:
    same = [
        ("NUMBER(38,0)", "NUMBER(18,0)"),  # COUNT(*) on Snowflake, the same column on the embedded engine
        ("INT", "NUMBER(38,0)"),
        ("BIGINT", "NUMBER"),
        ("VARCHAR(16777216)", "STRING"),
        ("TEXT", "VARCHAR(2)"),
        ("TIMESTAMP_NTZ(9)", "DATETIME"),
        ("DOUBLE", "FLOAT"),
        ("OBJECT", "VARIANT"),
    ]
    for left_type, right_type in same:
        assert classify(left_type) == classify(right_type), (left_type, right_type)
    assert classify("NUMBER(10,2)") != classify("NUMBER(10,0)")
    assert classify("TIMESTAMP_TZ(9)") != classify("TIMESTAMP_NTZ(9)")
    assert comparison_type(classify("NUMBER(38,0)"), classify("NUMBER(10,2)")) == "DECIMAL(38,2)"
    assert comparison_type(classify("NUMBER(38,6)"), classify("FLOAT")) == "DOUBLE"
    assert comparison_type(classify("TIMESTAMP_TZ"), classify("TIMESTAMP_NTZ(3)")) == "TIMESTAMP"
    assert comparison_type(classify("VARCHAR"), classify("NUMBER(38,0)")) is None


def test_values_are_normalised_on_the_way_in() -> None:
    """Snowflake's indented VARIANT text equals fakesnow's compact one; an instant with a zone is its
    UTC wall-clock time; nanoseconds are cut to microseconds."""
    import pyarrow as pa

    from netflix_elt.diff.load import comparison_database
    from netflix_elt.diff.types import load_expression

    fetched = pa.table(
        {
            "c0": ['{\n  "a": 1,\n  "b": [\n    2\n  ]\n}', "not json"],
            "c1": pa.array([3_600_000_123, None], pa.timestamp("us", tz="Europe/Paris")),
            "c2": pa.array([1_000_000_001, 0], pa.timestamp("ns")),
        }
    )
    with comparison_database("256MiB") as db:
        assert db.execute("SELECT current_setting('memory_limit')").fetchall() == [("256.0 MiB",)]
        db.register("fetched", fetched)
        rows = db.execute(
            f"SELECT {load_expression('c0', 'JSON')}, {load_expression('c1', 'TIMESTAMP')}, "
            f"{load_expression('c2', 'TIMESTAMP')} FROM fetched"
        ).fetchall()
    assert rows == [
        ('{"a":1,"b":[2]}', datetime(1970, 1, 1, 1, 0, 0, 123), datetime(1970, 1, 1, 0, 0, 1)),
        ("not json", None, datetime(1970, 1, 1)),
    ]


def test_each_side_is_read_with_one_snowflake_select() -> None:
    sql = select_sql("MOVIELENS.ANALYTICS.FCT_ORDERS", ["ORDER_ID", "order", 'odd "name"'])
    assert sql == 'SELECT ORDER_ID, "order", "odd ""name""" FROM MOVIELENS.ANALYTICS.FCT_ORDERS'
    parse_snowflake(sql)


# -- command line ------------------------------------------------------------------------------
@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    monkeypatch.setenv(PROJECT_ENV, "projects.shop")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_cli_equal_exits_0(cli, built: tuple[Path, Path]) -> None:
    result = cli("--state-dir", str(built[0]), "diff", "--against", str(built[1]))
    assert result.exit_code == 0, result.output
    assert "7 models compared: equal" in result.stdout  # projects.shop: 7 published models
    assert "EQUAL     incremental FCT_ORDERS" in result.stdout


def test_cli_reports_differences_with_exit_1_and_json(cli, left: Path, right: Path) -> None:
    change(right, "UPDATE MOVIELENS.ANALYTICS.FCT_ORDERS SET AMOUNT = 36 WHERE ORDER_ID = 2")
    result = cli("--state-dir", str(left), "diff", "fct_orders", "--against", str(right))
    assert result.exit_code == 1, result.output
    assert "changed (1 of 1):" in result.stdout
    assert "ORDER_ID=2: AMOUNT 35.50 -> 36.00" in result.stdout

    result = cli(
        "diff", "--state-dir", str(left), "--against", str(right), "--format", "json", "--examples", "1"
    )
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["equal"] is False
    assert document["summary"] == {"models": 7, "equal": 6, "different": 1}
    assert document["right"] == {"profile": "local", "engine": "local", "state_dir": str(right.resolve())}
    (orders,) = [m for m in document["models"] if m["status"] != "equal"]
    assert orders["model"] == "FCT_ORDERS" and orders["key"] == ["ORDER_ID"]
    assert orders["rows"] == {
        "left": 5,
        "right": 5,
        "only_left": 0,
        "only_right": 0,
        "changed": 1,
        "matched": 5,
    }
    assert orders["column_mismatches"] == {"AMOUNT": 1}
    assert orders["examples"]["changed"] == [
        {"key": {"ORDER_ID": 2}, "columns": {"AMOUNT": {"left": "35.50", "right": "36.00"}}}
    ]
    assert orders["schema"]["left"][0] == {"name": "ORDER_ID", "type": "NUMBER(38,0)"}
    assert set(orders) >= {"relation", "missing", "compared_columns", "left_out", "not_compared", "notes"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--against", "no-such-target"], "unknown diff target 'no-such-target'"),
        (["tag:nothing", "--against", "{right}"], "'tag:nothing' matches no model that diff can compare"),
        (["no_such_model", "--against", "{right}"], "unknown model 'no_such_model'"),
        (["--against", "{empty}"], "is a directory without a warehouse/"),
        (["--against", "{right}", "--format", "xml"], "unknown format 'xml'"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(cli, left: Path, built, tmp_path: Path, args, fragment) -> None:
    (tmp_path / "empty").mkdir()
    values = {"right": str(built[1]), "empty": str(tmp_path / "empty")}
    result = cli("--state-dir", str(left), "diff", *(a.format(**values) for a in args))
    if fragment.startswith("unknown format"):
        assert result.exit_code == 2 and fragment in result.output
        return
    assert fragment in one_line_error(result)
    assert not (tmp_path / "empty" / "warehouse").exists()


# -- MovieLens small ---------------------------------------------------------------------------
def test_movielens_small_copy_is_equal_then_one_rating_differs(
    movielens_small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every published model of the real pipeline round-trips through the diff without a false
    difference (floats, dates, timestamps, empty tables), and one changed rating is found by key."""
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    runner = CliRunner()
    built = tmp_path / "built"
    assert (
        runner.invoke(app, ["--state-dir", str(built), "load", "--source", str(movielens_small)]).exit_code
        == 0
    )
    with Project.local(built, project=PIPELINE) as project:
        assert project.build().success  # no checks: they are not what is tested here
    copy = Path(shutil.copytree(built, tmp_path / "copy"))
    with Project.local(built, project=PIPELINE) as project:
        report = project.diff(str(copy))
        published = {s.name for s in project.registry if s.kind_name in PUBLISHED_KINDS}
    assert report.equal, [m.to_dict() for m in report.different]
    assert {m.model for m in report.models} == published and len(published) > 30
    assert report["FCT_RATINGS"].rows.matched == 100_836

    with Project.local(copy, project=PIPELINE) as project:
        project.engine.execute(
            "UPDATE MOVIELENS.ANALYTICS.FCT_RATINGS SET RATING = 0.5 WHERE USER_ID = 1 AND MOVIE_ID = 1"
        )
    result = runner.invoke(
        app, ["--state-dir", str(built), "diff", "fct_ratings", "--against", str(copy), "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    (ratings,) = json.loads(result.stdout)["models"]
    assert (ratings["key"], ratings["rows"]["changed"]) == (["USER_ID", "MOVIE_ID"], 1)
    assert ratings["examples"]["changed"] == [
        {"key": {"USER_ID": 1, "MOVIE_ID": 1}, "columns": {"RATING": {"left": 4.0, "right": 0.5}}}
    ]


def test_decimals_reach_json_as_integers_or_text() -> None:
    """Infinite decimals are text like NaN (comparing their exponent, a letter, raised a TypeError)."""
    from decimal import Decimal

    from netflix_elt.diff.report import json_value

    assert [json_value(Decimal(v)) for v in ("3", "1.50", "NaN", "Infinity", "-Infinity")] == [
        3,
        "1.50",
        "NaN",
        "Infinity",
        "-Infinity",
    ]
