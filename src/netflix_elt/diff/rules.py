"""What ``netflix-elt diff`` compares: which models, matched on which key, leaving out which columns.

Everything here comes from the model declarations, never from model names:

- **models**: without selectors, every published model (tables, incrementals, snapshots, analyses,
  seeds); with selectors, every selected model that is materialised (views and sources too).
- **key**: the contract's key columns; else the kind's own (``Incremental.unique_key``, a snapshot's
  ``unique_key`` + VALID_FROM, see ``Kind.row_key``); else none, and rows are compared whole.
- **run-dependent columns**: the contract's, plus the kind's (a snapshot's SNAPSHOT_RUN_AT, a source's
  ``loaded_at`` and ``run_dependent``); they are left out of the values compared. A key column is always
  compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from netflix_elt.declare import ModelSpec
from netflix_elt.errors import SelectionError
from netflix_elt.registry import Registry
from netflix_elt.selection import select as choose

PUBLISHED_KINDS = ("table", "incremental", "aggregate", "snapshot", "analysis", "seed")


@dataclass(frozen=True)
class ModelRules:
    """How one model's two tables are compared."""

    key: tuple[str, ...]
    key_source: str  # "contract", "<kind> kind", or "" when no key is declared
    run_dependent: tuple[str, ...]


def rules_for(spec: ModelSpec) -> ModelRules:
    """The key and run-dependent columns a model's declaration gives (upper-case names)."""
    contract = spec.contract
    if contract is not None and contract.key:
        key, source = tuple(c.upper() for c in contract.key), "contract"
    elif spec.kind.row_key():
        key, source = spec.kind.row_key(), f"{spec.kind_name} kind"
    else:
        key, source = (), ""
    declared = [*(contract.run_dependent if contract is not None else ()), *spec.kind.run_dependent_columns()]
    run_dependent = tuple(c for c in dict.fromkeys(n.upper() for n in declared) if c not in key)
    return ModelRules(key, source, run_dependent)


def models_to_compare(
    registry: Registry,
    select: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    modified: Callable[[], set[str]] | None = None,
) -> list[str]:
    """Names to compare, in DAG order; a selection that leaves nothing to compare is an error."""
    selectors, excluded = list(select or []), list(exclude or [])
    chosen = choose(registry, selectors or None, excluded or None, modified)
    if selectors:
        names = [spec.name for spec in registry if spec.name in chosen and spec.materialized]
    else:
        names = [spec.name for spec in registry if spec.name in chosen and spec.kind_name in PUBLISHED_KINDS]
    if not names:
        what = " ".join(selectors) if selectors else "the published models"
        raise SelectionError(
            f"'{what}'{' minus --exclude' if excluded else ''} matches no model that diff can compare",
            hint="diff compares materialised models (ephemeral ones have no table); `netflix-elt ls` lists them",
        )
    return names
