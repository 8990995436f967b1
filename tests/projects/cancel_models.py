"""A project for the Ctrl-C tests (run by the CLI in a subprocess with
$NETFLIX_ELT_PROJECT=projects.cancel_models).

RAW_NUMBERS (a source of 1,000 rows) -> QUICK (a table, built at once)
RAW_NUMBERS -> SLOW (a four-way cross join: 10^12 rows, runs until it is interrupted) -> AFTER_SLOW
With one thread the build runs them in that order, so SLOW is running when the test presses Ctrl-C.
"""

from __future__ import annotations

from snowflake.snowpark import functions as F

from netflix_elt import Table, model, source

NUMBER_TYPES = {"N": "NUMBER(38,0)"}
ROWS = 1_000

raw_numbers = source("raw_numbers")


@model(Table())
def quick(raw_numbers):
    return raw_numbers.filter(F.col("N") < 10)


@model(Table())
def slow(raw_numbers):
    parts = [raw_numbers.select(F.col("N").alias(f"N{i}")) for i in range(4)]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.cross_join(part)
    return joined.agg(F.sum(F.col("N0") * F.col("N3")).alias("TOTAL"))


@model(Table())
def after_slow(slow):
    return slow
