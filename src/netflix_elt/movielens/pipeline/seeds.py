"""Reference data shipped with the package, with the key checks the marts and dims rely on."""

from __future__ import annotations

from netflix_elt.declare import column, seed
from netflix_elt.movielens.pipeline.checks import not_null
from netflix_elt.quality import gxe

seed_movie_release_dates = seed(
    "SEED_MOVIE_RELEASE_DATES",
    "seeds/seed_movie_release_dates.csv",
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RELEASE_DATE", "DATE", nullable=False),
    ],
    tags=["seed"],
    description="US theatrical release dates of well-known films, keyed by MovieLens movieId",
    # MART_MOVIE_RELEASES left-joins every rating to this seed: a repeated movie would duplicate ratings.
    checks=[*not_null("MOVIE_ID", "RELEASE_DATE"), gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID")],
)
seed_genres = seed(
    "SEED_GENRES",
    "seeds/seed_genres.csv",
    columns=[
        column("GENRE", "VARCHAR", nullable=False, key=True),
        column("GENRE_GROUP", "VARCHAR", nullable=False),
    ],
    tags=["seed"],
    description="The MovieLens genre vocabulary with a coarser grouping",
    checks=[*not_null("GENRE", "GENRE_GROUP"), gxe.ExpectColumnValuesToBeUnique(column="GENRE")],
)
