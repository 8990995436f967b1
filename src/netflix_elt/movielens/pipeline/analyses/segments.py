"""Question 18: user segments by activity level x rating generosity, and their summary.

Rules (every user falls in exactly one segment):
* activity level from the number of ratings: HEAVY (>= HEAVY_MIN_RATINGS), REGULAR
  (>= REGULAR_MIN_RATINGS), LIGHT (at least one rating, fewer than REGULAR_MIN_RATINGS);
* generosity from the user's average rating against the platform average (the mean of every rating):
  CRITIC (at least GENEROSITY_BAND stars below), ENTHUSIAST (at least GENEROSITY_BAND above), else BALANCED;
* SEGMENT = ACTIVITY_LEVEL || '_' || GENEROSITY (e.g. HEAVY_CRITIC); users who only tagged are TAGS_ONLY.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import Parameter, constant_rows, global_stats, ratio
from netflix_elt.movielens.pipeline.exact import exact_sum
from netflix_elt.snowpark import F

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# Activity levels by ratings count (MovieLens users have at least 20 ratings; the median is about 70).
HEAVY_MIN_RATINGS = 300
REGULAR_MIN_RATINGS = 50
# Half a star wide neutral band (+/- this many stars) around the platform's average rating.
GENEROSITY_BAND = 0.25
TAGS_ONLY = "TAGS_ONLY"


def activity_levels() -> tuple[tuple[str, str], ...]:
    """(code, who) per activity level, from the current thresholds."""
    return (
        ("HEAVY", f"Heavy raters ({HEAVY_MIN_RATINGS} ratings or more)"),
        ("REGULAR", f"Regular raters ({REGULAR_MIN_RATINGS} to {HEAVY_MIN_RATINGS - 1} ratings)"),
        ("LIGHT", f"Light raters (1 to {REGULAR_MIN_RATINGS - 1} ratings)"),
    )


def generosities() -> tuple[tuple[str, str], ...]:
    """(code, how) per generosity level, from the current band."""
    return (
        ("CRITIC", f"whose average rating is at least {GENEROSITY_BAND} stars below the platform average"),
        ("BALANCED", f"whose average rating is within {GENEROSITY_BAND} stars of the platform average"),
        (
            "ENTHUSIAST",
            f"whose average rating is at least {GENEROSITY_BAND} stars above the platform average",
        ),
    )


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter("USER_SEGMENTS", "HEAVY_MIN_RATINGS", HEAVY_MIN_RATINGS, "ratings needed to be HEAVY"),
        Parameter(
            "USER_SEGMENTS", "REGULAR_MIN_RATINGS", REGULAR_MIN_RATINGS, "ratings needed to be REGULAR"
        ),
        Parameter(
            "USER_SEGMENTS",
            "GENEROSITY_BAND",
            GENEROSITY_BAND,
            "stars below (CRITIC) or above (ENTHUSIAST) the mean of all ratings; in between is BALANCED",
        ),
        Parameter(
            "USER_SEGMENTS",
            "SEGMENT_RULE",
            "ACTIVITY_LEVEL_GENEROSITY",
            "segment = activity level x generosity; users with tags but no ratings are TAGS_ONLY",
        ),
    )


def segment_catalog(base: DataFrame) -> DataFrame:
    """Every segment code with its levels, a one-sentence description and a display order."""
    rows: list[tuple[object, ...]] = []
    for activity, who in activity_levels():
        for generosity, how in generosities():
            rows.append((f"{activity}_{generosity}", activity, generosity, f"{who} {how}.", len(rows) + 1))
    rows.append((TAGS_ONLY, None, None, "Users who tagged movies but have not rated any.", len(rows) + 1))
    columns = {
        "SEGMENT": "varchar",
        "ACTIVITY_LEVEL": "varchar",
        "GENEROSITY": "varchar",
        "DESCRIPTION": "varchar",
        "SEGMENT_ORDER": "int",
    }
    return constant_rows(base, columns, rows)


@model(
    Analysis(question="Which segments do users fall into by how much they rate and how generously?"),
    tags=["analysis", "users"],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("SEGMENT", "VARCHAR", nullable=False),
        column("ACTIVITY_LEVEL", "VARCHAR"),
        column("GENEROSITY", "VARCHAR"),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("TAGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("RATING_VS_PLATFORM", "FLOAT"),
        column("TENURE_DAYS", "NUMBER(38,0)", nullable=False),
        column("FIRST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("LAST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("FAVORITE_GENRE", "VARCHAR"),
    ],
)
def user_segments(mart_user_behavior: DataFrame, agg_user_ratings: DataFrame) -> DataFrame:
    """One row per user with SEGMENT (see the module rules), its two levels and the figures behind them."""
    users = mart_user_behavior.cross_join(global_stats(agg_user_ratings).select("GLOBAL_AVG_RATING"))
    count = F.coalesce(F.col("RATINGS_COUNT"), F.lit(0))
    activity = (
        F.when(count >= HEAVY_MIN_RATINGS, F.lit("HEAVY"))
        .when(count >= REGULAR_MIN_RATINGS, F.lit("REGULAR"))
        .when(count >= 1, F.lit("LIGHT"))
    )
    gap = F.col("AVG_RATING") - F.col("GLOBAL_AVG_RATING")
    generosity = (
        F.when(count == 0, F.lit(None))
        .when(gap <= -GENEROSITY_BAND, F.lit("CRITIC"))
        .when(gap >= GENEROSITY_BAND, F.lit("ENTHUSIAST"))
        .otherwise(F.lit("BALANCED"))
    )
    levelled = users.select(
        F.col("USER_ID"),
        activity.alias("ACTIVITY_LEVEL"),
        generosity.alias("GENEROSITY"),
        count.alias("RATINGS_COUNT"),
        F.col("TAGS_COUNT"),
        F.col("AVG_RATING"),
        gap.alias("RATING_VS_PLATFORM"),
        F.datediff("day", F.col("FIRST_ACTIVITY_AT"), F.col("LAST_ACTIVITY_AT")).alias("TENURE_DAYS"),
        F.col("FIRST_ACTIVITY_AT"),
        F.col("LAST_ACTIVITY_AT"),
        F.col("FAVORITE_GENRE"),
    )
    segment = F.iff(
        F.col("ACTIVITY_LEVEL").is_null(),
        F.lit(TAGS_ONLY),
        F.concat(F.col("ACTIVITY_LEVEL"), F.lit("_"), F.col("GENEROSITY")),
    )
    return levelled.select(F.col("USER_ID"), segment.alias("SEGMENT"), *[c for c in levelled.columns[1:]])


@model(
    Analysis(question="How large is each user segment and how does it rate?"),
    tags=["analysis", "users"],
    columns=[
        column("SEGMENT", "VARCHAR", nullable=False, key=True),
        column("DESCRIPTION", "VARCHAR", nullable=False),
        column("USERS", "NUMBER(38,0)", nullable=False),
        column("SHARE_OF_USERS", "FLOAT", nullable=False),
        column("AVG_RATINGS_PER_USER", "FLOAT"),
        column("AVG_RATING", "FLOAT"),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("SHARE_OF_RATINGS", "FLOAT", nullable=False),
        column("AVG_TENURE_DAYS", "FLOAT"),
        column("ACTIVITY_LEVEL", "VARCHAR"),
        column("GENEROSITY", "VARCHAR"),
        column("SEGMENT_ORDER", "NUMBER(38,0)", nullable=False),
    ],
)
def user_segment_summary(user_segments: DataFrame) -> DataFrame:
    """One row per segment (every segment, empty ones with 0 users): who is in it, how many users,
    their share, ratings per user and the mean of their ratings (every rating weighs the same)."""
    per_segment = user_segments.group_by("SEGMENT").agg(
        F.count(F.lit(1)).alias("USERS"),
        F.sum("RATINGS_COUNT").cast("bigint").alias("RATINGS_COUNT"),
        exact_sum(F.col("AVG_RATING") * F.col("RATINGS_COUNT")).alias("RATING_SUM"),
        F.avg("TENURE_DAYS").cast("double").alias("AVG_TENURE_DAYS"),
    )
    joined = segment_catalog(user_segments).join(per_segment, "SEGMENT", how="left")
    users = F.coalesce(F.col("USERS"), F.lit(0))
    ratings = F.coalesce(F.col("RATINGS_COUNT"), F.lit(0))
    return joined.select(
        F.col("SEGMENT"),
        F.col("DESCRIPTION"),
        users.alias("USERS"),
        F.coalesce(ratio(users, F.sum(users).over()), F.lit(0.0)).alias("SHARE_OF_USERS"),
        ratio(ratings, users).alias("AVG_RATINGS_PER_USER"),
        ratio(F.col("RATING_SUM"), ratings).alias("AVG_RATING"),
        ratings.alias("RATINGS_COUNT"),
        F.coalesce(ratio(ratings, F.sum(ratings).over()), F.lit(0.0)).alias("SHARE_OF_RATINGS"),
        F.col("AVG_TENURE_DAYS"),
        F.col("ACTIVITY_LEVEL"),
        F.col("GENEROSITY"),
        F.col("SEGMENT_ORDER"),
    )
