"""Marts: ratings with release info, per-movie metrics, monthly trends, per-user behaviour.

MART_MOVIE_RELEASES follows the changes of FCT_RATINGS (delete+insert of the changed pairs) and
MART_USER_BEHAVIOR those of the per-user partials and DIM_USERS (delete+insert of the changed users); the
other marts are small tables rebuilt from the partials (``pipeline.partials``): averages and standard
deviations come from exact sums, so a day folded into the partials gives the same marts as a full build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.declare import ModelContext, column, model
from netflix_elt.kinds import Incremental, Table
from netflix_elt.movielens.pipeline.checks import not_null, sum_reconciles
from netflix_elt.movielens.pipeline.exact import exact_sum
from netflix_elt.quality import gxe, relationship, row_count_reconciles, singular
from netflix_elt.snowpark import Column, F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

MART: dict[str, Any] = {"tags": ["mart"]}
LOW_RATING = 2.0
HIGH_RATING = 4.0


def per(numerator: str, denominator: str) -> Column:
    """``numerator / denominator`` as a FLOAT (the denominator, a count, is never 0 in a partial)."""
    return F.col(numerator).cast("double") / F.col(denominator).cast("double")


def sample_stddev(count: str, total: str, squares: str) -> Column:
    """STDDEV_SAMP from a count, a sum and a sum of squares: the numerator n * sum(x^2) - sum(x)^2 is
    exact (NUMBER), so the result does not depend on the order the rows were added in; NULL for n < 2."""
    n = F.col(count)
    spread = (n * F.col(squares) - F.col(total) * F.col(total)).cast("double")
    variance = spread / (n * (n - 1)).cast("double")
    return F.iff(n > 1, F.sqrt(F.iff(variance < 0, F.lit(0.0), variance)), F.lit(None).cast("double"))


@model(
    Incremental(unique_key=("USER_ID", "MOVIE_ID"), strategy="delete+insert", changes_of=("fct_ratings",)),
    **MART,
    checks=[
        # The left join to the seed keeps every rating exactly once.
        row_count_reconciles(to="fct_ratings"),
        gxe.ExpectColumnValuesToBeInSet(column="RELEASE_INFO", value_set=["known", "unknown"]),
    ],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RATING", "FLOAT", nullable=False),
        column("RATED_AT", "TIMESTAMP_NTZ", nullable=False),
        column("RELEASE_DATE", "DATE"),
        column("RELEASE_INFO", "VARCHAR", nullable=False),
    ],
)
def mart_movie_releases(
    fct_ratings: DataFrame, seed_movie_release_dates: DataFrame, ctx: ModelContext
) -> DataFrame:
    """Every rating with its movie's release date when the seed knows it ('known' / 'unknown'). A day
    replaces the pairs FCT_RATINGS changed (a new seed rebuilds it in full)."""
    ratings = ctx.inserted("fct_ratings") if ctx.is_incremental else fct_ratings
    joined = ratings.join(seed_movie_release_dates, "MOVIE_ID", how="left")
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
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT", nullable=False),
        column("STDDEV_RATING", "FLOAT"),
        column("SHARE_LOW", "FLOAT", nullable=False),
        column("SHARE_HIGH", "FLOAT", nullable=False),
        column("TITLE", "VARCHAR"),
        column("RELEASE_YEAR", "NUMBER(38,0)"),
    ],
)
def mart_content_metrics(agg_movie_ratings: DataFrame, dim_movies: DataFrame) -> DataFrame:
    """Per rated movie: count, average, standard deviation, share of low (<= 2) and high (>= 4) ratings."""
    metrics = agg_movie_ratings.select(
        F.col("MOVIE_ID"),
        F.col("RATINGS_COUNT").cast("int").alias("RATINGS_COUNT"),
        per("RATING_SUM", "RATINGS_COUNT").alias("AVG_RATING"),
        sample_stddev("RATINGS_COUNT", "RATING_SUM", "RATING_SQUARES").alias("STDDEV_RATING"),
        per("LOW_RATINGS", "RATINGS_COUNT").alias("SHARE_LOW"),
        per("HIGH_RATINGS", "RATINGS_COUNT").alias("SHARE_HIGH"),
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
    columns=[
        column("MONTH_START", "TIMESTAMP_NTZ", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT", nullable=False),
        column("ACTIVE_USERS", "NUMBER(38,0)", nullable=False),
    ],
)
def mart_temporal_trends(agg_monthly_user_ratings: DataFrame) -> DataFrame:
    """Per calendar month (UTC): ratings, average rating, distinct active users (one partial row each)."""
    monthly = agg_monthly_user_ratings.group_by("MONTH_START").agg(
        exact_sum("RATINGS_COUNT", 0).alias("N"),
        exact_sum("RATING_SUM", 1).alias("S"),
        F.count(F.lit(1)).alias("ACTIVE_USERS"),
    )
    return monthly.select(
        F.col("MONTH_START"),
        F.col("N").cast("int").alias("RATINGS_COUNT"),
        per("S", "N").alias("AVG_RATING"),
        F.col("ACTIVE_USERS"),
    )


@model(
    # A day recomputes the users whose partials or dimension row changed (the framework deletes their
    # rows first): a few thousand of 162k, instead of ranking 2.8M (user, genre) partials again.
    Incremental(
        unique_key=("USER_ID",),
        strategy="delete+insert",
        changes_of=("dim_users", "agg_user_ratings", "agg_user_genre_ratings"),
    ),
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
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("TAGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("FIRST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("LAST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("FAVORITE_GENRE", "VARCHAR"),
    ],
)
def mart_user_behavior(
    dim_users: DataFrame, agg_user_ratings: DataFrame, agg_user_genre_ratings: DataFrame, ctx: ModelContext
) -> DataFrame:
    """Per user: counts, average rating, first/last activity and favourite genre (most rated;
    ties broken by higher average, then name). An incremental build returns every row of the users
    its inputs changed."""
    if ctx.is_incremental:
        inputs = ("dim_users", "agg_user_ratings", "agg_user_genre_ratings")
        users = [rows.select("USER_ID") for n in inputs for rows in (ctx.inserted(n), ctx.deleted(n))]
        changed = users[0]
        for more in users[1:]:
            changed = changed.union_all(more)
        # (wrapped in a SELECT: the embedded engine cannot parse IN over a bare parenthesised union)
        changed = changed.select("USER_ID")
        user = F.col("USER_ID")
        dim_users = dim_users.filter(user.isin(changed))
        agg_user_ratings = agg_user_ratings.filter(user.isin(changed))
        agg_user_genre_ratings = agg_user_genre_ratings.filter(user.isin(changed))
    per_genre = agg_user_genre_ratings.select(
        F.col("USER_ID"),
        F.col("GENRE"),
        F.col("RATINGS_COUNT").alias("N"),
        per("RATING_SUM", "RATINGS_COUNT").alias("A"),
    )
    ranking = Window.partition_by("USER_ID").order_by(F.col("N").desc(), F.col("A").desc(), F.col("GENRE"))
    favourite = (
        per_genre.with_column("R", F.row_number().over(ranking))
        .filter(F.col("R") == 1)
        .select(F.col("USER_ID"), F.col("GENRE").alias("FAVORITE_GENRE"))
    )
    averages = agg_user_ratings.select(
        F.col("USER_ID"), per("RATING_SUM", "RATINGS_COUNT").alias("AVG_RATING")
    )
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
