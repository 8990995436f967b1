"""A small sales project where every model follows the changes of its inputs: the running example of
tests/test_changes.py.

RAW_SALES grows by batches (LOADED_AT per batch; a later row of a SALE_ID corrects it); RAW_PRODUCTS is
replaced whole. SALES merges the new raw rows only (``changes_of``); SALES_CENTS maps the changes of
SALES (delete+insert); PRODUCTS tracks its changes by key; STORE_TOTALS and CATEGORY_TOTALS are
aggregates (the latter over a join with PRODUCTS); STORE_REPORT is a plain table over an aggregate,
WEEKLY_SUMMARY has a weekly cadence and PRODUCTS_HISTORY snapshots the products whose rows PRODUCTS
changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import snowflake.snowpark.functions as F
from snowflake.snowpark import DataFrame, Window

from netflix_elt import (
    Aggregate,
    Incremental,
    ModelContext,
    Snapshot,
    Table,
    column,
    count_of,
    max_of,
    min_of,
    model,
    source,
    sum_of,
)
from netflix_elt.engine import Engine
from netflix_elt.project import Project
from netflix_elt.quality import gxe, singular, snapshot_invariants
from projects.helpers import insert_rows, load_rows

RAW_SALES_TYPES = {
    "SALE_ID": "NUMBER(38,0)",
    "STORE_ID": "NUMBER(38,0)",
    "PRODUCT_ID": "NUMBER(38,0)",
    "AMOUNT": "NUMBER(10,2)",
    "SOLD_AT": "TIMESTAMP_NTZ",
    "LOADED_AT": "TIMESTAMP_NTZ",
}
RAW_PRODUCTS_TYPES = {"PRODUCT_ID": "NUMBER(38,0)", "CATEGORY": "VARCHAR", "LOADED_AT": "TIMESTAMP_NTZ"}

raw_sales = source(
    "raw_sales",
    loaded_at="LOADED_AT",
    run_dependent=["LOADED_AT"],
    checks=[
        gxe.ExpectColumnValuesToNotBeNull(column="SALE_ID"),
        singular("no_sale_before_2024", "SELECT * FROM {this} WHERE SOLD_AT < '2024-01-01'", delta_safe=True),
    ],
)
raw_products = source("raw_products")


def newest_sale(rows: DataFrame) -> DataFrame:
    """One row per SALE_ID: the last loaded."""
    newest = Window.partition_by("SALE_ID").order_by(F.col("LOADED_AT").desc())
    ranked = rows.with_column("_N", F.row_number().over(newest)).filter(F.col("_N") == 1)
    return ranked.select("SALE_ID", "STORE_ID", "PRODUCT_ID", "AMOUNT", "SOLD_AT")


@model(
    Incremental(unique_key=("SALE_ID",), changes_of=("raw_sales",)),
    checks=[
        gxe.ExpectColumnValuesToNotBeNull(column="AMOUNT"),
        gxe.ExpectColumnValuesToBeBetween(column="AMOUNT", min_value=0),
        gxe.ExpectColumnValuesToBeUnique(column="SALE_ID"),
        gxe.ExpectColumnValuesToBeUnique(column="SOLD_AT"),  # not the key: an old row may share it
        gxe.ExpectTableRowCountToBeBetween(min_value=1),  # a whole-table check
    ],
)
def sales(raw_sales: DataFrame, ctx: ModelContext) -> DataFrame:
    """Every sale as last corrected; an incremental build reads only the rows loaded since."""
    return newest_sale(ctx.inserted("raw_sales") if ctx.is_incremental else raw_sales)


@model(
    Incremental(unique_key=("SALE_ID",), strategy="delete+insert", changes_of=("sales",)),
    # no model reads its changes: this check alone makes it record them (new images only)
    checks=[gxe.ExpectColumnValuesToBeBetween(column="CENTS", min_value=0)],
)
def sales_cents(sales: DataFrame, ctx: ModelContext) -> DataFrame:
    rows = ctx.inserted("sales") if ctx.is_incremental else sales
    return rows.select("SALE_ID", (F.col("AMOUNT") * 100).cast("NUMBER(38,0)").alias("CENTS"))


@model(
    Table(track_changes=True),
    columns=[
        column("PRODUCT_ID", "NUMBER(38,0)", key=True),
        column("CATEGORY", "VARCHAR"),
        # a new value each load: not a change of the product (run-dependent columns are not compared)
        column("LOADED_AT", "TIMESTAMP_NTZ", run_dependent=True),
    ],
)
def products(raw_products: DataFrame) -> DataFrame:
    return raw_products.select("PRODUCT_ID", "CATEGORY", "LOADED_AT")


@model(
    Snapshot(
        unique_key=("PRODUCT_ID",),
        strategy="check",
        check_cols=("CATEGORY",),
        hard_deletes="invalidate",
        changes_of=("products",),
    ),
    checks=[*snapshot_invariants()],
)
def products_history(products: DataFrame) -> DataFrame:
    return products.select("PRODUCT_ID", "CATEGORY")


@model(
    Aggregate(
        group_by=("STORE_ID",),
        measures={
            "SALES_COUNT": count_of(),
            "AMOUNT_TOTAL": sum_of("AMOUNT"),
            "FIRST_SOLD_AT": min_of("SOLD_AT"),
            "LAST_SOLD_AT": max_of("SOLD_AT"),
        },
    )
)
def store_totals(sales: DataFrame) -> DataFrame:
    return sales.select("STORE_ID", "AMOUNT", "SOLD_AT")


@model(
    Aggregate(
        group_by=("CATEGORY",),
        measures={"SALES_COUNT": count_of(), "AMOUNT_TOTAL": sum_of("AMOUNT")},
    )
)
def category_totals(sales: DataFrame, products: DataFrame) -> DataFrame:
    return sales.join(products, "PRODUCT_ID").select("CATEGORY", "AMOUNT")


@model(Table())
def store_report(store_totals: DataFrame) -> DataFrame:
    return store_totals.select(
        "STORE_ID", (F.col("AMOUNT_TOTAL") / F.col("SALES_COUNT")).alias("AVERAGE_AMOUNT")
    )


@model(Table(), cron="0 6 * * 1")
def weekly_summary(store_totals: DataFrame) -> DataFrame:
    return store_totals.agg(F.sum("SALES_COUNT").alias("SALES"))


def create_raw(engine: Engine) -> None:
    """Empty RAW_SALES and RAW_PRODUCTS tables."""
    for name, types in (("RAW_SALES", RAW_SALES_TYPES), ("RAW_PRODUCTS", RAW_PRODUCTS_TYPES)):
        columns = ", ".join(f"{c} {t}" for c, t in types.items())
        engine.execute(f"CREATE OR REPLACE TABLE {engine.fqn('RAW', name)} ({columns})")


MONDAY = datetime(2024, 6, 3, 7, 0, tzinfo=UTC)  # just after the weekly slot (Mondays 06:00)

# (SALE_ID, STORE_ID, PRODUCT_ID, AMOUNT, SOLD_AT) per day; a SALE_ID seen before is a correction.
SALES = {
    0: [
        (1, 1, 10, "10.00", "2024-06-01 09:00:00"),
        (2, 1, 11, "20.50", "2024-06-01 10:00:00"),
        (3, 2, 12, "5.25", "2024-06-01 11:00:00"),
        (4, 2, 10, "7.75", "2024-06-02 09:30:00"),
        (5, 1, 12, "1.00", "2024-06-02 12:00:00"),
    ],
    # new sales; sale 5 corrected (it held store 1's LAST_SOLD_AT: the maximum moves back)
    1: [
        (6, 2, 11, "3.00", "2024-06-03 08:00:00"),
        (7, 3, 10, "4.40", "2024-06-03 08:30:00"),
        (5, 1, 12, "1.50", "2024-06-01 12:00:00"),
    ],
    # sale 1 corrected (it held store 1's FIRST_SOLD_AT: the minimum moves on); a sale of a new product
    2: [
        (1, 1, 10, "12.00", "2024-06-02 08:00:00"),
        (8, 3, 13, "9.99", "2024-06-04 10:00:00"),
    ],
    3: [],
}
PRODUCTS = {
    0: [(10, "books"), (11, "games"), (12, "books")],
    1: [(10, "books"), (11, "music"), (12, "books"), (13, "music")],  # 11 moves, 13 is new
    2: [(10, "books"), (11, "music"), (13, "music")],  # 12 is gone
    3: [(10, "books"), (11, "music"), (13, "music")],
}


def load_day(project: Project, day: int) -> None:
    """Append the day's sales and replace the products (both loaded at 05:00 of that day)."""
    loaded_at = (MONDAY + timedelta(days=day)).replace(hour=5, tzinfo=None).isoformat(sep=" ")
    rows = [(*sale, loaded_at) for sale in SALES[day]]
    insert_rows(project.engine, "MOVIELENS.RAW.RAW_SALES", RAW_SALES_TYPES, rows)
    products = [(*product, loaded_at) for product in PRODUCTS[day]]
    load_rows(project.engine, "MOVIELENS.RAW.RAW_PRODUCTS", RAW_PRODUCTS_TYPES, products)
