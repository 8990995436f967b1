"""Work tables: the tables a run makes for itself, named so that a later run can tell a dead run's.

A run builds a table aside before publishing it (``<NAME>__BUILD_<OWNER>``) and stages rows in scratch
tables (incremental merges, snapshots, loads: ``<HINT>__SCRATCH_<OWNER>_<N>``). ``OWNER`` is the
8-hex id of the engine (one per opened warehouse connection set, so one per command) that made them.
A run drops its own work tables when it is done with them; one killed half-way cannot, and leaves them.

Which owners are alive:

* every engine registers its owner here while it is open, so tables of engines open in this process
  (two projects on one warehouse, a test) are alive;
* local engine: DuckDB lets only one process open the warehouse files, so while this process has them
  open no other process can be running on them: every other owner is dead;
* Snowflake: other processes may be running, but scratch tables there are TEMPORARY (they vanish with
  their session, as Snowflake documents), so only ``__BUILD`` tables can be left behind; one is taken
  for dead once it is older than ``STALE_AFTER`` (a build never takes that long).

Snowpark's own upload tables (``SNOWPARK_TEMP_TABLE_*``, from ``create_dataframe``) are temporary on
Snowflake. On the local engine they are ordinary tables (a seed drops its own once built), so one is
dead once no other engine of this process has the warehouse open.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from netflix_elt.sql import fqn, ident, is_plain_identifier, literal

if TYPE_CHECKING:
    from netflix_elt.engine.base import Engine

STALE_AFTER = timedelta(hours=24)
BUILD_MARKER = "__BUILD_"
SCRATCH_MARKER = "__SCRATCH_"
SNOWPARK_TEMP_PREFIX = "SNOWPARK_TEMP_"
_WORK_NAME = re.compile(r"(?P<hint>.+?)__(?P<kind>BUILD|SCRATCH)_(?P<owner>[0-9A-F]{8})(?:_\d+)?")
_SNOWPARK_TEMP = re.compile(r"SNOWPARK_TEMP_[A-Z_]+_[A-Z0-9]+")

_lock = threading.Lock()
_live: dict[str, str] = {}  # token (engine owner or load batch id) -> warehouse key
_counter = itertools.count(1)


def new_owner() -> str:
    """A fresh owner id for an engine."""
    return uuid.uuid4().hex[:8].upper()


def register(token: str, warehouse: str) -> None:
    """Mark ``token`` (an engine's owner id or a running load's batch id) as alive on ``warehouse``."""
    with _lock:
        _live[token] = warehouse


def unregister(token: str) -> None:
    with _lock:
        _live.pop(token, None)


def live_tokens(warehouse: str) -> set[str]:
    with _lock:
        return {token for token, key in _live.items() if key == warehouse}


def build_name(qualified: str, owner: str) -> str:
    """The table ``qualified`` is built into before it is published."""
    return f"{qualified}{BUILD_MARKER}{owner}"


def scratch_name(hint: str, owner: str) -> str:
    """A scratch table name, unique within the owner's run."""
    return f"{ident(hint)}{SCRATCH_MARKER}{owner}_{next(_counter)}"


def is_work_table(name: str) -> bool:
    """True for a work table or a Snowpark upload table (never a published one)."""
    upper = name.upper()
    return _WORK_NAME.fullmatch(upper) is not None or _SNOWPARK_TEMP.fullmatch(upper) is not None


@dataclass(frozen=True)
class WorkTable:
    """A work table found in the warehouse."""

    qualified: str
    owner: str | None  # None for Snowpark upload tables
    created: datetime | None


def find_work_tables(engine: Engine) -> list[WorkTable]:
    """Every work table (or work view) in the profile's schemas (two INFORMATION_SCHEMA queries)."""
    schemas = sorted({ident(schema) for schema in engine.profile.schemas.all()})
    rows = engine.execute(
        f"SELECT TABLE_SCHEMA, TABLE_NAME, CREATED FROM {engine.database}.INFORMATION_SCHEMA.TABLES "
        f"WHERE TABLE_SCHEMA IN ({', '.join(literal(s) for s in schemas)}) ORDER BY TABLE_SCHEMA, TABLE_NAME"
    )
    # The embedded engine's loader lands a file as a view (LocalEngine.land_csv_file).
    views = engine.execute(
        f"SELECT TABLE_SCHEMA, TABLE_NAME, NULL FROM {engine.database}.INFORMATION_SCHEMA.VIEWS "
        f"WHERE TABLE_SCHEMA IN ({', '.join(literal(s) for s in schemas)}) ORDER BY TABLE_SCHEMA, TABLE_NAME"
    )
    found = []
    for schema, name, created in [tuple(row) for row in rows] + [tuple(row) for row in views]:
        upper = str(name).upper()
        if not is_plain_identifier(upper):  # never one of ours (and not something to put into a DROP)
            continue
        match = _WORK_NAME.fullmatch(upper)
        if match is None and _SNOWPARK_TEMP.fullmatch(upper) is None:
            continue
        qualified = fqn(engine.database, str(schema), upper)
        found.append(WorkTable(qualified, match["owner"] if match else None, _utc(created)))
    return found


def dead_work_tables(engine: Engine, now: datetime | None = None) -> list[WorkTable]:
    """The work tables no live run owns (see the module docstring for the rules per engine)."""
    alive = live_tokens(engine.warehouse_key)
    alive.discard(engine.owner)
    stale_before = (now or datetime.now(UTC)) - STALE_AFTER
    dead = []
    for table in find_work_tables(engine):
        if table.owner is None:  # a Snowpark upload table: local only, once no other engine is open
            is_dead = engine.kind == "local" and not alive
        elif table.owner in alive or table.owner == engine.owner:
            is_dead = False
        else:
            is_dead = engine.kind == "local" or (table.created is not None and table.created < stale_before)
        if is_dead:
            dead.append(table)
    return dead


def is_dead_token(
    engine: Engine, token: str, started_at: datetime | None, now: datetime | None = None
) -> bool:
    """Whether a run identified by ``token`` (a load's batch id), started at ``started_at``, is dead."""
    if token in live_tokens(engine.warehouse_key):
        return False
    if engine.kind == "local":
        return True
    started = _utc(started_at)
    return started is not None and started < (now or datetime.now(UTC)) - STALE_AFTER


def _utc(moment: object) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
