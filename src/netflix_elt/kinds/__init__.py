"""Model kinds: one pydantic class each, with one job (turn a DataFrame into warehouse state)."""

from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.kinds.ephemeral import Ephemeral
from netflix_elt.kinds.incremental import Incremental
from netflix_elt.kinds.seed import Seed
from netflix_elt.kinds.snapshot import Snapshot
from netflix_elt.kinds.source import Source
from netflix_elt.kinds.table import Analysis, Table
from netflix_elt.kinds.view import View

KINDS: dict[str, type[Kind]] = {
    kind.name: kind for kind in (Table, View, Incremental, Ephemeral, Snapshot, Seed, Source, Analysis)
}

__all__ = [
    "KINDS",
    "Analysis",
    "BuildJob",
    "BuildOutcome",
    "Ephemeral",
    "Incremental",
    "Kind",
    "Seed",
    "Snapshot",
    "Source",
    "Table",
    "View",
]
