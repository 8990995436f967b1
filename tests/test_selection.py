"""Node selection (dbt syntax) and plans over the shop project.

The shop graph:
    RAW_ORDERS -> STG_ORDERS -> FCT_ORDERS -> CUSTOMER_REVENUE -> REVENUE_BY_COUNTRY
                  STG_ORDERS -> LARGE_ORDERS (ephemeral) -> LARGE_ORDER_COUNTS
    RAW_CUSTOMERS -> STG_CUSTOMERS -> DIM_CUSTOMERS -> CUSTOMER_REVENUE;  COUNTRY_NAMES -> DIM_CUSTOMERS
    STG_CUSTOMERS -> CUSTOMERS_SNAPSHOT
"""

from __future__ import annotations

import pytest

from netflix_elt.errors import ProjectError, SelectionError
from netflix_elt.plan import COMMAND_KINDS, make_plan
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult
from netflix_elt.selection import Term, parse_term, select
from projects import shop


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_modules(shop)


def names(*items: str) -> set[str]:
    return {item.upper() for item in items}


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("dim_customers", Term("name", "dim_customers")),
        ("+dim_customers", Term("name", "dim_customers", ancestors=None)),
        ("2+dim_customers", Term("name", "dim_customers", ancestors=2)),
        ("dim_customers+", Term("name", "dim_customers", descendants=None)),
        ("dim_customers+1", Term("name", "dim_customers", descendants=1)),
        ("+dim_customers+", Term("name", "dim_customers", ancestors=None, descendants=None)),
        ("@dim_customers", Term("name", "dim_customers", at=True)),
        ("tag:mart+", Term("tag", "mart", descendants=None)),
        ("state:modified+", Term("state", "modified", descendants=None)),
        (" layer:staging ", Term("layer", "staging")),
    ],
)
def test_parse_term(text: str, term: Term) -> None:
    assert parse_term(text) == term


@pytest.mark.parametrize("text", ["a+b", "++a", "a++", "@", "+"])
def test_unparseable_terms_are_selection_errors_with_examples(text: str) -> None:
    with pytest.raises(SelectionError) as caught:
        parse_term(text)
    assert "cannot parse selector" in caught.value.message
    assert "+dim_movies" in (caught.value.hint or "")


def test_unknown_method_is_named() -> None:
    with pytest.raises(SelectionError, match="unknown selector method 'owner'"):
        parse_term("owner:me")


def test_no_selection_means_everything(registry: Registry) -> None:
    assert select(registry) == set(registry.names)
    assert select(registry, []) == set(registry.names)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("dim_customers", names("dim_customers")),
        ("DIM_Customers", names("dim_customers")),
        ("+dim_customers", names("dim_customers", "stg_customers", "raw_customers", "country_names")),
        ("1+dim_customers", names("dim_customers", "stg_customers", "country_names")),
        (
            "stg_orders+",
            names(
                "stg_orders",
                "fct_orders",
                "customer_revenue",
                "revenue_by_country",
                "large_orders",
                "large_order_counts",
            ),
        ),
        ("stg_orders+1", names("stg_orders", "fct_orders", "large_orders")),
        (
            "2+customer_revenue+1",
            names(
                "customer_revenue",
                "revenue_by_country",
                "fct_orders",
                "dim_customers",
                "stg_orders",
                "stg_customers",
                "country_names",
            ),
        ),
        (
            "@fct_orders",
            names(
                "fct_orders",
                "customer_revenue",
                "revenue_by_country",
                "dim_customers",
                "stg_customers",
                "raw_customers",
                "country_names",
                "stg_orders",
                "raw_orders",
            ),
        ),
        ("tag:mart", names("customer_revenue", "large_order_counts")),
        ("tag:mart+", names("customer_revenue", "large_order_counts", "revenue_by_country")),
        ("tag:nothing", set()),
        ("kind:view", names("stg_orders", "stg_customers")),
        ("kind:Incremental", names("fct_orders")),
        ("kind:ephemeral", names("large_orders")),
        ("layer:staging", names("stg_orders", "stg_customers")),
        ("layer:SNAPSHOTS", names("customers_snapshot")),
        ("stg_*", names("stg_orders", "stg_customers")),
        ("*_ORDERS", names("raw_orders", "stg_orders", "fct_orders", "large_orders")),
        ("raw_?????????", names("raw_customers")),
        ("nomatch_*", set()),
        ("stg_orders dim_customers", names("stg_orders", "dim_customers")),
        ("tag:mart,+revenue_by_country", names("customer_revenue")),
        ("kind:table,tag:mart,large*", names("large_order_counts")),
    ],
)
def test_select(registry: Registry, expression: str, expected: set[str]) -> None:
    assert select(registry, [expression]) == expected


def test_at_on_a_leaf_includes_its_ancestors_like_dbt(registry: Registry) -> None:
    assert select(registry, ["@revenue_by_country"]) == select(registry, ["+revenue_by_country"])
    assert "RAW_ORDERS" in select(registry, ["@large_order_counts"])


