"""Tables, a view, chained ephemerals and an analysis over RAW.RAW_ITEMS (sql_fixtures/kinds/items.csv).

``ctx.vars['break_items']`` makes ITEMS fail inside the warehouse (a cast of text to INT), to prove that a
failed rebuild leaves the previous table in place.
"""

import snowflake.snowpark.functions as F

from netflix_elt import Analysis, Ephemeral, ModelContext, Table, View, model, source

ITEM_TYPES = {"ITEM_ID": "NUMBER(38,0)", "NAME": "VARCHAR", "PRICE": "NUMBER(10,2)"}

raw_items = source("raw_items")


@model(Table())
def items(raw_items, ctx: ModelContext):
    if ctx.vars.get("break_items"):
        return raw_items.select(F.col("ITEM_ID"), F.col("NAME").cast("INT").alias("NAME"), F.col("PRICE"))
    return raw_items.select("ITEM_ID", "NAME", "PRICE")


@model(View(), layer="staging")
def items_view(raw_items):
    return raw_items.filter(F.col("PRICE") > F.lit(2))


@model(Ephemeral())
def cheap_items(items):
    return items.filter(F.col("PRICE") < F.lit(4.25))


@model(Ephemeral())
def cheap_b_items(cheap_items):
    return cheap_items.filter(F.col("NAME").startswith(F.lit("b")))


@model(Table())
def cheap_b_item_count(cheap_b_items):
    return cheap_b_items.agg(F.count("ITEM_ID").alias("ITEMS"))


@model(View())
def shape(raw_items):
    """Declared a view here; tests rebuild it as a table and back."""
    return raw_items.select("ITEM_ID", "NAME")


@model(Analysis(question="Which items cost more than 5?"))
def pricey_items(items):
    return items.filter(F.col("PRICE") > F.lit(5)).select("ITEM_ID", "NAME")
