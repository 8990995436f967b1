"""Snapshots: the history of user tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Snapshot
from netflix_elt.movielens.pipeline.checks import not_null
from netflix_elt.quality import singular, snapshot_invariants

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame


@model(
    Snapshot(
        unique_key=("USER_ID", "MOVIE_ID", "TAG"),
        strategy="timestamp",
        updated_at="TAGGED_AT",
        hard_deletes="invalidate",
        changes_of=("src_tags",),
    ),
    tags=["snapshot"],
    checks=[
        *not_null("USER_ID", "MOVIE_ID", "TAG", "VALID_FROM"),
        # At most one current version per (user, movie, tag) - so the current rows are unique on the
        # key - and no two versions of a key valid at the same time. (A removed tag has no current
        # version: hard deletes are invalidated, so one_current_row_per_key allows zero.)
        *snapshot_invariants(),
        # Exactly one current version for every tag of the newest export, and none for other tags.
        singular(
            "src_tags_without_current_version",
            "SELECT t.USER_ID, t.MOVIE_ID, t.TAG FROM {src_tags} t LEFT JOIN {this} s "
            "ON s.IS_CURRENT AND t.USER_ID = s.USER_ID AND t.MOVIE_ID = s.MOVIE_ID AND t.TAG = s.TAG "
            "WHERE s.USER_ID IS NULL",
        ),
        singular(
            "current_rows_match_src_tags",
            "SELECT s.CURRENT_ROWS, t.SRC_TAGS_ROWS FROM (SELECT COUNT_IF(IS_CURRENT) AS CURRENT_ROWS "
            "FROM {this}) s CROSS JOIN (SELECT COUNT(*) AS SRC_TAGS_ROWS FROM {src_tags}) t "
            "WHERE s.CURRENT_ROWS <> t.SRC_TAGS_ROWS",
        ),
    ],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False),
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False),
        column("TAG", "VARCHAR", nullable=False),
        column("TAGGED_AT", "TIMESTAMP_NTZ", nullable=False),
    ],
)
def snap_tags(src_tags: DataFrame) -> DataFrame:
    """SCD2 over tags: a re-applied tag opens a new version, a removed tag closes its current one."""
    return src_tags.select("USER_ID", "MOVIE_ID", "TAG", "TAGGED_AT")
