"""Question 7 (second half): user clusters by dominant genre-group preference.

Method (one pass, linear in the number of ratings, deterministic):
1. each user's genre profile: the share of their (rating, genre) pairs in each genre group of
   SEED_GENRES (a genre missing from the seed is its own group);
2. LIFT = that share / the same share over all users' ratings (1 = like the average user);
3. among the groups holding >= MIN_GROUP_SHARE of the user's genre ratings (EXCLUDED_GENRE_GROUPS
   aside), the one with the highest lift (ties: larger share, then name) is the user's cluster when
   that lift is >= MIN_LIFT; everyone else (including users without rated movies of any genre) is a
   generalist, CLUSTER_ID 0.
CLUSTER_ID numbers the genre groups of the catalog alphabetically from 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import WEEKLY, Parameter, ratio
from netflix_elt.snowpark import F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# A group must be over-represented at least this much (share / average share) to define a cluster ...
MIN_LIFT = 1.25
# ... and hold at least this share of the user's genre ratings (so 2 documentaries do not make a fan).
MIN_GROUP_SHARE = 0.10
# IMAX (group "Format") is a screening format, not a taste.
EXCLUDED_GENRE_GROUPS = ("Format",)
GENERALIST_ID = 0
GENERALIST_LABEL = "Generalists (no dominant genre group)"


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(
            "USER_CLUSTERS",
            "METHOD",
            "dominant genre group by lift",
            "lift = user's share of genre ratings in the group / all users' share; highest lift wins",
        ),
        Parameter("USER_CLUSTERS", "MIN_LIFT", MIN_LIFT, "below this lift the user is a generalist"),
        Parameter(
            "USER_CLUSTERS",
            "MIN_GROUP_SHARE",
            MIN_GROUP_SHARE,
            "only groups holding at least this share of the user's genre ratings can be dominant",
        ),
        Parameter(
            "USER_CLUSTERS",
            "EXCLUDED_GENRE_GROUPS",
            ", ".join(EXCLUDED_GENRE_GROUPS),
            "genre groups of SEED_GENRES that never define a cluster",
        ),
    )


@model(
    Analysis(question="Which clusters of users share a genre taste?"),
    tags=["analysis", "recommendations"],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("CLUSTER_ID", "NUMBER(38,0)", nullable=False),
        column("CLUSTER_LABEL", "VARCHAR", nullable=False),
        column("TOP_GENRE_GROUP", "VARCHAR"),
        column("TOP_GROUP_SHARE", "FLOAT"),
        column("TOP_LIFT", "FLOAT"),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
    ],
    cron=WEEKLY,
)
def user_clusters(
    fct_ratings: DataFrame, dim_movie_genres: DataFrame, seed_genres: DataFrame, dim_users: DataFrame
) -> DataFrame:
    """Every user with CLUSTER_ID, CLUSTER_LABEL and the profile figures behind the assignment."""
    groups = seed_genres.select(
        F.col("GENRE").alias("_SEED_GENRE"), F.col("GENRE_GROUP").alias("_SEED_GROUP")
    )
    genre_groups = (
        dim_movie_genres.join(groups, F.col("GENRE") == F.col("_SEED_GENRE"), how="left")
        .select(F.col("MOVIE_ID"), F.coalesce(F.col("_SEED_GROUP"), F.col("GENRE")).alias("GENRE_GROUP"))
        .distinct()
    )
    group_ids = (
        genre_groups.select("GENRE_GROUP")
        .distinct()
        .select(F.col("GENRE_GROUP"), F.dense_rank().over(Window.order_by("GENRE_GROUP")).alias("CLUSTER_ID"))
    )
    per_group = (
        fct_ratings.select("USER_ID", "MOVIE_ID")
        .join(genre_groups, "MOVIE_ID")
        .group_by("USER_ID", "GENRE_GROUP")
        .agg(F.count(F.lit(1)).alias("GROUP_RATINGS"))
    )
    everyone = Window.partition_by(F.lit(1))
    group_share_all = ratio(
        F.sum("GROUP_RATINGS").over(Window.partition_by("GENRE_GROUP")), F.sum("GROUP_RATINGS").over(everyone)
    )
    profiled = per_group.select(
        F.col("USER_ID"),
        F.col("GENRE_GROUP"),
        ratio(F.col("GROUP_RATINGS"), F.sum("GROUP_RATINGS").over(Window.partition_by("USER_ID"))).alias(
            "SHARE"
        ),
        group_share_all.alias("PLATFORM_SHARE"),
    ).with_column("LIFT", ratio(F.col("SHARE"), F.col("PLATFORM_SHARE")))
    strongest = Window.partition_by("USER_ID").order_by(
        F.col("LIFT").desc(), F.col("SHARE").desc(), F.col("GENRE_GROUP")
    )
    eligible = profiled.filter(
        (F.col("SHARE") >= MIN_GROUP_SHARE) & ~F.col("GENRE_GROUP").isin(*EXCLUDED_GENRE_GROUPS)
    )
    top = (
        eligible.with_column("_TOP", F.row_number().over(strongest))
        .filter(F.col("_TOP") == 1)
        .select(
            F.col("USER_ID"),
            F.col("GENRE_GROUP").alias("TOP_GENRE_GROUP"),
            F.col("SHARE").alias("TOP_GROUP_SHARE"),
            F.col("LIFT").alias("TOP_LIFT"),
        )
    )
    dominant = F.col("TOP_LIFT") >= MIN_LIFT
    assigned = (
        dim_users.select("USER_ID", "RATINGS_COUNT")
        .join(top, "USER_ID", how="left")
        .join(group_ids, F.col("TOP_GENRE_GROUP") == F.col("GENRE_GROUP"), how="left")
    )
    is_dominant = F.coalesce(dominant, F.lit(False))
    return assigned.select(
        F.col("USER_ID"),
        F.iff(is_dominant, F.col("CLUSTER_ID"), F.lit(GENERALIST_ID)).cast("int").alias("CLUSTER_ID"),
        F.iff(is_dominant, F.concat(F.col("TOP_GENRE_GROUP"), F.lit(" fans")), F.lit(GENERALIST_LABEL)).alias(
            "CLUSTER_LABEL"
        ),
        F.col("TOP_GENRE_GROUP"),
        F.col("TOP_GROUP_SHARE"),
        F.col("TOP_LIFT"),
        F.col("RATINGS_COUNT"),
    )
