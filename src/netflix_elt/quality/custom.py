"""Checks that GX does not cover, declared like expectations and reported the same way.

They run as SQL in the warehouse (see ``custom_sql``), on the full data:

- ``relationship("MOVIE_ID", to="dim_movies", field="MOVIE_ID")``: every non-null key has a parent row
  (unexpected = orphan rows);
- ``row_count_reconciles(to="raw_ratings", plus=["rejected_ratings"], tolerance=0.0)``: rows of this
  model + rows of ``plus`` = rows of ``to`` (within a relative ``tolerance`` or ``tolerance_rows``);
- ``one_current_row_per_key()`` and ``no_overlapping_validity()`` (or both: ``*snapshot_invariants()``)
  on a snapshot's history;
- ``singular("name", "SELECT ... FROM {this} JOIN {dim_movies} ...")`` or ``singular("name", query=fn)``:
  every row the query returns is a failure, as in dbt's singular tests.

Other models are named as in model parameters; the registry orders each model after the models its
checks reference (``ModelSpec.check_references``), so a check never runs before the table it reads is
built. A table the graph does not build is referenced by its qualified name (``ELT_META.LOAD_LOG``).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from netflix_elt.quality.errors import QualityError
from netflix_elt.quality.expectations import SEVERITIES, declaration_site


def _names(value: str | Sequence[str], what: str, where: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise QualityError(f"{what} must name at least one column or model", where=where)
    return tuple(n.upper() for n in names)


def _severity(severity: str, where: str) -> str:
    if severity not in SEVERITIES:
        raise QualityError(f"severity must be 'error' or 'warn', not {severity!r}", where=where)
    return severity


@dataclass(frozen=True)
class RelationshipCheck:
    """Foreign key: every non-null ``columns`` value of this model exists in ``to``.``fields``."""

    columns: tuple[str, ...]
    to: str
    fields: tuple[str, ...]
    severity: str = "error"
    name: str | None = None
    location: str = field(default="", repr=False, compare=False)
    kind = "relationship"
    # A parent that only gains rows cannot create an orphan (see RunTracker.harmless_changes).
    holds_while_references_grow = True

    def display_name(self) -> str:
        return self.name or f"relationship({','.join(self.columns)} -> {self.to}.{','.join(self.fields)})"

    def references(self) -> tuple[str, ...]:
        return (self.to,)


def relationship(
    column: str | Sequence[str],
    *,
    to: str,
    field: str | Sequence[str] | None = None,
    severity: str = "error",
    name: str | None = None,
) -> RelationshipCheck:
    """Every non-null ``column`` value (or tuple of values) has a row in model ``to`` (``field`` defaults
    to the same column names)."""
    where = declaration_site()
    columns = _names(column, "column", where)
    fields = _names(field, "field", where) if field is not None else columns
    if len(fields) != len(columns):
        raise QualityError(f"{len(columns)} column(s) but {len(fields)} field(s)", where=where)
    return RelationshipCheck(columns, to.upper(), fields, _severity(severity, where), name, where)


@dataclass(frozen=True)
class RowCountCheck:
    """rows(this) + sum(rows(plus)) equals sum(rows(to)), within the tolerances."""

    to: tuple[str, ...]
    plus: tuple[str, ...] = ()
    tolerance: float = 0.0
    tolerance_rows: int = 0
    severity: str = "error"
    name: str | None = None
    location: str = field(default="", repr=False, compare=False)
    kind = "row_count_reconciles"

    def display_name(self) -> str:
        left = " + ".join(("this", *self.plus))
        return self.name or f"row_count_reconciles({left} = {' + '.join(self.to)})"

    def references(self) -> tuple[str, ...]:
        return (*self.to, *self.plus)


def row_count_reconciles(
    to: str | Sequence[str],
    *,
    plus: str | Sequence[str] = (),
    tolerance: float = 0.0,
    tolerance_rows: int = 0,
    severity: str = "error",
    name: str | None = None,
) -> RowCountCheck:
    """This model's rows plus the rows of ``plus`` must equal the rows of ``to`` (summed over models).

    ``tolerance`` is a fraction of the expected count (0.01 = 1 %), ``tolerance_rows`` an absolute
    number of rows; the larger allowance applies. Declare it on the downstream model (e.g. on the
    loaded table: ``row_count_reconciles(to="raw_ratings", plus=["rejected_ratings"])``).
    """
    where = declaration_site()
    if tolerance < 0 or tolerance_rows < 0:
        raise QualityError("tolerances cannot be negative", where=where)
    plus_names = _names(plus, "plus", where) if plus else ()
    return RowCountCheck(
        _names(to, "to", where),
        plus_names,
        float(tolerance),
        int(tolerance_rows),
        _severity(severity, where),
        name,
        where,
    )


@dataclass(frozen=True)
class CurrentRowCheck:
    """Snapshot invariant: each key has exactly one current row (at most one when ``allow_none``)."""

    key: tuple[str, ...] = ()
    current: str = "IS_CURRENT"
    allow_none: bool | None = None
    severity: str = "error"
    name: str | None = None
    location: str = field(default="", repr=False, compare=False)
    kind = "one_current_row_per_key"

    def display_name(self) -> str:
        return self.name or f"one_current_row_per_key({','.join(self.key) or 'unique_key'})"

    def references(self) -> tuple[str, ...]:
        return ()


def one_current_row_per_key(
    key: str | Sequence[str] = (),
    *,
    current: str = "IS_CURRENT",
    allow_none: bool | None = None,
    severity: str = "error",
    name: str | None = None,
) -> CurrentRowCheck:
    """Exactly one row per ``key`` has ``current`` true. ``key`` defaults to the snapshot's unique_key;
    ``allow_none`` (default: true when the snapshot invalidates hard deletes) accepts keys with none."""
    where = declaration_site()
    keys = _names(key, "key", where) if key else ()
    return CurrentRowCheck(keys, current.upper(), allow_none, _severity(severity, where), name, where)


@dataclass(frozen=True)
class ValidityCheck:
    """Snapshot invariant: the [valid_from, valid_to) ranges of one key never overlap (NULL = open)."""

    key: tuple[str, ...] = ()
    valid_from: str = "VALID_FROM"
    valid_to: str = "VALID_TO"
    severity: str = "error"
    name: str | None = None
    location: str = field(default="", repr=False, compare=False)
    kind = "no_overlapping_validity"

    def display_name(self) -> str:
        return self.name or f"no_overlapping_validity({','.join(self.key) or 'unique_key'})"

    def references(self) -> tuple[str, ...]:
        return ()


def no_overlapping_validity(
    key: str | Sequence[str] = (),
    *,
    valid_from: str = "VALID_FROM",
    valid_to: str = "VALID_TO",
    severity: str = "error",
    name: str | None = None,
) -> ValidityCheck:
    """No two versions of a key are valid at the same time, and no version ends before it starts."""
    where = declaration_site()
    keys = _names(key, "key", where) if key else ()
    return ValidityCheck(keys, valid_from.upper(), valid_to.upper(), _severity(severity, where), name, where)


def snapshot_invariants(
    key: str | Sequence[str] = (), *, severity: str = "error"
) -> tuple[CurrentRowCheck, ValidityCheck]:
    """Both snapshot invariants; spread them into the checks: ``checks=[*snapshot_invariants()]``."""
    return (
        one_current_row_per_key(key, severity=severity),
        no_overlapping_validity(key, severity=severity),
    )


@dataclass(frozen=True)
class QueryRef:
    """A DataFrame query function, compared and printed by its source code (not its address)."""

    func: Callable[..., Any] = field(compare=False)
    digest: str

    @classmethod
    def of(cls, func: Callable[..., Any]) -> QueryRef:
        try:
            source = inspect.getsource(func)
        except (OSError, TypeError):
            source = f"{func.__module__}.{func.__qualname__}"
        return cls(func, hashlib.sha256(source.encode()).hexdigest()[:12])

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.func).parameters)

    def __repr__(self) -> str:
        return f"<query {self.func.__qualname__} {self.digest}>"


@dataclass(frozen=True)
class SingularCheck:
    """Rows returned by ``sql`` (with ``{this}`` / ``{model}`` placeholders) or ``query`` are failures."""

    check_name: str
    sql: str | None = None
    query: QueryRef | None = None
    severity: str = "error"
    name: str | None = None
    location: str = field(default="", repr=False, compare=False)
    # The query judges each row of {this} on its own: on any subset of the rows it returns exactly the
    # failing rows of that subset, so it may run on the rows a build changed (see quality.delta).
    delta_safe: bool = False
    kind = "singular"

    def display_name(self) -> str:
        return self.name or self.check_name

    def references(self) -> tuple[str, ...]:
        if self.query is not None:
            return tuple(p.upper() for p in self.query.parameters if p != "this")
        from string import Formatter

        fields = {f for _, f, _, _ in Formatter().parse(self.sql or "") if f}
        return tuple(sorted(f.upper() for f in fields if f != "this"))


def singular(
    name: str,
    sql: str | None = None,
    *,
    query: Callable[..., Any] | None = None,
    severity: str = "error",
    delta_safe: bool = False,
) -> SingularCheck:
    """A query whose rows are failures. ``sql`` is Snowflake SQL where ``{this}`` is the checked model
    and ``{other_model}`` any other model (write ``{{``/``}}`` for literal braces); ``query`` is a
    function whose parameters are ``this`` and model names, each given as a Snowpark DataFrame, and which
    returns a DataFrame of failing rows. ``delta_safe=True`` states that the query judges each row of
    ``{this}`` on its own (a filter, or a lookup in other models), so it may run on changed rows only."""
    where = declaration_site()
    if (sql is None) == (query is None):
        raise QualityError(f"singular check '{name}' needs exactly one of sql= or query=", where=where)
    ref = QueryRef.of(query) if query is not None else None
    return SingularCheck(name, sql, ref, _severity(severity, where), None, where, delta_safe)


CUSTOM_CHECKS = (RelationshipCheck, RowCountCheck, CurrentRowCheck, ValidityCheck, SingularCheck)

__all__ = [
    "CUSTOM_CHECKS",
    "CurrentRowCheck",
    "RelationshipCheck",
    "RowCountCheck",
    "SingularCheck",
    "ValidityCheck",
    "no_overlapping_validity",
    "one_current_row_per_key",
    "relationship",
    "row_count_reconciles",
    "singular",
    "snapshot_invariants",
]
