"""The MovieLens file layout and the RAW tables each file lands in.

This is the contract between the loader (which fills RAW) and the staging models (which read it).
Every RAW table has the file's columns, typed, plus four load columns:
``_SOURCE_FILE`` (path as given), ``_FILE_ROW_NUMBER`` (the 1-based line number in the file; the
header is line 1), ``_LOADED_AT`` (UTC) and ``_BATCH_ID`` (one id per ``netflix-elt load`` call).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawFile:
    """One MovieLens CSV: its exact header and the typed RAW columns its fields become."""

    file_name: str
    table: str
    header: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]
    required: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


LOAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_SOURCE_FILE", "VARCHAR"),
    ("_FILE_ROW_NUMBER", "NUMBER(38,0)"),
    ("_LOADED_AT", "TIMESTAMP_NTZ"),
    ("_BATCH_ID", "VARCHAR"),
)

MOVIELENS_FILES: tuple[RawFile, ...] = (
    RawFile(
        "movies.csv",
        "RAW_MOVIES",
        ("movieId", "title", "genres"),
        (("MOVIE_ID", "NUMBER(38,0)"), ("TITLE", "VARCHAR"), ("GENRES", "VARCHAR")),
    ),
    RawFile(
        "ratings.csv",
        "RAW_RATINGS",
        ("userId", "movieId", "rating", "timestamp"),
        (
            ("USER_ID", "NUMBER(38,0)"),
            ("MOVIE_ID", "NUMBER(38,0)"),
            ("RATING", "FLOAT"),
            ("EPOCH_SECONDS", "NUMBER(38,0)"),
        ),
    ),
    RawFile(
        "tags.csv",
        "RAW_TAGS",
        ("userId", "movieId", "tag", "timestamp"),
        (
            ("USER_ID", "NUMBER(38,0)"),
            ("MOVIE_ID", "NUMBER(38,0)"),
            ("TAG", "VARCHAR"),
            ("EPOCH_SECONDS", "NUMBER(38,0)"),
        ),
    ),
    RawFile(
        "links.csv",
        "RAW_LINKS",
        ("movieId", "imdbId", "tmdbId"),
        (("MOVIE_ID", "NUMBER(38,0)"), ("IMDB_ID", "VARCHAR"), ("TMDB_ID", "NUMBER(38,0)")),
    ),
    RawFile(
        "genome-scores.csv",
        "RAW_GENOME_SCORES",
        ("movieId", "tagId", "relevance"),
        (("MOVIE_ID", "NUMBER(38,0)"), ("TAG_ID", "NUMBER(38,0)"), ("RELEVANCE", "FLOAT")),
        required=False,
    ),
    RawFile(
        "genome-tags.csv",
        "RAW_GENOME_TAGS",
        ("tagId", "tag"),
        (("TAG_ID", "NUMBER(38,0)"), ("TAG", "VARCHAR")),
        required=False,
    ),
)

FILES_BY_NAME = {f.file_name: f for f in MOVIELENS_FILES}
FILES_BY_TABLE = {f.table: f for f in MOVIELENS_FILES}

# Framework tables the loader writes in the metadata schema.
LOAD_LOG = "LOAD_LOG"
LOAD_REJECTS = "LOAD_REJECTS"
