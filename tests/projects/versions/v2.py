"""Version 2: CHILD keeps N >= 2."""

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, seed

numbers = seed(
    "numbers", "../../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"}
)


@model(Table())
def base(numbers):
    return numbers


@model(Table())
def child(base):
    return base.filter(F.col("N") >= F.lit(2))


@model(Table())
def grandchild(child):
    return child


@model(Table())
def other(numbers):
    return numbers
