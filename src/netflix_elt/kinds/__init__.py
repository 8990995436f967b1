"""Model kinds: one pydantic class each, with one job (turn a DataFrame into warehouse state)."""

from netflix_elt.kinds.aggregate import Aggregate, Measure, count_of, max_of, min_of, sum_of
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.kinds.ephemeral import Ephemeral
from netflix_elt.kinds.incremental import Incremental
from netflix_elt.kinds.seed import Seed
from netflix_elt.kinds.snapshot import Snapshot
from netflix_elt.kinds.source import Source
from netflix_elt.kinds.table import Analysis, Table
from netflix_elt.kinds.view import View

KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (Table, View, Incremental, Aggregate, Ephemeral, Snapshot, Seed, Source, Analysis)
}

__all__ = [
    "KINDS",
    "Aggregate",
    "Analysis",
    "BuildJob",
    "BuildOutcome",
    "Ephemeral",
    "Incremental",
    "Kind",
    "Measure",
    "Seed",
    "Snapshot",
    "Source",
    "Table",
    "View",
    "count_of",
    "max_of",
    "min_of",
    "sum_of",
]
