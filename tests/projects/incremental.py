"""An incremental model over RAW.RAW_EVENTS that records what its context said on every call.

Vars change its output to exercise schema changes: ``add_column`` adds CHANNEL, ``drop_column`` drops
USER_ID, ``widen_amount`` returns AMOUNT as NUMBER(12,2).
"""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Incremental, ModelContext, model, source

EVENT_TYPES = {
    "EVENT_ID": "NUMBER(38,0)",
    "USER_ID": "NUMBER(38,0)",
    "AMOUNT": "NUMBER(10,2)",
    "UPDATED_AT": "TIMESTAMP_NTZ",
}
SEEN: list[tuple[bool, object]] = []

raw_events = source("raw_events")


@model(Incremental(unique_key=("EVENT_ID",), incremental_column="UPDATED_AT"))
def events(raw_events, ctx: ModelContext):
    SEEN.append((ctx.is_incremental, ctx.high_water_mark))
    df = raw_events.select("EVENT_ID", "USER_ID", "AMOUNT", "UPDATED_AT")
    if ctx.is_incremental and ctx.high_water_mark is not None:
        df = df.filter(F.col("UPDATED_AT") > F.lit(ctx.high_water_mark))
    if ctx.vars.get("add_column"):
        df = df.with_column("CHANNEL", F.lit("web"))
    if ctx.vars.get("drop_column"):
        df = df.drop("USER_ID")
    if ctx.vars.get("widen_amount"):
        df = df.with_column("AMOUNT", F.col("AMOUNT").cast("NUMBER(12,2)"))
    return df
