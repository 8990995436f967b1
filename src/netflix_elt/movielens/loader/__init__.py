"""Ingestion: MovieLens CSV files into the RAW schema (``netflix-elt load``).

``load_directory(engine, source_dir, mode, batch_id)`` is the entry point; ``layout`` is the contract
with the staging models (file names, headers, RAW tables and columns). The entry point is imported on
first use: commands that only read the layout (``ls``, ``graph``, run recovery) skip the loader's
dependencies (numpy).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netflix_elt.movielens.loader.load import load_directory
    from netflix_elt.movielens.loader.summary import FileLoad, LoadSummary

_EXPORTS = {
    "load_directory": "netflix_elt.movielens.loader.load",
    "FileLoad": "netflix_elt.movielens.loader.summary",
    "LoadSummary": "netflix_elt.movielens.loader.summary",
}
__all__ = ["FileLoad", "LoadSummary", "load_directory"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'netflix_elt.movielens.loader' has no attribute '{name}'")
