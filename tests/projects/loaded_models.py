"""A project on top of a raw file: RAW_MOVIES (a source the flow's load step fills) -> MOVIE_COUNT."""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, source
from netflix_elt.movielens.pipeline import load_new_files  # the flow's load step: MovieLens files

__all__ = ["load_new_files"]

raw_movies = source("raw_movies", loaded_at="_LOADED_AT", error_after_hours=24)


@model(Table())
def movie_count(raw_movies):
    return raw_movies.agg(F.count_distinct("MOVIE_ID").alias("MOVIES"))
