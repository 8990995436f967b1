"""Declaring a model unit test: given rows for the model's upstreams, the rows its table must hold after.

Unit tests are declared at module level anywhere in the project package (next to the model, or in a
``unit_tests`` module): any top-level name bound to a :class:`UnitTestCase`, or to a list/tuple of
them, is discovered by ``netflix-elt unit-test`` and ``discover_unit_tests``::

    from netflix_elt.quality.unit import unit_test

    fct_ratings_tests = [
        unit_test(
            "fct_ratings",
            given={"src_ratings": [{"USER_ID": 1, "MOVIE_ID": 10, "RATING": 4.5, "RATED_AT": datetime(2020, 1, 1)}]},
            existing=[...],               # incremental/snapshot: the target's rows before the run
            expect=[{"USER_ID": 1, "MOVIE_ID": 10, "RATING": 4.5}],   # only these columns are compared
        ),
    ]

``given`` may be a list of mappings: one model run per mapping, in order (an upstream left out of a
later run keeps its previous rows), which is how a snapshot's history after several runs is tested.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from netflix_elt.quality.errors import UnitTestError

FIRST_RUN_AT = datetime(2024, 1, 1, tzinfo=UTC)  # default run_started_at of run i: this + i days


@dataclass(frozen=True, eq=False)
class UnitTestCase:
    """One unit test of one model (rows are lists of dicts or pandas DataFrames)."""

    model: str
    given: tuple[Mapping[str, Any], ...]
    expect: Any
    existing: Any = None
    run_started_at: tuple[datetime, ...] = ()
    types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    vars: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""
    location: str = ""

    @property
    def runs(self) -> int:
        return len(self.given)

    @property
    def label(self) -> str:
        return self.name or self.model.lower()


def unit_test(
    model: str,
    *,
    given: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    expect: Any,
    existing: Any = None,
    run_started_at: datetime | Sequence[datetime] | None = None,
    types: Mapping[str, Mapping[str, str]] | None = None,
    vars: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> UnitTestCase:
    """Declare a unit test of ``model``.

    ``given`` maps upstream names (as the model's parameters spell them) to rows; ``types`` maps a
    relation name (an upstream or the model itself, for ``existing``) to {column: Snowflake type} for
    columns whose type the values do not tell (all NULL, or a specific NUMBER/TIMESTAMP type).
    ``run_started_at`` is one datetime per run (default: 2024-01-01 UTC plus one day per run).
    """
    location = _caller_location()
    runs = (given,) if isinstance(given, Mapping) else tuple(given)
    if not runs or not all(isinstance(r, Mapping) for r in runs):
        raise UnitTestError("given must be a mapping of upstream -> rows, or a list of them", where=location)
    if run_started_at is None:
        moments = tuple(FIRST_RUN_AT + timedelta(days=i) for i in range(len(runs)))
    elif isinstance(run_started_at, datetime):
        moments = (run_started_at,)
    else:
        moments = tuple(run_started_at)
    if len(moments) != len(runs):
        raise UnitTestError(
            f"{len(runs)} run(s) given but {len(moments)} run_started_at value(s)", where=location
        )
    return UnitTestCase(
        model=model.upper(),
        given=tuple({k.upper(): v for k, v in r.items()} for r in runs),
        expect=expect,
        existing=existing,
        run_started_at=tuple(_utc(m) for m in moments),
        types={k.upper(): {c.upper(): t for c, t in v.items()} for k, v in (types or {}).items()},
        vars=dict(vars or {}),
        name=name or "",
        location=location,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _caller_location() -> str:
    frame = inspect.currentframe()
    package = __file__.rsplit("/", 2)[0]
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else ""
