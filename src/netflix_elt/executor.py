"""Building one node: resolve its inputs, call the model, hand the DataFrame to its kind, run its checks.

This is the single place that turns a node name into a :class:`NodeResult`. The thread-pool runner
and the Prefect flow both call :meth:`NodeExecutor.execute`, so their behaviour cannot drift apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from netflix_elt.declare import CONTEXT_PARAMETER, ModelContext, ModelSpec
from netflix_elt.errors import ModelError, NetflixEltError
from netflix_elt.kinds import BuildJob, BuildOutcome
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult
from netflix_elt.sql import referenced_tables

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame, Session

    from netflix_elt.engine import Engine


class CheckRunner(Protocol):
    """Runs a node's data-quality checks against its built table; returns one dict per check with at
    least ``severity`` ('error' or 'warn') and ``success``."""

    def __call__(self, spec: ModelSpec, target: str) -> list[dict[str, Any]]: ...


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


class NodeExecutor:
    """Builds single nodes of a registry on an engine. Thread-safe (one Session per thread)."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: RunSettings,
        check_runner: CheckRunner | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.settings = settings
        self.check_runner = check_runner

    def target_of(self, name: str) -> str:
        return self.engine.fqn(self.registry.schema_of(name, self.engine.profile.schemas), name)

    def execute(self, name: str) -> NodeResult:
        """Build (and/or check) one node; never raises for a model's own failure."""
        spec = self.registry[name]
        result = NodeResult(
            name=spec.name, kind=spec.kind_name, status="success", fingerprint=spec.fingerprint()
        )
        result.started_at = datetime.now(UTC)
        clock = time.perf_counter()
        checks = bool(self.settings.checks and spec.checks and self.check_runner)
        with self.engine.recording() as statements:
            try:
                job = self._job(spec)
                if checks:
                    job.audit = lambda relation: self._audit(result, spec, relation)
                if self.settings.build:
                    self._apply(result, spec.kind.build(job))
                if checks and not job.audited and result.passed:
                    self._judge_checks(result, self._check(spec, self.target_of(name)))
            except NetflixEltError as exc:
                result.status, result.message, result.error = "error", exc.render(), exc
            except Exception as exc:  # a warehouse error inside the model's SQL
                result.status, result.message = "error", f"model {spec.name}: {first_line(exc)}"
                result.error = exc
        result.sql = statements
        result.ended_at = datetime.now(UTC)
        result.seconds = round(time.perf_counter() - clock, 4)
        return result

    # -- building -----------------------------------------------------------------------------
    def _job(self, spec: ModelSpec) -> BuildJob:
        target = self.target_of(spec.name)

        def context_for(**overrides: Any) -> ModelContext:
            this = None
            if overrides.get("is_incremental"):
                this = self.engine.session().table(target)
            return ModelContext(
                model=spec.name,
                run_started_at=self.settings.started_at,
                vars=dict(self.settings.vars),
                this=this,
                **overrides,
            )

        return BuildJob(
            engine=self.engine,
            model=spec.name,
            target=target,
            schema=self.registry.schema_of(spec.name, self.engine.profile.schemas),
            run_started_at=self.settings.started_at,
            full_refresh=self.settings.full_refresh,
            dataframe_for=lambda context: self.dataframe_for(spec, context),
            context_for=context_for,
        )

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
        spec = self.registry[name]
        if spec.materialized:
            return session.table(self.target_of(name))
        inline = ModelContext(model=spec.name, run_started_at=context.run_started_at, vars=context.vars)
        return self._call(spec, inline, session)

    def _check_reads(self, spec: ModelSpec, df: DataFrame) -> None:
        """Refuse SQL that reads a table the model's parameters did not declare."""
        allowed = {self.target_of(n) for n in self.registry.read_tables(spec.name)}
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

    def _check(self, spec: ModelSpec, relation: str) -> list[dict[str, Any]]:
        assert self.check_runner is not None
        return self.check_runner(spec, relation)

    def _audit(self, result: NodeResult, spec: ModelSpec, building: str) -> None:
        """Check the table built aside; a blocking failure stops its publication."""
        self._judge_checks(result, self._check(spec, building))
        if result.status == "error":
            result.rows = self.engine.row_count(building)
            raise ChecksFailed(f"{result.message}; not published, the previous table is kept")

    @staticmethod
    def _apply(result: NodeResult, outcome: BuildOutcome) -> None:
        result.rows, result.inserted = outcome.rows, outcome.inserted
        result.updated, result.deleted = outcome.updated, outcome.deleted
        if outcome.message:
            result.message = f"{result.message}; {outcome.message}" if result.message else outcome.message
        if outcome.status != "success":
            result.status = outcome.status  # type: ignore[assignment]

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
