"""A project where some models fail, so their downstream is skipped while other branches go on.

NUMBERS -> BAD_CAST (warehouse error) -> AFTER_BAD -> AFTER_AFTER
NUMBERS -> NOT_A_FRAME (returns an int);  NUMBERS -> RAISES (Python exception)
NUMBERS -> DOUBLED -> DOUBLED_SUM (all fine)
"""

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})


@model(Table())
def bad_cast(numbers):
    """'one' is not a number: the warehouse fails while building."""
    return numbers.select(F.col("LABEL").cast("INT").alias("N"))


@model(Table())
def after_bad(bad_cast):
    return bad_cast


@model(Table())
def after_after(after_bad):
    return after_bad


@model(Table())
def not_a_frame(numbers):
    return 42


@model(Table())
def raises(numbers):
    raise RuntimeError("boom: the model's own bug")


@model(Table())
def doubled(numbers):
    return numbers.select(F.col("N"), (F.col("N") * 2).alias("TWICE"))


@model(Table())
def doubled_sum(doubled):
    return doubled.agg(F.sum("TWICE").alias("TOTAL"))
