"""Unit tests of the MovieLens models: given rows for a model's upstreams, the rows of its table after.

Declared with ``netflix_elt.quality.unit.unit_test`` at module level, one module per pipeline layer;
``netflix-elt unit-test`` discovers and runs them (and ``tests/movielens/pipeline`` runs them under pytest).
Times are naive UTC; ``epoch`` turns one into the Unix seconds the RAW tables hold.
"""

from __future__ import annotations

import calendar
from datetime import datetime


def epoch(moment: datetime) -> int:
    """Unix seconds of a naive UTC datetime."""
    return calendar.timegm(moment.timetuple())


def raw_rating(user: int, movie: int, rating: float, at: datetime, loaded: datetime, line: int) -> dict:
    """A RAW_RATINGS row: rated at ``at``, loaded at ``loaded`` from line ``line`` of its file."""
    return {
        "USER_ID": user,
        "MOVIE_ID": movie,
        "RATING": rating,
        "EPOCH_SECONDS": epoch(at),
        "_LOADED_AT": loaded,
        "_FILE_ROW_NUMBER": line,
    }
