"""The embedded engine reads a relation's columns and kind from DuckDB's catalog (``LocalEngine.columns``,
``LocalEngine.object_type``): it must answer exactly as fakesnow's DESCRIBE TABLE and SHOW OBJECTS (the
base engine's routes) do, type spelling, order and nullability included, and fall back to that DESCRIBE
for what it does not map."""

from __future__ import annotations

import pytest

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
