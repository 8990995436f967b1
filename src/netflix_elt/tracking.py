"""What one run knows about data versions: it decides per node, hands kinds their change sets, and
records each node's new state. Created once per run of a command that builds (see ``Project.execute``)."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from netflix_elt.changes import (
    CHANGE_SIGN,
    CHANGE_VERSION,
    ChangeLog,
    ChangeReader,
    change_table,
    mark_literal,
)
from netflix_elt.freshness import Decision, DecisionContext, decide
from netflix_elt.sql import ident
from netflix_elt.versions import Checked, NodeState, RunVersions, VersionStore

if TYPE_CHECKING:
    from netflix_elt.declare import ModelSpec
    from netflix_elt.engine import Column, Engine
    from netflix_elt.kinds import BuildOutcome
    from netflix_elt.registry import Registry


_NO_VARS = hashlib.sha256(b"{}").hexdigest()


@dataclass(frozen=True)
class DeltaScope:
    """The rows a node's build changed, for checks that are exact on them (see ``quality.delta``):
    ``relation`` is a parenthesised SELECT of the new images (``rows`` of them when known), with the
    node's ``columns``; ``changed_refs`` are the models its checks read that changed since its checks
    last ran (in a way they could notice); ``fresh_keys`` are sets of columns whose values on a changed
    row are on no unchanged row (a source's ``loaded_at``: every row loaded after the mark is changed;
    a merge's unique_key: the row of a changed key was replaced)."""

    relation: str
    rows: int | None
    columns: list[Column]
    changed_refs: frozenset[str]
    fresh_keys: tuple[frozenset[str], ...] = ()


class RunTracker:
    """Data versions for one run: loaded with two queries (NODE_STATE and the catalog), then kept in memory."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        run_id: str,
        started_at: datetime,
        full_refresh: bool,
        checks: bool,
        forced: frozenset[str],
        vars: dict[str, Any] | None = None,
    ) -> None:
        self.engine = engine
        self._vars_digest = hashlib.sha256(
            json.dumps(vars or {}, sort_keys=True, default=str).encode()
        ).hexdigest()
        self.registry = registry
        self.run_id = run_id
        self.started_at = started_at
        self.store = VersionStore(engine)
        self.store.create()
        self.stored = self.store.load()
        self.versions = RunVersions(self.stored)
        self._pending: dict[str, NodeState] = {}
        self._pending_lock = threading.Lock()
        self.catalog = engine.existing_relations()
        self.context = DecisionContext(
            versions=self.versions,
            existing=frozenset(self.catalog),
            forced=forced,
            full_refresh=full_refresh,
            checks=checks,
            now=started_at,
            harmless=self.harmless_changes,
            fingerprint=self.fingerprint,
        )

    def target_of(self, name: str) -> str:
        return self.engine.fqn(self.registry.schema_of(name, self.engine.profile.schemas), name)

    # -- deciding -----------------------------------------------------------------------------
    def decide(self, spec: ModelSpec) -> Decision:
        return decide(
            spec,
            self.target_of(spec.name),
            self.registry.read_tables(spec.name),
            self.context,
            self.versions.get(spec.name),
        )

    # -- what a build gets --------------------------------------------------------------------
    def reader(self, spec: ModelSpec, decision: Decision) -> ChangeReader | None:
        """The changes of the inputs this kind consumes, since the node's last build."""
        wanted = spec.kind.change_inputs(self.registry.read_tables(spec.name))
        stored = self.versions.get(spec.name)
        if not wanted or stored is None:
            return None
        names = set(decision.inputs)
        return ChangeReader(
            self.engine,
            targets={name: self.target_of(name) for name in names},
            consumed=stored.inputs,
            current=decision.inputs,
            states=self.versions.snapshot(),
            keys={name: self.row_key(name) for name in names},
            sources={
                name: getattr(self.registry[name].kind, "loaded_at", None)
                for name in names
                if self.registry[name].kind_name == "source"
            },
        )

    def change_log(self, spec: ModelSpec) -> ChangeLog | None:
        """Where the node records its changes: when its kind can, and a model reads them or one of its
        checks could run on the changed rows alone."""
        from netflix_elt.quality.delta import could_run_on_changes
        from netflix_elt.quality.expectations import flatten_checks

        if not spec.kind.keeps_changes:
            return None
        consumers = bool(self.consumers(spec.name))
        if not consumers and not any(could_run_on_changes(c) for c in flatten_checks(spec.checks)):
            return None
        stored = self.versions.get(spec.name)
        version = stored.version if stored is not None else 0
        kept = stored is not None and stored.changes_since is not None
        target = self.target_of(spec.name)
        keep_after = self.read_by_all(spec.name)
        return ChangeLog(self.engine, spec.name, target, version, keep_after, kept, consumers)

    def consumers(self, producer: str) -> list[str]:
        """The models that read the changes of ``producer``."""
        return [
            spec.name
            for spec in self.registry
            if producer in spec.kind.change_inputs(self.registry.read_tables(spec.name))
        ]

    def fingerprint(self, spec: ModelSpec) -> str:
        """What a build of ``spec`` records as its fingerprint: the code's, and for a model that takes
        ``ctx`` the run's vars too (other vars must rebuild it)."""
        if not spec.wants_context or self._vars_digest == _NO_VARS:
            return spec.fingerprint()
        return hashlib.sha256(f"{spec.fingerprint()}:{self._vars_digest}".encode()).hexdigest()[:16]

    def code_changed(self, spec: ModelSpec) -> bool:
        """True unless the node's last recorded build had this very fingerprint."""
        stored = self.versions.get(spec.name)
        return stored is None or stored.fingerprint != self.fingerprint(spec)

    def row_key(self, name: str) -> tuple[str, ...]:
        spec = self.registry[name]
        if spec.contract is not None and spec.contract.key:
            return spec.contract.key
        return spec.kind.row_key()

    def read_by_all(self, producer: str) -> int | None:
        """The newest version of ``producer`` every consumer of its changes has read (None: no consumer
        has read any, so nothing older than the current version is needed)."""
        seen = []
        for name in self.consumers(producer):
            state = self.versions.get(name)
            if state is not None and producer in state.inputs:
                seen.append(state.inputs[producer].version)
        return min(seen) if seen else None

    def harmless_changes(self, spec: ModelSpec, checked: dict[str, int], now: dict[str, int]) -> set[str]:
        """The models read by the checks of ``spec`` that changed since ``checked`` in a way none of
        those checks can notice: every check reading it holds while it grows, and it only gained rows
        (its change set since then holds no removed or updated row)."""
        harmless = set()
        for name, version in now.items():
            if checked.get(name) == version or name not in self.registry:
                continue
            readers = [
                c for c in spec.checks if name in {r.upper() for r in getattr(c, "references", tuple)()}
            ]
            growth_safe = bool(readers) and all(
                getattr(c, "holds_while_references_grow", False) for c in readers
            )
            if growth_safe and self._only_grew(name, checked.get(name), version):
                harmless.add(name)
        return harmless

    def _only_grew(self, name: str, since: int | None, now: int) -> bool:
        state = self.versions.get(name)
        if since is None or state is None or state.changes_since is None or since < state.changes_since:
            return False
        removed = self.engine.scalar(
            f"SELECT COUNT(*) FROM {change_table(self.engine, name)} WHERE {CHANGE_SIGN} < 0 "
            f"AND {CHANGE_VERSION} > {since} AND {CHANGE_VERSION} <= {now}"
        )
        return int(removed or 0) == 0

    # -- recording ----------------------------------------------------------------------------
    def built_state(
        self, spec: ModelSpec, decision: Decision, outcome: BuildOutcome, log: ChangeLog | None
    ) -> NodeState:
        """The node's state after a build that produced ``outcome``."""
        stored = self.versions.get(spec.name)
        changed = outcome.changed if outcome.changed is not None else True
        if outcome.mark is not None:
            changed = stored is None or stored.mark != outcome.mark
        version = (stored.version if stored is not None else 0) + (1 if changed or stored is None else 0)
        since = log.changes_since(stored.changes_since if stored else None, changed) if log else None
        base = stored or NodeState(spec.name, self.fingerprint(spec), 0)
        return base.evolve(
            fingerprint=self.fingerprint(spec),
            version=version,
            inputs=dict(decision.inputs),
            mark=outcome.mark,
            changes_since=since,
            # A source's BUILT_AT is when its mark last moved; a model's is when it was last computed.
            built_at=self.started_at
            if changed or stored is None or spec.kind_name != "source"
            else base.built_at or self.started_at,
            run_id=self.run_id,
        )

    def checked_state(self, state: NodeState, decision: Decision, status: str, clean: bool) -> NodeState:
        checked = Checked(state.version, state.mark, dict(decision.refs), clean)
        return state.evolve(checked=checked, checks_status=status)

    def put(self, state: NodeState, save: bool = True) -> None:
        """Make ``state`` the node's state for the rest of the run and, when ``save``, queue it for
        NODE_STATE: queued states are written together, by the next in-place write's transaction (so
        nothing recorded ever refers to a version that is not) or at the end of the run."""
        self.versions.put(state)
        if save:
            with self._pending_lock:
                self._pending[state.name] = state

    def take_pending(self, own: NodeState) -> list[NodeState]:
        """The queued states plus ``own`` (last), to be written in the caller's transaction."""
        with self._pending_lock:
            states = [s for s in self._pending.values() if s.name != own.name]
            self._pending.clear()
        return [*states, own]

    def restore(self, states: list[NodeState]) -> None:
        """Queue again states a rolled-back transaction did not write (newer queued ones win)."""
        with self._pending_lock:
            for state in states:
                self._pending.setdefault(state.name, state)

    def flush(self) -> None:
        """Write every queued state (one INSERT)."""
        with self._pending_lock:
            states = list(self._pending.values())
            self._pending.clear()
        self.store.save(states)

    # -- checks on changed rows ---------------------------------------------------------------
    def delta_rows(
        self,
        spec: ModelSpec,
        before: NodeState | None,
        after: NodeState,
        log: ChangeLog | None,
        columns: list[Column],
        new_rows: int | None,
    ) -> tuple[str, int | None, tuple[frozenset[str], ...]] | None:
        """SELECT of the rows this build changed (new images), their number and their fresh keys
        (see :class:`DeltaScope`), when checks may run on them alone: the checks last ran clean on the
        version this build started from, and the changes since are known. ``new_rows`` is the build's
        count of new images, when it knows it."""
        checked = before.checked if before is not None else None
        if before is None or checked is None or not checked.clean or checked.version != before.version:
            return None
        if log is not None:
            if not log.appended or log.reset_done:
                return None
            replaced = frozenset(k.upper() for k in spec.kind.replaced_keys())
            return log.new_images_sql([c.name for c in columns]), new_rows, (replaced,) if replaced else ()
        loaded_at = getattr(spec.kind, "loaded_at", None)
        if spec.kind_name != "source" or not loaded_at or not checked.mark or not after.mark:
            return None
        since, now = checked.mark, after.mark
        if since.get("loaded_at") is None:
            return None
        newer = f"SELECT * FROM {self.target_of(spec.name)} WHERE {ident(loaded_at)} > {mark_literal(since)}"
        count = int(self.engine.scalar(f"SELECT COUNT(*) FROM ({newer})"))
        if now.get("rows") != int(since.get("rows", -1)) + count:
            return None  # rows were removed or rewritten: check everything
        return newer, count, (frozenset({loaded_at.upper()}),)
