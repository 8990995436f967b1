"""Unit tests of the marts: per-movie metrics, monthly trends, release info and the favourite genre, each
from the partials it reads (``partials.py`` tests those from ratings)."""

from __future__ import annotations

import math
from datetime import date, datetime

from netflix_elt.quality.unit import unit_test


def _rating(user: int, movie: int, rating: float, at: datetime = datetime(2023, 1, 1)) -> dict:
    return {"USER_ID": user, "MOVIE_ID": movie, "RATING": rating, "RATED_AT": at}


def _movie_partial(movie: int, ratings: list[float]) -> dict:
    """AGG_MOVIE_RATINGS' row for a movie with these ratings."""
    return {
        "MOVIE_ID": movie,
        "RATINGS_COUNT": len(ratings),
        "RATING_SUM": sum(ratings),
        "RATING_SQUARES": sum(r * r for r in ratings),
        "LOW_RATINGS": sum(1 for r in ratings if r <= 2.0),
        "HIGH_RATINGS": sum(1 for r in ratings if r >= 4.0),
        "FIRST_RATED_AT": datetime(2023, 1, 1),
    }


def _genre_partial(user: int, genre: str, count: int, total: float) -> dict:
    return {"USER_ID": user, "GENRE": genre, "RATINGS_COUNT": count, "RATING_SUM": total}


def _user_partial(user: int, count: int, total: float) -> dict:
    return {
        "USER_ID": user,
        "RATINGS_COUNT": count,
        "RATING_SUM": total,
        "FIRST_RATED_AT": FIRST,
        "LAST_RATED_AT": LAST,
    }


mart_content_metrics_tests = [
    unit_test(
        "mart_content_metrics",
        name="mart_content_metrics_per_rated_movie",
        given={
            # the partials of ratings 1, 2, 4, 5 of movie 10; 3.5 of movie 20; 4.5 of movie 30
            "agg_movie_ratings": [
                _movie_partial(10, [1.0, 2.0, 4.0, 5.0]),
                _movie_partial(20, [3.5]),
                _movie_partial(30, [4.5]),  # a movie DIM_MOVIES does not know: kept, without a title
            ],
            "dim_movies": [
                {"MOVIE_ID": 10, "TITLE": "Heat", "RELEASE_YEAR": 1995},
                {"MOVIE_ID": 20, "TITLE": "Cosmos", "RELEASE_YEAR": None},
                {"MOVIE_ID": 40, "TITLE": "Never Rated", "RELEASE_YEAR": 2001},  # no ratings: no row
            ],
        },
        types={"dim_movies": {"RELEASE_YEAR": "NUMBER(38,0)"}},
        expect=[
            # mean 3; sample standard deviation sqrt(((-2)^2 + (-1)^2 + 1^2 + 2^2) / 3); 1.0 and 2.0 are
            # low (<= 2), 4.0 and 5.0 high (>= 4)
            {
                "MOVIE_ID": 10,
                "RATINGS_COUNT": 4,
                "AVG_RATING": 3.0,
                "STDDEV_RATING": math.sqrt(10 / 3),
                "SHARE_LOW": 0.5,
                "SHARE_HIGH": 0.5,
                "TITLE": "Heat",
                "RELEASE_YEAR": 1995,
            },
            # one rating: no sample standard deviation
            {
                "MOVIE_ID": 20,
                "RATINGS_COUNT": 1,
                "AVG_RATING": 3.5,
                "STDDEV_RATING": None,
                "SHARE_LOW": 0.0,
                "SHARE_HIGH": 0.0,
                "TITLE": "Cosmos",
                "RELEASE_YEAR": None,
            },
            {
                "MOVIE_ID": 30,
                "RATINGS_COUNT": 1,
                "AVG_RATING": 4.5,
                "STDDEV_RATING": None,
                "SHARE_LOW": 0.0,
                "SHARE_HIGH": 1.0,
                "TITLE": None,
                "RELEASE_YEAR": None,
            },
        ],
    ),
]

