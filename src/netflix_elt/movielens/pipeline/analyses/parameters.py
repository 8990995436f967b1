"""ANALYSIS_PARAMETERS: every method parameter of the analyses, and the data figures they are relative
to (the global mean rating, the first and last rating), so a report can state how each answer was made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses import (
    business,
    clusters,
    content,
    operations,
    recommendations,
    segments,
    temporal,
    users,
)
from netflix_elt.movielens.pipeline.analyses._common import Parameter, global_stats, rows_from
from netflix_elt.snowpark import Column, F

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

MODULES = (users, segments, content, temporal, recommendations, clusters, business, operations)
COLUMNS = {"ANALYSIS": "varchar", "PARAMETER": "varchar", "VALUE": "varchar", "DESCRIPTION": "varchar"}
DATA = "DATA"


def declared_parameters() -> list[Parameter]:
    """The parameters() of every analysis module, in module order."""
    return [parameter for module in MODULES for parameter in module.parameters()]


@model(
    Analysis(question="Which parameters and reference figures do the analyses use?"),
    tags=["analysis", "operations"],
    columns=[
        column("ANALYSIS", "VARCHAR", nullable=False, key=True),
        column("PARAMETER", "VARCHAR", nullable=False, key=True),
        column("VALUE", "VARCHAR"),
        column("DESCRIPTION", "VARCHAR", nullable=False),
    ],
)
def analysis_parameters(agg_user_ratings: DataFrame) -> DataFrame:
    """One row per (analysis, parameter): its value as text and what it means; ANALYSIS = 'DATA' rows
    hold the figures of the data set that relative rules refer to (global mean, first and last rating)."""
    # One statement over one aggregate: the declared rows are literals, the figures expressions over
    # the one row of global_stats (a union of a SELECT per figure would aggregate it once per figure).
    declared = [(p.analysis, p.parameter, p.text, p.description) for p in declared_parameters()]
    figures = [
        (
            DATA,
            "GLOBAL_AVG_RATING",
            F.round(F.col("GLOBAL_AVG_RATING"), 6).cast("varchar"),
            "mean of every rating (the platform average), 6 decimals",
        ),
        (DATA, "TOTAL_RATINGS", F.col("TOTAL_RATINGS").cast("varchar"), "ratings in FCT_RATINGS"),
        (DATA, "FIRST_RATED_AT", timestamp_text(F.col("FIRST_RATED_AT")), "earliest rating (UTC)"),
        (
            DATA,
            "LAST_RATED_AT",
            timestamp_text(F.col("LAST_RATED_AT")),
            "latest rating (UTC); the recency windows end here",
        ),
    ]
    return rows_from(global_stats(agg_user_ratings), COLUMNS, [*declared, *figures])


def timestamp_text(timestamp: Column) -> Column:
    """'YYYY-MM-DD HH24:MI:SS' from the default DATE and TIME output formats, which both engines share
    (a TIMESTAMP cast to text differs: Snowflake adds milliseconds)."""
    return F.concat(F.to_date(timestamp).cast("varchar"), F.lit(" "), timestamp.cast("time").cast("varchar"))
