"""What a dead run left behind, found and cleared by the next run (and by ``netflix-elt clean``).

A run killed half-way (``kill -9``, a lost machine) cannot drop its work tables or finalise its
LOAD_LOG rows. Published tables are never half-written (each is replaced atomically, merges and
snapshot updates run in one transaction, a file's rows reach RAW in one transaction), so what remains
is bookkeeping:

* work tables (``engine.worktables``: ``__BUILD_`` and ``__SCRATCH_`` tables, local Snowpark upload
  tables) whose owner is dead: dropped;
* LOAD_LOG rows still IN_PROGRESS whose load is dead: marked INTERRUPTED (nothing of that file reached
  RAW; the next ``load`` loads it again, since only LOADED rows count as loaded).

Every command that opens the warehouse (``Project.engine``, ``netflix-elt load``) calls
:func:`clear_leftovers` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from netflix_elt.engine import Engine, worktables
from netflix_elt.movielens.loader.layout import LOAD_LOG
from netflix_elt.movielens.loader.metadata import IN_PROGRESS, INTERRUPTED
from netflix_elt.sql import literal, timestamp_literal

INTERRUPTED_MESSAGE = "the load ended before this file was published: nothing of it reached RAW"


@dataclass(frozen=True)
class InterruptedLoad:
    """A file whose load was killed: its LOAD_LOG row is still IN_PROGRESS."""

    batch_id: str
    source_file: str
    target_table: str


@dataclass
class Leftovers:
    """What dead runs left: work tables (qualified names) and interrupted file loads."""

    tables: list[str] = field(default_factory=list)
    loads: list[InterruptedLoad] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tables or self.loads)


def find_leftovers(engine: Engine) -> Leftovers:
    """Dead runs' work tables and interrupted loads, changing nothing."""
    tables = [table.qualified for table in worktables.dead_work_tables(engine)]
    return Leftovers(tables, _interrupted_loads(engine))


def clear_leftovers(engine: Engine, dry_run: bool = False) -> Leftovers:
    """Drop dead runs' work tables and mark their IN_PROGRESS loads INTERRUPTED; return what was found."""
    found = find_leftovers(engine)
    if dry_run:
        return found
    for table in found.tables:
        engine.drop_object(table)  # a table, or the view a local load lands a file in
    batches = sorted({load.batch_id for load in found.loads})
    if batches:
        now = timestamp_literal(datetime.now(UTC))
        engine.execute(
            f"UPDATE {_log_table(engine)} SET STATUS = '{INTERRUPTED}', ENDED_AT = {now}, "
            f"MESSAGE = {literal(INTERRUPTED_MESSAGE)} WHERE STATUS = '{IN_PROGRESS}' "
            f"AND BATCH_ID IN ({', '.join(literal(b) for b in batches)})"
        )
    return found


def _log_table(engine: Engine) -> str:
    return engine.fqn(engine.profile.schemas.meta, LOAD_LOG)


def _interrupted_loads(engine: Engine) -> list[InterruptedLoad]:
    log = _log_table(engine)
    if engine.object_type(log) != "TABLE":
        return []
    rows = engine.execute(
        f"SELECT BATCH_ID, SOURCE_FILE, TARGET_TABLE, STARTED_AT FROM {log} "
        f"WHERE STATUS = '{IN_PROGRESS}' ORDER BY STARTED_AT, BATCH_ID, TARGET_TABLE"
    )
    return [
        InterruptedLoad(str(batch), str(source), str(target))
        for batch, source, target, started in (tuple(row) for row in rows)
        if worktables.is_dead_token(engine, str(batch), started)
    ]
