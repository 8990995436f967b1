"""Facts: ratings (incremental merge) and genome scores."""

from __future__ import annotations

from snowflake.snowpark import DataFrame
from snowflake.snowpark import functions as F

from netflix_elt.declare import ModelContext, model
from netflix_elt.kinds import Incremental, Table

FACT = {"tags": ["fact"]}


@model(
    Incremental(
        unique_key=("USER_ID", "MOVIE_ID"),
        strategy="merge",
        incremental_column="RATED_AT",
        lookback_hours=72,
        on_schema_change="fail",
    ),
    **FACT,
)
def fct_ratings(src_ratings: DataFrame, ctx: ModelContext) -> DataFrame:
    """One row per (user, movie). A re-rating updates the row (merge on the pair) instead of adding a
    second one; rows up to 72 hours older than the newest one are re-read to catch late arrivals."""
    ratings = src_ratings.select(F.col("USER_ID"), F.col("MOVIE_ID"), F.col("RATING"), F.col("RATED_AT"))
    if ctx.is_incremental and ctx.high_water_mark is not None:
        ratings = ratings.filter(F.col("RATED_AT") > F.lit(ctx.high_water_mark))
    return ratings


@model(Table(), **FACT)
def fct_genome_scores(src_genome_scores: DataFrame) -> DataFrame:
    """Genome relevance above zero, rounded to 4 places."""
    return src_genome_scores.filter(F.col("RELEVANCE") > 0).select(
        F.col("MOVIE_ID"), F.col("TAG_ID"), F.round(F.col("RELEVANCE"), 4).alias("RELEVANCE")
    )


@model(Table(), **FACT)
def ep_movie_with_tags(dim_movies_with_tags: DataFrame) -> DataFrame:
    """The movie x genome tag matrix, materialised from the ephemeral DIM_MOVIES_WITH_TAGS."""
    return dim_movies_with_tags
