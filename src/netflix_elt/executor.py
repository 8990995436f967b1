"""Building one node: resolve its inputs, call the model, hand the DataFrame to its kind, run its checks.

This is the single place that turns a node name into a :class:`NodeResult`. The thread-pool runner
and the Prefect flow both call :meth:`NodeExecutor.execute`, so their behaviour cannot drift apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from netflix_elt.changes import change_table
from netflix_elt.declare import CONTEXT_PARAMETER, ModelSpec
from netflix_elt.errors import ModelError, NetflixEltError, SqlError
from netflix_elt.kinds import BuildJob, BuildOutcome
from netflix_elt.kinds.context import ModelContext
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult, is_left_as_is
from netflix_elt.sql import referenced_tables

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame, Session

    from netflix_elt.engine import Engine
    from netflix_elt.freshness import Decision
    from netflix_elt.tracking import DeltaScope, RunTracker
    from netflix_elt.versions import NodeState


class CheckRunner(Protocol):
    """Runs a node's data-quality checks against its built table; returns one dict per check with at
    least ``severity`` ('error' or 'warn') and ``success``. With ``delta`` (the rows this build changed),
    the checks that are exact on changed rows may run on them alone (see ``quality.delta``)."""

    def __call__(
        self, spec: ModelSpec, target: str, delta: DeltaScope | None = None
    ) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class RunSettings:
    """Settings shared by every node of one run."""

    run_id: str
    command: str
    started_at: datetime
    full_refresh: bool = False
    vars: dict[str, Any] = field(default_factory=dict)
    build: bool = True
    checks: bool = False
    forced: frozenset[str] = frozenset()  # nodes named in --select: built even when up to date


class NodeExecutor:
    """Builds single nodes of a registry on an engine. Thread-safe (one Session per thread)."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: RunSettings,
        check_runner: CheckRunner | None = None,
        tracker: RunTracker | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.settings = settings
        self.check_runner = check_runner
        self.tracker = tracker  # data versions (commands that build); None: build everything selected

    def target_of(self, name: str) -> str:
        return self.engine.fqn(self.registry.schema_of(name, self.engine.profile.schemas), name)

    def execute(self, name: str) -> NodeResult:
        """Build (and/or check) one node, or leave it as it is when it is up to date or not due; never
        raises for a model's own failure."""
        spec = self.registry[name]
        result = NodeResult(
            name=spec.name, kind=spec.kind_name, status="success", fingerprint=spec.fingerprint()
        )
        result.started_at = datetime.now(UTC)
        clock = time.perf_counter()
        with self.engine.recording() as statements:
            try:
                decision = self.tracker.decide(spec) if self.tracker and self.settings.build else None
                if decision is not None and is_left_as_is(decision.action):
                    result.status, result.message = decision.action, decision.reason
                    if decision.refs_advanced:
                        self._advance_checked_refs(spec, decision)
                elif decision is not None and decision.action == "check":
                    self._recheck(result, spec, decision)
                else:
                    job = self._job(spec, decision)
                    try:
                        self._build(result, spec, decision, job)
                    finally:
                        for table in job.scratch:
                            self.engine.drop_scratch_table(table)
            except NetflixEltError as exc:
                if isinstance(exc, SqlError):  # e.g. SQL the embedded engine refuses to translate
                    exc.locate(f"model {spec.name}")
                result.status, result.message, result.error = "error", exc.render(), exc
            except Exception as exc:  # a warehouse error inside the model's SQL
                result.status = "error"
                result.message = self.engine.with_hint(f"model {spec.name}: {first_line(exc)}", exc)
                result.error = exc
        result.sql = statements
        result.ended_at = datetime.now(UTC)
        result.seconds = round(time.perf_counter() - clock, 4)
        return result

    def _build(self, result: NodeResult, spec: ModelSpec, decision: Decision | None, job: BuildJob) -> None:
        checks = bool(self.settings.checks and spec.checks and self.check_runner)
        tracker = self.tracker if decision is not None else None
        before = tracker.versions.get(spec.name) if tracker else None
        if checks:
            job.audit = lambda relation: self._audit(result, spec, relation)
        if decision is not None and decision.reason not in ("full refresh", "never built"):
            job.notes.append(decision.reason)
        if not self.settings.build:
            if checks:
                self._run_checks(result, spec, self.target_of(spec.name))
            return
        try:
            outcome = spec.kind.build(job)
        except BaseException:
            if tracker is not None:
                tracker.restore(job.written_along)  # harmless if the write did commit
            raise
        self._apply(result, outcome)
        if job.notes and spec.kind_name != "source":
            result.message = _joined(*job.notes, result.message)
        state = tracker.built_state(spec, decision, outcome, job.change_log) if tracker and decision else None
        if checks and not job.audited and result.passed:
            if _checks_stand(before, state, decision):
                assert before is not None
                result.message = _joined(result.message, f"its checks ({before.checks_status}) stand")
            else:
                delta = None
                if tracker and decision is not None and state is not None:
                    delta = self._delta(spec, decision, before, state, job, outcome)
                self._run_checks(result, spec, self.target_of(spec.name), delta)
        if tracker is None or state is None or decision is None:
            return
        ran_checks = checks and (job.audited or bool(result.checks))
        if ran_checks:
            state = tracker.checked_state(state, decision, result.status, _clean(result.checks))
        if result.status == "error" and not job.state_committed:
            return  # nothing was published (write-audit-publish) or written: the old state stands
        tracker.put(state, save=ran_checks or not job.state_committed)

    def _recheck(self, result: NodeResult, spec: ModelSpec, decision: Decision) -> None:
        """Nothing to build: run the checks on the table as it is (the version they never ran on, or
        the models they read changed)."""
        assert self.tracker is not None
        if self.check_runner is not None:
            self._run_checks(result, spec, self.target_of(spec.name))
        result.message = _joined(decision.reason, result.message)
        stored = self.tracker.versions.get(spec.name)
        if stored is not None:
            state = self.tracker.checked_state(stored, decision, result.status, _clean(result.checks))
            self.tracker.put(state)

    def _advance_checked_refs(self, spec: ModelSpec, decision: Decision) -> None:
        """The checks' results stand for the new versions of the models they read (they only grew)."""
        assert self.tracker is not None
        stored = self.tracker.versions.get(spec.name)
        if stored is not None and stored.checked is not None:
            checked = replace(stored.checked, refs=dict(decision.refs))
            self.tracker.put(stored.evolve(checked=checked))

    def _delta(
        self,
        spec: ModelSpec,
        decision: Decision,
        before: NodeState | None,
        after: NodeState,
        job: BuildJob,
        outcome: BuildOutcome,
    ) -> DeltaScope | None:
        """The rows this build changed, for the checks that may run on them alone."""
        from netflix_elt.tracking import DeltaScope

        assert self.tracker is not None
        if before is None or before.checked is None or not before.checked.clean:
            return None
        columns = self.engine.columns(job.target)
        new_rows = None
        if outcome.inserted is not None and outcome.updated is not None and spec.kind_name == "incremental":
            new_rows = outcome.inserted + outcome.updated
        found = self.tracker.delta_rows(spec, before, after, job.change_log, columns, new_rows)
        if found is None:
            return None
        select, rows, fresh_keys = found
        checked_refs = before.checked.refs
        changed = {n for n, v in decision.refs.items() if checked_refs.get(n) != v}
        changed -= self.tracker.harmless_changes(spec, checked_refs, decision.refs)
        return DeltaScope(f"({select})", rows, columns, frozenset(changed), fresh_keys)

    # -- building -----------------------------------------------------------------------------
    def _job(self, spec: ModelSpec, decision: Decision | None = None) -> BuildJob:
        target = self.target_of(spec.name)
        tracker = self.tracker if decision is not None else None
        reader = tracker.reader(spec, decision) if tracker and decision else None
        consumed = spec.kind.change_inputs(self.registry.read_tables(spec.name))

        def context_for(**overrides: Any) -> ModelContext:
            this = None
            if overrides.get("is_incremental"):
                this = self.engine.session().table(target)
                overrides.setdefault("changes", reader)
                overrides.setdefault("changes_of", consumed)
            return ModelContext(
                model=spec.name,
                run_started_at=self.settings.started_at,
                vars=dict(self.settings.vars),
                this=this,
                **overrides,
            )

        job = BuildJob(
            engine=self.engine,
            model=spec.name,
            target=target,
            schema=self.registry.schema_of(spec.name, self.engine.profile.schemas),
            run_started_at=self.settings.started_at,
            full_refresh=self.settings.full_refresh,
            dataframe_for=lambda context: self.dataframe_for(spec, context),
            context_for=context_for,
            contract=spec.contract,
            changes=reader,
            change_log=tracker.change_log(spec) if tracker else None,
            row_key=self._row_key(spec),
            inputs=tuple(self.registry.read_tables_in_order(spec.name)),
            code_changed=tracker.code_changed(spec) if tracker else True,
            found_as=tracker.catalog.get(target) if tracker else "UNKNOWN",
        )
        if tracker is not None and decision is not None:

            def state_sql(outcome: BuildOutcome) -> list[str]:
                states = tracker.take_pending(tracker.built_state(spec, decision, outcome, job.change_log))
                job.written_along = states[:-1]
                return [tracker.store.insert_sql(states)]

            job.state_sql = state_sql
        return job

    def _row_key(self, spec: ModelSpec) -> tuple[str, ...]:
        if spec.contract is not None and spec.contract.key:
            return spec.contract.key
        return spec.kind.row_key()

    def dataframe_for(self, spec: ModelSpec, context: ModelContext) -> DataFrame:
        """Call the model function with its inputs and check what it returned."""
        df = self._call(spec, context, self.engine.session())
        self._check_reads(spec, df)
        return df

    def _call(self, spec: ModelSpec, context: ModelContext, session: Session) -> DataFrame:
        from snowflake.snowpark import DataFrame

        if spec.func is None:
            raise ModelError("has no function to call", where=f"model {spec.name}")
        inputs: dict[str, Any] = {dep.lower(): self._input(dep, context, session) for dep in spec.depends_on}
        if spec.wants_context:
            inputs[CONTEXT_PARAMETER] = context
        df = spec.func(**inputs)
        if not isinstance(df, DataFrame):
            raise ModelError(
                f"returned {type(df).__name__}, not a Snowpark DataFrame",
                where=f"model {spec.name} ({spec.location})",
            )
        return df

    def _input(self, name: str, context: ModelContext, session: Session) -> DataFrame:
        if name in context.overrides:
            return context.overrides[name]
        spec = self.registry[name]
        if spec.materialized:
            return session.table(self.target_of(name))
        inline = ModelContext(
            model=spec.name,
            run_started_at=context.run_started_at,
            vars=context.vars,
            overrides=context.overrides,
        )
        return self._call(spec, inline, session)

    def _check_reads(self, spec: ModelSpec, df: DataFrame) -> None:
        """Refuse SQL that reads a table the model's parameters did not declare."""
        inputs = self.registry.read_tables(spec.name)
        allowed = {self.target_of(n) for n in inputs}
        allowed |= {change_table(self.engine, n) for n in inputs}  # the rows they changed
        allowed.add(self.target_of(spec.name))
        for statement in df.queries["queries"][-1:]:
            for table in referenced_tables(statement):
                if table in allowed or table.rsplit(".", 1)[-1].startswith("SNOWPARK_TEMP_"):
                    continue
                raise ModelError(
                    f"reads {table}, which is not one of its declared inputs",
                    where=f"model {spec.name} ({spec.location})",
                    hint="take the upstream model as a parameter named after it instead of reading it by name",
                )

    def _run_checks(
        self, result: NodeResult, spec: ModelSpec, relation: str, delta: DeltaScope | None = None
    ) -> None:
        """Run the node's checks on ``relation`` and judge ``result`` by them; their time is added to
        ``result.checks_seconds``."""
        assert self.check_runner is not None
        began = time.perf_counter()
        try:
            checks = (
                self.check_runner(spec, relation)
                if delta is None
                else self.check_runner(spec, relation, delta)
            )
        finally:
            result.checks_seconds = round(result.checks_seconds + time.perf_counter() - began, 4)
        self._judge_checks(result, checks)

    def _audit(self, result: NodeResult, spec: ModelSpec, building: str) -> None:
        """Check the table built aside; a blocking failure stops its publication."""
        self._run_checks(result, spec, building)
        if result.status == "error":
            result.rows = self.engine.row_count(building)
            if self.engine.object_type(self.target_of(spec.name)) is None:
                raise ChecksFailed(f"{result.message}; no table was published (there was no previous one)")
            raise ChecksFailed(f"{result.message}; not published, the previous table is kept")

    @staticmethod
    def _apply(result: NodeResult, outcome: BuildOutcome) -> None:
        result.rows, result.inserted = outcome.rows, outcome.inserted
        result.updated, result.deleted = outcome.updated, outcome.deleted
        if outcome.message:
            result.message = _joined(result.message, outcome.message)
        if outcome.status != "success":
            result.status = outcome.status

    @staticmethod
    def _judge_checks(result: NodeResult, checks: list[dict[str, Any]]) -> None:
        result.checks = checks
        failed = [c for c in checks if not c["success"]]
        blocking = [c for c in failed if c["severity"] == "error"]
        if blocking:
            result.status = "error"
            result.message = f"{len(blocking)} blocking check(s) failed: " + ", ".join(
                str(c.get("name", c.get("expectation", "?"))) for c in blocking
            )
        elif failed:
            result.status = "warn"
            result.message = f"{len(failed)} check(s) warned"


