"""Marts: ratings with release info, per-movie metrics, monthly trends, per-user behaviour."""

from __future__ import annotations

from snowflake.snowpark import DataFrame, Window
from snowflake.snowpark import functions as F

from netflix_elt.declare import model
from netflix_elt.kinds import Table

MART = {"tags": ["mart"]}
LOW_RATING = 2.0
HIGH_RATING = 4.0


def share(condition: F.Column) -> F.Column:
    """The fraction of rows where ``condition`` holds."""
    return F.avg(F.iff(condition, F.lit(1.0), F.lit(0.0)))


@model(Table(), **MART)
def mart_movie_releases(fct_ratings: DataFrame, seed_movie_release_dates: DataFrame) -> DataFrame:
    """Every rating with its movie's release date when the seed knows it ('known' / 'unknown')."""
    joined = fct_ratings.join(seed_movie_release_dates, "MOVIE_ID", how="left")
    return joined.select(
        F.col("USER_ID"),
        F.col("MOVIE_ID"),
        F.col("RATING"),
        F.col("RATED_AT"),
        F.col("RELEASE_DATE"),
        F.iff(F.col("RELEASE_DATE").is_null(), F.lit("unknown"), F.lit("known")).alias("RELEASE_INFO"),
    )


@model(Table(), **MART)
def mart_content_metrics(fct_ratings: DataFrame, dim_movies: DataFrame) -> DataFrame:
    """Per rated movie: count, average, standard deviation, share of low (<= 2) and high (>= 4) ratings."""
    metrics = fct_ratings.group_by("MOVIE_ID").agg(
        F.count("*").alias("RATINGS_COUNT"),
        F.avg("RATING").alias("AVG_RATING"),
        F.stddev("RATING").alias("STDDEV_RATING"),
        share(F.col("RATING") <= LOW_RATING).alias("SHARE_LOW"),
        share(F.col("RATING") >= HIGH_RATING).alias("SHARE_HIGH"),
    )
    return metrics.join(dim_movies.select("MOVIE_ID", "TITLE", "RELEASE_YEAR"), "MOVIE_ID", how="left")


@model(Table(), **MART)
def mart_temporal_trends(fct_ratings: DataFrame) -> DataFrame:
    """Per calendar month (UTC): ratings, average rating, distinct active users."""
    monthly = fct_ratings.with_column("MONTH_START", F.date_trunc("month", F.col("RATED_AT")))
    return monthly.group_by("MONTH_START").agg(
        F.count("*").alias("RATINGS_COUNT"),
        F.avg("RATING").alias("AVG_RATING"),
        F.count_distinct("USER_ID").alias("ACTIVE_USERS"),
    )


@model(Table(), **MART)
def mart_user_behavior(
    fct_ratings: DataFrame, dim_users: DataFrame, dim_movie_genres: DataFrame
) -> DataFrame:
    """Per user: counts, average rating, first/last activity and favourite genre (most rated;
    ties broken by higher average, then name)."""
    per_genre = (
        fct_ratings.join(dim_movie_genres, "MOVIE_ID")
        .group_by("USER_ID", "GENRE")
        .agg(F.count("*").alias("N"), F.avg("RATING").alias("A"))
    )
    ranking = Window.partition_by("USER_ID").order_by(F.col("N").desc(), F.col("A").desc(), F.col("GENRE"))
    favourite = (
        per_genre.with_column("R", F.row_number().over(ranking))
        .filter(F.col("R") == 1)
        .select(F.col("USER_ID"), F.col("GENRE").alias("FAVORITE_GENRE"))
    )
    averages = fct_ratings.group_by("USER_ID").agg(F.avg("RATING").alias("AVG_RATING"))
    return (
        dim_users.join(averages, "USER_ID", how="left")
        .join(favourite, "USER_ID", how="left")
        .select(
            F.col("USER_ID"),
            F.col("RATINGS_COUNT"),
            F.col("TAGS_COUNT"),
            F.col("AVG_RATING"),
            F.col("FIRST_ACTIVITY_AT"),
            F.col("LAST_ACTIVITY_AT"),
            F.col("FAVORITE_GENRE"),
        )
    )
