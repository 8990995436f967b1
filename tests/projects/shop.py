"""A small, valid shop project with every kind: the tests' running example.

sources RAW_ORDERS (freshness on LOADED_AT) and RAW_CUSTOMERS, seed COUNTRY_NAMES, staging views,
an ephemeral LARGE_ORDERS, an incremental FCT_ORDERS, tables, a check-strategy snapshot and an analysis.
``load_raw`` fills the raw tables from sql_fixtures/shop/.
"""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import (
    Analysis,
    Ephemeral,
    Incremental,
    ModelContext,
    Snapshot,
    Table,
    View,
    model,
    seed,
    source,
)
from netflix_elt.engine import Engine
from projects.helpers import FIXTURES, load_csv

RAW_ORDERS_TYPES = {
    "ORDER_ID": "NUMBER(38,0)",
    "CUSTOMER_ID": "NUMBER(38,0)",
    "AMOUNT": "NUMBER(10,2)",
    "STATUS": "VARCHAR",
    "UPDATED_AT": "TIMESTAMP_NTZ",
    "LOADED_AT": "TIMESTAMP_NTZ",
}
RAW_CUSTOMERS_TYPES = {
    "CUSTOMER_ID": "NUMBER(38,0)",
    "NAME": "VARCHAR",
    "COUNTRY_CODE": "VARCHAR",
    "TIER": "VARCHAR",
}

raw_orders = source(
    "raw_orders", loaded_at="LOADED_AT", warn_after_hours=24, error_after_hours=72, tags=["raw"]
)
raw_customers = source("raw_customers", tags=["raw"])
country_names = seed(
    "country_names",
    "../../sql_fixtures/seeds/country_names.csv",
    {"COUNTRY_CODE": "VARCHAR", "COUNTRY_NAME": "VARCHAR"},
    tags=["reference"],
)


@model(View(), layer="staging", tags=["staging"])
def stg_orders(raw_orders):
    """Orders as loaded, minus the load timestamp."""
    return raw_orders.select("ORDER_ID", "CUSTOMER_ID", "AMOUNT", "STATUS", "UPDATED_AT")


@model(View(), layer="staging", tags=["staging"])
def stg_customers(raw_customers):
    return raw_customers.select("CUSTOMER_ID", "NAME", "COUNTRY_CODE", "TIER")


@model(Ephemeral())
def large_orders(stg_orders):
    return stg_orders.filter(F.col("AMOUNT") >= F.lit(100))


@model(Incremental(unique_key=("ORDER_ID",), incremental_column="UPDATED_AT"), tags=["fact"])
def fct_orders(stg_orders, ctx: ModelContext):
    if ctx.is_incremental:
        return stg_orders.filter(F.col("UPDATED_AT") > F.lit(ctx.high_water_mark))
    return stg_orders


@model(Table(), tags=["dim"])
def dim_customers(stg_customers, country_names):
    joined = stg_customers.join(country_names, on="COUNTRY_CODE", how="left")
    return joined.select("CUSTOMER_ID", "NAME", "COUNTRY_CODE", "COUNTRY_NAME", "TIER")


@model(Table(), tags=["mart"])
def customer_revenue(fct_orders, dim_customers):
    revenue = (
        fct_orders.filter(F.col("STATUS") != F.lit("cancelled"))
        .group_by("CUSTOMER_ID")
        .agg(F.sum("AMOUNT").alias("REVENUE"), F.count("ORDER_ID").alias("ORDERS"))
    )
    return revenue.join(dim_customers, on="CUSTOMER_ID").select(
        "CUSTOMER_ID", "NAME", "COUNTRY_NAME", "REVENUE", "ORDERS"
    )


@model(Table(), tags=["mart"])
def large_order_counts(large_orders):
    return large_orders.group_by("CUSTOMER_ID").agg(F.count("ORDER_ID").alias("LARGE_ORDERS"))


@model(Snapshot(unique_key=("CUSTOMER_ID",), strategy="check", check_cols=("TIER",)))
def customers_snapshot(stg_customers):
    return stg_customers


@model(Analysis(question="Which country brings the most revenue?"))
def revenue_by_country(customer_revenue):
    return customer_revenue.group_by("COUNTRY_NAME").agg(F.sum("REVENUE").alias("REVENUE"))


def load_raw(engine: Engine) -> None:
    """Fill RAW.RAW_ORDERS and RAW.RAW_CUSTOMERS from sql_fixtures/shop/."""
    raw = engine.profile.schemas.raw
    load_csv(engine, engine.fqn(raw, "RAW_ORDERS"), FIXTURES / "shop/raw_orders.csv", RAW_ORDERS_TYPES)
    load_csv(
        engine, engine.fqn(raw, "RAW_CUSTOMERS"), FIXTURES / "shop/raw_customers.csv", RAW_CUSTOMERS_TYPES
    )
