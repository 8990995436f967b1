"""A tiny project for the orchestration tests: a seed, tables, a view, an ephemeral, and models that
fail on purpose.

ORCH_COUNTRIES (seed) -> COUNTRY_LIST (table) -> country_codes (ephemeral) -> CODE_COUNT (table) ->
CODE_REPORT (view); ORCH_COUNTRIES -> FLAKY_COPY (table: raises a connection error on its
first attempt when ``ctx.vars['flaky_marker']`` names a file that does not exist yet);
ORCH_COUNTRIES -> BROKEN_MODEL (table reading a column that does not exist) -> AFTER_BROKEN (view).
"""

from __future__ import annotations

from pathlib import Path

import snowflake.snowpark.functions as F

from netflix_elt import Ephemeral, ModelContext, Table, View, model, seed

orch_countries = seed(
    "orch_countries",
    "../../sql_fixtures/seeds/country_names.csv",
    {"COUNTRY_CODE": "VARCHAR", "COUNTRY_NAME": "VARCHAR"},
)


@model(Table())
def country_list(orch_countries):
    return orch_countries.select("COUNTRY_CODE", "COUNTRY_NAME")


@model(Ephemeral())
def country_codes(country_list):
    return country_list.select("COUNTRY_CODE")


@model(Table())
def code_count(country_codes):
    return country_codes.agg(F.count("*").alias("CODES"))


@model(View())
def code_report(code_count):
    return code_count.select((F.col("CODES") * 1).alias("CODES"))


@model(Table())
def flaky_copy(orch_countries, ctx: ModelContext):
    marker = ctx.vars.get("flaky_marker")
    if marker and not Path(marker).exists():
        Path(marker).write_text("failed once\n", encoding="utf-8")
        raise ConnectionResetError("connection reset by the warehouse (injected by the test)")
    return orch_countries.select("COUNTRY_CODE")


@model(Table())
def broken_model(orch_countries):
    return orch_countries.select(F.col("NO_SUCH_COLUMN"))


@model(View())
def after_broken(broken_model):
    return broken_model.select("*")
