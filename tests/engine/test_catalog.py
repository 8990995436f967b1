"""The embedded engine reads a relation's columns and kind from DuckDB's catalog (``LocalEngine.columns``,
``LocalEngine.object_type``): it must answer exactly as fakesnow's DESCRIBE TABLE and SHOW OBJECTS (the
base engine's routes) do, type spelling, order and nullability included, and fall back to that DESCRIBE
for what it does not map. A query's columns (``LocalEngine.query_columns``) come from DuckDB's binding
of fakesnow's translation, kept for the contracted build of the same query: they too must be the ones
fakesnow's DESCRIBE gives, and the build must run, fail and be recorded as fakesnow's run of it would."""

from __future__ import annotations

from typing import Any

import pytest

from netflix_elt.contracts import Contract, column
from netflix_elt.engine import Engine, fakesnow_compat
from netflix_elt.engine.local import LocalEngine

COLUMNS = {
    "ID": "NUMBER(38,0) NOT NULL",
    "PRICE": "NUMBER(10,2)",
    "CODE": "VARCHAR(10)",
    "NOTE": "VARCHAR",
    "SCORE": "FLOAT",
    "SEEN_AT": "TIMESTAMP_NTZ",
    "SEEN_TZ": "TIMESTAMP_TZ",
    "ON_DAY": "DATE",
    "AT_TIME": "TIME",
    "FLAG": "BOOLEAN",
    "PAYLOAD": "BINARY",
    "DOC": "VARIANT",
    "ITEMS": "ARRAY",
    "N": "INT",
}


@pytest.fixture(scope="module")
def described(module_engine: Engine) -> dict[str, tuple[list, list]]:
    """{relation: (the catalog's answer, DESCRIBE TABLE's)} for a table of many types and views."""
    engine = module_engine
    assert isinstance(engine, LocalEngine)
    table, view, native = (engine.fqn("ANALYTICS", n) for n in ("CATALOG_T", "CATALOG_V", "CATALOG_NATIVE"))
    definitions = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    engine.execute(f"CREATE OR REPLACE TABLE {table} ({definitions})")
    engine.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT ID, CODE, SCORE * 2 AS DOUBLED FROM {table}")
    # DuckDB types no Snowflake DDL creates here (fakesnow makes INT a BIGINT): described by fakesnow
    duckdb = fakesnow_compat.duckdb_connection(engine.session())
    duckdb.execute(f"CREATE OR REPLACE TABLE {native} (H HUGEINT, S SMALLINT, L INTEGER[])")
    return {name: (engine.columns(name), Engine.columns(engine, name)) for name in (table, view, native)}


def test_the_catalog_answers_as_describe_table_does(described) -> None:
    for relation, (catalog, describe) in described.items():
        assert catalog == describe, relation
    table = next(iter(described.values()))[0]
    assert [c.name for c in table] == list(COLUMNS)
    assert [c.type for c in table][:3] == ["NUMBER(38,0)", "NUMBER(10,2)", "VARCHAR(10)"]
    assert [c.nullable for c in table][:2] == [False, True]


def test_a_relation_that_is_not_there_fails_as_describe_does(module_engine: Engine) -> None:
    missing = module_engine.fqn("ANALYTICS", "NOT_THERE")
    with pytest.raises(Exception) as described:
        Engine.columns(module_engine, missing)
    with pytest.raises(type(described.value)):
        module_engine.columns(missing)


def test_a_relation_kind_comes_from_the_catalog_as_show_objects_gives_it(
    module_engine: Engine, described
) -> None:
    names = [*described, module_engine.fqn("ANALYTICS", "NOT_THERE")]
    kinds = [module_engine.object_type(name) for name in names]
    assert kinds == [Engine.object_type(module_engine, name) for name in names]
    assert kinds == ["TABLE", "VIEW", "TABLE", None]


