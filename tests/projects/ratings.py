"""A small ratings project with checks of every kind: raw sources, staging, a fact and a mart."""

from __future__ import annotations

from datetime import datetime

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, source
from netflix_elt.quality import check, gxe, relationship, row_count_reconciles, singular
from netflix_elt.quality.unit import unit_test

raw_movies = source("RAW_MOVIES", checks=[gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")])
raw_ratings = source("RAW_RATINGS")


@model(Table(), layer="staging", checks=[gxe.ExpectColumnValuesToNotBeNull(column="TITLE")])
def stg_movies(raw_movies):
    return raw_movies.select(F.col("MOVIE_ID"), F.col("TITLE"))


@model(Table(), layer="staging")
def stg_ratings(raw_ratings):
    return raw_ratings.select(F.col("USER_ID"), F.col("MOVIE_ID"), F.col("RATING"), F.col("RATED_AT"))


@model(
    Table(),
    checks=[
        gxe.ExpectColumnValuesToNotBeNull(column="MOVIE_ID"),
        gxe.ExpectColumnValuesToBeBetween(column="RATING", min_value=0.5, max_value=5.0),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID"]),
        relationship("MOVIE_ID", to="stg_movies"),
        row_count_reconciles(to="stg_ratings"),
        check(
            gxe.ExpectColumnMeanToBeBetween(column="RATING", min_value=1.0, max_value=4.5), severity="warn"
        ),
        singular("ratings_in_the_future", "SELECT * FROM {this} WHERE RATED_AT > '2030-01-01'"),
    ],
)
def fct_ratings(stg_ratings, stg_movies):
    """Every rating (stg_movies is an input so that the relationship check runs after it is built)."""
    return stg_ratings.select("USER_ID", "MOVIE_ID", "RATING", "RATED_AT")


@model(Table(), tags=["mart"])
def movie_stats(fct_ratings):
    return fct_ratings.group_by("MOVIE_ID").agg(
        F.count("*").alias("RATINGS"), F.avg("RATING").alias("AVG_RATING")
    )


# Unit tests declared in the project, run by `netflix-elt unit-test` (the second one is wrong on purpose).
unit_tests = [
    unit_test(
        "movie_stats",
        given={
            "fct_ratings": [
                {"USER_ID": 1, "MOVIE_ID": 1, "RATING": 4.0, "RATED_AT": datetime(2020, 1, 1)},
                {"USER_ID": 2, "MOVIE_ID": 1, "RATING": 3.0, "RATED_AT": datetime(2020, 1, 2)},
                {"USER_ID": 2, "MOVIE_ID": 2, "RATING": 5.0, "RATED_AT": datetime(2020, 1, 3)},
            ]
        },
        expect=[
            {"MOVIE_ID": 1, "RATINGS": 2, "AVG_RATING": 3.5},
            {"MOVIE_ID": 2, "RATINGS": 1, "AVG_RATING": 5.0},
        ],
    ),
    unit_test(
        "stg_movies",
        given={"raw_movies": [{"MOVIE_ID": 1, "TITLE": "Heat"}]},
        expect=[{"MOVIE_ID": 1, "TITLE": "Heat (1995)"}],
        name="stg_movies_wrong_on_purpose",
    ),
]
