"""What a model function sees of the run it is part of: :class:`ModelContext` (the ``ctx`` parameter).

It lives below the kinds, which build the context they pass to a model; ``netflix_elt.declare`` and
``netflix_elt`` re-export it for model code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from netflix_elt.errors import ProjectError

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

    from netflix_elt.changes import ChangeReader

__all__ = ["ModelContext"]


@dataclass
class ModelContext:
    """What a model function may ask about the run it is part of.

    ``is_incremental`` is true when an incremental model merges into an existing table;
    ``high_water_mark`` is then the target's maximum ``incremental_column`` minus the lookback
    window (None on a full build); ``this`` is the existing target as a DataFrame (or None).

    An incremental model that declares ``changes_of`` reads, in an incremental build, the rows those
    inputs gained (``inserted``) and lost (``deleted``) since it last consumed them (see
    :mod:`netflix_elt.changes`).
    """

    model: str
    run_started_at: datetime
    is_incremental: bool = False
    high_water_mark: Any = None
    this: DataFrame | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    changes: ChangeReader | None = field(default=None, repr=False)
    changes_of: tuple[str, ...] = ()
    # Inputs replaced by other rows for this call (an aggregate's change terms); upper-case names.
    overrides: dict[str, DataFrame] = field(default_factory=dict, repr=False)

    def inserted(self, name: str) -> DataFrame:
        """The rows input ``name`` gained since this model last consumed it (updated rows: new images)."""
        return self._changes(name, "inserted")

    def deleted(self, name: str) -> DataFrame:
        """The rows input ``name`` lost since this model last consumed it (updated rows: old images)."""
        return self._changes(name, "deleted")

    def _changes(self, name: str, which: str) -> DataFrame:
        key = name.upper()
        if key not in self.changes_of:
            raise ProjectError(
                f"reads the changes of {key}, which its kind does not declare in changes_of",
                where=f"model {self.model}",
                hint=f"add '{name.lower()}' to Incremental(changes_of=...)",
            )
        if self.changes is None:
            raise ProjectError(
                f"asked for the changes of {key} in a full build",
                where=f"model {self.model}",
                hint="read ctx.inserted()/ctx.deleted() only when ctx.is_incremental",
            )
        sql = self.changes.inserted_sql(key) if which == "inserted" else self.changes.deleted_sql(key)
        return self.changes.frame(sql)
