"""Ingestion: MovieLens CSV files into the RAW schema (``netflix-elt load``).

``load_directory(engine, source_dir, mode, batch_id)`` is the entry point; ``layout`` is the contract
with the staging models (file names, headers, RAW tables and columns).
"""

from netflix_elt.loader.load import load_directory
from netflix_elt.loader.summary import FileLoad, LoadSummary

__all__ = ["FileLoad", "LoadSummary", "load_directory"]
