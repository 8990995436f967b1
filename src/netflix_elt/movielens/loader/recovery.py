"""The loader's part of recovery (``netflix_elt.recovery``): LOAD_LOG rows still IN_PROGRESS whose load
is dead are marked INTERRUPTED (nothing of that file reached RAW; the next ``load`` loads it again, since
only LOADED rows count as loaded). Registered by ``netflix_elt.movielens``."""

from __future__ import annotations

from dataclasses import dataclass
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

    def __str__(self) -> str:
        return f"INTERRUPTED: {self.source_file} -> {self.target_table} (batch {self.batch_id})"


class InterruptedLoads:
    """The :class:`netflix_elt.recovery.Bookkeeping` of the loader."""

    def find(self, engine: Engine) -> list[InterruptedLoad]:
        return interrupted_loads(engine)

    def clear(self, engine: Engine, found: list[InterruptedLoad]) -> None:
        batches = sorted({load.batch_id for load in found})
        now = timestamp_literal(datetime.now(UTC))
        engine.execute(
            f"UPDATE {_log_table(engine)} SET STATUS = '{INTERRUPTED}', ENDED_AT = {now}, "
            f"MESSAGE = {literal(INTERRUPTED_MESSAGE)} WHERE STATUS = '{IN_PROGRESS}' "
            f"AND BATCH_ID IN ({', '.join(literal(b) for b in batches)})"
        )


INTERRUPTED_LOADS = InterruptedLoads()


def _log_table(engine: Engine) -> str:
    return engine.fqn(engine.profile.schemas.meta, LOAD_LOG)


def interrupted_loads(engine: Engine) -> list[InterruptedLoad]:
    """LOAD_LOG rows still IN_PROGRESS whose load is dead, changing nothing."""
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
