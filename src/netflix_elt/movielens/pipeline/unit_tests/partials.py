"""Unit tests of the partials on a full build: ratings summed up per movie, user, (user, genre) and
(month, user). Their incremental folding is tested by tests/test_changes.py and
tests/movielens/pipeline/test_days.py."""

from __future__ import annotations

from datetime import datetime

from netflix_elt.quality.unit import unit_test


def _rating(user: int, movie: int, rating: float, at: datetime) -> dict:
    return {"USER_ID": user, "MOVIE_ID": movie, "RATING": rating, "RATED_AT": at}


RATINGS = [
    _rating(1, 10, 1.0, datetime(2023, 1, 31, 23, 59, 59)),
    _rating(2, 10, 2.0, datetime(2023, 1, 15)),
    _rating(3, 10, 4.0, datetime(2023, 3, 1)),
    _rating(1, 20, 5.0, datetime(2023, 1, 1)),
    _rating(2, 20, 3.5, datetime(2023, 2, 1, 12)),
]

agg_movie_ratings_tests = [
    unit_test(
        "agg_movie_ratings",
        name="agg_movie_ratings_sums_and_squares",
        given={"fct_ratings": RATINGS},
        expect=[
            {
                "MOVIE_ID": 10,
                "RATINGS_COUNT": 3,
                "RATING_SUM": 7.0,
                "RATING_SQUARES": 21.0,  # 1 + 4 + 16
                "LOW_RATINGS": 2,
                "HIGH_RATINGS": 1,
                "FIRST_RATED_AT": datetime(2023, 1, 15),
            },
            {
                "MOVIE_ID": 20,
                "RATINGS_COUNT": 2,
                "RATING_SUM": 8.5,
                "RATING_SQUARES": 37.25,  # 25 + 12.25
                "LOW_RATINGS": 0,
                "HIGH_RATINGS": 1,
                "FIRST_RATED_AT": datetime(2023, 1, 1),
            },
        ],
    ),
]

agg_user_ratings_tests = [
    unit_test(
        "agg_user_ratings",
        name="agg_user_ratings_first_and_last",
        given={"fct_ratings": RATINGS},
        expect=[
            {
                "USER_ID": 1,
                "RATINGS_COUNT": 2,
                "RATING_SUM": 6.0,
                "FIRST_RATED_AT": datetime(2023, 1, 1),
                "LAST_RATED_AT": datetime(2023, 1, 31, 23, 59, 59),
            },
            {
                "USER_ID": 2,
                "RATINGS_COUNT": 2,
                "RATING_SUM": 5.5,
                "FIRST_RATED_AT": datetime(2023, 1, 15),
                "LAST_RATED_AT": datetime(2023, 2, 1, 12),
            },
            {
                "USER_ID": 3,
                "RATINGS_COUNT": 1,
                "RATING_SUM": 4.0,
                "FIRST_RATED_AT": datetime(2023, 3, 1),
                "LAST_RATED_AT": datetime(2023, 3, 1),
            },
        ],
    ),
]

agg_user_genre_ratings_tests = [
    unit_test(
        "agg_user_genre_ratings",
        name="agg_user_genre_ratings_a_movie_counts_in_each_genre",
        given={
            "fct_ratings": RATINGS,
            "dim_movie_genres": [
                {"MOVIE_ID": 10, "GENRE": "Drama"},
                {"MOVIE_ID": 20, "GENRE": "Drama"},
                {"MOVIE_ID": 20, "GENRE": "Comedy"},
            ],
        },
        expect=[
            {"USER_ID": 1, "GENRE": "Drama", "RATINGS_COUNT": 2, "RATING_SUM": 6.0},
            {"USER_ID": 1, "GENRE": "Comedy", "RATINGS_COUNT": 1, "RATING_SUM": 5.0},
            {"USER_ID": 2, "GENRE": "Drama", "RATINGS_COUNT": 2, "RATING_SUM": 5.5},
            {"USER_ID": 2, "GENRE": "Comedy", "RATINGS_COUNT": 1, "RATING_SUM": 3.5},
            {"USER_ID": 3, "GENRE": "Drama", "RATINGS_COUNT": 1, "RATING_SUM": 4.0},
        ],
    ),
]

agg_monthly_user_ratings_tests = [
    unit_test(
        "agg_monthly_user_ratings",
        name="agg_monthly_user_ratings_per_utc_month",
        given={"fct_ratings": RATINGS},
        expect=[
            {"MONTH_START": datetime(2023, 1, 1), "USER_ID": 1, "RATINGS_COUNT": 2, "RATING_SUM": 6.0},
            {"MONTH_START": datetime(2023, 1, 1), "USER_ID": 2, "RATINGS_COUNT": 1, "RATING_SUM": 2.0},
            {"MONTH_START": datetime(2023, 2, 1), "USER_ID": 2, "RATINGS_COUNT": 1, "RATING_SUM": 3.5},
            {"MONTH_START": datetime(2023, 3, 1), "USER_ID": 3, "RATINGS_COUNT": 1, "RATING_SUM": 4.0},
        ],
    ),
]
