"""Facts: ratings (incremental merge) and genome scores."""

from __future__ import annotations

from snowflake.snowpark import DataFrame
from snowflake.snowpark import functions as F

from netflix_elt.declare import ModelContext, model
from netflix_elt.kinds import Incremental, Table
from netflix_elt.pipeline.checks import RATING_VALUES, not_null
from netflix_elt.quality import gxe, relationship, row_count_reconciles, singular

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
    checks=[
        *not_null("USER_ID", "MOVIE_ID", "RATING", "RATED_AT"),
        gxe.ExpectColumnValuesToBeInSet(column="RATING", value_set=RATING_VALUES),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID"]),
        relationship("MOVIE_ID", to="dim_movies"),
        # Full build or incremental catch-up, the table holds every staged (user, movie) pair: a
        # shortfall is a late row older than the 72-hour lookback. It warns rather than blocks: the
        # marts stay current for every other row, and `build --full-refresh -s fct_ratings+` catches up.
        row_count_reconciles(to="src_ratings", severity="warn"),
    ],
)
def fct_ratings(src_ratings: DataFrame, ctx: ModelContext) -> DataFrame:
    """One row per (user, movie). A re-rating updates the row (merge on the pair) instead of adding a
    second one; rows up to 72 hours older than the newest one are re-read to catch late arrivals."""
    ratings = src_ratings.select(F.col("USER_ID"), F.col("MOVIE_ID"), F.col("RATING"), F.col("RATED_AT"))
    if ctx.is_incremental and ctx.high_water_mark is not None:
        ratings = ratings.filter(F.col("RATED_AT") > F.lit(ctx.high_water_mark))
    return ratings


@model(
    Table(),
    **FACT,
    checks=[
        *not_null("MOVIE_ID", "TAG_ID", "RELEVANCE"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["MOVIE_ID", "TAG_ID"]),
        singular("genome_relevance_not_positive", "SELECT * FROM {this} WHERE RELEVANCE <= 0"),
        gxe.ExpectColumnValuesToBeBetween(column="RELEVANCE", max_value=1.0),
        relationship("TAG_ID", to="dim_genome_tags"),
        relationship("MOVIE_ID", to="dim_movies"),
    ],
)
def fct_genome_scores(src_genome_scores: DataFrame) -> DataFrame:
    """Genome relevance rounded to 4 places, kept when above zero. The filter is on the rounded value, so
    a tiny relevance that rounds to 0 is dropped too (the relevance check requires it)."""
    rounded = src_genome_scores.select(
        F.col("MOVIE_ID"), F.col("TAG_ID"), F.round(F.col("RELEVANCE"), 4).alias("RELEVANCE")
    )
    return rounded.filter(F.col("RELEVANCE") > 0)


@model(
    Table(),
    **FACT,
    # The inner joins to the dims drop no score (the relationships above make that hold).
    checks=[row_count_reconciles(to="fct_genome_scores")],
)
def ep_movie_with_tags(dim_movies_with_tags: DataFrame) -> DataFrame:
    """The movie x genome tag matrix, materialised from the ephemeral DIM_MOVIES_WITH_TAGS."""
    return dim_movies_with_tags
