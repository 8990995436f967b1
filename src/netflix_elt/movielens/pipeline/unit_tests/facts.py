"""Unit tests of the facts: the ratings merge of a new raw batch (compared after the merge, not just the
merged rows) and the genome scores filter."""

from __future__ import annotations

from datetime import datetime

from netflix_elt.movielens.pipeline.unit_tests import raw_rating
from netflix_elt.quality.unit import unit_test

BATCH_1 = datetime(2024, 1, 10, 6)  # _LOADED_AT of the first load
BATCH_2 = datetime(2024, 1, 11, 6)  # and of the next day's


def _fact(user: int, movie: int, rating: float, at: datetime) -> dict:
    return {"USER_ID": user, "MOVIE_ID": movie, "RATING": rating, "RATED_AT": at}


FIRST_BATCH = [
    raw_rating(1, 10, 3.0, datetime(2024, 1, 10), BATCH_1, 2),
    raw_rating(1, 20, 4.0, datetime(2024, 1, 5), BATCH_1, 3),
    raw_rating(2, 10, 2.0, datetime(2024, 1, 9), BATCH_1, 4),
    raw_rating(6, 40, 1.5, datetime(2024, 1, 8), BATCH_1, 5),
]

fct_ratings_tests = [
    unit_test(
        "fct_ratings",
        name="fct_ratings_incremental_merge",
        # Run 1 builds from the first batch; run 2 sees RAW_RATINGS with the next day's batch appended
        # and merges only the rows of that batch.
        given=[
            {"raw_ratings": FIRST_BATCH},
            {
                "raw_ratings": [
                    *FIRST_BATCH,
                    raw_rating(2, 10, 4.5, datetime(2024, 1, 11, 8), BATCH_2, 2),  # re-rating: updated
                    raw_rating(3, 30, 5.0, datetime(2024, 1, 11, 9), BATCH_2, 3),  # new pair: inserted
                    raw_rating(5, 20, 2.5, datetime(2023, 6, 1), BATCH_2, 4),  # late, however old: inserted
                    raw_rating(
                        1, 20, 1.0, datetime(2024, 1, 4), BATCH_2, 5
                    ),  # older than the held rating: kept out
                    raw_rating(6, 40, 3.5, datetime(2024, 1, 8), BATCH_2, 6),  # same second, newer load: wins
                    raw_rating(
                        3, 30, 4.0, datetime(2024, 1, 11, 7), BATCH_2, 7
                    ),  # the batch's older row of 3/30
                ]
            },
        ],
        expect=[
            _fact(1, 10, 3.0, datetime(2024, 1, 10)),
            _fact(1, 20, 4.0, datetime(2024, 1, 5)),
            _fact(2, 10, 4.5, datetime(2024, 1, 11, 8)),
            _fact(3, 30, 5.0, datetime(2024, 1, 11, 9)),
            _fact(5, 20, 2.5, datetime(2023, 6, 1)),
            _fact(6, 40, 3.5, datetime(2024, 1, 8)),
        ],
    ),
    unit_test(
        "fct_ratings",
        name="fct_ratings_first_build_takes_every_pair",
        given={
            "raw_ratings": [
                raw_rating(1, 10, 0.5, datetime(1996, 1, 1), BATCH_1, 2),
                raw_rating(1, 20, 5.0, datetime(2024, 1, 1), BATCH_1, 3),
            ],
        },
        expect=[_fact(1, 10, 0.5, datetime(1996, 1, 1)), _fact(1, 20, 5.0, datetime(2024, 1, 1))],
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
