"""Data versions: what each materialised node holds, kept in the warehouse (``ELT_META.NODE_STATE``).

Every node has a *data version*, an integer that goes up only when its content changes: a source when
its row count or newest ``loaded_at`` moves (its *mark*), a rebuilt table or view on each build, an
incremental model or aggregate only when its merge changed rows, a table that tracks changes only when
its new build differs from the old one. Beside it the state records the code fingerprint it was built
with, the versions of the inputs it was built from, the version (and mark) its checks last passed on,
since which version a change set is kept, and when and by which run it was built.

The table is a log whose newest row per node is its state. New states are queued and written in
batches, one INSERT each: by the transaction of the next kind that writes in place (so the data and the
record of what it consumed cannot disagree, and nothing recorded refers to a version that is not), and
at the end of the run. A run that dies loses only the queued states of nodes that were rebuilt in full:
the next run rebuilds them again. It is read with one query at the start of a run (:meth:`VersionStore.load`), after one
DELETE of the rows newer ones replaced. Because it lives in the warehouse, the decisions are the same
from any machine that builds it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from netflix_elt.sql import literal

if TYPE_CHECKING:
    from netflix_elt.engine import Engine

NODE_STATE = "NODE_STATE"
NODE_STATE_COLUMNS = {
    "NODE_NAME": "VARCHAR",
    "FINGERPRINT": "VARCHAR",
    "DATA_VERSION": "NUMBER(38,0)",
    "INPUTS": "VARCHAR",  # JSON {input: {"version": n, "mark": {...} | null}}
    "MARK": "VARCHAR",  # JSON, sources only: {"rows": n, "loaded_at": "..."}
    "CHANGES_SINCE": "NUMBER(38,0)",  # change rows are kept for the versions after this one
    "BUILT_AT": "TIMESTAMP_NTZ",  # the run time (run_started_at) of the build that made DATA_VERSION
    "RUN_ID": "VARCHAR",
    "CHECKED": "VARCHAR",  # JSON {"version": n, "mark": {...}, "refs": {model: version}}
    "CHECKS_STATUS": "VARCHAR",  # success | warn | error of the checks on CHECKED's version
    "UPDATED_AT": "TIMESTAMP_NTZ",
}


@dataclass(frozen=True)
class InputVersion:
    """The version of an input a node was built from; ``mark`` for a source (where its rows stood)."""

    version: int
    mark: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "mark": self.mark}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InputVersion:
        return cls(int(data["version"]), data.get("mark"))


@dataclass(frozen=True)
class Checked:
    """Where the node's checks last ran: its version (and a source's mark), the versions of the models
    the checks read, and whether every check passed with no failing row (``clean``: then a check that
    is exact on changed rows may run on the rows changed since, see ``quality.delta``)."""

    version: int
    mark: dict[str, Any] | None = None
    refs: dict[str, int] = field(default_factory=dict)
    clean: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "mark": self.mark, "refs": self.refs, "clean": self.clean}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checked:
        refs = {k: int(v) for k, v in data.get("refs", {}).items()}
        return cls(int(data["version"]), data.get("mark"), refs, bool(data.get("clean", False)))


@dataclass(frozen=True)
class NodeState:
    """One row of NODE_STATE."""

    name: str
    fingerprint: str
    version: int
    inputs: dict[str, InputVersion] = field(default_factory=dict)
    mark: dict[str, Any] | None = None
    changes_since: int | None = None
    built_at: datetime | None = None
    run_id: str = ""
    checked: Checked | None = None
    checks_status: str | None = None

    @property
    def input_versions(self) -> dict[str, int]:
        return {name: value.version for name, value in self.inputs.items()}

    def current(self) -> InputVersion:
        """This node as an input of another: its version and (for a source) its mark."""
        return InputVersion(self.version, self.mark)

    def evolve(self, **changes: Any) -> NodeState:
        return replace(self, **changes)


class VersionStore:
    """Reads and writes ``ELT_META.NODE_STATE``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.table = engine.fqn(engine.profile.schemas.meta, NODE_STATE)

    def create(self) -> None:
        columns = ", ".join(f"{name} {kind}" for name, kind in NODE_STATE_COLUMNS.items())
        self.engine.execute(f"CREATE TABLE IF NOT EXISTS {self.table} ({columns})")

    def load(self) -> dict[str, NodeState]:
        """Every node's state (its newest row), in one query, after dropping the rows newer ones replaced."""
        self.engine.execute(
            f"DELETE FROM {self.table} t USING (SELECT NODE_NAME, MAX(UPDATED_AT) AS NEWEST FROM {self.table} "
            "GROUP BY NODE_NAME) n WHERE t.NODE_NAME = n.NODE_NAME AND t.UPDATED_AT < n.NEWEST"
        )
        return states_of(row.as_dict() for row in self.engine.execute(self.read_sql()))

    def read_sql(self) -> str:
        """The SELECT of every node's newest row (read-only: the report uses it too)."""
        return (
            f"SELECT {', '.join(NODE_STATE_COLUMNS)} FROM {self.table} "
            "QUALIFY ROW_NUMBER() OVER (PARTITION BY NODE_NAME ORDER BY UPDATED_AT DESC) = 1"
        )

    def insert_sql(self, states: list[NodeState]) -> str:
        """One INSERT recording ``states`` (the newest row of a node is its state; rows are stamped in
        order, so a later state of the same node wins)."""
        rows = []
        for state in states:
            values = [
                state.name,
                state.fingerprint,
                state.version,
                _dump({k: v.to_json() for k, v in sorted(state.inputs.items())}),
                _dump(state.mark) if state.mark is not None else None,
                state.changes_since,
                state.built_at,
                state.run_id,
                _dump(state.checked.to_json()) if state.checked is not None else None,
                state.checks_status,
                _now(),
            ]
            rows.append(f"({', '.join(literal(v) for v in values)})")
        return f"INSERT INTO {self.table} ({', '.join(NODE_STATE_COLUMNS)}) VALUES {', '.join(rows)}"

    def save(self, states: list[NodeState]) -> None:
        if states:
            self.engine.execute(self.insert_sql(states))


