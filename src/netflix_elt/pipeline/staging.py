"""Staging: one view per raw file, typed, trimmed, epoch seconds as UTC timestamps.

Raw tables keep every load batch. Movies and links are upserted by id (the newest load wins);
ratings keep the newest rating of each (user, movie) pair, because a re-rating arrives as a new row;
tags, genome scores and genome tags are full exports, so only the newest batch counts (a tag missing
from it was removed, which SNAP_TAGS records).
"""

from __future__ import annotations

from snowflake.snowpark import DataFrame, Window
from snowflake.snowpark import functions as F

from netflix_elt.declare import model
from netflix_elt.kinds import View
from netflix_elt.pipeline.checks import not_blank
from netflix_elt.quality import gxe

STAGING = {"layer": "staging", "tags": ["staging"]}
# Checks on a view re-run its query, so the big views (ratings, genome scores) are checked through
# the tables built from them: FCT_RATINGS and FCT_GENOME_SCORES are unique on these views' keys, and
# FCT_RATINGS reconciles its row count with SRC_RATINGS.


def newest_per_key(raw: DataFrame, keys: list[str], newest_first: list[str] | None = None) -> DataFrame:
    """Keep one row per key: the last loaded (or the first in ``newest_first`` order)."""
    order = [F.col(c).desc() for c in (newest_first or [])]
    order += [F.col("_LOADED_AT").desc(), F.col("_FILE_ROW_NUMBER").desc()]
    ranked = raw.with_column("_RANK", F.row_number().over(Window.partition_by(*keys).order_by(*order)))
    return ranked.filter(F.col("_RANK") == 1).drop("_RANK")


def newest_batch(raw: DataFrame) -> DataFrame:
    """The rows of the most recent load of a full-export file."""
    latest = F.max("_LOADED_AT").over(Window.partition_by(F.lit(1)))
    return raw.with_column("_NEWEST", latest).filter(F.col("_LOADED_AT") == F.col("_NEWEST")).drop("_NEWEST")


def epoch_to_utc(column: str) -> F.Column:
    return F.to_timestamp(F.col(column))


@model(View(), **STAGING, checks=[gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")])
def src_movies(raw_movies: DataFrame) -> DataFrame:
    """Movies, newest load per movieId; the raw title kept (trimmed) for DIM_MOVIES to parse."""
    return newest_per_key(raw_movies, ["MOVIE_ID"]).select(
        F.col("MOVIE_ID"),
        F.trim(F.col("TITLE")).alias("TITLE"),
        F.trim(F.col("GENRES")).alias("GENRES"),
        F.col("_LOADED_AT").alias("LOADED_AT"),
    )


@model(View(), **STAGING)
def src_ratings(raw_ratings: DataFrame) -> DataFrame:
    """One row per (user, movie): the newest rating; a re-rating replaces the earlier one."""
    return newest_per_key(raw_ratings, ["USER_ID", "MOVIE_ID"], newest_first=["EPOCH_SECONDS"]).select(
        F.col("USER_ID"),
        F.col("MOVIE_ID"),
        F.col("RATING"),
        epoch_to_utc("EPOCH_SECONDS").alias("RATED_AT"),
        F.col("_LOADED_AT").alias("LOADED_AT"),
    )


@model(
    View(),
    **STAGING,
    checks=[
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID", "TAG"]),
        # A tag of spaces only is empty once trimmed; SNAP_TAGS can record it, so it is only reported.
        *not_blank("TAG", severity="warn"),
    ],
)
def src_tags(raw_tags: DataFrame) -> DataFrame:
    """The current tag set (newest export), one row per (user, movie, tag)."""
    current = newest_batch(raw_tags).with_column("TAG", F.trim(F.col("TAG")))
    return newest_per_key(current, ["USER_ID", "MOVIE_ID", "TAG"], newest_first=["EPOCH_SECONDS"]).select(
        F.col("USER_ID"),
        F.col("MOVIE_ID"),
        F.col("TAG"),
        epoch_to_utc("EPOCH_SECONDS").alias("TAGGED_AT"),
        F.col("_LOADED_AT").alias("LOADED_AT"),
    )


@model(View(), **STAGING, checks=[gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")])
def src_links(raw_links: DataFrame) -> DataFrame:
    """External ids; imdbId stays text (7 digits with leading zeros), tmdbId may be NULL."""
    return newest_per_key(raw_links, ["MOVIE_ID"]).select(
        F.col("MOVIE_ID"),
        F.trim(F.col("IMDB_ID")).alias("IMDB_ID"),
        F.col("TMDB_ID"),
    )


@model(View(), **STAGING)
def src_genome_scores(raw_genome_scores: DataFrame) -> DataFrame:
    return newest_batch(raw_genome_scores).select(F.col("MOVIE_ID"), F.col("TAG_ID"), F.col("RELEVANCE"))


@model(View(), **STAGING, checks=[gxe.ExpectColumnValuesToBeUnique(column="TAG_ID")])
def src_genome_tags(raw_genome_tags: DataFrame) -> DataFrame:
    return newest_batch(raw_genome_tags).select(F.col("TAG_ID"), F.trim(F.col("TAG")).alias("TAG"))
