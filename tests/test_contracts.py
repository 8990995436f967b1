"""Contract declarations: columns, types, key and run-dependent columns travel from @model to the
ModelSpec; a bad declaration is a ProjectError naming the model; comparisons name every difference."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from netflix_elt import Ephemeral, Snapshot, Table, View, column, model, seed
from netflix_elt.contracts import Contract, declared_type, normalised_type, type_fits
from netflix_elt.declare import spec_of
from netflix_elt.engine import Column
from netflix_elt.errors import ProjectError
from netflix_elt.registry import Registry

SEEDS = Path(__file__).resolve().parents[1] / "sql_fixtures" / "seeds"


@model(
    Table(),
    columns=[
        column("movie_id", "number(38,0)", nullable=False, key=True),
        column("TITLE", "string"),
        column("_LOADED_AT", "datetime", run_dependent=True),
    ],
)
def contracted():  # pragma: no cover - never called
    raise AssertionError


def test_contract_reaches_the_spec_in_canonical_spelling() -> None:
    spec = spec_of(contracted)
    assert spec is not None and spec.contract is not None
    assert spec.contract.names == ("MOVIE_ID", "TITLE", "_LOADED_AT")
    assert [c.type for c in spec.contract.columns] == ["NUMBER(38,0)", "VARCHAR", "TIMESTAMP_NTZ"]
    assert spec.contract.key == ("MOVIE_ID",)
    assert spec.contract.run_dependent == ("_LOADED_AT",)
    assert spec.contract.not_null == ("MOVIE_ID",)
    assert spec.contract.column_definitions() == (
        "MOVIE_ID NUMBER(38,0) NOT NULL, TITLE VARCHAR, _LOADED_AT TIMESTAMP_NTZ"
    )


def test_contract_is_part_of_the_fingerprint() -> None:
    spec = spec_of(contracted)
    assert spec is not None
    assert replace(spec, contract=None).fingerprint() != spec.fingerprint()


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ([column("A", "NUMBR")], "contract column A: unknown type 'NUMBR'"),
        ([column("A", "VARIANT")], "unsupported type 'VARIANT'"),
        ([column("A", "VARCHAR(3)")], "has a length"),
        ([column("A", "TIMESTAMP")], "declare TIMESTAMP_NTZ"),
        ([column("A", "NUMBER(40,2)")], "precision <= 38"),
        ([column("A", "NUMBER(38,0) NOT NULL")], "is not a Snowflake type"),
        ([column("A", "INT"), column("a", "FLOAT")], "contract column A is declared twice"),
        ([column("A", "INT", key=True, run_dependent=True)], "both a key and run-dependent"),
        ([column("ORDER", "INT")], "cannot be used unquoted"),
        (["A INT"], "not a column(...)"),
        ([], "columns= is empty"),
    ],
)
def test_a_bad_declaration_names_the_model(columns: list, message: str) -> None:
    with pytest.raises(ProjectError) as caught:

        @model(Table(), columns=columns)
        def bad_contract():  # pragma: no cover - never called
            raise AssertionError

    text = caught.value.render()
    assert message in text
    assert text.startswith("model BAD_CONTRACT (") and "test_contracts.py:" in text
    assert "\n" not in text


def test_kinds_refuse_what_they_cannot_publish_or_enforce() -> None:
    with pytest.raises(ProjectError, match="never published"):
        model(Ephemeral(), columns=[column("A", "INT")])(lambda: None)
    with pytest.raises(ProjectError, match="a view cannot promise NOT NULL \\(A\\)"):
        model(View(), columns=[column("A", "INT", nullable=False)])(lambda: None)
    snapshot = Snapshot(unique_key=("A",), updated_at="B")
    with pytest.raises(ProjectError, match="VALID_FROM are the snapshot's own columns"):
        model(snapshot, columns=[column("A", "INT"), column("VALID_FROM", "TIMESTAMP_NTZ")])(lambda: None)


@pytest.mark.parametrize(
    ("kind", "key", "run_dependent"),
    [
        (Snapshot(unique_key=("A",), updated_at="B"), ("A", "VALID_FROM"), ("SNAPSHOT_RUN_AT",)),
        (
            Snapshot(unique_key=("A",), updated_at="B", hard_deletes="invalidate"),
            (),
            ("VALID_FROM", "VALID_TO", "SNAPSHOT_RUN_AT"),
        ),
        (
            Snapshot(unique_key=("A",), strategy="check", check_cols=("B",)),
            (),
            ("VALID_FROM", "VALID_TO", "SNAPSHOT_RUN_AT"),
        ),
    ],
)
def test_a_snapshot_adds_its_own_columns_and_key_to_the_contract(
    kind: Snapshot, key: tuple, run_dependent: tuple
) -> None:
    def history():  # pragma: no cover - never called
        raise AssertionError

    spec = spec_of(model(kind, columns=[column("A", "INT", nullable=False), column("B", "DATE")])(history))
    assert spec is not None and spec.contract is not None
    assert spec.contract.names == (
        "A",
        "B",
        "VALID_FROM",
        "VALID_TO",
        "IS_CURRENT",
        "IS_DELETED",
        "SNAPSHOT_RUN_AT",
    )
    # The same key and run-dependent columns as the kind gives `netflix-elt diff` without a contract.
    assert spec.contract.key == key == kind.row_key()
    assert spec.contract.run_dependent == run_dependent == kind.run_dependent_columns()
    assert spec.contract.not_null == ("A", "VALID_FROM", "IS_CURRENT", "IS_DELETED", "SNAPSHOT_RUN_AT")


def test_a_snapshot_sets_its_key_itself() -> None:
    snapshot = Snapshot(unique_key=("A",), updated_at="B")
    with pytest.raises(ProjectError, match="key=True on A: a snapshot's row key is its unique_key"):
        model(snapshot, columns=[column("A", "INT", key=True), column("B", "DATE")])(lambda: None)
    with pytest.raises(ProjectError, match=r"unique_key column\(s\) A not declared"):
        model(snapshot, columns=[column("B", "DATE")])(lambda: None)


def test_a_seed_derives_its_contract_from_column_types_or_takes_one() -> None:
    derived = seed("derived", SEEDS / "numbers.csv", {"n": "int", "label": "text"})
    assert derived.contract is not None
    assert [(c.name, c.type, c.nullable, c.key) for c in derived.contract.columns] == [
        ("N", "NUMBER(38,0)", True, False),
        ("LABEL", "VARCHAR", True, False),
    ]
    assert derived.kind.column_types == {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"}
    declared = seed("declared", SEEDS / "numbers.csv", columns=[column("N", "INT", nullable=False, key=True)])
    assert declared.contract is not None and declared.contract.key == ("N",)
    with pytest.raises(ProjectError, match="exactly one of column_types= and columns="):
        seed("both", SEEDS / "numbers.csv", {"N": "INT"}, columns=[column("N", "INT")])
    with pytest.raises(ProjectError, match=r"seed BAD_TYPE .*unknown type 'NUMBR'"):
        seed("bad_type", SEEDS / "numbers.csv", {"N": "NUMBR"})


def test_the_manifest_lists_each_contract() -> None:
    from netflix_elt.artifacts import manifest
    from netflix_elt.config import Schemas

    nodes = manifest(Registry([spec_of(contracted)]), Schemas(), "MOVIELENS")["nodes"]
    assert nodes["CONTRACTED"]["columns"][0] == {
        "name": "MOVIE_ID",
        "type": "NUMBER(38,0)",
        "nullable": False,
        "key": True,
        "run_dependent": False,
        "description": "",
    }


# -- types and comparisons ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("declared", "canonical"),
    [
        ("int", "NUMBER(38,0)"),
        ("BIGINT", "NUMBER(38,0)"),
        ("number", "NUMBER(38,0)"),
        ("NUMBER(10)", "NUMBER(10,0)"),
        ("decimal(10, 2)", "NUMBER(10,2)"),
        ("double precision", "FLOAT"),
        ("REAL", "FLOAT"),
        ("string", "VARCHAR"),
        ("boolean", "BOOLEAN"),
        ("date", "DATE"),
        ("TIMESTAMP_NTZ(9)", "TIMESTAMP_NTZ"),
    ],
)
def test_declared_types_are_spelled_canonically(declared: str, canonical: str) -> None:
    assert declared_type(declared) == canonical


@pytest.mark.parametrize(
    ("described", "normalised"),
    [
        ("VARCHAR(16777216)", "VARCHAR"),  # what both engines report for VARCHAR
        ("TIMESTAMP_NTZ(9)", "TIMESTAMP_NTZ"),
        ("INTEGER", "NUMBER(38,0)"),  # the embedded engine's 32-bit integers
        ("NUMBER(18,0)", "NUMBER(18,0)"),  # Snowflake's COUNT
        ("FLOAT", "FLOAT"),
        ("TIMESTAMP_LTZ(9)", "TIMESTAMP_LTZ(9)"),  # not a contract type: kept as reported
    ],
)
def test_described_types_are_normalised(described: str, normalised: str) -> None:
    assert normalised_type(described) == normalised


def test_a_type_fits_its_family_and_scale() -> None:
    assert type_fits("NUMBER(18,0)", "NUMBER(38,0)")
    assert not type_fits("NUMBER(38,6)", "NUMBER(38,0)")
    assert not type_fits("FLOAT", "NUMBER(38,0)")
    assert not type_fits("NUMBER(38,0)", "FLOAT")
    assert type_fits("VARCHAR", "VARCHAR")


CONTRACT = Contract.of(
    [
        column("ID", "NUMBER(38,0)", nullable=False, key=True),
        column("NAME", "VARCHAR"),
        column("PRICE", "NUMBER(10,2)"),
        column("AT", "TIMESTAMP_NTZ"),
    ]
)


def test_differences_name_every_mismatch() -> None:
    actual = [
        Column("NAME", "VARCHAR(16777216)"),
        Column("ID", "NUMBER(18,0)"),
        Column("PRICE", "FLOAT"),
        Column("COLOUR", "VARCHAR(3)"),
    ]
    assert CONTRACT.differences(actual, exact=False) == [
        "missing AT TIMESTAMP_NTZ",
        "extra COLOUR VARCHAR",
        "column order is (NAME, ID, PRICE), the contract's (ID, NAME, PRICE)",
        "PRICE is FLOAT, the contract says NUMBER(10,2)",
    ]


def test_an_exact_comparison_also_checks_precision_and_nullability() -> None:
    built = [
        Column("ID", "NUMBER(18,0)", nullable=True),
        Column("NAME", "VARCHAR(16777216)"),
        Column("PRICE", "NUMBER(10,2)"),
        Column("AT", "TIMESTAMP_NTZ(9)"),
    ]
    assert CONTRACT.differences(built, exact=True) == [
        "ID is NUMBER(18,0), the contract says NUMBER(38,0)",
        "ID is nullable, the contract says NOT NULL",
    ]
    built[0] = Column("ID", "NUMBER(38,0)", nullable=False)
    assert CONTRACT.differences(built, exact=True) == []
    assert CONTRACT.differences(built, exact=False) == []
