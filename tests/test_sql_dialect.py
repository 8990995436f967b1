"""Every SQL statement the framework generates is Snowflake SQL, and a few representative builds match
their golden files.

The corpus: every statement recorded while building the test projects (all kinds, first and later runs,
error paths), plus the engine's own statements and the RUN_HISTORY insert. Each must parse with
``sqlglot.parse_one(sql, read="snowflake")`` into a real statement (not sqlglot's opaque Command).

Golden files live in sql_fixtures/golden/<name>.sql: the statements of one node's build, in order, with
random scratch-table suffixes and timestamp literals normalised. After an intended change (or an
upgrade of Snowpark or sqlglot), regenerate them and review the diff::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_sql_dialect.py -p no:cacheprovider
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from netflix_elt import Incremental, Snapshot
from netflix_elt.artifacts import RunHistory
from netflix_elt.config import Profile
from netflix_elt.engine.base import contract_ctas_sql
from netflix_elt.kinds.incremental import insert_new_sql, update_from_sql
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult
from netflix_elt.sql import parse_snowflake, referenced_tables
from projects import (
    contracted,
    delta,
    failing,
    incremental,
    seeds,
    shop,
    snapshots,
    sources,
    tables,
    undeclared_read,
)
from projects.helpers import FIXTURES, load_csv, load_rows, read_csv, with_kinds

GOLDEN = FIXTURES / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
T0 = datetime(2024, 1, 4, tzinfo=UTC)

_NORMALISE = [
    (re.compile(r"__SCRATCH_[0-9A-F]{8}_\d+\b"), "__SCRATCH_XXXXXXXX_N"),
    (re.compile(r"__BUILD_[0-9A-F]{8}\b"), "__BUILD_XXXXXXXX"),
    (re.compile(r"SNOWPARK_TEMP_([A-Z_]+?)_[A-Z0-9]{10,}"), r"SNOWPARK_TEMP_\1_XXXXXXXXXX"),
    (re.compile(r"'\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?'"), "'<TIMESTAMP>'"),
    # NODE_STATE rows: the run id and the code fingerprint
    (re.compile(r"'[0-9a-f]{12}'"), "'<RUN_ID>'"),
    (re.compile(r"'[0-9a-f]{16}'"), "'<FINGERPRINT>'"),
]


def normalise(sql: str) -> str:
    for pattern, replacement in _NORMALISE:
        sql = pattern.sub(replacement, sql)
    return sql


# -- building the corpus ------------------------------------------------------------------------
class Corpus:
    """Statements recorded per (scenario, node build), plus loose ones."""

    def __init__(self) -> None:
        self.builds: dict[str, list[str]] = {}
        self.loose: list[str] = []

    def add_run(self, scenario: str, run) -> None:
        for result in run.results:
            self.builds[f"{scenario}/{result.name}"] = result.sql

    def statements(self) -> Iterator[tuple[str, str]]:
        for key, sqls in self.builds.items():
            for sql in sqls:
                yield key, sql
        for sql in self.loose:
            yield "engine", sql


def _shop(project: Project, corpus: Corpus) -> None:
    shop.load_raw(project.engine)
    corpus.add_run("shop-1", project.build(run_started_at=datetime(2024, 3, 2, tzinfo=UTC)))
    project.engine.execute(
        "UPDATE MOVIELENS.RAW.RAW_ORDERS SET AMOUNT = 1, UPDATED_AT = '2024-03-03 00:00:00' "
        "WHERE ORDER_ID = 1"
    )
    project.engine.execute("UPDATE MOVIELENS.RAW.RAW_CUSTOMERS SET TIER = 'gold' WHERE CUSTOMER_ID = 2")
    corpus.add_run("shop-2", project.build(run_started_at=datetime(2024, 3, 3, 6, tzinfo=UTC)))


def _incremental(project: Project, corpus: Corpus, name: str, kind: Incremental, vars: dict) -> None:
    rows = read_csv(FIXTURES / "kinds/events.csv")
    first = [[r[c] for c in incremental.EVENT_TYPES] for r in rows if r["BATCH"] == "1"]
    load_rows(project.engine, "MOVIELENS.RAW.RAW_EVENTS", incremental.EVENT_TYPES, first)
    corpus.add_run(f"{name}-1", project.build())
    load_csv(
        project.engine,
        "MOVIELENS.RAW.RAW_EVENTS",
        FIXTURES / "kinds/events_after_batch_2.csv",
        incremental.EVENT_TYPES,
    )
    corpus.add_run(f"{name}-2", project.build(vars=vars))


def _delta(project: Project, corpus: Corpus) -> None:
    """Change propagation: a changes_of merge, a delete+insert of changed keys, a tracked table, two
    aggregates (one over a join), a skipped node and a not-due one, with checks on the changed rows."""
    from netflix_elt.quality import default_check_runner

    project.use_check_runner(default_check_runner(project))
    delta.create_raw(project.engine)
    for day in (0, 1):
        delta.load_day(project, day)
        corpus.add_run(f"delta-{day}", project.build(run_started_at=delta.MONDAY + timedelta(days=day)))


def _snapshot(project: Project, corpus: Corpus, name: str) -> None:
    runs = {
        int(r["RUN"]): datetime.fromisoformat(r["RUN_STARTED_AT"]).replace(tzinfo=UTC)
        for r in read_csv(FIXTURES / "snapshots/runs.csv")
    }
    for run in (1, 2, 4):
        load_csv(
            project.engine,
            "MOVIELENS.RAW.RAW_CUSTOMERS",
            FIXTURES / "snapshots/customers_runs.csv",
            snapshots.CUSTOMER_TYPES,
            where={"RUN": str(run)},
        )
        corpus.add_run(f"{name}-{run}", project.snapshot(run_started_at=runs[run]))


def _contracts(project: Project, corpus: Corpus) -> None:
    """Every contracted kind built, then merged and snapshotted again, then broken (a failed audit)."""
    engine = project.engine
    engine.bootstrap()
    load_csv(engine, "MOVIELENS.RAW.RAW_ITEMS", FIXTURES / "kinds/items.csv", tables.ITEM_TYPES)
    events = FIXTURES / "kinds/events.csv"
    load_csv(engine, "MOVIELENS.RAW.RAW_EVENTS", events, incremental.EVENT_TYPES, where={"BATCH": "1"})
    customers = FIXTURES / "snapshots/customers_runs.csv"
    load_csv(engine, "MOVIELENS.RAW.RAW_CUSTOMERS", customers, snapshots.CUSTOMER_TYPES, where={"RUN": "1"})
    corpus.add_run("contracts-1", project.build(run_started_at=T0))
    load_csv(engine, "MOVIELENS.RAW.RAW_EVENTS", events, incremental.EVENT_TYPES)
    load_csv(engine, "MOVIELENS.RAW.RAW_CUSTOMERS", customers, snapshots.CUSTOMER_TYPES, where={"RUN": "2"})
    corpus.add_run("contracts-2", project.build(run_started_at=T0))
    corpus.add_run("contracts-broken", project.build(run_started_at=T0, vars={"break": "null"}))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    corpus = Corpus()
    opened: list[Project] = []

    def project_of(registry: Registry) -> Project:
        # one thread: a node's transaction also writes the data versions queued by the nodes finished
        # before it, so with two threads the golden statements would depend on which finished first
        profile = Profile(threads=1)
        project = Project(registry=registry, profile=profile, state_dir=tmp_path_factory.mktemp("dialect"))
        opened.append(project)
        return project

    try:
        _shop(project_of(Registry.from_modules(shop)), corpus)
        _contracts(project_of(Registry.from_modules(contracted)), corpus)
        _delta(project_of(Registry.from_modules(delta)), corpus)
        base = Registry.from_modules(incremental)
        for name, kind, vars in [
            ("merge", Incremental(unique_key=("EVENT_ID",), incremental_column="UPDATED_AT"), {}),
            (
                "merge-if",
                Incremental(unique_key=("EVENT_ID",), update_if="source.UPDATED_AT >= target.UPDATED_AT"),
                {},
            ),
            ("append", Incremental(strategy="append", incremental_column="UPDATED_AT"), {}),
            (
                "delete-insert",
                Incremental(
                    unique_key=("EVENT_ID",),
                    strategy="delete+insert",
                    incremental_column="UPDATED_AT",
                    lookback_hours=2,
                ),
                {},
            ),
            (
                "sync",
                Incremental(
                    unique_key=("EVENT_ID",),
                    incremental_column="UPDATED_AT",
                    on_schema_change="sync_all_columns",
                ),
                {"add_column": True, "drop_column": True, "widen_amount": True},
            ),
            (
                "fail",
                Incremental(unique_key=("EVENT_ID",), incremental_column="UPDATED_AT"),
                {"add_column": True},
            ),
        ]:
            _incremental(project_of(with_kinds(base, events=kind)), corpus, name, kind, vars)
        snaps = Registry.from_modules(snapshots)
        _snapshot(
            project_of(
                with_kinds(
                    snaps,
                    customers_history=Snapshot(
                        unique_key=("CUSTOMER_ID",), updated_at="UPDATED_AT", hard_deletes="new_record"
                    ),
                )
            ),
            corpus,
            "snap-ts",
        )
        _snapshot(
            project_of(
                with_kinds(
                    snaps,
                    customers_history=Snapshot(
                        unique_key=("CUSTOMER_ID",),
                        strategy="check",
                        check_cols=("TIER",),
                        hard_deletes="invalidate",
                    ),
                )
            ),
            corpus,
            "snap-check",
        )

        items = project_of(Registry.from_modules(tables))
        load_csv(items.engine, "MOVIELENS.RAW.RAW_ITEMS", FIXTURES / "kinds/items.csv", tables.ITEM_TYPES)
        corpus.add_run("tables-1", items.build(run_started_at=T0))
        corpus.add_run("tables-2", items.build(run_started_at=T0, vars={"break_items": True}))
        corpus.add_run("seeds", project_of(Registry.from_modules(seeds)).seed())
        with_sources = project_of(Registry.from_modules(sources))
        load_rows(
            with_sources.engine, "MOVIELENS.RAW.RAW_LOADS", sources.LOAD_TYPES, [(1, "2024-01-01 00:00:00")]
        )
        corpus.add_run("sources", with_sources.build(run_started_at=T0))
        corpus.add_run("failing", project_of(Registry.from_modules(failing)).build())
        corpus.add_run("undeclared", project_of(Registry.from_modules(undeclared_read)).build())

        engine = items.engine
        with engine.recording() as loose:
            engine.bootstrap()
            RunHistory(engine, "run1", "build").add(  # an error: written at once
                NodeResult(
                    name="X",
                    kind="table",
                    status="error",
                    started_at=T0,
                    ended_at=T0,
                    seconds=0.5,
                    rows=None,
                    message="it's a 'quoted' message\\ with a backslash",
                ),
            )
            engine.drop_object("MOVIELENS.ANALYTICS.PRICEY_ITEMS")
            engine.drop_scratch_table(engine.create_scratch_table("ANALYTICS", "X", "SELECT 1 AS A"))
            engine.columns("MOVIELENS.ANALYTICS.ITEMS")
        corpus.loose = loose
        yield corpus
    finally:
        for project in opened:
            project.close()


# -- every statement is Snowflake SQL -----------------------------------------------------------
def test_the_corpus_covers_every_kind_and_path(corpus: Corpus) -> None:
    text = "\n".join(sql for _, sql in corpus.statements())
    for needle in (
        "__CHANGES",
        "NODE_STATE",
        "UPDATE MOVIELENS.ANALYTICS.STORE_TOTALS AS t SET",
        "DELETE FROM",
        "INSERT INTO",
        "UPDATE ",
        "CREATE OR REPLACE VIEW",
        "CREATE OR REPLACE TABLE",
        "RENAME TO",
        "ADD COLUMN",
        "DROP COLUMN",
        "SET DATA TYPE",
        # (no DESCRIBE TABLE or SHOW OBJECTS: the embedded engine reads its catalog; the snowflake
        # engine's statements are exercised over the wire, tests/wire)
        "BEGIN TRANSACTION",
        "COMMIT",
        "CREATE DATABASE IF NOT EXISTS",
        "RUN_HISTORY",
        "VALID_FROM",
    ):
        assert needle in text, needle
    assert len(list(corpus.statements())) > 300


def test_every_generated_statement_parses_as_snowflake_sql(corpus: Corpus) -> None:
    failures = []
    for where, sql in corpus.statements():
        try:
            tree = sqlglot.parse_one(sql, read="snowflake")
        except sqlglot.errors.ParseError as exc:
            failures.append(f"{where}: {str(exc).splitlines()[0]}\n    {sql}")
            continue
        if isinstance(tree, exp.Command):
            failures.append(f"{where}: parsed only as an opaque command\n    {sql}")
    assert failures == [], "\n".join(failures)


def test_parse_snowflake_refuses_what_is_not_snowflake_sql() -> None:
    assert isinstance(parse_snowflake("SELECT 1"), exp.Select)
    with pytest.raises(sqlglot.errors.ParseError):
        parse_snowflake("SELEC 1")


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("SELECT * FROM MOVIELENS.RAW.A JOIN RAW.B USING (ID)", {"MOVIELENS.RAW.A", "RAW.B"}),
        ("WITH recent AS (SELECT * FROM db.s.events) SELECT * FROM recent", {"DB.S.EVENTS"}),
        (
            "SELECT f.value FROM MOVIELENS.STAGING.M m, LATERAL FLATTEN(input => SPLIT(m.G, '|')) f",
            {"MOVIELENS.STAGING.M"},
        ),
        ("SELECT * FROM (SELECT * FROM t1) x WHERE x.id IN (SELECT id FROM t2)", {"T1", "T2"}),
    ],
)
def test_referenced_tables(sql: str, tables: set[str]) -> None:
    assert referenced_tables(sql) == tables


# -- golden files -------------------------------------------------------------------------------
GOLDEN_BUILDS: dict[str, str] = {
    "table_publish": "tables-1/ITEMS",
    "view": "tables-1/ITEMS_VIEW",
    "ephemeral_inlined": "tables-1/CHEAP_B_ITEM_COUNT",
    "incremental_first_build": "merge-1/EVENTS",
    "incremental_merge": "merge-2/EVENTS",
    "incremental_merge_update_if": "merge-if-2/EVENTS",
    "incremental_delete_insert": "delete-insert-2/EVENTS",
    "incremental_sync_all_columns": "sync-2/EVENTS",
    "snapshot_initial": "snap-ts-1/CUSTOMERS_HISTORY",
    "snapshot_changes_close_insert": "snap-ts-2/CUSTOMERS_HISTORY",
    "snapshot_check_invalidate": "snap-check-2/CUSTOMERS_HISTORY",
    "seed": "seeds/RELEASES",
    "source_freshness": "sources/RAW_LOADS",
    "contract_table": "contracts-1/ITEMS",
    "contract_incremental_merge": "contracts-2/EVENTS",
    "contract_snapshot_update": "contracts-2/CUSTOMERS_HISTORY",
    "contract_not_null_failure": "contracts-broken/ITEMS",
    "incremental_changes_of": "delta-1/SALES",
    "incremental_delete_insert_changed_keys": "delta-1/SALES_CENTS",
    "table_tracked_changes": "delta-1/PRODUCTS",
    "aggregate_merge": "delta-1/STORE_TOTALS",
    "aggregate_join_of_changes": "delta-1/CATEGORY_TOTALS",
    "not_due_sends_nothing": "delta-1/WEEKLY_SUMMARY",
    "snapshot_changes_of": "delta-1/PRODUCTS_HISTORY",
}


def golden_text(statements: list[str]) -> str:
    return "".join(f"{normalise(sql)};\n\n" for sql in statements)


@pytest.mark.parametrize("name", sorted(GOLDEN_BUILDS))
def test_golden_sql(corpus: Corpus, name: str) -> None:
    actual = golden_text(corpus.builds[GOLDEN_BUILDS[name]])
    path: Path = GOLDEN / f"{name}.sql"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"generated SQL differs from {path}; if intended, regenerate with UPDATE_GOLDEN=1"
    )


def test_golden_contracted_ctas_is_snowflake_sql() -> None:
    """The statement the snowflake engine builds a contracted table with (the local engine runs
    CREATE TABLE + INSERT instead, as contract_table.sql shows)."""
    spec = Registry.from_modules(contracted)["ITEMS"]
    assert spec.contract is not None
    sql = contract_ctas_sql(
        "MOVIELENS.ANALYTICS.ITEMS__BUILD",
        spec.contract,
        'SELECT "ITEM_ID", "NAME", "PRICE" FROM MOVIELENS.RAW.RAW_ITEMS',
    )
    tree = parse_snowflake(sql)
    assert isinstance(tree, exp.Create) and isinstance(tree.expression, exp.Select)
    assert [c.name for c in tree.this.expressions] == ["ITEM_ID", "NAME", "PRICE"]
    path = GOLDEN / "contract_ctas_snowflake.sql"
    if UPDATE:
        path.write_text(golden_text([sql]), encoding="utf-8")
    assert golden_text([sql]) == path.read_text(encoding="utf-8")


def test_golden_merge_on_snowflake_updates_in_place() -> None:
    """How the snowflake engine applies a merge's changed keys: UPDATE ... FROM, then INSERT of the new
    keys (the local engine deletes and inserts them again, as incremental_merge.sql shows)."""
    diff, target = "MOVIELENS.ANALYTICS.EVENTS__SCRATCH", "MOVIELENS.ANALYTICS.EVENTS"
    columns = ["EVENT_ID", "USER_ID", "AMOUNT", "UPDATED_AT"]
    statements = [
        update_from_sql(target, diff, ["EVENT_ID"], columns),
        insert_new_sql(target, diff, columns),
    ]
    assert isinstance(parse_snowflake(statements[0]), exp.Update)
    path = GOLDEN / "incremental_merge_snowflake.sql"
    if UPDATE:
        path.write_text(golden_text(statements), encoding="utf-8")
    assert golden_text(statements) == path.read_text(encoding="utf-8")


def test_normalise_hides_only_random_parts() -> None:
    sql = (
        "CREATE TABLE MOVIELENS.ANALYTICS.EVENTS__SCRATCH_0A1B2C3D_12 AS "
        "SELECT CAST('2024-01-04 00:00:00.000000' "
        "AS TIMESTAMP_NTZ) AS T FROM SNOWPARK_TEMP_TABLE_ABCDEF1234 JOIN X__BUILD_0A1B2C3D"
    )
    assert normalise(sql) == (
        "CREATE TABLE MOVIELENS.ANALYTICS.EVENTS__SCRATCH_XXXXXXXX_N AS SELECT CAST('<TIMESTAMP>' "
        "AS TIMESTAMP_NTZ) AS T FROM SNOWPARK_TEMP_TABLE_XXXXXXXXXX JOIN X__BUILD_XXXXXXXX"
    )
