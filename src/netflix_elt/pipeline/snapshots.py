"""Snapshots: the history of user tags."""

from __future__ import annotations

from snowflake.snowpark import DataFrame

from netflix_elt.declare import model
from netflix_elt.kinds import Snapshot


@model(
    Snapshot(
        unique_key=("USER_ID", "MOVIE_ID", "TAG"),
        strategy="timestamp",
        updated_at="TAGGED_AT",
        hard_deletes="invalidate",
    ),
    tags=["snapshot"],
)
def snap_tags(src_tags: DataFrame) -> DataFrame:
    """SCD2 over tags: a re-applied tag opens a new version, a removed tag closes its current one."""
    return src_tags.select("USER_ID", "MOVIE_ID", "TAG", "TAGGED_AT")
