"""Reference data shipped with the package."""

from __future__ import annotations

from netflix_elt.declare import seed

seed_movie_release_dates = seed(
    "SEED_MOVIE_RELEASE_DATES",
    "seeds/seed_movie_release_dates.csv",
    {"movie_id": "NUMBER(38,0)", "release_date": "DATE"},
    tags=["seed"],
    description="US theatrical release dates of well-known films, keyed by MovieLens movieId",
)
seed_genres = seed(
    "SEED_GENRES",
    "seeds/seed_genres.csv",
    {"genre": "VARCHAR", "genre_group": "VARCHAR"},
    tags=["seed"],
    description="The MovieLens genre vocabulary with a coarser grouping",
)
