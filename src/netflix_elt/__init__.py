"""netflix-elt: an ELT framework on the Snowpark DataFrame API.

Declare models with :func:`model`, :func:`seed` and :func:`source`; build them with :class:`Project`.
Names are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # what the names below stand for, for type checkers (re-exported: `X as X`)
    from netflix_elt.contracts import column as column
    from netflix_elt.declare import model as model
    from netflix_elt.declare import seed as seed
    from netflix_elt.declare import source as source
    from netflix_elt.kinds import Aggregate as Aggregate
    from netflix_elt.kinds import Analysis as Analysis
    from netflix_elt.kinds import Ephemeral as Ephemeral
    from netflix_elt.kinds import Incremental as Incremental
    from netflix_elt.kinds import Snapshot as Snapshot
    from netflix_elt.kinds import Table as Table
    from netflix_elt.kinds import View as View
    from netflix_elt.kinds import count_of as count_of
    from netflix_elt.kinds import max_of as max_of
    from netflix_elt.kinds import min_of as min_of
    from netflix_elt.kinds import sum_of as sum_of
    from netflix_elt.kinds.context import ModelContext as ModelContext
    from netflix_elt.project import Project as Project
    from netflix_elt.registry import Registry as Registry

_EXPORTS = {
    "Aggregate": "netflix_elt.kinds",
    "Analysis": "netflix_elt.kinds",
    "Ephemeral": "netflix_elt.kinds",
    "Incremental": "netflix_elt.kinds",
    "Snapshot": "netflix_elt.kinds",
    "Table": "netflix_elt.kinds",
    "View": "netflix_elt.kinds",
    "count_of": "netflix_elt.kinds",
    "max_of": "netflix_elt.kinds",
    "min_of": "netflix_elt.kinds",
    "sum_of": "netflix_elt.kinds",
    "column": "netflix_elt.contracts",
    "ModelContext": "netflix_elt.kinds.context",
    "model": "netflix_elt.declare",
    "seed": "netflix_elt.declare",
    "source": "netflix_elt.declare",
    "Project": "netflix_elt.project",
    "Registry": "netflix_elt.registry",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'netflix_elt' has no attribute '{name}'")
