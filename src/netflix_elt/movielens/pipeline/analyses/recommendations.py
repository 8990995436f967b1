"""Questions 7 and 8: similar users, "users who liked this also liked", and the pair counts behind them.

Pairwise questions are quadratic when done naively (one user with thousands of ratings makes millions
of movie pairs; one movie with 80,000 raters makes billions of user pairs), so the work is bounded:

USER_SIMILARITY (user-user, adjusted cosine over co-rated movies)
  1. each user's USER_CAP most recent ratings, centred on that user's mean over all their ratings;
  2. of those, each movie keeps its MOVIE_RATER_CAP most recent raters (bounds pairs per movie);
  3. users left with fewer than MIN_CO_RATED ratings are dropped (they cannot reach the support; lossless);
  4. pairs with at least MIN_CO_RATED co-rated movies get
     SIMILARITY = sum(d1*d2) / sqrt(sum(d1^2) * sum(d2^2)) * CO / (CO + SIMILARITY_SHRINKAGE)
     (d = rating - user mean, sums over the co-rated movies); only SIMILARITY > 0 is kept;
  5. each user keeps the TOP_K most similar users.
MOVIE_CO_RATINGS (item-item over positive ratings)
  1. positive ratings only (>= POSITIVE_RATING);
  2. each user's LIKES_CAP highest-rated (then most recent) positive ratings (bounds pairs per user);
  3. movies with fewer than MIN_CO_RATERS likers are dropped (they cannot reach the support; lossless);
  4. pairs liked together by at least MIN_CO_RATERS users get SCORE = CO_RATERS / sqrt(L1 * L2)
     (cosine of the two movies' sets of likers, L = likers after the cap);
  5. each movie keeps its TOP_K related movies.
RECOMMENDATION_PAIR_STATS states how many pairs each step generated and kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import (
    HIGH_RATING,
    WEEKLY,
    Parameter,
    rows_from,
    union_all,
)
from netflix_elt.movielens.pipeline.exact import exact, exact_product
from netflix_elt.snowpark import F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# Similar users: each user's most recent ratings considered, and raters kept per movie.
USER_CAP = 100
MOVIE_RATER_CAP = 50
# Minimum co-rated movies for a user pair (support; the caps leave few co-ratings per pair, and the
# shrinkage below discounts small supports), and that shrinkage.
MIN_CO_RATED = 3
SIMILARITY_SHRINKAGE = 10
# Related movies: a "like" is a rating >= POSITIVE_RATING; each user's strongest likes considered.
POSITIVE_RATING = HIGH_RATING
LIKES_CAP = 30
# Minimum users who liked both movies (support).
MIN_CO_RATERS = 5
# Neighbours kept per user / per movie.
TOP_K = 10

USER_SIMILARITY = "USER_SIMILARITY"
MOVIE_CO_RATINGS = "MOVIE_CO_RATINGS"


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(USER_SIMILARITY, "USER_CAP", USER_CAP, "each user's most recent ratings considered"),
        Parameter(USER_SIMILARITY, "MOVIE_RATER_CAP", MOVIE_RATER_CAP, "most recent raters kept per movie"),
        Parameter(USER_SIMILARITY, "MIN_CO_RATED", MIN_CO_RATED, "co-rated movies a pair needs (support)"),
        Parameter(
            USER_SIMILARITY,
            "SIMILARITY",
            f"adjusted cosine * CO / (CO + {SIMILARITY_SHRINKAGE})",
            "cosine of ratings centred on each user's mean, over co-rated movies, shrunk for small support",
        ),
        Parameter(USER_SIMILARITY, "TOP_K", TOP_K, "most similar users kept per user (SIMILARITY > 0)"),
        Parameter(MOVIE_CO_RATINGS, "POSITIVE_RATING", POSITIVE_RATING, "a like is a rating >= this"),
        Parameter(MOVIE_CO_RATINGS, "LIKES_CAP", LIKES_CAP, "each user's highest-rated, then newest, likes"),
        Parameter(MOVIE_CO_RATINGS, "MIN_CO_RATERS", MIN_CO_RATERS, "users who liked both movies (support)"),
        Parameter(
            MOVIE_CO_RATINGS,
            "SCORE",
            "CO_RATERS / sqrt(LIKERS_1 * LIKERS_2)",
            "cosine of the two movies' sets of likers (after the cap)",
        ),
        Parameter(MOVIE_CO_RATINGS, "TOP_K", TOP_K, "related movies kept per movie"),
    )


# -- bounded inputs (shared with RECOMMENDATION_PAIR_STATS) -------------------------------------------
def capped_user_ratings(fct_ratings: DataFrame) -> DataFrame:
    """(USER_ID, MOVIE_ID, DEVIATION) after steps 1-3 of USER_SIMILARITY."""
    user_means = fct_ratings.group_by("USER_ID").agg(F.avg("RATING").alias("USER_MEAN"))
    newest_per_user = Window.partition_by("USER_ID").order_by(
        F.col("RATED_AT").desc(), F.col("MOVIE_ID").desc()
    )
    recent = fct_ratings.with_column("_USER_RANK", F.row_number().over(newest_per_user)).filter(
        F.col("_USER_RANK") <= USER_CAP
    )
    newest_per_movie = Window.partition_by("MOVIE_ID").order_by(
        F.col("RATED_AT").desc(), F.col("USER_ID").desc()
    )
    capped = recent.with_column("_MOVIE_RANK", F.row_number().over(newest_per_movie)).filter(
        F.col("_MOVIE_RANK") <= MOVIE_RATER_CAP
    )
    supported = capped.with_column("_KEPT", F.count(F.lit(1)).over(Window.partition_by("USER_ID"))).filter(
        F.col("_KEPT") >= MIN_CO_RATED
    )
    return supported.join(user_means, "USER_ID").select(  # exact: its products are summed per pair
        F.col("USER_ID"), F.col("MOVIE_ID"), exact(F.col("RATING") - F.col("USER_MEAN")).alias("DEVIATION")
    )


def capped_likes(fct_ratings: DataFrame) -> DataFrame:
    """(USER_ID, MOVIE_ID, LIKERS) after steps 1-3 of MOVIE_CO_RATINGS."""
    strongest = Window.partition_by("USER_ID").order_by(
        F.col("RATING").desc(), F.col("RATED_AT").desc(), F.col("MOVIE_ID").desc()
    )
    capped = (
        fct_ratings.filter(F.col("RATING") >= POSITIVE_RATING)
        .with_column("_LIKE_RANK", F.row_number().over(strongest))
        .filter(F.col("_LIKE_RANK") <= LIKES_CAP)
    )
    counted = capped.with_column("LIKERS", F.count(F.lit(1)).over(Window.partition_by("MOVIE_ID")))
    return counted.filter(F.col("LIKERS") >= MIN_CO_RATERS).select("USER_ID", "MOVIE_ID", "LIKERS")


def pairs_generated(rows: DataFrame, key: str) -> DataFrame:
    """One row: ROWS (rows of ``rows``) and PAIRS, the rows a self-join of ``rows`` on ``key`` with
    ``left < right`` produces, i.e. the sum over keys of n * (n - 1) / 2."""
    per_key = rows.group_by(key).agg(F.count(F.lit(1)).cast("bigint").alias("_N"))
    pairs = F.sum(F.col("_N") * (F.col("_N") - 1) / 2)
    return per_key.agg(
        F.coalesce(F.sum("_N"), F.lit(0)).cast("bigint").alias("ROWS"),
        F.coalesce(pairs, F.lit(0)).cast("bigint").alias("PAIRS"),
    )


def _top_k(
    pairs: DataFrame, left: str, right: str, score: str, support: str, out: tuple[str, str]
) -> DataFrame:
    """Both directions of each undirected pair, ranked per entity; the TOP_K best kept. The pairs are
    doubled by a two-row FLATTEN rather than a UNION, so their (costly) query is computed once."""
    columns = {out[0]: "bigint", out[1]: "bigint", score: "double", support: "bigint"}
    directions = [
        (F.col(left), F.col(right), F.col(score), F.col(support)),
        (F.col(right), F.col(left), F.col(score), F.col(support)),
    ]
    directed = rows_from(pairs, columns, directions)
    ranking = Window.partition_by(out[0]).order_by(F.col(score).desc(), F.col(support).desc(), F.col(out[1]))
    return directed.with_column("_RANK", F.row_number().over(ranking)).filter(F.col("_RANK") <= TOP_K)


@model(
    Analysis(question="Which users have similar taste?"),
    tags=["analysis", "recommendations"],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("SIMILAR_USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("SIMILARITY", "FLOAT", nullable=False),
        column("CO_RATED_COUNT", "NUMBER(38,0)", nullable=False),
        column("SIMILARITY_RANK", "NUMBER(38,0)", nullable=False),
    ],
    cron=WEEKLY,
)
def user_similarity(fct_ratings: DataFrame) -> DataFrame:
    """Per user, up to TOP_K similar users (SIMILARITY_RANK 1 = most similar); method in the module doc."""
    rated = capped_user_ratings(fct_ratings)
    left = rated.select(F.col("MOVIE_ID"), F.col("USER_ID").alias("U1"), F.col("DEVIATION").alias("D1"))
    right = rated.select(F.col("MOVIE_ID"), F.col("USER_ID").alias("U2"), F.col("DEVIATION").alias("D2"))
    pairs = (
        left.join(right, "MOVIE_ID")
        .filter(F.col("U1") < F.col("U2"))
        .group_by("U1", "U2")
        .agg(
            F.count(F.lit(1)).alias("CO_RATED_COUNT"),
            F.sum(exact_product(F.col("D1"), F.col("D2"))).alias("DOT"),
            F.sum(exact_product(F.col("D1"), F.col("D1"))).alias("NORM1"),
            F.sum(exact_product(F.col("D2"), F.col("D2"))).alias("NORM2"),
        )
        .filter(F.col("CO_RATED_COUNT") >= MIN_CO_RATED)
    )
    dot, norm1, norm2 = (F.col(c).cast("double") for c in ("DOT", "NORM1", "NORM2"))  # exact sums
    cosine = dot / F.sqrt(norm1 * norm2)
    shrink = F.col("CO_RATED_COUNT") / (F.col("CO_RATED_COUNT") + F.lit(SIMILARITY_SHRINKAGE)).cast("double")
    scored = pairs.filter((F.col("NORM1") > 0) & (F.col("NORM2") > 0)).select(
        "U1", "U2", "CO_RATED_COUNT", (cosine * shrink).alias("SIMILARITY")
    )
    positive = scored.filter(F.col("SIMILARITY") > 0)
    top = _top_k(positive, "U1", "U2", "SIMILARITY", "CO_RATED_COUNT", ("USER_ID", "SIMILAR_USER_ID"))
    return top.select(
        F.col("USER_ID"),
        F.col("SIMILAR_USER_ID"),
        F.col("SIMILARITY"),
        F.col("CO_RATED_COUNT").cast("bigint").alias("CO_RATED_COUNT"),
        F.col("_RANK").alias("SIMILARITY_RANK"),
    )


@model(
    Analysis(question="Which movies do users who liked a movie also like?"),
    tags=["analysis", "recommendations"],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TITLE", "VARCHAR"),
        column("RELATED_MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RELATED_TITLE", "VARCHAR"),
        column("CO_RATERS", "NUMBER(38,0)", nullable=False),
        column("SCORE", "FLOAT", nullable=False),
        column("RELATED_RANK", "NUMBER(38,0)", nullable=False),
    ],
    cron=WEEKLY,
)
def movie_co_ratings(fct_ratings: DataFrame, dim_movies: DataFrame) -> DataFrame:
    """Per movie, up to TOP_K related movies liked by the same users (RELATED_RANK 1 = strongest)."""
    likes = capped_likes(fct_ratings)
    left = likes.select(F.col("USER_ID"), F.col("MOVIE_ID").alias("M1"), F.col("LIKERS").alias("L1"))
    right = likes.select(F.col("USER_ID"), F.col("MOVIE_ID").alias("M2"), F.col("LIKERS").alias("L2"))
    pairs = (
        left.join(right, "USER_ID")
        .filter(F.col("M1") < F.col("M2"))
        .group_by("M1", "M2", "L1", "L2")
        .agg(F.count(F.lit(1)).alias("CO_RATERS"))
        .filter(F.col("CO_RATERS") >= MIN_CO_RATERS)
    )
    scored = pairs.select(
        "M1", "M2", "CO_RATERS", (F.col("CO_RATERS") / F.sqrt(F.col("L1") * F.col("L2"))).alias("SCORE")
    )
    top = _top_k(scored, "M1", "M2", "SCORE", "CO_RATERS", ("MOVIE_ID", "RELATED_MOVIE_ID"))
    titles = dim_movies.select(F.col("MOVIE_ID"), F.col("TITLE"))
    related = dim_movies.select(
        F.col("MOVIE_ID").alias("RELATED_MOVIE_ID"), F.col("TITLE").alias("RELATED_TITLE")
    )
    return (
        top.join(titles, "MOVIE_ID", how="left")
        .join(related, "RELATED_MOVIE_ID", how="left")
        .select(
            F.col("MOVIE_ID"),
            F.col("TITLE"),
            F.col("RELATED_MOVIE_ID"),
            F.col("RELATED_TITLE"),
            F.col("CO_RATERS").cast("bigint").alias("CO_RATERS"),
            F.col("SCORE"),
            F.col("_RANK").alias("RELATED_RANK"),
        )
    )


def _stats_row(
    name: str,
    eligible: DataFrame,
    bounded: DataFrame,
    join_key: str,
    result: DataFrame,
    entity: str,
    caps: tuple[int | None, int | None, int],
) -> DataFrame:
    """One RECOMMENDATION_PAIR_STATS row: input and capped rows, pairs a naive and the bounded
    self-join generate, rows kept, entities covered, and the parameters."""
    entities = eligible.agg(F.count_distinct(entity).cast("bigint").alias("ENTITIES"))
    naive = pairs_generated(eligible, join_key).select(
        F.col("ROWS").alias("INPUT_ROWS"), F.col("PAIRS").alias("NAIVE_PAIRS")
    )
    candidates = pairs_generated(bounded, join_key).select(
        F.col("ROWS").alias("CAPPED_ROWS"), F.col("PAIRS").alias("CANDIDATE_PAIRS")
    )
    kept = result.agg(
        F.count(F.lit(1)).cast("bigint").alias("KEPT_PAIRS"),
        F.count_distinct(entity).cast("bigint").alias("ENTITIES_WITH_NEIGHBOURS"),
    )
    per_user_cap, per_movie_cap, support = caps
    return (
        naive.cross_join(candidates)
        .cross_join(kept)
        .cross_join(entities)
        .select(
            F.lit(name).alias("ANALYSIS"),
            F.col("INPUT_ROWS"),
            F.col("CAPPED_ROWS"),
            F.col("NAIVE_PAIRS"),
            F.col("CANDIDATE_PAIRS"),
            F.col("KEPT_PAIRS"),
            F.col("ENTITIES"),
            F.col("ENTITIES_WITH_NEIGHBOURS"),
            F.lit(TOP_K).cast("int").alias("TOP_K"),
            F.lit(support).cast("int").alias("MIN_SUPPORT"),
            F.lit(per_user_cap).cast("int").alias("PER_USER_CAP"),
            F.lit(per_movie_cap).cast("int").alias("PER_MOVIE_CAP"),
        )
    )


@model(
    Analysis(question="How much pairwise work did the recommendation analyses do, and what did they keep?"),
    tags=["analysis", "recommendations"],
    columns=[
        column("ANALYSIS", "VARCHAR", nullable=False, key=True),
        column("INPUT_ROWS", "NUMBER(38,0)", nullable=False),
        column("CAPPED_ROWS", "NUMBER(38,0)", nullable=False),
        column("NAIVE_PAIRS", "NUMBER(38,0)", nullable=False),
        column("CANDIDATE_PAIRS", "NUMBER(38,0)", nullable=False),
        column("KEPT_PAIRS", "NUMBER(38,0)", nullable=False),
        column("ENTITIES", "NUMBER(38,0)", nullable=False),
        column("ENTITIES_WITH_NEIGHBOURS", "NUMBER(38,0)", nullable=False),
        column("TOP_K", "NUMBER(38,0)", nullable=False),
        column("MIN_SUPPORT", "NUMBER(38,0)", nullable=False),
        column("PER_USER_CAP", "NUMBER(38,0)", nullable=False),
        column("PER_MOVIE_CAP", "NUMBER(38,0)"),
    ],
    cron=WEEKLY,
)
def recommendation_pair_stats(
    fct_ratings: DataFrame, user_similarity: DataFrame, movie_co_ratings: DataFrame
) -> DataFrame:
    """Per pairwise analysis: INPUT_ROWS (eligible ratings), CAPPED_ROWS (after the caps and the
    lossless support pruning), NAIVE_PAIRS (self-join rows without any bound), CANDIDATE_PAIRS (self-join
    rows actually generated), KEPT_PAIRS (rows of the result table), ENTITIES (users / movies in the
    input) and ENTITIES_WITH_NEIGHBOURS (those with at least one kept pair), and the parameters."""
    users = _stats_row(
        USER_SIMILARITY,
        fct_ratings.select("USER_ID", "MOVIE_ID"),
        capped_user_ratings(fct_ratings),
        "MOVIE_ID",
        user_similarity,
        "USER_ID",
        (USER_CAP, MOVIE_RATER_CAP, MIN_CO_RATED),
    )
    movies = _stats_row(
        MOVIE_CO_RATINGS,
        fct_ratings.filter(F.col("RATING") >= POSITIVE_RATING).select("USER_ID", "MOVIE_ID"),
        capped_likes(fct_ratings),
        "USER_ID",
        movie_co_ratings,
        "MOVIE_ID",
        (LIKES_CAP, None, MIN_CO_RATERS),
    )
    return union_all(users, movies)
