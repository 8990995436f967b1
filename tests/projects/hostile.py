"""A project whose check name and failing values hold markup, quotes and ampersands (report escaping)."""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, source
from netflix_elt.quality import check, gxe

HOSTILE = '<script>alert("x")</script> & \'quoted\' "Amélie"'

raw_movies = source("RAW_MOVIES")


@model(
    Table(),
    checks=[check(gxe.ExpectColumnValuesToBeInSet(column="TITLE", value_set=["Heat"]), name=HOSTILE)],
)
def titles(raw_movies):
    return raw_movies.select(F.col("MOVIE_ID"), F.col("TITLE"))
