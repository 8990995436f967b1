"""Checks on the changed rows: which checks of a node may run on the rows its build changed alone.

The executor offers a :class:`~netflix_elt.tracking.DeltaScope` (the new images of the rows a build
inserted or updated) only when every check of the node passed with no failing row on the version the
build started from. The rows that did not change then still pass, so a check that judges each row by
itself gives the same answer on the changed rows as on the whole table:

- ``delta``: column-map expectations (not null, in set, between, lengths ...) without ``mostly`` below 1;
  relationships whose parent did not change since the checks last ran; singular checks declared
  ``delta_safe=True`` (their query judges rows one by one) whose other models did not change;
- ``keys``: uniqueness (column or compound): the table's rows that share a key with a changed row, so a
  new duplicate of an old row is found; ``delta`` when the key holds one of the delta's fresh keys
  (a source's ``loaded_at``, a merge's unique_key: no unchanged row can share such a key). The
  snapshot invariants too (one current row per key, no overlapping validity): each judges the versions
  of one key together, and the versions of keys with no changed row are as they were;
- everything else (row-count reconciliations, aggregate expectations, singular checks not declared
  delta-safe, checks whose models changed) runs on the whole table.

Each result says where it ran (``scope``), so a report never presents a delta check as a full one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from netflix_elt.quality.custom import CurrentRowCheck, RelationshipCheck, SingularCheck, ValidityCheck
from netflix_elt.quality.expectations import ExpectationCall, ExpectationCheck
from netflix_elt.sql import pairs_not_distinct, render

if TYPE_CHECKING:
    from netflix_elt.tracking import DeltaScope

Scope = Literal["delta", "keys", "table"]

ROW_LOCAL_EXPECTATIONS = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
    }
)
UNIQUE_EXPECTATIONS = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})


def scope_of(item: Any, delta: DeltaScope | None) -> Scope:
    """Where ``item`` may run given the changed rows ``delta`` (None: the whole table)."""
    if delta is None:
        return "table"
    if isinstance(item, ExpectationCheck):
        arguments = item.expectation.rule_arguments
        if arguments.get("mostly", 1) != 1 or "row_condition" in arguments:
            return "table"
        if item.expectation.type in ROW_LOCAL_EXPECTATIONS:
            return "delta"
        if item.expectation.type in UNIQUE_EXPECTATIONS:
            held = set(unique_columns(item))
            return "delta" if any(fresh <= held for fresh in delta.fresh_keys) else "keys"
        return "table"
    if isinstance(item, (CurrentRowCheck, ValidityCheck)):
        return "keys"
    if isinstance(item, RelationshipCheck):
        return "table" if item.to in delta.changed_refs else "delta"
    if isinstance(item, SingularCheck) and item.delta_safe:
        return "table" if set(item.references()) & delta.changed_refs else "delta"
    return "table"


def could_run_on_changes(item: Any) -> bool:
    """Whether ``item`` (a declared check or a bare ``gxe.X(...)`` call) may ever run on changed rows
    (with every model it reads unchanged)."""
    if isinstance(item, ExpectationCall):
        item = ExpectationCheck(item)
    return scope_of(item, _NOTHING_CHANGED) != "table"


def unique_columns(item: ExpectationCheck) -> list[str]:
    arguments = item.expectation.rule_arguments
    names = arguments.get("column_list") or [arguments.get("column")]
    return [str(name).upper() for name in names]


def key_columns(item: Any, unique_key: Sequence[str]) -> list[str]:
    """The key of a check whose scope is ``keys``: a uniqueness check's columns, a snapshot invariant's
    key (by default the snapshot's ``unique_key``)."""
    if isinstance(item, ExpectationCheck):
        return unique_columns(item)
    return [name.upper() for name in (item.key or unique_key)]


def key_rows_sql(target: str, delta: str, columns: list[str]) -> str:
    """The target's rows whose ``columns`` equal those of a changed row (NULLs included); ``delta`` is
    a relation (a table or a parenthesised SELECT)."""
    match = render(pairs_not_distinct(columns, "t", "d"))
    keys = ", ".join(columns)
    return f"SELECT t.* FROM {target} t WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT {keys} FROM {delta}) d WHERE {match})"


@dataclass(frozen=True)
class _Unchanged:
    changed_refs: frozenset[str] = frozenset()
    fresh_keys: tuple[frozenset[str], ...] = ()


_NOTHING_CHANGED: Any = _Unchanged()


def describe(scope: Scope, delta: DeltaScope | None) -> str:
    if scope == "delta" and delta is not None:
        return f"the {delta.rows:,} changed rows" if delta.rows is not None else "the changed rows"
    if scope == "keys":
        return "the rows sharing a key with the changed rows"
    return "the whole table"
