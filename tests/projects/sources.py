"""Sources: one with a freshness rule, one without, and one whose table is never loaded."""

from netflix_elt import Table, model, source

LOAD_TYPES = {"ID": "NUMBER(38,0)", "LOADED_AT": "TIMESTAMP_NTZ"}

raw_loads = source("raw_loads", loaded_at="LOADED_AT", warn_after_hours=6, error_after_hours=24)
raw_plain = source("raw_plain")
raw_never_loaded = source("raw_never_loaded")


@model(Table())
def load_copy(raw_loads):
    """Downstream of the freshness-checked source: skipped when the source is stale."""
    return raw_loads
