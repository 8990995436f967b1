"""Marts: ratings with release info, per-movie metrics, monthly trends, per-user behaviour."""

from __future__ import annotations

from snowflake.snowpark import DataFrame, Window
from snowflake.snowpark import functions as F

from netflix_elt.declare import model
from netflix_elt.kinds import Table
from netflix_elt.pipeline.checks import not_null, sum_reconciles
from netflix_elt.quality import gxe, relationship, row_count_reconciles, singular

MART = {"tags": ["mart"]}
LOW_RATING = 2.0
HIGH_RATING = 4.0


def share(condition: F.Column) -> F.Column:
    """The fraction of rows where ``condition`` holds."""
    return F.avg(F.iff(condition, F.lit(1.0), F.lit(0.0)))


@model(
    Table(),
    **MART,
    checks=[
        # The left join to the seed keeps every rating exactly once.
        row_count_reconciles(to="fct_ratings"),
        gxe.ExpectColumnValuesToBeInSet(column="RELEASE_INFO", value_set=["known", "unknown"]),
    ],
)
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


@model(
    Table(),
    **MART,
    checks=[
        *not_null("MOVIE_ID", "RATINGS_COUNT", "AVG_RATING"),
        gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID"),
        singular(
            "average_rating_out_of_range",
            "SELECT MOVIE_ID, AVG_RATING FROM {this} WHERE AVG_RATING < 0 OR AVG_RATING > 5",
        ),
        # The original project's singular test at this table's grain: one failing row per movie that
        # has ratings but no DIM_MOVIES row, with how many ratings it has.
        singular(
            "ratings_without_movie",
            "SELECT c.MOVIE_ID, c.RATINGS_COUNT FROM {this} c LEFT JOIN {dim_movies} m "
            "ON c.MOVIE_ID = m.MOVIE_ID WHERE m.MOVIE_ID IS NULL",
        ),
        gxe.ExpectColumnValuesToBeBetween(column="SHARE_LOW", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="SHARE_HIGH", min_value=0, max_value=1),
        sum_reconciles("RATINGS_COUNT", to="fct_ratings"),
    ],
)
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


@model(
    Table(),
    **MART,
    checks=[
        *not_null("MONTH_START", "RATINGS_COUNT"),
        gxe.ExpectColumnValuesToBeUnique(column="MONTH_START"),
        sum_reconciles("RATINGS_COUNT", to="fct_ratings"),
    ],
)
def mart_temporal_trends(fct_ratings: DataFrame) -> DataFrame:
    """Per calendar month (UTC): ratings, average rating, distinct active users."""
    monthly = fct_ratings.with_column("MONTH_START", F.date_trunc("month", F.col("RATED_AT")))
    return monthly.group_by("MONTH_START").agg(
        F.count("*").alias("RATINGS_COUNT"),
        F.avg("RATING").alias("AVG_RATING"),
        F.count_distinct("USER_ID").alias("ACTIVE_USERS"),
    )


@model(
    Table(),
    **MART,
    checks=[
        *not_null("USER_ID"),
        gxe.ExpectColumnValuesToBeUnique(column="USER_ID"),
        relationship("USER_ID", to="dim_users"),
        # A rater without a favourite genre rated only '(no genres listed)' movies: possible, so only
        # reported (users who only tag have none by design).
        singular(
            "rater_without_favorite_genre",
            "SELECT USER_ID, RATINGS_COUNT FROM {this} WHERE RATINGS_COUNT > 0 AND FAVORITE_GENRE IS NULL",
            severity="warn",
        ),
    ],
)
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
