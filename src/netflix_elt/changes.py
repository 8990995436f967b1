"""Change sets: which rows of a node changed between two of its data versions, as signed rows.

A node that writes in place (an incremental model, an aggregate) or a table that tracks its changes
records, with each new data version, the rows it removed (sign -1, the old images) and the rows it added
(sign +1, the new images) in ``ELT_META.<NODE>__CHANGES``: an update is -old +new, an unchanged row is not
there. Consumers read the changes since the version they last consumed (``ctx.inserted(name)`` and
``ctx.deleted(name)``); over several versions the rows are netted (a row added then removed cancels), so a
keyed table's change set holds at most one old and one new image per key. A source's change set is the
rows loaded after the mark a consumer last read, valid while the table only grows (its row count is the
old count plus those rows).

Change rows are pruned once every consumer has read them; when the history a consumer needs is gone
(the producer was rebuilt in full, or never kept changes), the consumer is rebuilt in full instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from netflix_elt.errors import ModelError
from netflix_elt.sql import column_list, ident, literal, pairs_not_distinct, render, timestamp_literal
from netflix_elt.versions import InputVersion, NodeState

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

    from netflix_elt.engine import Engine
    from netflix_elt.kinds.base import BuildJob

CHANGE_VERSION = "_CHANGE_VERSION"
CHANGE_SIGN = "_CHANGE_SIGN"


class FullRebuildNeeded(Exception):
    """Raised while preparing an incremental build whose input changes cannot be read; the kind then
    rebuilds the model in full. ``reason`` says why (it ends up in the node's message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def require_changes_of(job: BuildJob, names: Iterable[str]) -> ChangeReader:
    """The change reader of a build that reads the changes of ``names`` (inputs of the model) instead of
    their rows: raises FullRebuildNeeded unless the build is by the same code as the last one, every
    such input's changes since then are readable, and no other input changed; ModelError when a name
    is not an input."""
    if job.code_changed:
        raise FullRebuildNeeded("its code or configuration changed since its last build")
    reader = job.changes
    if reader is None:
        raise FullRebuildNeeded("no record of the input versions it was built from")
    consumed = {name.upper() for name in names}
    for name in sorted(consumed):
        if name not in reader.current:
            raise ModelError(
                f"changes_of names {name}, which is not one of its inputs",
                where=f"model {job.model}",
                hint="list only inputs (parameters) of the model in changes_of",
            )
        reader.require(name)
    others = [n for n in reader.changed_inputs(reader.current) if n not in consumed]
    if others:
        raise FullRebuildNeeded(f"{', '.join(others)} changed and its changes are not read")
    return reader


def change_table(engine: Engine, node: str) -> str:
    """Where a node's change rows live."""
    return engine.fqn(engine.profile.schemas.meta, f"{node}__CHANGES")


class ChangeLog:
    """The producing side: one node's change table and what this build did to it.

    ``keep_after`` is the newest version every consumer has read (None: no consumer has read any):
    older change rows are pruned. The rows of this build are tagged with ``next_version``. Without
    ``consumers`` (the node's checks alone read its changes) only new images are needed, and no history
    is kept past the build: see :meth:`records`.
    """

    def __init__(
        self,
        engine: Engine,
        node: str,
        target: str,
        version: int,
        keep_after: int | None,
        kept: bool,
        consumers: bool = True,
    ) -> None:
        self.engine = engine
        self.consumers = consumers
        self.kept = kept  # the change table exists with the target's shape (the node keeps a history)
        self.node = node
        self.target = target
        self.table = change_table(engine, node)
        self.previous_version = version
        self.next_version = version + 1
        self.keep_after = version if keep_after is None else min(keep_after, version)
        self.reset_done = False  # after a full build: no change set for this version either
        self.restarted = False  # the table was started over: only this build's rows are kept
        self.appended = False

    def reset(self) -> None:
        """Start the history over after a full build: an empty change table shaped like the target."""
        self._create()
        self.reset_done = True

    def prepare(self, reshaped: bool = False) -> None:
        """Make the change table ready for this build's rows: prune what every consumer has read, or
        start it over when the node kept no history yet or the target's columns just changed."""
        if self.kept and not reshaped:
            self.engine.execute(self.prune_sql())
            return
        self._create()
        self.restarted = True

    def _create(self) -> None:
        self.engine.execute(
            f"CREATE OR REPLACE TABLE {self.table} AS SELECT CAST(0 AS NUMBER(38,0)) AS {CHANGE_VERSION}, "
            f"CAST(0 AS NUMBER(38,0)) AS {CHANGE_SIGN}, t.* FROM {self.target} t WHERE 1 = 0"
        )

    def prune_sql(self) -> str:
        """Drop rows every consumer has read, and rows of versions never recorded (a build that died
        between writing its changes and recording its version cannot have committed either, but a
        change table written outside the transaction could hold them)."""
        return (
            f"DELETE FROM {self.table} WHERE {CHANGE_VERSION} <= {self.keep_after} "
            f"OR {CHANGE_VERSION} > {self.previous_version}"
        )

    def append_sql(self, sign: int, select_sql: str, columns: list[str]) -> str:
        """INSERT the rows of ``select_sql`` (the target's ``columns``) as this build's changes."""
        self.appended = True
        names = column_list(columns)
        return (
            f"INSERT INTO {self.table} ({CHANGE_VERSION}, {CHANGE_SIGN}, {names}) "
            f"SELECT {self.next_version}, {sign}, {names} FROM ({select_sql})"
        )

    def records(self, sign: int) -> bool:
        """Whether this build records its rows of ``sign``: old images (-1) only for consumers, which
        net them; the checks that run on changed rows read the new images alone."""
        return sign > 0 or self.consumers

    def changes_since(self, stored: int | None, changed: bool) -> int | None:
        """CHANGES_SINCE after this build: change rows exist for the versions after it (None: no
        history, as a log without consumers keeps none)."""
        if not self.consumers:
            return None
        if self.reset_done:
            return self.next_version if changed else self.previous_version
        if self.restarted:
            return self.previous_version
        return max(stored if stored is not None else self.previous_version, self.keep_after)

    def new_images_sql(self, columns: list[str]) -> str:
        """This build's new images (for checks that run on the changed rows)."""
        return (
            f"SELECT {column_list(columns)} FROM {self.table} "
            f"WHERE {CHANGE_VERSION} = {self.next_version} AND {CHANGE_SIGN} = 1"
        )


class ChangeReader:
    """The consuming side: the changes of a model's inputs since it last consumed them.

    ``consumed`` holds the versions (and source marks) the model was last built from, ``current`` the
    versions its inputs have now, ``states`` every node's state (for CHANGES_SINCE), ``keys`` the row key
    of each input that has one (needed to reconstruct an input's previous rows), and ``sources`` the
    ``loaded_at`` column of each input that is a source.
    """

    def __init__(
        self,
        engine: Engine,
        targets: dict[str, str],
        consumed: dict[str, InputVersion],
        current: dict[str, InputVersion],
        states: dict[str, NodeState],
        keys: dict[str, tuple[str, ...]],
        sources: dict[str, str | None],
    ) -> None:
        self.engine = engine
        self.targets = targets
        self.consumed = consumed
        self.current = current
        self.states = states
        self.keys = keys
        self.sources = sources
        self._checked: set[str] = set()
        self._columns: dict[str, list[str]] = {}
        self._frames: dict[str, DataFrame] = {}

    # -- what changed -------------------------------------------------------------------------
    def changed(self, name: str) -> bool:
        name = name.upper()
        before, now = self.consumed.get(name), self.current.get(name)
        return before is None or now is None or before.version != now.version

    def changed_inputs(self, names: Iterable[str]) -> list[str]:
        return [n.upper() for n in names if self.changed(n)]

    def require(self, name: str, old_image: bool = False) -> None:
        """Raise FullRebuildNeeded unless the changes of ``name`` since the consumed version can be read
        (and, with ``old_image``, its rows as they were then)."""
        name = name.upper()
        if name in self._checked and not old_image:
            return
        before = self.consumed.get(name)
        if before is None:
            raise FullRebuildNeeded(f"{name} was not an input of the last build")
        if not self.changed(name):
            self._checked.add(name)
            return
        if name in self.sources:
            self._require_source(name, before)
        else:
            state = self.states.get(name)
            if state is None or state.changes_since is None or before.version < state.changes_since:
                raise FullRebuildNeeded(f"the changes of {name} since version {before.version} are not kept")
            if old_image and not self.keys.get(name):
                raise FullRebuildNeeded(f"{name} has no row key to rebuild its previous rows from")
        self._checked.add(name)

    def _require_source(self, name: str, before: InputVersion) -> None:
        loaded_at = self.sources[name]
        mark = before.mark or {}
        if not loaded_at or mark.get("loaded_at") is None:
            raise FullRebuildNeeded(f"source {name} declares no loaded_at column to read new rows by")
        newer = int(
            self.engine.scalar(
                f"SELECT COUNT(*) FROM {self.targets[name]} WHERE {ident(loaded_at)} > {mark_literal(mark)}"
            )
        )
        now_rows = (self.current[name].mark or {}).get("rows")
        if now_rows != int(mark.get("rows", -1)) + newer:
            raise FullRebuildNeeded(f"source {name} lost or rewrote rows since it was last read")

    # -- the rows -----------------------------------------------------------------------------
    def inserted_sql(self, name: str) -> str:
        """Rows ``name`` gained since the consumed version (new images; a source's new rows)."""
        return self._images_sql(name.upper(), 1)

    def deleted_sql(self, name: str) -> str:
        """Rows ``name`` lost since the consumed version (old images; none for a source)."""
        return self._images_sql(name.upper(), -1)

    def previous_sql(self, name: str) -> str:
        """The rows of ``name`` as they were at the consumed version."""
        name = name.upper()
        self.require(name, old_image=True)
        target = self.targets[name]
        if not self.changed(name):
            return f"SELECT * FROM {target}"
        if name in self.sources:
            loaded_at = ident(self.sources[name] or "")
            mark = mark_literal(self.consumed[name].mark or {})
            return f"SELECT * FROM {target} WHERE {loaded_at} <= {mark}"
        key = self.keys[name]
        match = render(pairs_not_distinct(key, "t", "i"))
        return (
            f"SELECT t.* FROM {target} t WHERE NOT EXISTS "
            f"(SELECT 1 FROM ({self.inserted_sql(name)}) i WHERE {match}) "
            f"UNION ALL {self.deleted_sql(name)}"
        )

    def columns(self, name: str) -> list[str]:
        """The column names of input ``name`` (described once)."""
        name = name.upper()
        if name not in self._columns:
            self._columns[name] = [c.name for c in self.engine.columns(self.targets[name])]
        return self._columns[name]

    def _images_sql(self, name: str, sign: int) -> str:
        self.require(name)
        target = self.targets[name]
        names = column_list(self.columns(name))
        if not self.changed(name) or (name in self.sources and sign < 0):
            return f"SELECT {names} FROM {target} WHERE 1 = 0"
        if name in self.sources:
            loaded_at = ident(self.sources[name] or "")
            return f"SELECT {names} FROM {target} WHERE {loaded_at} > {mark_literal(self.consumed[name].mark or {})}"
        table = change_table(self.engine, name)
        low, high = self.consumed[name].version, self.current[name].version
        if high == low + 1:  # one version: each row is there once, with its sign
            return f"SELECT {names} FROM {table} WHERE {CHANGE_VERSION} = {high} AND {CHANGE_SIGN} = {sign}"
        # Several versions: net the signs, so a row added then removed (or the reverse) cancels out.
        netted = (
            f"SELECT {names}, SUM({CHANGE_SIGN}) AS _NET FROM {table} "
            f"WHERE {CHANGE_VERSION} > {low} AND {CHANGE_VERSION} <= {high} GROUP BY {names}"
        )
        return f"SELECT {names} FROM ({netted}) WHERE _NET {'>' if sign > 0 else '<'} 0"

    def frame(self, sql: str) -> DataFrame:
        """A DataFrame of ``sql``, one per query: Snowpark describes each new one it is asked to combine."""
        if sql not in self._frames:
            self._frames[sql] = self.engine.session().sql(sql)
        return self._frames[sql]


def mark_literal(mark: dict[str, Any]) -> str:
    """The TIMESTAMP_NTZ literal of a source mark's ``loaded_at``."""
    from datetime import datetime

    value = mark.get("loaded_at")
    if value is None:
        raise ModelError("a source mark has no loaded_at value")
    return timestamp_literal(datetime.fromisoformat(value)) if isinstance(value, str) else literal(value)