QUERIES = [
    "SELECT * FROM {t}",
    "SELECT ID + 1 AS NEXT_ID, PRICE * 2 AS P2, PRICE / 3 AS P3, SCORE / 2 AS S2, CODE || NOTE AS CN FROM {t}",
    "SELECT COUNT(*) AS N, SUM(PRICE) AS S, AVG(PRICE) AS A, MIN(SEEN_AT) AS FIRST_AT, "
    "COUNT_IF(FLAG) AS F FROM {t}",
    "SELECT IFF(FLAG, 'y', 'n') AS YN, DATE_TRUNC('MONTH', SEEN_AT) AS M, TO_DATE(SEEN_AT) AS D, "
    "DATEADD(DAY, 1, ON_DAY) AS NEXT_DAY, CAST(ID AS VARCHAR) AS T FROM {t}",
    "SELECT ID, ROW_NUMBER() OVER (PARTITION BY CODE ORDER BY SCORE DESC) AS R, "
    "SUM(SCORE) OVER () AS TOTAL FROM {t} QUALIFY R = 1",
    "SELECT CAST(SCORE AS NUMBER(10,2)) AS X, SPLIT(NOTE, '|') AS PARTS, TRIM(NOTE) AS T FROM {t}",
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_a_query_is_described_as_fakesnow_describes_it(module_engine: Engine, described, query: str) -> None:
    sql = query.format(t=next(iter(described)))
    assert module_engine.query_columns(sql) == Engine.query_columns(module_engine, sql)


def test_a_query_that_does_not_bind_fails_as_describe_does(module_engine: Engine, described) -> None:
    sql = f"SELECT NOT_A_COLUMN FROM {next(iter(described))}"
    with pytest.raises(Exception) as fakesnow:
        Engine.query_columns(module_engine, sql)
    with pytest.raises(type(fakesnow.value), match="NOT_A_COLUMN"):
        module_engine.query_columns(sql)


@pytest.fixture
def translations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements fakesnow translates from now on (to run them or only to translate them)."""
    from fakesnow.cursor import FakeSnowflakeCursor

    seen: list[str] = []
    transform = FakeSnowflakeCursor._transform

    def recording(cursor: Any, expression: Any, params: Any) -> Any:
        seen.append(expression.sql(dialect="snowflake"))
        return transform(cursor, expression, params)

    monkeypatch.setattr(FakeSnowflakeCursor, "_transform", recording)
    return seen


CONTRACT = Contract.of([column("ID", "NUMBER(38,0)", nullable=False), column("HALF", "FLOAT")])


def test_a_contracted_build_translates_its_query_once(
    module_engine: Engine, described, translations: list[str]
) -> None:
    engine, target = module_engine, module_engine.fqn("ANALYTICS", "CATALOG_BUILT")
    engine.execute(f"INSERT INTO {next(iter(described))} (ID, SCORE) VALUES (1, 3.0), (2, 5.0)")
    query = f"SELECT ID, SCORE / 2 AS HALF FROM {next(iter(described))}"
    with engine.recording() as statements:
        assert [c.name for c in engine.query_columns(query)] == ["ID", "HALF"]
        engine.create_table_as(target, query, CONTRACT)
    assert sum(query in sql for sql in translations) == 1
    assert statements[-1] == f"INSERT INTO {target} (ID, HALF) SELECT ID, HALF FROM ({query})"
    assert engine.execute(f"SELECT ID, HALF FROM {target} ORDER BY ID") == [(1, 1.5), (2, 2.5)]
    assert engine.columns(target) == Engine.columns(engine, target)
    # a build of another query than the one described is translated as a statement of its own
    engine.create_table_as(target, "SELECT 3 AS ID, 0.5 AS HALF", CONTRACT)
    assert engine.execute(f"SELECT ID, HALF FROM {target}") == [(3, 0.5)]


@pytest.mark.parametrize(
    "query",
    ["SELECT ID, SCORE / 0 AS HALF FROM {t}", "SELECT CAST(NULL AS NUMBER) AS ID, 1.0 AS HALF FROM {t}"],
    ids=["refused at run time", "NULL in a NOT NULL column"],
)
def test_a_contracted_build_fails_as_fakesnows_run_of_it(
    module_engine: Engine, described, query: str
) -> None:
    engine, target = module_engine, module_engine.fqn("ANALYTICS", "CATALOG_FAILED")
    sql = query.format(t=next(iter(described)))
    engine.execute(f"INSERT INTO {next(iter(described))} (ID, SCORE) VALUES (7, 1.0)")
    engine.execute(f"CREATE OR REPLACE TABLE {target} ({CONTRACT.column_definitions()})")
    with pytest.raises(Exception) as fakesnow:
        engine.execute(f"INSERT INTO {target} (ID, HALF) SELECT ID, HALF FROM ({sql})")
    engine.query_columns(sql)
    with pytest.raises(type(fakesnow.value)) as direct:
        engine.create_table_as(target, sql, CONTRACT)
    assert str(direct.value).splitlines()[0] == str(fakesnow.value).splitlines()[0]