def _joined(*notes: str) -> str:
    """A node's message made of ``notes``, the empty ones left out."""
    return "; ".join(note for note in notes if note)


def _checks_stand(before: NodeState | None, after: NodeState | None, decision: Decision | None) -> bool:
    """The build left the node's data version as it was (a source with no new rows, a tracked table
    with no changed row), by the same code, and its checks last ran clean on that version with the
    models they read as they are now: their results stand, nothing to run again."""
    if before is None or after is None or decision is None or before.checked is None:
        return False
    checked = before.checked
    return (
        checked.clean
        and checked.version == after.version == before.version
        and before.fingerprint == after.fingerprint
        and checked.refs == dict(decision.refs)
    )


def _clean(checks: list[dict[str, Any]]) -> bool:
    """Every check passed with no failing row (then later builds may check only the rows they change)."""
    return all(c["success"] and not c.get("unexpected_count") for c in checks)


class ChecksFailed(ModelError):
    """Blocking checks failed on a table built aside, so it was not published."""


def first_line(exc: BaseException) -> str:
    """The informative first line of a warehouse error, without the driver's prefixes."""
    text = str(exc).strip() or type(exc).__name__
    line = text.splitlines()[0]
    for prefix in ("(1304): ",):
        line = line.replace(prefix, "")
    return line


def skipped(spec: ModelSpec, because: str) -> NodeResult:
    return NodeResult(
        name=spec.name,
        kind=spec.kind_name,
        status="skipped",
        message=f"skipped: upstream {because} did not succeed",
        fingerprint=spec.fingerprint(),
    )


OnEvent = Callable[[str, str, NodeResult | None], None]
