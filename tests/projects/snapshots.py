"""A snapshot of RAW.RAW_CUSTOMERS; the tests swap its kind for each strategy and hard-delete mode.

``ctx.vars['with_email']`` makes the model return an extra EMAIL column (a schema change).
"""

import snowflake.snowpark.functions as F

from netflix_elt import ModelContext, Snapshot, model, source

CUSTOMER_TYPES = {
    "CUSTOMER_ID": "NUMBER(38,0)",
    "NAME": "VARCHAR",
    "TIER": "VARCHAR",
    "UPDATED_AT": "TIMESTAMP_NTZ",
}

raw_customers = source("raw_customers")


@model(Snapshot(unique_key=("CUSTOMER_ID",), strategy="timestamp", updated_at="UPDATED_AT"))
def customers_history(raw_customers, ctx: ModelContext):
    df = raw_customers.select("CUSTOMER_ID", "NAME", "TIER", "UPDATED_AT")
    if ctx.vars.get("with_email"):
        df = df.with_column("EMAIL", F.concat(F.lower(F.col("NAME")), F.lit("@example.com")))
    return df
