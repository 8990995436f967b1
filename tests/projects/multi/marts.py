"""Marts of the multi-module project. Importing a model from staging must not declare it twice."""

import snowflake.snowpark.functions as F

from netflix_elt import Table, model

# Imported model objects live in this module's namespace too; the registry must not declare them twice.
from projects.multi.staging import numbers as imported_seed  # noqa: F401
from projects.multi.staging import stg_numbers as imported_view  # noqa: F401


@model(Table(), tags=["mart"])
def number_total(stg_numbers):
    return stg_numbers.agg(F.sum("N").alias("TOTAL"))
