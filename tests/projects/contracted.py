"""Contracted models of every published kind, over the kinds fixtures (items, events, customers).

``ctx.vars['break']`` makes a model return something its contract does not allow: ``missing`` (a
column left out), ``extra`` (one more column), ``type`` (a FLOAT where a NUMBER(10,2) is promised),
``order`` (two columns swapped) or ``null`` (a NULL in a NOT NULL column).
"""

from __future__ import annotations

import snowflake.snowpark.functions as F
from snowflake.snowpark import DataFrame

from netflix_elt import (
    Analysis,
    Incremental,
    ModelContext,
    Snapshot,
    Table,
    View,
    column,
    model,
    seed,
    source,
)

raw_items = source("raw_items")
raw_events = source("raw_events")
raw_customers = source("raw_customers")


def broken(df: DataFrame, how: str | None, number: str, not_null: str) -> DataFrame:
    """``df`` changed as ``how`` says (see the module doc); ``number`` is a NUMBER(10,2) column."""
    names = list(df.columns)
    if how == "missing":
        return df.drop(number)
    if how == "extra":
        return df.with_column("COLOUR", F.lit("red"))
    if how == "order":
        return df.select(names[1], names[0], *names[2:])
    replaced = {
        "type": (number, F.col(number).cast("double")),
        "null": (not_null, F.lit(None).cast("varchar" if not_null == "NAME" else "NUMBER(10,2)")),
    }.get(how or "")
    if replaced is None:
        return df
    name, value = replaced
    return df.select(*[value.alias(c) if c == name else F.col(c) for c in names])


@model(
    Table(),
    columns=[
        column("ITEM_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("NAME", "VARCHAR", nullable=False),
        column("PRICE", "NUMBER(10,2)"),
    ],
)
def items(raw_items, ctx: ModelContext):
    return broken(raw_items.select("ITEM_ID", "NAME", "PRICE"), ctx.vars.get("break"), "PRICE", "NAME")


@model(
    Analysis(question="How many items are there, at what mean price?"),
    columns=[
        column("ITEMS", "NUMBER(38,0)", nullable=False),
        column("MEAN_PRICE", "FLOAT"),
        column("CHECKED", "BOOLEAN", nullable=False, key=True),
    ],
)
def item_stats(items):
    """COUNT is NUMBER(18,0) on Snowflake, NUMBER(38,0) here: both fit; the mean is cast to FLOAT."""
    return items.agg(
        F.count(F.lit(1)).alias("ITEMS"),
        F.avg("PRICE").cast("double").alias("MEAN_PRICE"),
        F.lit(True).alias("CHECKED"),
    )


@model(
    View(),
    layer="staging",
    columns=[
        column("ITEM_ID", "NUMBER(38,0)", key=True),
        column("NAME", "VARCHAR"),
        column("PRICE", "NUMBER(10,2)"),
    ],
)
def items_view(raw_items, ctx: ModelContext):
    return broken(raw_items.select("ITEM_ID", "NAME", "PRICE"), ctx.vars.get("break"), "PRICE", "NAME")


@model(
    Incremental(unique_key=("EVENT_ID",), incremental_column="UPDATED_AT"),
    columns=[
        column("EVENT_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("USER_ID", "NUMBER(38,0)"),
        column("AMOUNT", "NUMBER(10,2)", nullable=False),
        column("UPDATED_AT", "TIMESTAMP_NTZ", nullable=False),
    ],
)
def events(raw_events, ctx: ModelContext):
    df = raw_events.select("EVENT_ID", "USER_ID", "AMOUNT", "UPDATED_AT")
    if ctx.is_incremental and ctx.high_water_mark is not None:
        df = df.filter(F.col("UPDATED_AT") > F.lit(ctx.high_water_mark))
    return broken(df, ctx.vars.get("break"), "AMOUNT", "AMOUNT")


@model(
    Snapshot(unique_key=("CUSTOMER_ID",), updated_at="UPDATED_AT", hard_deletes="invalidate"),
    columns=[
        column("CUSTOMER_ID", "NUMBER(38,0)", nullable=False),
        column("NAME", "VARCHAR", nullable=False),
        column("TIER", "VARCHAR"),
        column("UPDATED_AT", "TIMESTAMP_NTZ", nullable=False),
    ],
)
def customers_history(raw_customers, ctx: ModelContext):
    df = raw_customers.select("CUSTOMER_ID", "NAME", "TIER", "UPDATED_AT")
    return broken(df, ctx.vars.get("break"), "TIER", "NAME")


RELEASE_COLUMNS = [
    column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
    column("TITLE", "VARCHAR", nullable=False),
    column("RELEASE_DATE", "DATE", nullable=False),
    column("BUDGET", "FLOAT"),
    column("IS_SEQUEL", "BOOLEAN"),
]
releases = seed("releases", "../../sql_fixtures/seeds/releases.csv", columns=RELEASE_COLUMNS)
# releases.csv leaves one budget empty: this seed's contract cannot hold.
budgeted_releases = seed(
    "budgeted_releases",
    "../../sql_fixtures/seeds/releases.csv",
    columns=[*RELEASE_COLUMNS[:3], column("BUDGET", "FLOAT", nullable=False), RELEASE_COLUMNS[4]],
)
