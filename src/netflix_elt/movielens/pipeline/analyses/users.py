"""Questions 1 and 14: who the most active users are, and whose ratings are out of line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import WEEKLY, Parameter, global_stats, ratio, union_all
from netflix_elt.movielens.pipeline.exact import exact_mean, exact_stddev
from netflix_elt.snowpark import F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# Users and movies need at least this many ratings before their consistency is judged.
CONSISTENCY_MIN_RATINGS = 20
# An entity is an outlier when its MEAN_BIAS is this many standard deviations from the mean bias of
# the entities of its type (users with users, movies with movies).
OUTLIER_Z = 2.5


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(
            "USER_ACTIVITY",
            "ACTIVITY_RANK",
            "ratings desc, tags desc, user_id asc",
            "a strict rank 1..N; rank 1 is the most active user",
        ),
        Parameter(
            "RATING_CONSISTENCY",
            "MIN_RATINGS",
            CONSISTENCY_MIN_RATINGS,
            "users and movies with fewer ratings are left out",
        ),
        Parameter(
            "RATING_CONSISTENCY",
            "OUTLIER_Z",
            OUTLIER_Z,
            "IS_OUTLIER when |MEAN_BIAS - mean MEAN_BIAS| / stddev of MEAN_BIAS >= this, per entity type",
        ),
        Parameter(
            "RATING_CONSISTENCY",
            "MEAN_BIAS",
            "user: avg(rating - movie mean); movie: movie mean - global mean",
            "a movie's mean is over all its ratings; the global mean is over every rating",
        ),
    )


@model(
    Analysis(question="Who are the most active users?"),
    tags=["analysis", "users"],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("TAGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("ACTIVITY_RANK", "NUMBER(38,0)", nullable=False),
        column("FIRST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("LAST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("FAVORITE_GENRE", "VARCHAR"),
    ],
)
def user_activity(mart_user_behavior: DataFrame) -> DataFrame:
    """Every user with ratings and tags counts, first/last activity (ratings or tags, UTC), average
    rating and ACTIVITY_RANK (ratings desc, then tags desc, then user id)."""
    ranking = Window.order_by(F.col("RATINGS_COUNT").desc(), F.col("TAGS_COUNT").desc(), F.col("USER_ID"))
    return mart_user_behavior.select(
        F.col("USER_ID"),
        F.col("RATINGS_COUNT"),
        F.col("TAGS_COUNT"),
        F.row_number().over(ranking).alias("ACTIVITY_RANK"),
        F.col("FIRST_ACTIVITY_AT"),
        F.col("LAST_ACTIVITY_AT"),
        F.col("AVG_RATING"),
        F.col("FAVORITE_GENRE"),
    )


def _flag_outliers(entities: DataFrame) -> DataFrame:
    """Add BIAS_Z (MEAN_BIAS standardised within the entity type) and IS_OUTLIER."""
    by_type = Window.partition_by("ENTITY_TYPE")
    bias_z = ratio(
        F.col("MEAN_BIAS") - exact_mean("MEAN_BIAS", over=by_type), exact_stddev("MEAN_BIAS", over=by_type)
    )
    scored = entities.with_column("BIAS_Z", bias_z)
    return scored.with_column("IS_OUTLIER", F.coalesce(F.abs(F.col("BIAS_Z")) >= OUTLIER_Z, F.lit(False)))


@model(
    Analysis(question="Which users and movies rate or are rated out of line with everyone else?"),
    tags=["analysis", "users"],
    columns=[
        column("ENTITY_TYPE", "VARCHAR", nullable=False, key=True),
        column("ENTITY_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("ENTITY_NAME", "VARCHAR"),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT", nullable=False),
        column("STDDEV_RATING", "FLOAT"),
        column("MEAN_BIAS", "FLOAT", nullable=False),
        column("BIAS_Z", "FLOAT"),
        column("IS_OUTLIER", "BOOLEAN", nullable=False),
    ],
    cron=WEEKLY,
)
def rating_consistency(
    fct_ratings: DataFrame, mart_content_metrics: DataFrame, agg_user_ratings: DataFrame
) -> DataFrame:
    """Users and movies with at least CONSISTENCY_MIN_RATINGS ratings: count, mean, spread, MEAN_BIAS
    (users: how far above each movie's mean they rate on average; movies: mean minus global mean)
    and IS_OUTLIER (|BIAS_Z| >= OUTLIER_Z within the entity type)."""
    movie_means = mart_content_metrics.select(F.col("MOVIE_ID"), F.col("AVG_RATING").alias("MOVIE_MEAN"))
    users = (
        fct_ratings.join(movie_means, "MOVIE_ID")
        .group_by("USER_ID")
        .agg(
            F.count(F.lit(1)).alias("RATINGS_COUNT"),
            F.avg("RATING").alias("AVG_RATING"),
            exact_stddev("RATING").alias("STDDEV_RATING"),
            exact_mean(F.col("RATING") - F.col("MOVIE_MEAN")).alias("MEAN_BIAS"),
        )
        .filter(F.col("RATINGS_COUNT") >= CONSISTENCY_MIN_RATINGS)
        .select(
            F.lit("user").alias("ENTITY_TYPE"),
            F.col("USER_ID").alias("ENTITY_ID"),
            F.lit(None).cast("varchar").alias("ENTITY_NAME"),
            F.col("RATINGS_COUNT"),
            F.col("AVG_RATING"),
            F.col("STDDEV_RATING"),
            F.col("MEAN_BIAS"),
        )
    )
    movies = (
        mart_content_metrics.filter(F.col("RATINGS_COUNT") >= CONSISTENCY_MIN_RATINGS)
        .cross_join(global_stats(agg_user_ratings).select("GLOBAL_AVG_RATING"))
        .select(
            F.lit("movie").alias("ENTITY_TYPE"),
            F.col("MOVIE_ID").alias("ENTITY_ID"),
            F.col("TITLE").alias("ENTITY_NAME"),
            F.col("RATINGS_COUNT"),
            F.col("AVG_RATING"),
            F.col("STDDEV_RATING"),
            (F.col("AVG_RATING") - F.col("GLOBAL_AVG_RATING")).alias("MEAN_BIAS"),
        )
    )
    return _flag_outliers(union_all(users, movies))
