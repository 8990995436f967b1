"""A four-model project for the report tests: a source, a staging view, a table and an analysis, so the
lineage drawing has every layer and a real build writes run_results.json."""

from __future__ import annotations

from snowflake.snowpark import DataFrame
from snowflake.snowpark import functions as F

from netflix_elt.declare import model, source
from netflix_elt.kinds import Analysis, Table, View

raw_events = source("RAW_EVENTS", description="events as loaded")


@model(View(), layer="staging")
def stg_events(raw_events: DataFrame) -> DataFrame:
    """Typed events."""
    return raw_events.select(F.col("USER_ID"), F.col("AMOUNT"))


@model(Table())
def user_totals(stg_events: DataFrame) -> DataFrame:
    """Amount per user."""
    return stg_events.group_by("USER_ID").agg(F.sum("AMOUNT").alias("TOTAL"))


@model(Analysis())
def top_spenders(user_totals: DataFrame) -> DataFrame:
    """Users by total amount (an analysis table beside the synthetic ones)."""
    return user_totals.filter(F.col("TOTAL") > 10)


RAW_EVENTS_DDL = "CREATE OR REPLACE TABLE {table} (USER_ID NUMBER, AMOUNT FLOAT)"
RAW_EVENTS_ROWS = "INSERT INTO {table} VALUES (1, 20.0), (1, 5.0), (2, 50.0), (3, 2.5)"