def test_several_expressions_are_a_union(registry: Registry) -> None:
    assert select(registry, ["tag:mart", "kind:view"]) == names(
        "customer_revenue", "large_order_counts", "stg_orders", "stg_customers"
    )


def test_exclude_removes_with_the_same_syntax(registry: Registry) -> None:
    assert select(registry, None, ["tag:raw", "tag:reference", "stg_orders+"]) == names(
        "stg_customers", "dim_customers", "customers_snapshot"
    )
    assert select(registry, ["+customer_revenue"], ["kind:source,kind:seed"]) == select(
        registry, ["+customer_revenue"]
    )
    assert select(registry, ["+customer_revenue"], ["raw_*", "country_names"]) == names(
        "customer_revenue", "fct_orders", "dim_customers", "stg_orders", "stg_customers"
    )


def test_unknown_model_name_is_a_project_error_with_a_suggestion(registry: Registry) -> None:
    with pytest.raises(ProjectError) as caught:
        select(registry, ["+dim_customer"])
    assert caught.value.hint == "did you mean DIM_CUSTOMERS?"


def test_state_modified_uses_the_callback_and_combines_with_graph_operators(registry: Registry) -> None:
    assert select(registry, ["state:modified"], modified=lambda: {"FCT_ORDERS", "GONE_MODEL"}) == names(
        "fct_orders"
    )
    assert select(registry, ["state:modified+"], modified=lambda: {"FCT_ORDERS"}) == names(
        "fct_orders", "customer_revenue", "revenue_by_country"
    )
    assert select(
        registry, None, ["state:modified"], modified=lambda: set(registry.names) - {"RAW_ORDERS"}
    ) == {"RAW_ORDERS"}


def test_state_selectors_need_state_and_only_know_modified(registry: Registry) -> None:
    with pytest.raises(SelectionError, match="needs the state of a previous run"):
        select(registry, ["state:modified"])
    with pytest.raises(SelectionError, match="unknown state selector 'state:new'"):
        select(registry, ["state:new"], modified=set)


def test_build_plan_drops_ephemeral_models_but_keeps_their_ordering(registry: Registry) -> None:
    plan = make_plan(registry, "build")
    assert "LARGE_ORDERS" not in plan.order and "LARGE_ORDERS" not in plan.dag
    assert set(plan.order) == set(registry.names) - {"LARGE_ORDERS"}
    assert plan.dag.upstream("LARGE_ORDER_COUNTS") == {"STG_ORDERS"}
    for name in plan.order:
        assert all(plan.order.index(p) < plan.order.index(name) for p in plan.dag.upstream(name))
    assert plan.builds and plan.checks


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "run",
            names(
                "stg_orders",
                "stg_customers",
                "fct_orders",
                "dim_customers",
                "customer_revenue",
                "large_order_counts",
                "revenue_by_country",
            ),
        ),
        ("seed", names("country_names")),
        ("snapshot", names("customers_snapshot")),
    ],
)
def test_each_command_builds_its_kinds(registry: Registry, command: str, expected: set[str]) -> None:
    plan = make_plan(registry, command)
    assert set(plan.order) == expected
    assert all(registry[n].kind_name in COMMAND_KINDS[command] for n in plan.order)


def test_test_plan_checks_without_building(registry: Registry) -> None:
    plan = make_plan(registry, "test", ["tag:mart"])
    assert set(plan.order) == names("customer_revenue", "large_order_counts")
    assert plan.checks and not plan.builds
    assert not make_plan(registry, "run").checks


def test_plan_of_a_selection_keeps_order_through_unselected_nodes(registry: Registry) -> None:
    plan = make_plan(registry, "build", ["raw_orders", "revenue_by_country"])
    assert plan.order == ["RAW_ORDERS", "REVENUE_BY_COUNTRY"]
    assert plan.dag.upstream("REVENUE_BY_COUNTRY") == {"RAW_ORDERS"}


def test_blocked_by_names_the_first_failed_or_skipped_parent(registry: Registry) -> None:
    plan = make_plan(registry, "build")
    ok = NodeResult(name="FCT_ORDERS", kind="incremental", status="warn")
    failed = NodeResult(name="DIM_CUSTOMERS", kind="table", status="error")
    assert plan.blocked_by("CUSTOMER_REVENUE", {"FCT_ORDERS": ok}) is None
    assert plan.blocked_by("CUSTOMER_REVENUE", {"FCT_ORDERS": ok, "DIM_CUSTOMERS": failed}) == "DIM_CUSTOMERS"
    skipped = NodeResult(name="CUSTOMER_REVENUE", kind="table", status="skipped")
    assert plan.blocked_by("REVENUE_BY_COUNTRY", {"CUSTOMER_REVENUE": skipped}) == "CUSTOMER_REVENUE"
