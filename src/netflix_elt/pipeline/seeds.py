"""Reference data shipped with the package, with the key checks the marts and dims rely on."""

from __future__ import annotations

from netflix_elt.declare import seed
from netflix_elt.pipeline.checks import not_null
from netflix_elt.quality import gxe

seed_movie_release_dates = seed(
    "SEED_MOVIE_RELEASE_DATES",
    "seeds/seed_movie_release_dates.csv",
    {"movie_id": "NUMBER(38,0)", "release_date": "DATE"},
    tags=["seed"],
    description="US theatrical release dates of well-known films, keyed by MovieLens movieId",
    # MART_MOVIE_RELEASES left-joins every rating to this seed: a repeated movie would duplicate ratings.
    checks=[*not_null("MOVIE_ID", "RELEASE_DATE"), gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")],
)
seed_genres = seed(
    "SEED_GENRES",
    "seeds/seed_genres.csv",
    {"genre": "VARCHAR", "genre_group": "VARCHAR"},
    tags=["seed"],
    description="The MovieLens genre vocabulary with a coarser grouping",
    checks=[*not_null("GENRE", "GENRE_GROUP"), gxe.ExpectColumnValuesToBeUnique(column="GENRE")],
)