mart_temporal_trends_tests = [
    unit_test(
        "mart_temporal_trends",
        name="mart_temporal_trends_per_utc_month",
        given={
            # per (month, user): January has users 1 (4.0 and 2.0) and 2 (3.0); March user 2 (5.0);
            # February has no rating: no row
            "agg_monthly_user_ratings": [
                {"MONTH_START": datetime(2023, 1, 1), "USER_ID": 1, "RATINGS_COUNT": 2, "RATING_SUM": 6.0},
                {"MONTH_START": datetime(2023, 1, 1), "USER_ID": 2, "RATINGS_COUNT": 1, "RATING_SUM": 3.0},
                {"MONTH_START": datetime(2023, 3, 1), "USER_ID": 2, "RATINGS_COUNT": 1, "RATING_SUM": 5.0},
            ]
        },
        expect=[
            {"MONTH_START": datetime(2023, 1, 1), "RATINGS_COUNT": 3, "AVG_RATING": 3.0, "ACTIVE_USERS": 2},
            {"MONTH_START": datetime(2023, 3, 1), "RATINGS_COUNT": 1, "AVG_RATING": 5.0, "ACTIVE_USERS": 1},
        ],
    ),
]

mart_movie_releases_tests = [
    unit_test(
        "mart_movie_releases",
        name="mart_movie_releases_known_and_unknown",
        given={
            "fct_ratings": [_rating(1, 10, 4.0), _rating(2, 10, 3.0), _rating(1, 20, 2.0)],
            "seed_movie_release_dates": [{"MOVIE_ID": 10, "RELEASE_DATE": date(1995, 12, 15)}],
        },
        expect=[
            {"USER_ID": 1, "MOVIE_ID": 10, "RELEASE_DATE": date(1995, 12, 15), "RELEASE_INFO": "known"},
            {"USER_ID": 2, "MOVIE_ID": 10, "RELEASE_DATE": date(1995, 12, 15), "RELEASE_INFO": "known"},
            {"USER_ID": 1, "MOVIE_ID": 20, "RELEASE_DATE": None, "RELEASE_INFO": "unknown"},
        ],
    ),
]

FIRST, LAST = datetime(2023, 1, 1), datetime(2023, 6, 1)


def _user(user: int, ratings: int, tags: int) -> dict:
    return {
        "USER_ID": user,
        "RATINGS_COUNT": ratings,
        "TAGS_COUNT": tags,
        "FIRST_ACTIVITY_AT": FIRST,
        "LAST_ACTIVITY_AT": LAST,
    }


mart_user_behavior_tests = [
    unit_test(
        "mart_user_behavior",
        name="mart_user_behavior_favourite_genre_tie_break",
        given={
            "agg_user_genre_ratings": [
                # user 1: Comedy and Drama twice each; Comedy has the higher average -> Comedy
                _genre_partial(1, "Comedy", 2, 8.0),
                _genre_partial(1, "Drama", 2, 6.0),
                # user 2: Action and Comedy once each at the same rating -> by name: Action
                _genre_partial(2, "Action", 1, 4.0),
                _genre_partial(2, "Comedy", 1, 4.0),
                # user 3: Drama three times (low), Comedy once (high) -> the count decides: Drama
                _genre_partial(3, "Drama", 3, 6.0),
                _genre_partial(3, "Comedy", 1, 5.0),
            ],
            "agg_user_ratings": [
                _user_partial(1, 4, 14.0),
                _user_partial(2, 2, 8.0),
                _user_partial(3, 4, 11.0),
            ],
            "dim_users": [_user(1, 4, 0), _user(2, 2, 1), _user(3, 4, 0), _user(4, 0, 3)],  # 4 only tags
        },
        expect=[
            {
                "USER_ID": 1,
                "RATINGS_COUNT": 4,
                "TAGS_COUNT": 0,
                "AVG_RATING": 3.5,
                "FAVORITE_GENRE": "Comedy",
            },
            {
                "USER_ID": 2,
                "RATINGS_COUNT": 2,
                "TAGS_COUNT": 1,
                "AVG_RATING": 4.0,
                "FAVORITE_GENRE": "Action",
            },
            {
                "USER_ID": 3,
                "RATINGS_COUNT": 4,
                "TAGS_COUNT": 0,
                "AVG_RATING": 2.75,
                "FAVORITE_GENRE": "Drama",
            },
            {"USER_ID": 4, "RATINGS_COUNT": 0, "TAGS_COUNT": 3, "AVG_RATING": None, "FAVORITE_GENRE": None},
        ],
    ),
]
