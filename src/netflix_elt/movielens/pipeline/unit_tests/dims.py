"""Unit tests of the dimensions: title and year parsing, genre rows, users from ratings and tags."""

from __future__ import annotations

from datetime import datetime

from netflix_elt.quality.unit import unit_test

LOADED = datetime(2024, 1, 1, 6)


def _movie(movie_id: int, title: str, genres: str = "Drama") -> dict:
    return {"MOVIE_ID": movie_id, "TITLE": title, "GENRES": genres, "LOADED_AT": LOADED}


dim_movies_tests = [
    unit_test(
        "dim_movies",
        name="dim_movies_title_and_year_parsing",
        given={
            "src_movies": [
                _movie(1, "Toy Story (1995)"),
                _movie(2, "Cosmos"),  # no year
                _movie(3, "Fawlty Towers (1975–1979)"),  # a year range with an en dash: the first year
                _movie(4, "Babylon 5 (1994) "),  # a trailing space
                _movie(5, "Shall We Dance? (Shall We Dansu?) (1996)"),  # an alternate title is kept
                _movie(6, "2001: A Space Odyssey (1968)"),  # digits in the title itself
                _movie(7, "Big Lebowski, The (1998)"),  # the article moved to the end stays there
                _movie(8, "Hyena Road"),
            ]
        },
        expect=[
            {"MOVIE_ID": 1, "TITLE": "Toy Story", "RELEASE_YEAR": 1995},
            {"MOVIE_ID": 2, "TITLE": "Cosmos", "RELEASE_YEAR": None},
            {"MOVIE_ID": 3, "TITLE": "Fawlty Towers", "RELEASE_YEAR": 1975},
            {"MOVIE_ID": 4, "TITLE": "Babylon 5", "RELEASE_YEAR": 1994},
            {"MOVIE_ID": 5, "TITLE": "Shall We Dance? (Shall We Dansu?)", "RELEASE_YEAR": 1996},
            {"MOVIE_ID": 6, "TITLE": "2001: A Space Odyssey", "RELEASE_YEAR": 1968},
            {"MOVIE_ID": 7, "TITLE": "Big Lebowski, The", "RELEASE_YEAR": 1998},
            {"MOVIE_ID": 8, "TITLE": "Hyena Road", "RELEASE_YEAR": None},
        ],
    ),
]

dim_movie_genres_tests = [
    unit_test(
        "dim_movie_genres",
        name="dim_movie_genres_one_row_per_listed_genre",
        given={
            "src_movies": [
                _movie(1, "Heat (1995)", "Action|Drama"),
                _movie(2, "Cosmos", "(no genres listed)"),  # no rows
                _movie(3, "Avatar (2009)", "Action|IMAX"),
                _movie(4, "Up (2009)", "Comedy|Comedy"),  # a repeated genre counts once
            ],
        },
        expect=[
            {"MOVIE_ID": 1, "GENRE": "Action"},
            {"MOVIE_ID": 1, "GENRE": "Drama"},
            {"MOVIE_ID": 3, "GENRE": "Action"},
            {"MOVIE_ID": 3, "GENRE": "IMAX"},
            {"MOVIE_ID": 4, "GENRE": "Comedy"},
        ],
    ),
]

dim_users_tests = [
    unit_test(
        "dim_users",
        name="dim_users_from_ratings_and_tags",
        given={
            # the per-user partials of the ratings (user 1: two ratings, user 3: one)
            "agg_user_ratings": [
                {
                    "USER_ID": 1,
                    "RATINGS_COUNT": 2,
                    "RATING_SUM": 6.0,
                    "FIRST_RATED_AT": datetime(2023, 3, 1),
                    "LAST_RATED_AT": datetime(2023, 5, 1),
                },
                {
                    "USER_ID": 3,
                    "RATINGS_COUNT": 1,
                    "RATING_SUM": 5.0,
                    "FIRST_RATED_AT": datetime(2023, 4, 1),
                    "LAST_RATED_AT": datetime(2023, 4, 1),
                },
            ],
            "src_tags": [
                # user 1 tags before their first rating; user 2 only tags
                {"USER_ID": 1, "MOVIE_ID": 10, "TAG": "funny", "TAGGED_AT": datetime(2023, 2, 1)},
                {"USER_ID": 2, "MOVIE_ID": 10, "TAG": "dark", "TAGGED_AT": datetime(2023, 6, 1)},
                {"USER_ID": 2, "MOVIE_ID": 20, "TAG": "slow", "TAGGED_AT": datetime(2023, 6, 2)},
            ],
        },
        expect=[
            {
                "USER_ID": 1,
                "FIRST_ACTIVITY_AT": datetime(2023, 2, 1),
                "LAST_ACTIVITY_AT": datetime(2023, 5, 1),
                "RATINGS_COUNT": 2,
                "TAGS_COUNT": 1,
            },
            {
                "USER_ID": 2,
                "FIRST_ACTIVITY_AT": datetime(2023, 6, 1),
                "LAST_ACTIVITY_AT": datetime(2023, 6, 2),
                "RATINGS_COUNT": 0,
                "TAGS_COUNT": 2,
            },
            {
                "USER_ID": 3,
                "FIRST_ACTIVITY_AT": datetime(2023, 4, 1),
                "LAST_ACTIVITY_AT": datetime(2023, 4, 1),
                "RATINGS_COUNT": 1,
                "TAGS_COUNT": 0,
            },
        ],
    ),
]
