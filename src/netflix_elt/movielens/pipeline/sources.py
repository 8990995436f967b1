"""The RAW tables, filled by ``netflix-elt load`` (see ``netflix_elt.movielens.loader.layout``), and their gates.

RAW tables keep every load batch, so a movie id repeats across batches: keys are unique per batch
here and unique outright from staging on. The loader already rejects empty or malformed numbers, so
the not-null checks guard tables filled some other way; the value checks are what the loader cannot
know (the rating scale, plausible dates, id formats).
"""

from __future__ import annotations

from typing import Any

from netflix_elt.declare import source
from netflix_elt.movielens.pipeline.checks import (
    RATING_VALUES,
    epoch_within_range,
    not_blank,
    not_null,
    unique_per_batch,
)
from netflix_elt.quality import check, gxe, singular

LOADED_AT = "_LOADED_AT"
# Files arrive daily; a day without a load warns, a week without one blocks the build.
FRESHNESS: dict[str, Any] = {"loaded_at": LOADED_AT, "warn_after_hours": 36, "error_after_hours": 24 * 7}
# Columns the loader fills from the load itself (file path as given, time, batch id), not from the data:
# `netflix-elt diff` leaves them out. _FILE_ROW_NUMBER is the record's line in its file, so it is data.
LOAD_RUN_COLUMNS = ("_SOURCE_FILE", LOADED_AT, "_BATCH_ID")

raw_movies = source(
    "RAW_MOVIES",
    run_dependent=LOAD_RUN_COLUMNS,
    **FRESHNESS,
    tags=["raw"],
    description="movies.csv, every load batch",
    checks=[
        *not_null("MOVIE_ID", "TITLE", "GENRES"),
        # A movie without genres says '(no genres listed)'; an empty field is a broken record.
        *not_blank("TITLE", "GENRES"),
        # One file listing a movieId twice has two titles for it; staging would pick one by line order.
        unique_per_batch("MOVIE_ID"),
    ],
)
raw_ratings = source(
    "RAW_RATINGS",
    run_dependent=LOAD_RUN_COLUMNS,
    **FRESHNESS,
    tags=["raw"],
    description="ratings.csv and daily deltas",
    checks=[
        *not_null("USER_ID", "MOVIE_ID", "RATING", "EPOCH_SECONDS"),
        gxe.ExpectColumnValuesToBeInSet(column="RATING", value_set=RATING_VALUES),
        epoch_within_range(),
        # A pair twice in one file is a broken export: a re-rating arrives in a later batch.
        unique_per_batch("USER_ID", "MOVIE_ID"),
    ],
)
raw_tags = source(
    "RAW_TAGS",
    run_dependent=LOAD_RUN_COLUMNS,
    **FRESHNESS,
    tags=["raw"],
    description="tags.csv, a full export per batch",
    checks=[
        *not_null("USER_ID", "MOVIE_ID", "TAG", "EPOCH_SECONDS"),
        epoch_within_range(),
        # Staging trims tags and keeps the newest of any repeats, so a repeated tag is only reported.
        unique_per_batch("USER_ID", "MOVIE_ID", "TAG", severity="warn"),
    ],
)
raw_links = source(
    "RAW_LINKS",
    run_dependent=LOAD_RUN_COLUMNS,
    **FRESHNESS,
    tags=["raw"],
    description="links.csv, every load batch",
    checks=[
        # No rule on tmdbId: MovieLens leaves some empty and gives one to two movies.
        *not_null("MOVIE_ID", "IMDB_ID"),
        unique_per_batch("MOVIE_ID"),
        # imdbId is 7 digits with leading zeros. Warn only: no model joins on it (it is carried for
        # lookups outside the warehouse), so a malformed one must not hold the build back.
        check(gxe.ExpectColumnValueLengthsToEqual(column="IMDB_ID", value=7), severity="warn"),
        singular(
            "imdb_id_is_7_digits",
            "SELECT MOVIE_ID, IMDB_ID, _SOURCE_FILE, _FILE_ROW_NUMBER FROM {this} "
            "WHERE NOT REGEXP_LIKE(IMDB_ID, '[0-9]{{7}}')",
            severity="warn",
            delta_safe=True,
        ),
    ],
)
# The genome files are optional (ml-latest-small has none): no freshness rule, empty is fine. Their
# loaded_at still versions them: a day without genome files leaves everything built from them up to date.
raw_genome_scores = source(
    "RAW_GENOME_SCORES",
    loaded_at=LOADED_AT,
    run_dependent=LOAD_RUN_COLUMNS,
    tags=["raw", "genome"],
    description="genome-scores.csv",
    checks=[
        *not_null("MOVIE_ID", "TAG_ID", "RELEVANCE"),
        gxe.ExpectColumnValuesToBeBetween(column="RELEVANCE", min_value=0.0, max_value=1.0),
        # Not unique_per_batch: only the newest export is used, and FCT_GENOME_SCORES is checked
        # unique on (MOVIE_ID, TAG_ID); a second GROUP BY over millions of scores would add nothing.
    ],
)
raw_genome_tags = source(
    "RAW_GENOME_TAGS",
    loaded_at=LOADED_AT,
    run_dependent=LOAD_RUN_COLUMNS,
    tags=["raw", "genome"],
    description="genome-tags.csv",
    checks=[*not_null("TAG_ID", "TAG"), *not_blank("TAG"), unique_per_batch("TAG_ID")],
)
# The runner's own history (ELT_META.RUN_HISTORY), read by the MODEL_TIMINGS analysis.
run_history = source("RUN_HISTORY", layer="meta", tags=["meta"], description="one row per node per run")
# The loader's log (ELT_META.LOAD_LOG): one row per file per load. Declared for its reconciliation
# check; LOAD_REJECTS is declared by the analyses that read it (analyses/operations.py).
load_log = source(
    "LOAD_LOG",
    layer="meta",
    run_dependent=("BATCH_ID", "SOURCE_FILE", "STARTED_AT", "ENDED_AT", "SECONDS"),
    tags=["meta"],
    description="one row per file per `netflix-elt load`",
    checks=[
        *not_null("BATCH_ID", "TARGET_TABLE", "STATUS", "ROWS_READ", "ROWS_LOADED", "ROWS_REJECTED"),
        gxe.ExpectColumnValuesToBeInSet(column="STATUS", value_set=["LOADED", "SKIPPED", "FAILED"]),
        # Every record read from a file was either loaded into RAW or kept in LOAD_REJECTS.
        singular(
            "rows_read_equal_loaded_plus_rejected",
            "SELECT BATCH_ID, SOURCE_FILE, TARGET_TABLE, ROWS_READ, ROWS_LOADED, ROWS_REJECTED FROM {this} "
            "WHERE ROWS_READ <> ROWS_LOADED + ROWS_REJECTED",
            delta_safe=True,
        ),
    ],
)
