"""Questions 3, 4, 5 and 6: how ratings spread over genres, release years, movies and rating values.

Genre figures use DIM_MOVIE_GENRES: a movie counts once in each of its genres, so a rating of a
Comedy|Drama counts for both; movies with no genre listed appear in no genre.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import (
    HIGH_RATING,
    LOW_RATING,
    Parameter,
    global_stats,
    integer_spine,
    one_row,
    ratio,
    union_all,
)
from netflix_elt.movielens.pipeline.exact import exact_sum
from netflix_elt.snowpark import F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# A movie needs this many ratings before it can be called polarized.
POLARIZED_MIN_RATINGS = 20
# ... and at least this share of its ratings low (<= LOW_RATING) and this share high (>= HIGH_RATING).
POLARIZED_MIN_SHARE = 0.25
# High engagement = ratings count in the top decile of rated movies (percent_rank >= this).
ENGAGEMENT_MIN_PERCENTILE = 0.90
# Low rating = the movie's mean at least this many stars below the mean of all ratings.
LOW_RATING_GAP = 0.5
ALL_USERS = "ALL"


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(
            "RATINGS_BY_GENRE",
            "MOVIES_COUNT",
            "movies of the genre with at least one rating",
            "CATALOG_MOVIES counts every movie of the genre; a movie counts in each of its genres",
        ),
        Parameter(
            "RATINGS_BY_RELEASE_YEAR",
            "EXCLUDED",
            "movies without a release year",
            "the year is parsed from the title; DATA_COMPLETENESS counts the movies without one",
        ),
        Parameter(
            "MOVIE_RATING_DISTRIBUTION", "LOW_RATING", LOW_RATING, "SHARE_LOW = share of ratings <= this"
        ),
        Parameter(
            "MOVIE_RATING_DISTRIBUTION", "HIGH_RATING", HIGH_RATING, "SHARE_HIGH = share of ratings >= this"
        ),
        Parameter(
            "MOVIE_RATING_DISTRIBUTION",
            "POLARIZED_MIN_RATINGS",
            POLARIZED_MIN_RATINGS,
            "IS_POLARIZED needs at least this many ratings",
        ),
        Parameter(
            "MOVIE_RATING_DISTRIBUTION",
            "POLARIZED_MIN_SHARE",
            POLARIZED_MIN_SHARE,
            "IS_POLARIZED when SHARE_LOW >= this and SHARE_HIGH >= this",
        ),
        Parameter(
            "HIGH_ENGAGEMENT_LOW_RATING",
            "ENGAGEMENT_MIN_PERCENTILE",
            ENGAGEMENT_MIN_PERCENTILE,
            "percent_rank of the ratings count among rated movies (top decile)",
        ),
        Parameter(
            "HIGH_ENGAGEMENT_LOW_RATING",
            "LOW_RATING_GAP",
            LOW_RATING_GAP,
            "flagged when the movie's mean is at least this many stars below the mean of all ratings",
        ),
        Parameter(
            "GENRE_POPULARITY",
            "SHARE_OF_SEGMENT",
            "genre ratings / all genre ratings of the segment",
            "a rating counts once in each genre of its movie; segments from USER_SEGMENTS plus ALL",
        ),
    )


def _genre_totals(per_movie: DataFrame, dim_movie_genres: DataFrame, keys: list[str]) -> DataFrame:
    """Sum per-movie RATINGS_COUNT / RATING_SUM into (keys..., GENRE)."""
    return (
        per_movie.join(dim_movie_genres, "MOVIE_ID")
        .group_by(*keys, "GENRE")
        .agg(F.sum("RATINGS_COUNT").alias("RATINGS_COUNT"), F.sum("RATING_SUM").alias("RATING_SUM"))
    )


def _rated(mart_content_metrics: DataFrame) -> DataFrame:
    """Per rated movie: RATINGS_COUNT and RATING_SUM (so averages over groups weigh every rating)."""
    return mart_content_metrics.select(
        F.col("MOVIE_ID"),
        F.col("RATINGS_COUNT"),
        (F.col("AVG_RATING") * F.col("RATINGS_COUNT")).alias("RATING_SUM"),
    )


@model(
    Analysis(question="How are ratings distributed across genres?"),
    tags=["analysis", "content"],
    columns=[
        column("GENRE", "VARCHAR", nullable=False, key=True),
        column("GENRE_GROUP", "VARCHAR"),
        column("MOVIES_COUNT", "NUMBER(38,0)", nullable=False),
        column("CATALOG_MOVIES", "NUMBER(38,0)", nullable=False),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("SHARE_OF_GENRE_RATINGS", "FLOAT"),
    ],
)
def ratings_by_genre(
    dim_movie_genres: DataFrame, mart_content_metrics: DataFrame, seed_genres: DataFrame
) -> DataFrame:
    """Per genre: catalog movies, rated movies (MOVIES_COUNT), ratings, mean rating, share of all
    genre ratings, and the genre group from SEED_GENRES."""
    rated = _rated(mart_content_metrics)
    per_genre = (
        dim_movie_genres.join(rated, "MOVIE_ID", how="left")
        .group_by("GENRE")
        .agg(
            F.count(F.lit(1)).alias("CATALOG_MOVIES"),
            F.count("RATINGS_COUNT").alias("MOVIES_COUNT"),
            F.coalesce(F.sum("RATINGS_COUNT"), F.lit(0)).cast("bigint").alias("RATINGS_COUNT"),
            F.sum("RATING_SUM").alias("RATING_SUM"),
        )
    )
    return per_genre.join(seed_genres, "GENRE", how="left").select(
        F.col("GENRE"),
        F.col("GENRE_GROUP"),
        F.col("MOVIES_COUNT"),
        F.col("CATALOG_MOVIES"),
        F.col("RATINGS_COUNT"),
        ratio(F.col("RATING_SUM"), F.col("RATINGS_COUNT")).alias("AVG_RATING"),
        ratio(F.col("RATINGS_COUNT"), F.sum("RATINGS_COUNT").over()).alias("SHARE_OF_GENRE_RATINGS"),
    )


@model(
    Analysis(question="How are ratings distributed across release years?"),
    tags=["analysis", "content"],
    columns=[
        column("RELEASE_YEAR", "NUMBER(38,0)", nullable=False, key=True),
        column("MOVIES_COUNT", "NUMBER(38,0)", nullable=False),
        column("CATALOG_MOVIES", "NUMBER(38,0)", nullable=False),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
    ],
)
def ratings_by_release_year(dim_movies: DataFrame, mart_content_metrics: DataFrame) -> DataFrame:
    """Per release year (movies without a year are left out): rated movies (MOVIES_COUNT), catalog
    movies, ratings and mean rating."""
    per_year = (
        dim_movies.filter(F.col("RELEASE_YEAR").is_not_null())
        .select("MOVIE_ID", "RELEASE_YEAR")
        .join(_rated(mart_content_metrics), "MOVIE_ID", how="left")
        .group_by("RELEASE_YEAR")
        .agg(
            F.count("RATINGS_COUNT").alias("MOVIES_COUNT"),
            F.count(F.lit(1)).alias("CATALOG_MOVIES"),
            F.coalesce(F.sum("RATINGS_COUNT"), F.lit(0)).cast("bigint").alias("RATINGS_COUNT"),
            F.sum("RATING_SUM").alias("RATING_SUM"),
        )
    )
    return per_year.select(
        F.col("RELEASE_YEAR"),
        F.col("MOVIES_COUNT"),
        F.col("CATALOG_MOVIES"),
        F.col("RATINGS_COUNT"),
        ratio(F.col("RATING_SUM"), F.col("RATINGS_COUNT")).alias("AVG_RATING"),
    )


@model(
    Analysis(question="Which genres are most popular overall and within each user segment?"),
    tags=["analysis", "content"],
    columns=[
        column("SEGMENT", "VARCHAR", nullable=False, key=True),
        column("GENRE", "VARCHAR", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("SHARE_OF_SEGMENT", "FLOAT"),
        column("GENRE_RANK", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("SEGMENT_GENRE_RATINGS", "NUMBER(38,0)", nullable=False),
    ],
)
def genre_popularity(
    agg_user_genre_ratings: DataFrame,
    user_segments: DataFrame,
    mart_content_metrics: DataFrame,
    dim_movie_genres: DataFrame,
) -> DataFrame:
    """Per segment ('ALL' and each USER_SEGMENTS segment with ratings) x genre: genre ratings, share of
    the segment's genre ratings, mean rating and GENRE_RANK (1 = most rated; ties by genre name).
    Every genre of the catalog appears in every segment (0 ratings where none)."""
    by_segment = (
        agg_user_genre_ratings.join(user_segments.select("USER_ID", "SEGMENT"), "USER_ID")
        .group_by("SEGMENT", "GENRE")
        .agg(
            exact_sum("RATINGS_COUNT", 0).alias("RATINGS_COUNT"),
            exact_sum("RATING_SUM", 1).alias("RATING_SUM"),
        )
    )
    overall = _genre_totals(
        _rated(mart_content_metrics).with_column("SEGMENT", F.lit(ALL_USERS)), dim_movie_genres, ["SEGMENT"]
    )
    totals = union_all(overall, by_segment.select(overall.columns))
    segments = union_all(
        one_row(agg_user_genre_ratings).select(F.lit(ALL_USERS).alias("SEGMENT")),
        user_segments.filter(F.col("RATINGS_COUNT") > 0).select("SEGMENT").distinct(),
    )
    grid = segments.cross_join(dim_movie_genres.select("GENRE").distinct())
    joined = grid.join(totals, ["SEGMENT", "GENRE"], how="left")
    count = F.coalesce(F.col("RATINGS_COUNT"), F.lit(0)).cast("bigint")
    in_segment = Window.partition_by("SEGMENT")
    rank = Window.partition_by("SEGMENT").order_by(count.desc(), F.col("GENRE"))
    return joined.select(
        F.col("SEGMENT"),
        F.col("GENRE"),
        count.alias("RATINGS_COUNT"),
        ratio(count, F.sum(count).over(in_segment)).alias("SHARE_OF_SEGMENT"),
        F.row_number().over(rank).alias("GENRE_RANK"),
        ratio(F.col("RATING_SUM"), count).alias("AVG_RATING"),
        F.sum(count).over(in_segment).cast("bigint").alias("SEGMENT_GENRE_RATINGS"),
    )


@model(
    Analysis(question="How are each movie's ratings distributed, and which movies polarize?"),
    tags=["analysis", "content"],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TITLE", "VARCHAR"),
        column("RELEASE_YEAR", "NUMBER(38,0)"),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT", nullable=False),
        column("STDDEV_RATING", "FLOAT"),
        column("SHARE_LOW", "FLOAT", nullable=False),
        column("SHARE_HIGH", "FLOAT", nullable=False),
        column("POLARIZATION", "FLOAT", nullable=False),
        column("IS_POLARIZED", "BOOLEAN", nullable=False),
    ],
)
def movie_rating_distribution(mart_content_metrics: DataFrame) -> DataFrame:
    """Per rated movie: count, mean, standard deviation, shares of low and high ratings and
    IS_POLARIZED (>= POLARIZED_MIN_RATINGS ratings, both shares >= POLARIZED_MIN_SHARE)."""
    polarized = (
        (F.col("RATINGS_COUNT") >= POLARIZED_MIN_RATINGS)
        & (F.col("SHARE_LOW") >= POLARIZED_MIN_SHARE)
        & (F.col("SHARE_HIGH") >= POLARIZED_MIN_SHARE)
    )
    return mart_content_metrics.select(
        F.col("MOVIE_ID"),
        F.col("TITLE"),
        F.col("RELEASE_YEAR"),
        F.col("RATINGS_COUNT"),
        F.col("AVG_RATING"),
        F.col("STDDEV_RATING"),
        F.col("SHARE_LOW"),
        F.col("SHARE_HIGH"),
        F.least(F.col("SHARE_LOW"), F.col("SHARE_HIGH")).alias("POLARIZATION"),
        polarized.alias("IS_POLARIZED"),
    )


@model(
    Analysis(question="How often is each rating value given?"),
    tags=["analysis", "content"],
    columns=[
        column("RATING", "FLOAT", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("SHARE", "FLOAT", nullable=False),
    ],
)
def rating_value_distribution(agg_rating_hours: DataFrame) -> DataFrame:
    """One row per half-star value 0.5 .. 5.0 (all ten, 0 where unused; any off-grid value observed is
    kept as its own row) with its count and share of all ratings."""
    half_stars = integer_spine(one_row(agg_rating_hours), 10, start=1).select(
        (F.col("N") * 0.5).cast("double").alias("RATING"), F.lit(0).alias("RATINGS_COUNT")
    )
    observed = agg_rating_hours.group_by("RATING").agg(exact_sum("RATINGS_COUNT", 0).alias("RATINGS_COUNT"))
    counts = (
        union_all(half_stars, observed.select(F.col("RATING").cast("double"), F.col("RATINGS_COUNT")))
        .group_by("RATING")
        .agg(F.sum("RATINGS_COUNT").cast("bigint").alias("RATINGS_COUNT"))
    )
    return counts.select(
        F.col("RATING"),
        F.col("RATINGS_COUNT"),
        F.coalesce(ratio(F.col("RATINGS_COUNT"), F.sum("RATINGS_COUNT").over()), F.lit(0.0)).alias("SHARE"),
    )


@model(
    Analysis(question="Which movies are watched a lot but rated poorly?"),
    tags=["analysis", "content"],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TITLE", "VARCHAR"),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT", nullable=False),
        column("ENGAGEMENT_PERCENTILE", "FLOAT", nullable=False),
        column("RATING_GAP", "FLOAT", nullable=False),
        column("GLOBAL_AVG_RATING", "FLOAT", nullable=False),
        column("RANK", "NUMBER(38,0)", nullable=False),
    ],
)
def high_engagement_low_rating(mart_content_metrics: DataFrame, agg_user_ratings: DataFrame) -> DataFrame:
    """Movies whose ratings count is in the top decile (ENGAGEMENT_PERCENTILE >= 0.90) and whose mean is
    at least LOW_RATING_GAP below the mean of all ratings; RANK 1 = the largest shortfall."""
    engagement = Window.order_by(F.col("RATINGS_COUNT"))
    scored = mart_content_metrics.cross_join(
        global_stats(agg_user_ratings).select("GLOBAL_AVG_RATING")
    ).select(
        F.col("MOVIE_ID"),
        F.col("TITLE"),
        F.col("RATINGS_COUNT"),
        F.col("AVG_RATING"),
        F.percent_rank().over(engagement).alias("ENGAGEMENT_PERCENTILE"),
        (F.col("AVG_RATING") - F.col("GLOBAL_AVG_RATING")).alias("RATING_GAP"),
        F.col("GLOBAL_AVG_RATING"),
    )
    flagged = scored.filter(
        (F.col("ENGAGEMENT_PERCENTILE") >= ENGAGEMENT_MIN_PERCENTILE)
        & (F.col("RATING_GAP") <= -LOW_RATING_GAP)
    )
    order = Window.order_by(F.col("RATING_GAP"), F.col("RATINGS_COUNT").desc(), F.col("MOVIE_ID"))
    return flagged.with_column("RANK", F.row_number().over(order))
