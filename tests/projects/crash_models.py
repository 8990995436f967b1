"""A small project with every kind of work table, for the kill and concurrency tests (run by the CLI in
a subprocess with $NETFLIX_ELT_PROJECT=projects.crash_models).

A build makes RELEASES__BUILD_*, EVENTS__SCRATCH_* (an
incremental merge), three CUSTOMERS_HISTORY__SCRATCH_* (a check snapshot that invalidates deletions),
EVENT_TOTALS__BUILD_* (a table checked before it is published).
"""

from __future__ import annotations

from snowflake.snowpark import functions as F

from netflix_elt import Incremental, Snapshot, Table, View, model, seed, source
from netflix_elt.quality import singular
from projects import seeds as seeds_project

EVENT_TYPES = {"EVENT_ID": "NUMBER(38,0)", "USER_ID": "NUMBER(38,0)", "UPDATED_AT": "TIMESTAMP_NTZ"}
CUSTOMER_TYPES = {"CUSTOMER_ID": "NUMBER(38,0)", "TIER": "VARCHAR"}

raw_events = source("raw_events")
raw_customers = source("raw_customers")
# projects.seeds' well-typed seed, declared again here (a registry collects only its own module's models).
releases = seed(
    "releases", "../../sql_fixtures/seeds/releases.csv", dict(seeds_project.releases.kind.column_types)
)


@model(Incremental(unique_key=("EVENT_ID",), incremental_column="UPDATED_AT"))
def events(raw_events, ctx):
    if ctx.is_incremental and ctx.high_water_mark is not None:
        return raw_events.filter(F.col("UPDATED_AT") > F.lit(ctx.high_water_mark))
    return raw_events


@model(
    Table(),
    checks=[singular("one_row_per_user", "SELECT USER_ID FROM {this} GROUP BY USER_ID HAVING COUNT(*) > 1")],
)
def event_totals(events):
    return events.group_by("USER_ID").agg(F.count(F.lit(1)).alias("EVENTS"))


@model(
    Snapshot(unique_key=("CUSTOMER_ID",), strategy="check", check_cols=("TIER",), hard_deletes="invalidate")
)
def customers_history(raw_customers):
    return raw_customers


@model(View())
def current_customers(customers_history):
    return customers_history.filter(F.col("IS_CURRENT"))
