"""A project with one model that needs more memory than a small ``memory_limit`` allows.

NUMBERS -> ONE_BIG_ARRAY (an array of two million numbers: a value DuckDB cannot spill)
NUMBERS -> DOUBLED (fine at any limit)
"""

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})


@model(Table())
def one_big_array(numbers):
    spine = F.call_function("ARRAY_GENERATE_RANGE", F.lit(0), F.lit(2_000_000))
    return numbers.agg(F.count(F.lit(1)).alias("N")).select(F.array_size(spine).alias("SIZE"))


@model(Table())
def doubled(numbers):
    return numbers.select(F.col("N"), (F.col("N") * 2).alias("TWICE"))
