"""Questions 9, 16 and 17: where the catalog misses demand, what to promote, which genres could grow.

Shares of genres use DIM_MOVIE_GENRES on both sides so they are comparable: demand = a genre's share of
all (rating, genre) pairs, supply = its share of all (movie, genre) pairs of the catalog; each sums to 1
over the genres. Recency windows end at the data's latest rating (not the wall clock), so the answers
are a function of the data set alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import Parameter, global_stats, ratio
from netflix_elt.movielens.pipeline.exact import exact_mean, exact_stddev
from netflix_elt.snowpark import Column, F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# Bayesian average: PRIOR_RATINGS pseudo-ratings at the global mean are added to every movie.
PRIOR_RATINGS = 20
# "Recent" = the RECENT_DAYS days up to and including the data's latest rating.
RECENT_DAYS = 365
# Movies listed as promotion candidates.
PROMOTION_TOP_N = 100
# Genre growth: the last GROWTH_MONTHS months of data against the GROWTH_MONTHS before them.
GROWTH_MONTHS = 12


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(
            "CONTENT_COVERAGE_GAPS",
            "DEMAND_SHARE",
            "genre ratings of the segment / all genre ratings of the segment",
            "segments from USER_SEGMENTS plus ALL; a rating counts once in each genre of its movie",
        ),
        Parameter(
            "CONTENT_COVERAGE_GAPS",
            "SUPPLY_SHARE",
            "movies of the genre / all (movie, genre) pairs of the catalog",
            "GAP = DEMAND_SHARE - SUPPLY_SHARE; GAP_RANK 1 = demand furthest above supply",
        ),
        Parameter(
            "PROMOTION_CANDIDATES",
            "PRIOR_RATINGS",
            PRIOR_RATINGS,
            "BAYESIAN_AVG = (PRIOR_RATINGS * global mean + sum of ratings) / (PRIOR_RATINGS + ratings)",
        ),
        Parameter(
            "PROMOTION_CANDIDATES",
            "RECENT_DAYS",
            RECENT_DAYS,
            "RECENT_RATINGS counts ratings in this many days up to the data's latest rating",
        ),
        Parameter(
            "PROMOTION_CANDIDATES",
            "SCORE",
            "(BAYESIAN_AVG - global mean) * LN(1 + RECENT_RATINGS)",
            "quality above the average, weighted by recent engagement; only SCORE > 0 is a candidate",
        ),
        Parameter("PROMOTION_CANDIDATES", "TOP_N", PROMOTION_TOP_N, "candidates listed"),
        Parameter(
            "GENRE_GROWTH_POTENTIAL",
            "GROWTH_MONTHS",
            GROWTH_MONTHS,
            "RECENT_GROWTH = genre ratings in the last N months of data / the N months before - 1",
        ),
        Parameter(
            "GENRE_GROWTH_POTENTIAL",
            "POTENTIAL_SCORE",
            "Z(AVG_RATING) + Z(RECENT_GROWTH) - Z((CATALOG_SHARE + RATING_SHARE) / 2)",
            "z-scores across genres (population stddev), a missing z counts 0: satisfying, growing and small",
        ),
    )


@model(
    Analysis(question="Where does demand for a genre outrun the catalog, overall and per segment?"),
    tags=["analysis", "business"],
    columns=[
        column("SEGMENT", "VARCHAR", nullable=False, key=True),
        column("GENRE", "VARCHAR", nullable=False, key=True),
        column("DEMAND_SHARE", "FLOAT", nullable=False),
        column("SUPPLY_SHARE", "FLOAT", nullable=False),
        column("GAP", "FLOAT", nullable=False),
        column("GAP_RANK", "NUMBER(38,0)", nullable=False),
        column("DEMAND_TO_SUPPLY", "FLOAT", nullable=False),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("CATALOG_MOVIES", "NUMBER(38,0)", nullable=False),
    ],
)
def content_coverage_gaps(genre_popularity: DataFrame, dim_movie_genres: DataFrame) -> DataFrame:
    """Per segment x genre: DEMAND_SHARE (the segment's share of genre ratings), SUPPLY_SHARE (the
    genre's share of catalog genre assignments), GAP = demand - supply and GAP_RANK (1 = largest gap)."""
    supply = dim_movie_genres.group_by("GENRE").agg(F.count(F.lit(1)).alias("CATALOG_MOVIES"))
    supply = supply.select(
        F.col("GENRE"),
        F.col("CATALOG_MOVIES"),
        ratio(F.col("CATALOG_MOVIES"), F.sum("CATALOG_MOVIES").over()).alias("SUPPLY_SHARE"),
    )
    joined = genre_popularity.join(supply, "GENRE").select(
        F.col("SEGMENT"),
        F.col("GENRE"),
        F.coalesce(F.col("SHARE_OF_SEGMENT"), F.lit(0.0)).alias("DEMAND_SHARE"),
        F.col("SUPPLY_SHARE"),
        F.col("RATINGS_COUNT"),
        F.col("CATALOG_MOVIES"),
    )
    gap = F.col("DEMAND_SHARE") - F.col("SUPPLY_SHARE")
    rank = Window.partition_by("SEGMENT").order_by(gap.desc(), F.col("GENRE"))
    return joined.select(
        F.col("SEGMENT"),
        F.col("GENRE"),
        F.col("DEMAND_SHARE"),
        F.col("SUPPLY_SHARE"),
        gap.alias("GAP"),
        F.row_number().over(rank).alias("GAP_RANK"),
        ratio(F.col("DEMAND_SHARE"), F.col("SUPPLY_SHARE")).alias("DEMAND_TO_SUPPLY"),
        F.col("RATINGS_COUNT"),
        F.col("CATALOG_MOVIES"),
    )


@model(
    Analysis(question="Which movies should be promoted?"),
    tags=["analysis", "business"],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TITLE", "VARCHAR"),
        column("RELEASE_YEAR", "NUMBER(38,0)"),
        column("BAYESIAN_AVG", "FLOAT", nullable=False),
        column("AVG_RATING", "FLOAT", nullable=False),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("RECENT_RATINGS", "NUMBER(38,0)", nullable=False),
        column("GLOBAL_AVG_RATING", "FLOAT", nullable=False),
        column("SCORE", "FLOAT", nullable=False),
        column("PROMOTION_RANK", "NUMBER(38,0)", nullable=False),
    ],
)
def promotion_candidates(
    fct_ratings: DataFrame, mart_content_metrics: DataFrame, agg_user_ratings: DataFrame
) -> DataFrame:
    """The PROMOTION_TOP_N movies with the highest SCORE = (BAYESIAN_AVG - global mean) x
    LN(1 + RECENT_RATINGS), among movies with SCORE > 0."""
    stats = global_stats(agg_user_ratings).select("GLOBAL_AVG_RATING", "LAST_RATED_AT")
    window_start = F.dateadd("day", F.lit(-RECENT_DAYS), F.col("LAST_RATED_AT"))
    recent = (
        fct_ratings.cross_join(stats)
        .filter(F.col("RATED_AT") > window_start)
        .group_by("MOVIE_ID")
        .agg(F.count(F.lit(1)).alias("RECENT_RATINGS"))
    )
    movies = mart_content_metrics.cross_join(stats).join(recent, "MOVIE_ID", how="left")
    count = F.col("RATINGS_COUNT")
    bayesian = (F.lit(PRIOR_RATINGS) * F.col("GLOBAL_AVG_RATING") + F.col("AVG_RATING") * count) / (
        F.lit(PRIOR_RATINGS) + count
    )
    recent_count = F.coalesce(F.col("RECENT_RATINGS"), F.lit(0))
    scored = movies.select(
        F.col("MOVIE_ID"),
        F.col("TITLE"),
        F.col("RELEASE_YEAR"),
        bayesian.alias("BAYESIAN_AVG"),
        F.col("AVG_RATING"),
        count.alias("RATINGS_COUNT"),
        recent_count.alias("RECENT_RATINGS"),
        F.col("GLOBAL_AVG_RATING"),
    )
    quality = F.col("BAYESIAN_AVG") - F.col("GLOBAL_AVG_RATING")
    scored = scored.with_column("SCORE", quality * F.ln(F.lit(1) + F.col("RECENT_RATINGS")))
    order = Window.order_by(F.col("SCORE").desc(), F.col("BAYESIAN_AVG").desc(), F.col("MOVIE_ID"))
    ranked = scored.filter(F.col("SCORE") > 0).with_column("PROMOTION_RANK", F.row_number().over(order))
    return ranked.filter(F.col("PROMOTION_RANK") <= PROMOTION_TOP_N)