class RunVersions:
    """The node states one run decides with: loaded once, updated as nodes finish. Thread-safe."""

    def __init__(self, states: dict[str, NodeState]) -> None:
        self._states = dict(states)
        self._lock = threading.Lock()

    def get(self, name: str) -> NodeState | None:
        with self._lock:
            return self._states.get(name)

    def put(self, state: NodeState) -> None:
        with self._lock:
            self._states[state.name] = state

    def snapshot(self) -> dict[str, NodeState]:
        with self._lock:
            return dict(self._states)

    def inputs_of(self, names: set[str] | list[str]) -> dict[str, InputVersion] | None:
        """The current versions of ``names``; None when one of them has never been built."""
        found: dict[str, InputVersion] = {}
        with self._lock:
            for name in sorted(names):
                state = self._states.get(name)
                if state is None:
                    return None
                found[name] = state.current()
        return found


_clock_lock = threading.Lock()
_last_stamp: list[datetime] = [datetime.min.replace(tzinfo=UTC)]


def _now() -> datetime:
    """The current UTC time, strictly later than the previous call's (rows of one node never tie)."""
    with _clock_lock:
        stamp = max(datetime.now(UTC), _last_stamp[0] + timedelta(microseconds=1))
        _last_stamp[0] = stamp
        return stamp


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _load(text: str | None) -> Any:
    return json.loads(text) if text else None


def states_of(rows: Iterable[dict[str, Any]]) -> dict[str, NodeState]:
    """{node: state} from NODE_STATE rows (column names upper-case)."""
    return {state.name: state for state in (_from_row(row) for row in rows)}


def _from_row(row: dict[str, Any]) -> NodeState:
    inputs = _load(row["INPUTS"]) or {}
    checked = _load(row["CHECKED"])
    built_at = row["BUILT_AT"]
    return NodeState(
        name=row["NODE_NAME"],
        fingerprint=row["FINGERPRINT"] or "",
        version=int(row["DATA_VERSION"] or 0),
        inputs={name: InputVersion.from_json(value) for name, value in inputs.items()},
        mark=_load(row["MARK"]),
        changes_since=int(row["CHANGES_SINCE"]) if row["CHANGES_SINCE"] is not None else None,
        built_at=built_at.replace(tzinfo=UTC)
        if built_at is not None and built_at.tzinfo is None
        else built_at,
        run_id=row["RUN_ID"] or "",
        checked=Checked.from_json(checked) if checked else None,
        checks_status=row["CHECKS_STATUS"],
    )
