"""netflix-elt: an ELT framework on the Snowpark DataFrame API.

Declare models with :func:`model`, :func:`seed` and :func:`source`; build them with :class:`Project`.
Names are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

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
