"""Models over the shop's tables (build with ``Registry.from_modules(shop, diffing)``) for ``diff``:
one with a contract naming its key and a run-dependent column, and a timestamp-strategy snapshot."""

import snowflake.snowpark.functions as F

from netflix_elt import ModelContext, Snapshot, Table, column, model


@model(
    Table(),
    columns=[
        column("ORDER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("AMOUNT", "NUMBER(10,2)"),
        column("SHARE", "FLOAT"),
        column("BUILT_AT", "TIMESTAMP_NTZ", run_dependent=True),
    ],
)
def order_shares(fct_orders, ctx: ModelContext):
    """Each order's AMOUNT and its share of all orders' amount, stamped with the build time."""
    total = fct_orders.agg(F.sum("AMOUNT").alias("TOTAL"))
    return fct_orders.cross_join(total).select(
        "ORDER_ID",
        "AMOUNT",
        (F.col("AMOUNT") / F.col("TOTAL")).cast("FLOAT").alias("SHARE"),
        F.lit(ctx.run_started_at.replace(tzinfo=None)).cast("TIMESTAMP_NTZ").alias("BUILT_AT"),
    )


@model(Snapshot(unique_key=("ORDER_ID",), strategy="timestamp", updated_at="UPDATED_AT"))
def orders_history(stg_orders):
    return stg_orders
