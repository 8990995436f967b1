"""Errors of the quality layer: a check declared wrongly, or a unit test that cannot run."""

from __future__ import annotations

from netflix_elt.errors import NetflixEltError


class QualityError(NetflixEltError):
    """A data-quality check is declared wrongly (unknown expectation, bad arguments, unknown model)."""


class UnitTestError(NetflixEltError):
    """A model unit test cannot run: missing upstream rows, untyped columns, a model that failed."""
