"""A project whose data-quality checks decide what runs (real checks of ``netflix_elt.quality``).

ORCH_CHECK_COUNTRIES (seed) -> GATED_LIST (table; fails a blocking row-count check) -> GATED_COUNT
(table) -> GATED_REPORT (view); ORCH_CHECK_COUNTRIES -> WARNED_LIST (table; fails a 'warn' check) ->
WARNED_COUNT (table).
"""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Table, View, model, seed
from netflix_elt.quality import check, gxe

orch_check_countries = seed(
    "orch_check_countries",
    "../../sql_fixtures/seeds/country_names.csv",
    {"COUNTRY_CODE": "VARCHAR", "COUNTRY_NAME": "VARCHAR"},
)


@model(
    Table(),
    checks=[
        gxe.ExpectColumnValuesToNotBeNull(column="COUNTRY_CODE"),
        gxe.ExpectTableRowCountToBeBetween(min_value=1000),
    ],
)
def gated_list(orch_check_countries):
    return orch_check_countries.select("COUNTRY_CODE")


@model(Table())
def gated_count(gated_list):
    return gated_list.agg(F.count("*").alias("CODES"))


@model(View())
def gated_report(gated_count):
    return gated_count.select("CODES")


@model(Table(), checks=[check(gxe.ExpectTableRowCountToBeBetween(min_value=1000), severity="warn")])
def warned_list(orch_check_countries):
    return orch_check_countries.select("COUNTRY_NAME")


@model(Table())
def warned_count(warned_list):
    return warned_list.agg(F.count("*").alias("NAMES"))