def _standardised(column: str) -> Column:
    """(x - mean) / population stddev across all rows; 0 where undefined."""
    everything = Window.partition_by(F.lit(1))
    z = ratio(
        F.col(column) - exact_mean(column, over=everything),
        exact_stddev(column, population=True, over=everything),
    )
    return F.coalesce(z, F.lit(0.0))


@model(
    Analysis(question="Which under-represented genres have growth potential?"),
    tags=["analysis", "business"],
    columns=[
        column("GENRE", "VARCHAR", nullable=False, key=True),
        column("CATALOG_SHARE", "FLOAT", nullable=False),
        column("RATING_SHARE", "FLOAT"),
        column("AVG_RATING", "FLOAT"),
        column("RECENT_RATINGS", "NUMBER(38,0)", nullable=False),
        column("PRIOR_RATINGS", "NUMBER(38,0)", nullable=False),
        column("RECENT_GROWTH", "FLOAT"),
        column("PRESENCE", "FLOAT", nullable=False),
        column("Z_SATISFACTION", "FLOAT", nullable=False),
        column("Z_GROWTH", "FLOAT", nullable=False),
        column("Z_PRESENCE", "FLOAT", nullable=False),
        column("POTENTIAL_SCORE", "FLOAT", nullable=False),
        column("POTENTIAL_RANK", "NUMBER(38,0)", nullable=False),
    ],
)
def genre_growth_potential(
    fct_ratings: DataFrame,
    dim_movie_genres: DataFrame,
    ratings_by_genre: DataFrame,
    agg_user_ratings: DataFrame,
) -> DataFrame:
    """Per genre: catalog and rating shares, mean rating, RECENT_GROWTH (last GROWTH_MONTHS months of
    data vs the ones before) and POTENTIAL_SCORE = Z(AVG_RATING) + Z(RECENT_GROWTH) - Z(PRESENCE),
    PRESENCE = (CATALOG_SHARE + RATING_SHARE) / 2; POTENTIAL_RANK 1 = highest score."""
    end = global_stats(agg_user_ratings).select("LAST_RATED_AT")
    recent_start = F.dateadd("month", F.lit(-GROWTH_MONTHS), F.col("LAST_RATED_AT"))
    prior_start = F.dateadd("month", F.lit(-2 * GROWTH_MONTHS), F.col("LAST_RATED_AT"))
    windows = (
        fct_ratings.cross_join(end)
        .filter(F.col("RATED_AT") > prior_start)
        .group_by("MOVIE_ID")
        .agg(
            F.sum(F.iff(F.col("RATED_AT") > recent_start, F.lit(1), F.lit(0))).alias("RECENT"),
            F.sum(F.iff(F.col("RATED_AT") <= recent_start, F.lit(1), F.lit(0))).alias("PRIOR"),
        )
        .join(dim_movie_genres, "MOVIE_ID")
        .group_by("GENRE")
        .agg(F.sum("RECENT").alias("RECENT_RATINGS"), F.sum("PRIOR").alias("PRIOR_RATINGS"))
    )
    genres = ratings_by_genre.join(windows, "GENRE", how="left").select(
        F.col("GENRE"),
        ratio(F.col("CATALOG_MOVIES"), F.sum("CATALOG_MOVIES").over()).alias("CATALOG_SHARE"),
        F.col("SHARE_OF_GENRE_RATINGS").alias("RATING_SHARE"),
        F.col("AVG_RATING"),
        F.coalesce(F.col("RECENT_RATINGS"), F.lit(0)).cast("bigint").alias("RECENT_RATINGS"),
        F.coalesce(F.col("PRIOR_RATINGS"), F.lit(0)).cast("bigint").alias("PRIOR_RATINGS"),
    )
    genres = genres.with_column(
        "RECENT_GROWTH", ratio(F.col("RECENT_RATINGS"), F.col("PRIOR_RATINGS")) - 1
    ).with_column("PRESENCE", (F.col("CATALOG_SHARE") + F.coalesce(F.col("RATING_SHARE"), F.lit(0.0))) / 2)
    scored = genres.select(
        *genres.columns,
        _standardised("AVG_RATING").alias("Z_SATISFACTION"),
        _standardised("RECENT_GROWTH").alias("Z_GROWTH"),
        _standardised("PRESENCE").alias("Z_PRESENCE"),
    ).with_column("POTENTIAL_SCORE", F.col("Z_SATISFACTION") + F.col("Z_GROWTH") - F.col("Z_PRESENCE"))
    rank = Window.order_by(F.col("POTENTIAL_SCORE").desc(), F.col("GENRE"))
    return scored.with_column("POTENTIAL_RANK", F.row_number().over(rank))
