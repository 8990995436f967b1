"""A project whose models use constructs the embedded engine translates or refuses (test_engine_drift.py).

RAW_EVENTS (ID, AT timestamp, DAY date) -> EVENT_MONTHS (TO_CHAR(DAY, 'YYYY-MM'): Snowflake's answer)
                                        -> EVENT_HASHES (HASH: refused before it runs)
                                        -> EVENT_TEXT, a view (a timestamp as text: refused when read)
"""

import snowflake.snowpark.functions as F

from netflix_elt import Table, View, model, source
from netflix_elt.engine import Engine

raw_events = source("raw_events")


@model(Table())
def event_months(raw_events):
    return raw_events.select("ID", F.to_char(F.col("DAY"), "YYYY-MM").alias("MONTH"))


@model(Table())
def event_hashes(raw_events):
    return raw_events.select("ID", F.hash("ID").alias("ID_HASH"))


@model(View())
def event_text(raw_events):
    return raw_events.select("ID", F.col("AT").cast("varchar").alias("AT_TEXT"))


def load_raw(engine: Engine) -> None:
    engine.bootstrap()
    engine.execute(
        "CREATE OR REPLACE TABLE MOVIELENS.RAW.RAW_EVENTS AS SELECT 1 AS ID, "
        "'2020-03-01 10:11:12'::TIMESTAMP_NTZ AS AT, '2020-03-01'::DATE AS DAY"
    )
