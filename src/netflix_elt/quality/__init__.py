"""Data-quality gates: checks declared next to models in Great Expectations' vocabulary, run after each
node on the full data, reported as JSON/HTML and in ``ELT_META.CHECK_RESULTS``; and model unit tests.

Declaring (imports neither GX nor Snowpark)::

    from netflix_elt.quality import check, gxe, relationship, row_count_reconciles, snapshot_invariants

    @model(Table(), checks=[
        gxe.ExpectColumnValuesToNotBeNull(column="MOVIE_ID"),                          # blocks downstream
        check(gxe.ExpectColumnValuesToBeBetween(column="RATING", min_value=0.5, max_value=5.0),
              severity="warn"),                                                      # only reported
        relationship("MOVIE_ID", to="dim_movies", field="MOVIE_ID"),
        row_count_reconciles(to="src_ratings"),
    ])

Running: ``project.use_check_runner(default_check_runner(project))`` (the CLI does this in
``open_project``), then ``publish_validation(project, run)`` after a build or test. Unit tests:
``netflix_elt.quality.unit``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names below stand for, for type checkers (re-exported: `X as X`)
    from netflix_elt.quality.check_runner import QualityRunner as QualityRunner
    from netflix_elt.quality.check_runner import default_check_runner as default_check_runner
    from netflix_elt.quality.custom import no_overlapping_validity as no_overlapping_validity
    from netflix_elt.quality.custom import one_current_row_per_key as one_current_row_per_key
    from netflix_elt.quality.custom import relationship as relationship
    from netflix_elt.quality.custom import row_count_reconciles as row_count_reconciles
    from netflix_elt.quality.custom import singular as singular
    from netflix_elt.quality.custom import snapshot_invariants as snapshot_invariants
    from netflix_elt.quality.errors import QualityError as QualityError
    from netflix_elt.quality.expectations import ExpectationCall as ExpectationCall
    from netflix_elt.quality.expectations import ExpectationCheck as ExpectationCheck
    from netflix_elt.quality.expectations import check as check
    from netflix_elt.quality.expectations import gxe as gxe
    from netflix_elt.quality.history import append_check_results as append_check_results
    from netflix_elt.quality.history import publish_validation as publish_validation
    from netflix_elt.quality.report import write_validation_report as write_validation_report
    from netflix_elt.quality.unit import ModelUnitTest as ModelUnitTest
    from netflix_elt.quality.unit import unit_test as unit_test

_EXPORTS = {
    "check": "netflix_elt.quality.expectations",
    "gxe": "netflix_elt.quality.expectations",
    "ExpectationCall": "netflix_elt.quality.expectations",
    "ExpectationCheck": "netflix_elt.quality.expectations",
    "relationship": "netflix_elt.quality.custom",
    "row_count_reconciles": "netflix_elt.quality.custom",
    "one_current_row_per_key": "netflix_elt.quality.custom",
    "no_overlapping_validity": "netflix_elt.quality.custom",
    "snapshot_invariants": "netflix_elt.quality.custom",
    "singular": "netflix_elt.quality.custom",
    "QualityError": "netflix_elt.quality.errors",
    "default_check_runner": "netflix_elt.quality.check_runner",
    "QualityRunner": "netflix_elt.quality.check_runner",
    "write_validation_report": "netflix_elt.quality.report",
    "append_check_results": "netflix_elt.quality.history",
    "publish_validation": "netflix_elt.quality.history",
    "unit_test": "netflix_elt.quality.unit",
    "ModelUnitTest": "netflix_elt.quality.unit",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'netflix_elt.quality' has no attribute '{name}'")
