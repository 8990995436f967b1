"""Model unit tests: given rows for a model's upstreams, expect the rows of its table after it runs.

``ModelUnitTest(registry, "fct_ratings", given=..., expect=...).run(tmp_path)`` from pytest;
``unit_test(...)`` declarations in the project package, run by ``netflix-elt unit-test``.
Names are imported lazily, so declaring a unit test in a model module stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names below stand for, for type checkers (re-exported: `X as X`)
    from netflix_elt.quality.unit.case import UnitTestCase as UnitTestCase
    from netflix_elt.quality.unit.case import unit_test as unit_test
    from netflix_elt.quality.unit.discover import discover_unit_tests as discover_unit_tests
    from netflix_elt.quality.unit.harness import ModelUnitTest as ModelUnitTest
    from netflix_elt.quality.unit.harness import UnitTestFailure as UnitTestFailure
    from netflix_elt.quality.unit.harness import UnitTestOutcome as UnitTestOutcome

_EXPORTS = {
    "UnitTestCase": "netflix_elt.quality.unit.case",
    "unit_test": "netflix_elt.quality.unit.case",
    "discover_unit_tests": "netflix_elt.quality.unit.discover",
    "ModelUnitTest": "netflix_elt.quality.unit.harness",
    "UnitTestFailure": "netflix_elt.quality.unit.harness",
    "UnitTestOutcome": "netflix_elt.quality.unit.harness",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'netflix_elt.quality.unit' has no attribute '{name}'")
