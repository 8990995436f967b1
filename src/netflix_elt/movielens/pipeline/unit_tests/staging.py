"""Unit tests of the staging views: the newest row of each key across load batches wins."""

from __future__ import annotations

from datetime import datetime

from netflix_elt.movielens.pipeline.unit_tests import epoch, raw_rating
from netflix_elt.quality.unit import unit_test

BATCH_1 = datetime(2024, 1, 1, 6)  # _LOADED_AT of the first load
BATCH_2 = datetime(2024, 1, 2, 6)  # and of the next day's load


def _tag(user: int, movie: int, tag: str, at: datetime, loaded: datetime, line: int) -> dict:
    return {
        "USER_ID": user,
        "MOVIE_ID": movie,
        "TAG": tag,
        "EPOCH_SECONDS": epoch(at),
        "_LOADED_AT": loaded,
        "_FILE_ROW_NUMBER": line,
    }


src_ratings_tests = [
    unit_test(
        "src_ratings",
        name="src_ratings_newest_rating_wins_across_batches",
        given={
            "raw_ratings": [
                raw_rating(1, 10, 3.0, datetime(2023, 5, 1, 12), BATCH_1, 2),
                raw_rating(1, 10, 4.5, datetime(2023, 12, 31, 20), BATCH_2, 2),  # re-rated: newer wins
                raw_rating(1, 20, 2.0, datetime(2023, 5, 2, 8), BATCH_1, 3),  # rated once: kept
                raw_rating(2, 10, 5.0, datetime(2023, 12, 30, 9), BATCH_1, 4),
                raw_rating(2, 10, 1.0, datetime(2023, 6, 1, 9), BATCH_2, 3),  # a late, older rating loses
                raw_rating(3, 30, 2.5, datetime(2023, 7, 1), BATCH_1, 5),
                raw_rating(3, 30, 3.5, datetime(2023, 7, 1), BATCH_2, 4),  # same second: newer load wins
            ]
        },
        expect=[
            {"USER_ID": 1, "MOVIE_ID": 10, "RATING": 4.5, "RATED_AT": datetime(2023, 12, 31, 20)},
            {"USER_ID": 1, "MOVIE_ID": 20, "RATING": 2.0, "RATED_AT": datetime(2023, 5, 2, 8)},
            {"USER_ID": 2, "MOVIE_ID": 10, "RATING": 5.0, "RATED_AT": datetime(2023, 12, 30, 9)},
            {"USER_ID": 3, "MOVIE_ID": 30, "RATING": 3.5, "RATED_AT": datetime(2023, 7, 1)},
        ],
    ),
]

src_tags_tests = [
    unit_test(
        "src_tags",
        name="src_tags_newest_export_only",
        given={
            "raw_tags": [
                # The first export: all of it is superseded by the second.
                _tag(1, 10, "funny", datetime(2023, 1, 1), BATCH_1, 2),
                _tag(1, 10, "dark", datetime(2023, 1, 2), BATCH_1, 3),
                _tag(2, 20, "classic", datetime(2023, 1, 3), BATCH_1, 4),
                # The second export: 'dark' was removed, 'funny' re-applied later, one new tag, and
                # a tag given twice (once with a trailing space): trimmed, the newer one kept.
                _tag(1, 10, "funny", datetime(2023, 6, 1), BATCH_2, 2),
                _tag(2, 20, "classic", datetime(2023, 1, 3), BATCH_2, 3),
                _tag(3, 30, " twist ending", datetime(2023, 6, 2), BATCH_2, 4),
                _tag(3, 30, "twist ending ", datetime(2023, 6, 3), BATCH_2, 5),
            ]
        },
        expect=[
            {
                "USER_ID": 1,
                "MOVIE_ID": 10,
                "TAG": "funny",
                "TAGGED_AT": datetime(2023, 6, 1),
                "LOADED_AT": BATCH_2,
            },
            {
                "USER_ID": 2,
                "MOVIE_ID": 20,
                "TAG": "classic",
                "TAGGED_AT": datetime(2023, 1, 3),
                "LOADED_AT": BATCH_2,
            },
            {
                "USER_ID": 3,
                "MOVIE_ID": 30,
                "TAG": "twist ending",
                "TAGGED_AT": datetime(2023, 6, 3),
                "LOADED_AT": BATCH_2,
            },
        ],
    ),
]

src_movies_tests = [
    unit_test(
        "src_movies",
        name="src_movies_newest_load_per_movie_trimmed",
        given={
            "raw_movies": [
                {
                    "MOVIE_ID": 1,
                    "TITLE": "Toy Story (1995)",
                    "GENRES": "Comedy",
                    "_LOADED_AT": BATCH_1,
                    "_FILE_ROW_NUMBER": 2,
                },
                # Re-delivered with a corrected genre list: the newer load wins.
                {
                    "MOVIE_ID": 1,
                    "TITLE": "Toy Story (1995)",
                    "GENRES": "Animation|Children|Comedy",
                    "_LOADED_AT": BATCH_2,
                    "_FILE_ROW_NUMBER": 2,
                },
                {
                    "MOVIE_ID": 2,
                    "TITLE": "Babylon 5 (1994) ",
                    "GENRES": "Sci-Fi",
                    "_LOADED_AT": BATCH_1,
                    "_FILE_ROW_NUMBER": 3,
                },
            ]
        },
        expect=[
            {
                "MOVIE_ID": 1,
                "TITLE": "Toy Story (1995)",
                "GENRES": "Animation|Children|Comedy",
                "LOADED_AT": BATCH_2,
            },
            {"MOVIE_ID": 2, "TITLE": "Babylon 5 (1994)", "GENRES": "Sci-Fi", "LOADED_AT": BATCH_1},
        ],
    ),
]
