"""Unit tests of the facts: the ratings merge (compared after the merge, not just the merged rows) and
the genome scores filter."""

from __future__ import annotations

from datetime import datetime

from netflix_elt.quality.unit import unit_test

NEWEST = datetime(2024, 1, 10, 12)  # the newest RATED_AT already in the table
# The table's newest rating minus the 72-hour lookback: staged rows after it are re-read.
HIGH_WATER_MARK = datetime(2024, 1, 7, 12)

fct_ratings_tests = [
    unit_test(
        "fct_ratings",
        name="fct_ratings_incremental_merge",
        existing=[
            {"USER_ID": 1, "MOVIE_ID": 10, "RATING": 3.0, "RATED_AT": NEWEST},
            {"USER_ID": 1, "MOVIE_ID": 20, "RATING": 4.0, "RATED_AT": datetime(2024, 1, 5)},
            {"USER_ID": 2, "MOVIE_ID": 10, "RATING": 2.0, "RATED_AT": datetime(2024, 1, 9)},
        ],
        given={
            # SRC_RATINGS holds every current (user, movie) pair, old ones included.
            "src_ratings": [
                {"USER_ID": 1, "MOVIE_ID": 10, "RATING": 3.0, "RATED_AT": NEWEST},  # re-read, unchanged
                {
                    "USER_ID": 1,
                    "MOVIE_ID": 20,
                    "RATING": 4.0,
                    "RATED_AT": datetime(2024, 1, 5),
                },  # not re-read
                {
                    "USER_ID": 2,
                    "MOVIE_ID": 10,
                    "RATING": 4.5,
                    "RATED_AT": datetime(2024, 1, 11, 8),
                },  # re-rating
                {"USER_ID": 3, "MOVIE_ID": 30, "RATING": 5.0, "RATED_AT": datetime(2024, 1, 12)},  # new
                {
                    "USER_ID": 4,
                    "MOVIE_ID": 10,
                    "RATING": 1.0,
                    "RATED_AT": datetime(2024, 1, 9),
                },  # late, in lookback
                # Later than the high-water mark by one second: still caught.
                {"USER_ID": 4, "MOVIE_ID": 20, "RATING": 3.5, "RATED_AT": datetime(2024, 1, 7, 12, 0, 1)},
                # Older than the lookback: missed until a --full-refresh (the row-count check reports it).
                {"USER_ID": 5, "MOVIE_ID": 20, "RATING": 2.5, "RATED_AT": datetime(2024, 1, 6)},
            ],
        },
        expect=[
            {"USER_ID": 1, "MOVIE_ID": 10, "RATING": 3.0, "RATED_AT": NEWEST},
            {"USER_ID": 1, "MOVIE_ID": 20, "RATING": 4.0, "RATED_AT": datetime(2024, 1, 5)},
            {"USER_ID": 2, "MOVIE_ID": 10, "RATING": 4.5, "RATED_AT": datetime(2024, 1, 11, 8)},
            {"USER_ID": 3, "MOVIE_ID": 30, "RATING": 5.0, "RATED_AT": datetime(2024, 1, 12)},
            {"USER_ID": 4, "MOVIE_ID": 10, "RATING": 1.0, "RATED_AT": datetime(2024, 1, 9)},
            {"USER_ID": 4, "MOVIE_ID": 20, "RATING": 3.5, "RATED_AT": datetime(2024, 1, 7, 12, 0, 1)},
        ],
    ),
    unit_test(
        "fct_ratings",
        name="fct_ratings_first_build_takes_every_pair",
        given={
            "src_ratings": [
                {"USER_ID": 1, "MOVIE_ID": 10, "RATING": 0.5, "RATED_AT": datetime(1996, 1, 1)},
                {"USER_ID": 1, "MOVIE_ID": 20, "RATING": 5.0, "RATED_AT": datetime(2024, 1, 1)},
            ],
        },
        expect=[
            {"USER_ID": 1, "MOVIE_ID": 10, "RATING": 0.5, "RATED_AT": datetime(1996, 1, 1)},
            {"USER_ID": 1, "MOVIE_ID": 20, "RATING": 5.0, "RATED_AT": datetime(2024, 1, 1)},
        ],
    ),
]

fct_genome_scores_tests = [
    unit_test(
        "fct_genome_scores",
        name="fct_genome_scores_positive_relevance_rounded",
        given={
            "src_genome_scores": [
                {"MOVIE_ID": 10, "TAG_ID": 1, "RELEVANCE": 0.12345678},
                {"MOVIE_ID": 10, "TAG_ID": 2, "RELEVANCE": 0.0},  # not above zero: dropped
                {"MOVIE_ID": 10, "TAG_ID": 3, "RELEVANCE": 0.99999},  # rounds up to 1
                {"MOVIE_ID": 20, "TAG_ID": 1, "RELEVANCE": 0.00026},
                {"MOVIE_ID": 20, "TAG_ID": 2, "RELEVANCE": 0.00004},  # rounds to 0: dropped as well
            ],
        },
        expect=[
            {"MOVIE_ID": 10, "TAG_ID": 1, "RELEVANCE": 0.1235},
            {"MOVIE_ID": 10, "TAG_ID": 3, "RELEVANCE": 1.0},
            {"MOVIE_ID": 20, "TAG_ID": 1, "RELEVANCE": 0.0003},
        ],
    ),
]
