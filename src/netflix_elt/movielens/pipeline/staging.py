"""Staging: one view per raw file (a table for the tags), typed, trimmed, epoch seconds as UTC timestamps.

Raw tables keep every load batch. Movies and links are upserted by id (the newest load wins);
ratings keep the newest rating of each (user, movie) pair, because a re-rating arrives as a new row;
tags, genome scores and genome tags are full exports, so only the newest batch counts (a tag missing
from it was removed, which SNAP_TAGS records).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.declare import column, model
from netflix_elt.kinds import Table, View
from netflix_elt.movielens.pipeline.checks import not_blank
from netflix_elt.quality import gxe
from netflix_elt.snowpark import Column, F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

STAGING: dict[str, Any] = {"layer": "staging", "tags": ["staging"]}
# Checks on a view re-run its query, so the big views (ratings, genome scores) are checked through
# the tables built from them: FCT_RATINGS and FCT_GENOME_SCORES are unique on these views' keys, and
# DATA_COMPLETENESS reconciles FCT_RATINGS' row count with SRC_RATINGS every week.


def newest_per_key(raw: DataFrame, keys: list[str], newest_first: list[str] | None = None) -> DataFrame:
    """Keep one row per key: the last loaded (or the first in ``newest_first`` order)."""
    order = [F.col(c).desc() for c in (newest_first or [])]
    order += [F.col("_LOADED_AT").desc(), F.col("_FILE_ROW_NUMBER").desc()]
    ranked = raw.with_column("_RANK", F.row_number().over(Window.partition_by(*keys).order_by(*order)))
    return ranked.filter(F.col("_RANK") == 1).drop("_RANK")


def newest_batch(raw: DataFrame) -> DataFrame:
    """The rows of the most recent load of a full-export file (a join with the newest ``_LOADED_AT``:
    unlike a window over every batch, it needs no sort of all the rows kept)."""
    latest = raw.agg(F.max("_LOADED_AT").alias("_NEWEST"))
    return raw.join(latest, raw["_LOADED_AT"] == latest["_NEWEST"]).drop("_NEWEST")


def epoch_to_utc(column: str) -> Column:
    return F.to_timestamp(F.col(column))


@model(
    View(),
    **STAGING,
    checks=[gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", key=True),
        column("TITLE", "VARCHAR"),
        column("GENRES", "VARCHAR"),
        column("LOADED_AT", "TIMESTAMP_NTZ", run_dependent=True),
    ],
)
def src_movies(raw_movies: DataFrame) -> DataFrame:
    """Movies, newest load per movieId; the raw title kept (trimmed) for DIM_MOVIES to parse."""
    return newest_per_key(raw_movies, ["MOVIE_ID"]).select(
        F.col("MOVIE_ID"),
        F.trim(F.col("TITLE")).alias("TITLE"),
        F.trim(F.col("GENRES")).alias("GENRES"),
        F.col("_LOADED_AT").alias("LOADED_AT"),
    )


@model(
    View(),
    **STAGING,
    columns=[
        column("USER_ID", "NUMBER(38,0)", key=True),
        column("MOVIE_ID", "NUMBER(38,0)", key=True),
        column("RATING", "FLOAT"),
        column("RATED_AT", "TIMESTAMP_NTZ"),
        column("LOADED_AT", "TIMESTAMP_NTZ", run_dependent=True),
    ],
)
def src_ratings(raw_ratings: DataFrame) -> DataFrame:
    """One row per (user, movie): the newest rating; a re-rating replaces the earlier one."""
    return staged_ratings(raw_ratings)


def staged_ratings(raw_ratings: DataFrame) -> DataFrame:
    """One row per (user, movie) of ``raw_ratings`` (all of RAW_RATINGS, or some of its batches): the
    newest rating; a re-rating replaces the earlier one."""
    return newest_per_key(raw_ratings, ["USER_ID", "MOVIE_ID"], newest_first=["EPOCH_SECONDS"]).select(
        F.col("USER_ID"),
        F.col("MOVIE_ID"),
        F.col("RATING"),
        epoch_to_utc("EPOCH_SECONDS").alias("RATED_AT"),
        F.col("_LOADED_AT").alias("LOADED_AT"),
    )


@model(
    # A table, not a view: SNAP_TAGS, DIM_USERS and four checks read the current tags, and a view would
    # run its window over the newest export once for each of them. It records which tags changed
    # (tags.csv is a full export each day), so SNAP_TAGS compares only those.
    Table(track_changes=True),
    **STAGING,
    checks=[
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID", "TAG"]),
        # A tag of spaces only is empty once trimmed; SNAP_TAGS can record it, so it is only reported.
        *not_blank("TAG", severity="warn"),
    ],
    columns=[
        column("USER_ID", "NUMBER(38,0)", key=True),
        column("MOVIE_ID", "NUMBER(38,0)", key=True),
        column("TAG", "VARCHAR", key=True),
        column("TAGGED_AT", "TIMESTAMP_NTZ"),
        column("LOADED_AT", "TIMESTAMP_NTZ", run_dependent=True),
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


@model(
    View(),
    **STAGING,
    checks=[gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", key=True),
        column("IMDB_ID", "VARCHAR"),
        column("TMDB_ID", "NUMBER(38,0)"),
    ],
)
def src_links(raw_links: DataFrame) -> DataFrame:
    """External ids; imdbId stays text (7 digits with leading zeros), tmdbId may be NULL."""
    return newest_per_key(raw_links, ["MOVIE_ID"]).select(
        F.col("MOVIE_ID"),
        F.trim(F.col("IMDB_ID")).alias("IMDB_ID"),
        F.col("TMDB_ID"),
    )


@model(
    View(),
    **STAGING,
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", key=True),
        column("TAG_ID", "NUMBER(38,0)", key=True),
        column("RELEVANCE", "FLOAT"),
    ],
)
def src_genome_scores(raw_genome_scores: DataFrame) -> DataFrame:
    return newest_batch(raw_genome_scores).select(F.col("MOVIE_ID"), F.col("TAG_ID"), F.col("RELEVANCE"))


@model(
    View(),
    **STAGING,
    checks=[gxe.ExpectColumnValuesToBeUnique(column="TAG_ID")],
    columns=[
        column("TAG_ID", "NUMBER(38,0)", key=True),
        column("TAG", "VARCHAR"),
    ],
)
def src_genome_tags(raw_genome_tags: DataFrame) -> DataFrame:
    return newest_batch(raw_genome_tags).select(F.col("TAG_ID"), F.trim(F.col("TAG")).alias("TAG"))
