"""Models of every kind for the unit-test helper: a table over an ephemeral, an incremental, a snapshot."""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Ephemeral, Incremental, ModelContext, Snapshot, Table, model, source

raw_events = source("RAW_EVENTS")


@model(Ephemeral())
def big_events(raw_events):
    return raw_events.filter(F.col("AMOUNT") > 10)


@model(Table())
def user_totals(big_events):
    return big_events.group_by("USER_ID").agg(F.sum("AMOUNT").alias("TOTAL"), F.count("*").alias("EVENTS"))


@model(Incremental(unique_key=("ID",), incremental_column="UPDATED_AT"))
def fct_events(raw_events, ctx: ModelContext):
    events = raw_events.select("ID", "USER_ID", "AMOUNT", "UPDATED_AT")
    if ctx.is_incremental:
        return events.filter(F.col("UPDATED_AT") > F.lit(ctx.high_water_mark))
    return events


@model(Snapshot(unique_key=("ID",), strategy="check", check_cols=("AMOUNT",), hard_deletes="invalidate"))
def snap_events(raw_events):
    return raw_events.select("ID", "AMOUNT")
