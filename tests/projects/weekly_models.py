"""A seed, a daily table and a weekly table, for the flow's up-to-date and not-due tasks."""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, seed

weekly_countries = seed(
    "weekly_countries",
    "../../sql_fixtures/seeds/country_names.csv",
    {"COUNTRY_CODE": "VARCHAR", "COUNTRY_NAME": "VARCHAR"},
)


@model(Table())
def daily_count(weekly_countries):
    return weekly_countries.agg(F.count("*").alias("COUNTRIES"))


@model(Table(), cron="0 6 * * 1")
def weekly_count(weekly_countries):
    return weekly_countries.agg(F.count("*").alias("COUNTRIES"))
