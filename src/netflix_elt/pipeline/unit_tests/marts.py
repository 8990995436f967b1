"""Unit tests of the marts: per-movie metrics, monthly trends, release info and the favourite genre."""

from __future__ import annotations

import math
from datetime import date, datetime

from netflix_elt.quality.unit import unit_test


def _rating(user: int, movie: int, rating: float, at: datetime = datetime(2023, 1, 1)) -> dict:
    return {"USER_ID": user, "MOVIE_ID": movie, "RATING": rating, "RATED_AT": at}


mart_content_metrics_tests = [
    unit_test(
        "mart_content_metrics",
        name="mart_content_metrics_per_rated_movie",
        given={
            "fct_ratings": [
                _rating(1, 10, 1.0),
                _rating(2, 10, 2.0),
                _rating(3, 10, 4.0),
                _rating(4, 10, 5.0),
                _rating(1, 20, 3.5),
                _rating(2, 30, 4.5),  # a movie DIM_MOVIES does not know: kept, without a title
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
            "fct_ratings": [
                _rating(1, 10, 4.0, datetime(2023, 1, 1, 0, 0)),
                _rating(1, 20, 2.0, datetime(2023, 1, 31, 23, 59, 59)),
                _rating(2, 10, 3.0, datetime(2023, 1, 15)),
                _rating(2, 20, 5.0, datetime(2023, 3, 1)),  # February has no rating: no row
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

GENRES_OF = {1: "Comedy", 2: "Comedy", 3: "Drama", 4: "Drama", 5: "Action", 6: "Drama", 7: "Comedy"}
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
            "fct_ratings": [
                # user 1: Comedy and Drama twice each; Comedy has the higher average -> Comedy
                _rating(1, 1, 4.0),
                _rating(1, 2, 4.0),
                _rating(1, 3, 3.0),
                _rating(1, 4, 3.0),
                # user 2: Action and Comedy once each at the same rating -> by name: Action
                _rating(2, 5, 4.0),
                _rating(2, 1, 4.0),
                # user 3: Drama three times (low), Comedy once (high) -> the count decides: Drama
                _rating(3, 3, 2.0),
                _rating(3, 4, 2.0),
                _rating(3, 6, 2.0),
                _rating(3, 7, 5.0),
            ],
            "dim_users": [_user(1, 4, 0), _user(2, 2, 1), _user(3, 4, 0), _user(4, 0, 3)],  # 4 only tags
            "dim_movie_genres": [{"MOVIE_ID": m, "GENRE": g} for m, g in GENRES_OF.items()],
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
