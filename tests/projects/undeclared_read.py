"""Broken at build time: models that read a table by name instead of taking it as a parameter."""

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})
country_names = seed(
    "country_names",
    "../../sql_fixtures/seeds/country_names.csv",
    {"COUNTRY_CODE": "VARCHAR", "COUNTRY_NAME": "VARCHAR"},
)


@model(Table())
def sneaky_table(numbers):
    """Joins COUNTRY_NAMES through the session: not a declared input."""
    countries = numbers.session.table("MOVIELENS.RAW.COUNTRY_NAMES")
    return numbers.cross_join(countries.select("COUNTRY_CODE"))


@model(Table())
def sneaky_sql(numbers):
    """Reads COUNTRY_NAMES with a two-part name in raw SQL."""
    return numbers.session.sql("SELECT COUNTRY_CODE FROM RAW.COUNTRY_NAMES")


@model(Table())
def honest(numbers, country_names):
    """Reads both through its parameters: allowed."""
    return numbers.cross_join(country_names.select("COUNTRY_CODE")).filter(F.col("N") == F.lit(1))
