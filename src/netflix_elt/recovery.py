"""What a dead run left behind, found and cleared by the next run (and by ``netflix-elt clean``).

A run killed half-way (``kill -9``, a lost machine) cannot drop its work tables or finalise its own
bookkeeping. Published tables are never half-written (each is replaced atomically, merges and snapshot
updates run in one transaction), so what remains is:

* work tables (``engine.worktables``: ``__BUILD_`` and ``__SCRATCH_`` tables, local Snowpark upload
  tables) whose owner is dead: dropped;
* rows of an application's own bookkeeping that a dead run left unfinished, through the
  :class:`Bookkeeping` hooks applications register (the MovieLens loader marks its dead loads'
  IN_PROGRESS rows of LOAD_LOG INTERRUPTED).

Every command that opens the warehouse (``Project.engine``, ``netflix-elt load``) calls
:func:`clear_leftovers` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from netflix_elt.engine import Engine, worktables


class Bookkeeping(Protocol):
    """An application's rows about its own work that a dead run can leave unfinished."""

    def find(self, engine: Engine) -> list[Any]:
        """The unfinished rows of dead runs, each printing as one line (``clean`` lists them)."""
        ...

    def clear(self, engine: Engine, found: list[Any]) -> None:
        """Finalise the rows ``find`` returned."""
        ...


_BOOKKEEPING: list[Bookkeeping] = []


def register_bookkeeping(hook: Bookkeeping) -> None:
    """Have every later :func:`clear_leftovers` find and finalise ``hook``'s unfinished rows too."""
    if hook not in _BOOKKEEPING:
        _BOOKKEEPING.append(hook)


@dataclass
class Leftovers:
    """What dead runs left: work tables (qualified names) and unfinished bookkeeping, by hook."""

    tables: list[str] = field(default_factory=list)
    unfinished: list[tuple[Bookkeeping, list[Any]]] = field(default_factory=list)

    @property
    def rows(self) -> list[Any]:
        """Every unfinished bookkeeping row, whichever hook found it."""
        return [row for _, found in self.unfinished for row in found]

    def __bool__(self) -> bool:
        return bool(self.tables or self.rows)


def find_leftovers(engine: Engine) -> Leftovers:
    """Dead runs' work tables and unfinished bookkeeping, changing nothing."""
    tables = [table.qualified for table in worktables.dead_work_tables(engine)]
    return Leftovers(tables, [(hook, hook.find(engine)) for hook in _BOOKKEEPING])


def clear_leftovers(engine: Engine, dry_run: bool = False) -> Leftovers:
    """Drop dead runs' work tables and finalise their unfinished bookkeeping; return what was found."""
    found = find_leftovers(engine)
    if dry_run:
        return found
    for table in found.tables:
        engine.drop_object(table)  # a table, or the view a local load lands a file in
    for hook, rows in found.unfinished:
        if rows:
            hook.clear(engine, rows)
    return found
