"""Partials: FCT_RATINGS summed up per movie, user, (user, genre), (month, user) and (weekday, hour, rating).

Each is an :class:`~netflix_elt.kinds.Aggregate`: a day's build folds only the ratings FCT_RATINGS
inserted, updated or deleted into the stored counts and sums (a re-rating is -old +new), so the marts and
analyses built on them never rescan the 25 million ratings. Sums of ratings are exact (NUMBER: ratings
are halves), so a folded total equals a recomputed one and so does every average derived from it. A MIN
or MAX is recomputed for the few groups that lose the row holding it. Each contract declares the exact
type of every sum: the Aggregate kind adds up values cast to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.contracts import ContractColumn
from netflix_elt.declare import column, model
from netflix_elt.kinds import Aggregate, count_of, max_of, min_of, sum_of
from netflix_elt.movielens.pipeline.analyses._common import iso_day_of_week
from netflix_elt.movielens.pipeline.checks import sum_reconciles
from netflix_elt.movielens.pipeline.marts import HIGH_RATING, LOW_RATING
from netflix_elt.quality import gxe
from netflix_elt.snowpark import F

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

PARTIAL: dict[str, Any] = {"tags": ["partial"]}
# Ratings are halves: their sums are exact to one decimal, the sums of their squares to two.
COUNT = "NUMBER(38,0)"
RATING_SUM = "NUMBER(38,1)"
SQUARES_SUM = "NUMBER(38,2)"


def totals(*keys: tuple[str, str], **measures: str) -> list[ContractColumn]:
    """The contract of a partial: its key columns (name, type), then its measures (name=type), NOT NULL."""
    return [
        *(column(name, kind, nullable=False, key=True) for name, kind in keys),
        *(column(name, kind, nullable=False) for name, kind in measures.items()),
    ]


@model(
    Aggregate(
        group_by=("MOVIE_ID",),
        measures={
            "RATINGS_COUNT": count_of(),
            "RATING_SUM": sum_of("RATING"),
            "RATING_SQUARES": sum_of("RATING * RATING"),
            "LOW_RATINGS": sum_of(f"IFF(RATING <= {LOW_RATING}, 1, 0)"),
            "HIGH_RATINGS": sum_of(f"IFF(RATING >= {HIGH_RATING}, 1, 0)"),
            "FIRST_RATED_AT": min_of("RATED_AT"),
        },
    ),
    **PARTIAL,
    checks=[sum_reconciles("RATINGS_COUNT", to="fct_ratings")],
    columns=totals(
        ("MOVIE_ID", "NUMBER(38,0)"),
        RATINGS_COUNT=COUNT,
        RATING_SUM=RATING_SUM,
        RATING_SQUARES=SQUARES_SUM,
        LOW_RATINGS=COUNT,
        HIGH_RATINGS=COUNT,
        FIRST_RATED_AT="TIMESTAMP_NTZ",
    ),
)
def agg_movie_ratings(fct_ratings: DataFrame) -> DataFrame:
    """Per rated movie: ratings, their sum and sum of squares, low (<= 2) and high (>= 4) ratings, and
    the first rating's time."""
    return fct_ratings.select("MOVIE_ID", "RATING", "RATED_AT")


@model(
    Aggregate(
        group_by=("USER_ID",),
        measures={
            "RATINGS_COUNT": count_of(),
            "RATING_SUM": sum_of("RATING"),
            "FIRST_RATED_AT": min_of("RATED_AT"),
            "LAST_RATED_AT": max_of("RATED_AT"),
        },
    ),
    **PARTIAL,
    checks=[sum_reconciles("RATINGS_COUNT", to="fct_ratings")],
    columns=totals(
        ("USER_ID", "NUMBER(38,0)"),
        RATINGS_COUNT=COUNT,
        RATING_SUM=RATING_SUM,
        FIRST_RATED_AT="TIMESTAMP_NTZ",
        LAST_RATED_AT="TIMESTAMP_NTZ",
    ),
)
def agg_user_ratings(fct_ratings: DataFrame) -> DataFrame:
    """Per rating user: ratings, their sum, first and last rating time."""
    return fct_ratings.select("USER_ID", "RATING", "RATED_AT")


@model(
    Aggregate(
        group_by=("USER_ID", "GENRE"),
        measures={"RATINGS_COUNT": count_of(), "RATING_SUM": sum_of("RATING")},
    ),
    **PARTIAL,
    checks=[gxe.ExpectColumnValuesToNotBeNull(column="GENRE")],
    columns=totals(
        ("USER_ID", "NUMBER(38,0)"), ("GENRE", "VARCHAR"), RATINGS_COUNT=COUNT, RATING_SUM=RATING_SUM
    ),
)
def agg_user_genre_ratings(fct_ratings: DataFrame, dim_movie_genres: DataFrame) -> DataFrame:
    """Per (user, genre): the user's ratings of movies of that genre (a movie counts in each genre) and
    their sum. A new genre listing of an old movie reaches every user who rated it (a join's change)."""
    return fct_ratings.join(dim_movie_genres, "MOVIE_ID").select("USER_ID", "GENRE", "RATING")


@model(
    Aggregate(
        group_by=("MONTH_START", "USER_ID"),
        measures={"RATINGS_COUNT": count_of(), "RATING_SUM": sum_of("RATING")},
    ),
    **PARTIAL,
    checks=[sum_reconciles("RATINGS_COUNT", to="fct_ratings")],
    columns=totals(
        ("MONTH_START", "TIMESTAMP_NTZ"),
        ("USER_ID", "NUMBER(38,0)"),
        RATINGS_COUNT=COUNT,
        RATING_SUM=RATING_SUM,
    ),
)
def agg_monthly_user_ratings(fct_ratings: DataFrame) -> DataFrame:
    """Per (calendar month UTC, user): ratings and their sum; counting a month's rows counts its active
    users."""
    return fct_ratings.select(
        F.date_trunc("month", F.col("RATED_AT")).alias("MONTH_START"), F.col("USER_ID"), F.col("RATING")
    )


@model(
    Aggregate(
        group_by=("DAY_OF_WEEK", "HOUR_OF_DAY", "RATING"),
        measures={"RATINGS_COUNT": count_of()},
    ),
    **PARTIAL,
    checks=[sum_reconciles("RATINGS_COUNT", to="fct_ratings")],
    columns=totals(
        ("DAY_OF_WEEK", "NUMBER(38,0)"),
        ("HOUR_OF_DAY", "NUMBER(38,0)"),
        ("RATING", "FLOAT"),
        RATINGS_COUNT=COUNT,
    ),
)
def agg_rating_hours(fct_ratings: DataFrame) -> DataFrame:
    """Per (ISO weekday, hour UTC, rating value): ratings."""
    return fct_ratings.select(
        iso_day_of_week(F.col("RATED_AT")).alias("DAY_OF_WEEK"),
        F.hour(F.col("RATED_AT")).alias("HOUR_OF_DAY"),
        F.col("RATING"),
    )
