"""The RAW tables, filled by ``netflix-elt load`` (see ``netflix_elt.loader.layout``)."""

from __future__ import annotations

from netflix_elt.declare import source

LOADED_AT = "_LOADED_AT"
# Files arrive daily; a day without a load warns, a week without one blocks the build.
FRESHNESS = {"loaded_at": LOADED_AT, "warn_after_hours": 36, "error_after_hours": 24 * 7}

raw_movies = source("RAW_MOVIES", **FRESHNESS, tags=["raw"], description="movies.csv, every load batch")
raw_ratings = source("RAW_RATINGS", **FRESHNESS, tags=["raw"], description="ratings.csv and daily deltas")
raw_tags = source("RAW_TAGS", **FRESHNESS, tags=["raw"], description="tags.csv, a full export per batch")
raw_links = source("RAW_LINKS", **FRESHNESS, tags=["raw"], description="links.csv, every load batch")
# The genome files are optional (ml-latest-small has none): no freshness rule, empty is fine.
raw_genome_scores = source("RAW_GENOME_SCORES", tags=["raw", "genome"], description="genome-scores.csv")
raw_genome_tags = source("RAW_GENOME_TAGS", tags=["raw", "genome"], description="genome-tags.csv")
# The runner's own history (ELT_META.RUN_HISTORY), read by the MODEL_TIMINGS analysis.
run_history = source("RUN_HISTORY", layer="meta", tags=["meta"], description="one row per node per run")
