"""The MovieLens pipeline: the example project that the CLI, the tests and the docs share.

Layers: ``sources`` (RAW tables the loader fills) -> ``staging`` (typed, trimmed, UTC timestamps,
latest version of each row across load batches) -> ``dims`` / ``facts`` / ``marts`` (ANALYTICS) ->
``snapshots`` (SCD2) -> ``analyses`` (ANALYSIS: the business questions). Seeds live in ``seeds/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netflix_elt.engine import Engine
    from netflix_elt.movielens.loader import LoadSummary


def load_new_files(engine: Engine, source_dir: Path) -> LoadSummary:
    """The Prefect flow's load step (``netflix_elt.orchestration.flow``): append the MovieLens files of
    ``source_dir`` whose content is not loaded yet."""
    from netflix_elt.movielens.loader import load_directory

    return load_directory(engine, source_dir, mode="append")
