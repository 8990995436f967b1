"""The registry: models collected from modules and packages, validated into a DAG before anything runs."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from netflix_elt import Incremental, Snapshot, Table, model
from netflix_elt.config import Schemas
from netflix_elt.declare import ModelSpec
from netflix_elt.errors import NetflixEltError, ProjectError
from netflix_elt.registry import Registry
from projects import cyclic, duplicate_name, shop, unknown_ref
from projects.helpers import registry_of


def line_at(location: str) -> str:
    """The source line a 'file:line' location points to."""
    path, number = location.rsplit(":", 1)
    return Path(path).read_text(encoding="utf-8").splitlines()[int(number) - 1]


def test_from_modules_collects_every_declaration_in_dependency_order() -> None:
    registry = Registry.from_modules(shop)
    assert set(registry.names) == {
        "RAW_ORDERS",
        "RAW_CUSTOMERS",
        "COUNTRY_NAMES",
        "STG_ORDERS",
        "STG_CUSTOMERS",
        "LARGE_ORDERS",
        "FCT_ORDERS",
        "DIM_CUSTOMERS",
        "CUSTOMER_REVENUE",
        "LARGE_ORDER_COUNTS",
        "CUSTOMERS_SNAPSHOT",
        "REVENUE_BY_COUNTRY",
    }
    assert len(registry) == 12
    order = registry.order
    for spec in registry:
        assert all(order.index(parent) < order.index(spec.name) for parent in spec.depends_on)
    assert [s.name for s in registry] == order


def test_specs_carry_kind_layer_tags_dependencies_and_location() -> None:
    registry = Registry.from_modules(shop)
    fct = registry["fct_orders"]
    assert fct.kind_name == "incremental" and fct.materialized
    assert fct.depends_on == ("STG_ORDERS",)  # ctx is not a dependency
    assert fct.wants_context
    assert fct.layer == "analytics" and fct.tags == frozenset({"fact"})
    assert "def fct_orders" in line_at(fct.location) or "@model" in line_at(fct.location)
    assert registry["stg_orders"].layer == "staging"
    assert registry["stg_orders"].description == "Orders as loaded, minus the load timestamp."
    assert registry["customers_snapshot"].layer == "snapshots"
    assert registry["revenue_by_country"].layer == "analysis"
    assert registry["raw_orders"].kind_name == "source" and registry["raw_orders"].layer == "raw"
    assert registry["country_names"].kind_name == "seed" and registry["country_names"].layer == "raw"
    assert "country_names = seed(" in line_at(registry["country_names"].location)
    assert registry["large_orders"].materialized is False
    assert registry["customer_revenue"].depends_on == ("FCT_ORDERS", "DIM_CUSTOMERS")


def test_lookup_is_case_insensitive_and_unknown_names_suggest_a_close_one() -> None:
    registry = Registry.from_modules(shop)
    assert registry["Dim_Customers"] is registry["DIM_CUSTOMERS"]
    assert "dim_customers" in registry and "nope" not in registry and 3 not in registry
    with pytest.raises(ProjectError) as caught:
        registry["dim_customer"]
    assert "unknown model 'dim_customer'" in caught.value.render()
    assert caught.value.hint == "did you mean DIM_CUSTOMERS?"
    with pytest.raises(ProjectError) as caught:
        registry["qqqqqq"]
    assert "netflix-elt ls" in (caught.value.hint or "")


def test_read_tables_look_through_ephemeral_models() -> None:
    registry = Registry.from_modules(shop)
    assert registry.read_tables("large_order_counts") == {"STG_ORDERS"}
    assert registry.read_tables("customer_revenue") == {"FCT_ORDERS", "DIM_CUSTOMERS"}
    assert registry.read_tables("raw_orders") == set()


def test_schema_of_follows_the_layer_and_the_profile_schemas() -> None:
    registry = Registry.from_modules(shop)
    schemas = Schemas(staging="STG_DEV", analytics="MARTS")
    assert registry.schema_of("stg_orders", schemas) == "STG_DEV"
    assert registry.schema_of("dim_customers", schemas) == "MARTS"
    assert registry.schema_of("raw_orders", schemas) == "RAW"


def test_from_package_imports_submodules_and_does_not_declare_imported_models_twice() -> None:
    registry = Registry.from_package("projects.multi")
    assert set(registry.names) == {"NUMBERS", "STG_NUMBERS", "NUMBER_TOTAL"}
    assert registry["number_total"].depends_on == ("STG_NUMBERS",)
    assert "multi/staging.py" in registry["stg_numbers"].location


def test_duplicate_names_fail_naming_both_declarations() -> None:
    with pytest.raises(ProjectError) as caught:
        Registry.from_modules(duplicate_name)
    error = caught.value
    assert "model name DAILY is declared twice" in error.message
    assert error.where is not None and error.where.startswith(duplicate_name.__file__)
    assert "first declared at" in (error.hint or "") and duplicate_name.__file__ in (error.hint or "")
    assert "rename" in (error.hint or "")
    assert "\n" not in error.render()


def test_duplicate_names_across_modules_fail_too() -> None:
    from projects.versions import v1, v2

    with pytest.raises(ProjectError, match="declared twice"):
        Registry.from_modules(v1, v2)


def test_unknown_reference_names_the_model_the_file_and_a_suggestion() -> None:
    with pytest.raises(ProjectError) as caught:
        Registry.from_modules(unknown_ref)
    error = caught.value
    assert error.message == "model TOTALS reads 'numbrs', which is not a model"
    assert error.where is not None and error.where.startswith(unknown_ref.__file__)
    assert error.hint == "did you mean 'numbers'?"


def test_unknown_reference_without_a_close_name_says_what_to_do() -> None:
    @model(Table())
    def lonely(xyzzy_input):
        return xyzzy_input

    with pytest.raises(ProjectError) as caught:
        registry_of(lonely)
    assert caught.value.hint == "declare it, or rename the parameter"


def test_cycles_fail_with_their_path_and_location() -> None:
    with pytest.raises(ProjectError) as caught:
        Registry.from_modules(cyclic)
    error = caught.value
    assert error.message == "dependency cycle: A -> B -> C -> A"
    assert error.where is not None and error.where.startswith(cyclic.__file__)


def test_a_model_reading_itself_is_a_cycle() -> None:
    @model(Table())
    def selfish(selfish):
        return selfish

    with pytest.raises(ProjectError, match="dependency cycle: SELFISH -> SELFISH"):
        registry_of(selfish)


@pytest.mark.parametrize("name", ["left", "order", "select", "2fast", "my-model"])
def test_model_names_must_work_unquoted_in_snowflake(name: str) -> None:
    def body(numbers):
        return numbers

    with pytest.raises(ProjectError) as caught:
        registry_of(model(Table(), name=name)(body))
    assert f"model name {name.upper()} cannot be used unquoted" in caught.value.message
    assert caught.value.where is not None and caught.value.where.startswith(__file__)


def test_model_decorator_returns_the_function_unchanged_and_names_it() -> None:
    def plain(numbers):
        return numbers

    decorated = model(Table(), name="renamed", tags=["x"])(plain)
    assert decorated is plain
    spec = plain.__netflix_elt_model__
    assert isinstance(spec, ModelSpec)
    assert spec.name == "RENAMED" and spec.depends_on == ("NUMBERS",) and spec.tags == frozenset({"x"})
    assert plain("anything") == "anything"


def test_an_unknown_layer_is_a_project_error_naming_the_model() -> None:
    def misplaced(numbers):
        return numbers

    with pytest.raises(ProjectError) as caught:
        model(Table(), layer="gold")(misplaced)
    assert "unknown layer 'gold'" in caught.value.render()
    assert "misplaced" in caught.value.render()
    assert "staging" in caught.value.render()


@pytest.mark.parametrize(
    ("make_kind", "expected"),
    [
        (lambda: Incremental(strategy="merge"), "needs unique_key"),
        (lambda: Incremental(unique_key=("ID",), strategy="upsert"), "strategy"),
        (lambda: Snapshot(unique_key=("ID",), strategy="check"), "needs check_cols"),
        (lambda: Snapshot(unique_key=("ID",)), "needs updated_at"),
        (lambda: Table(materialize_fast=True), "unknown key 'materialize_fast'"),
    ],
)
def test_invalid_kind_configuration_is_a_one_line_project_error(make_kind, expected: str) -> None:
    with pytest.raises(NetflixEltError) as caught:
        make_kind()
    assert isinstance(caught.value, ProjectError)
    text = caught.value.render()
    assert expected in text and "\n" not in text
    assert caught.value.where is not None and caught.value.where.startswith(__file__)


def test_fingerprint_is_stable_and_follows_code_kind_and_tags() -> None:
    import dataclasses

    registry = Registry.from_modules(shop)
    spec = registry["fct_orders"]
    assert spec.fingerprint() == Registry.from_modules(importlib.reload(shop))["fct_orders"].fingerprint()
    assert len(spec.fingerprint()) == 16
    changed_kind = dataclasses.replace(spec, kind=Incremental(unique_key=("ORDER_ID",), lookback_hours=2))
    changed_tags = dataclasses.replace(spec, tags=frozenset({"other"}))
    assert len({spec.fingerprint(), changed_kind.fingerprint(), changed_tags.fingerprint()}) == 3


def test_seed_fingerprint_follows_the_csv_content(tmp_path: Path) -> None:
    from netflix_elt import seed

    csv = tmp_path / "tiny.csv"
    csv.write_text("A\n1\n", encoding="utf-8")
    first = seed("tiny", csv, {"A": "NUMBER"})
    csv.write_text("A\n2\n", encoding="utf-8")
    second = seed("tiny", csv, {"A": "NUMBER"})
    assert first.fingerprint() != second.fingerprint()
    assert first.kind.path == str(csv.resolve())
