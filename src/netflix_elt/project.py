"""The library facade: a project is a registry of models plus a profile and a state directory.

>>> from netflix_elt import Project
>>> project = Project.local(project="shop.models")  # embedded engine, ./.netflix_elt
>>> project.build(select=["+mart_content_metrics"])
>>> project.table("dim_movies").to_pandas()   # a Snowpark DataFrame over the built table
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt import fingerprint
from netflix_elt.artifacts import (
    RunHistory,
    StateStore,
    create_run_history,
    last_seconds,
    write_run_artifacts,
)
from netflix_elt.config import Profile, load_profile, resolve_state_dir
from netflix_elt.engine import Engine, open_engine
from netflix_elt.errors import ProjectError
from netflix_elt.executor import CheckRunner, NodeExecutor, OnEvent, RunSettings
from netflix_elt.plan import Plan, command_builds, command_checks, make_plan
from netflix_elt.recovery import clear_leftovers
from netflix_elt.registry import PROJECT_ENV, Registry
from netflix_elt.results import NodeResult, RunResult
from netflix_elt.runner import Scheduler, run_plan
from netflix_elt.selection import named
from netflix_elt.selection import select as choose
from netflix_elt.sql import fqn
from netflix_elt.tracking import RunTracker

SOURCE_CACHE = "source_cache.json"  # parsed model sources, for the next command (netflix_elt.source_cache)

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

    from netflix_elt.declare import ModelSpec
    from netflix_elt.diff import DiffReport


def project_package(
    profile: Profile | None = None, project: str | None = None, default: str | None = None
) -> str:
    """The package of models: ``project`` when given, else $NETFLIX_ELT_PROJECT, else the profile's
    ``project``, else ``default`` (an application's own, such as its command line supplies)."""
    package = project or os.environ.get(PROJECT_ENV) or (profile.project if profile else None) or default
    if not package:
        raise ProjectError(
            "no project package: nothing names the package of models to build",
            hint=f'set `project = "my.models"` in the profile, ${PROJECT_ENV}, or pass project= to Project',
        )
    return package


class Project:
    """Models + profile + state directory; opens its engine on first use."""

    def __init__(
        self,
        registry: Registry | None = None,
        profile: Profile | None = None,
        state_dir: str | Path | None = None,
        check_runner: CheckRunner | None = None,
        project: str | None = None,
        default_project: str | None = None,
    ) -> None:
        self._registry = registry
        self.registry_given = registry is not None  # else the project package's models
        self._project = project
        self._default_project = default_project
        self.profile = profile or Profile()
        self.state_dir = resolve_state_dir(state_dir)
        self._check_runner = check_runner
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()

    @classmethod
    def local(
        cls, state_dir: str | Path | None = None, registry: Registry | None = None, project: str | None = None
    ) -> Project:
        """The models of ``registry``, else of the package ``project`` (see :func:`project_package`), on
        the embedded engine."""
        return cls(registry=registry, profile=Profile(), state_dir=state_dir, project=project)

    @classmethod
    def from_profile(
        cls,
        profile: str = "local",
        state_dir: str | Path | None = None,
        registry: Registry | None = None,
        project: str | None = None,
    ) -> Project:
        return cls(registry=registry, profile=load_profile(profile), state_dir=state_dir, project=project)

    # -- parts --------------------------------------------------------------------------------
    @property
    def package(self) -> str:
        """The package of models this project builds (see :func:`project_package`)."""
        return project_package(self.profile, self._project, self._default_project)

    @property
    def registry(self) -> Registry:
        """The given registry, else the models of :attr:`package`."""
        if self._registry is None:
            self._registry = Registry.from_package(self.package)
        return self._registry

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                engine = open_engine(self.profile, self.state_dir)
                engine.bootstrap()
                create_run_history(engine)
                clear_leftovers(engine)  # what a killed run left: its work tables, its IN_PROGRESS loads
                self._engine = engine
            return self._engine

    @property
    def check_runner(self) -> CheckRunner | None:
        return self._check_runner

    def use_check_runner(self, check_runner: CheckRunner | None) -> None:
        """Run these checks after each node in ``build`` and ``test``."""
        self._check_runner = check_runner

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def __repr__(self) -> str:
        from netflix_elt.display import project_repr

        return project_repr(self)

    def _repr_html_(self) -> str:
        from netflix_elt.display import project_html

        return project_html(self)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- commands -----------------------------------------------------------------------------
    def modified(self) -> set[str]:
        """Nodes whose code or config changed since their last successful build (``state:modified``)."""
        return StateStore(self.state_dir).modified(self.registry)

    def select(self, select: Iterable[str] | None = None, exclude: Iterable[str] | None = None) -> set[str]:
        """Names chosen by dbt-style selectors (everything when ``select`` is empty)."""
        return choose(self.registry, select, exclude, self.modified)

    def plan(
        self,
        command: str = "build",
        select: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
    ) -> Plan:
        return make_plan(self.registry, command, select, exclude, self.modified)

    def execute(
        self,
        command: str,
        select: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        threads: int | None = None,
        full_refresh: bool = False,
        vars: dict[str, Any] | None = None,
        on_event: OnEvent | None = None,
        run_started_at: datetime | None = None,
        scheduler: Scheduler = run_plan,
    ) -> RunResult:
        """Plan and run one command (build, run, seed, snapshot, test); write its artifacts.

        ``scheduler`` decides when each node runs (the thread pool by default; the Prefect flow
        passes one that makes each node a task); every node is built by the same executor.
        """
        plan = self.plan(command, select, exclude)
        if (threads or self.profile.threads) > 1 and len(plan.order) > 1:
            plan = plan.with_durations(last_seconds(self.engine, command))
        # Parse every model's code here, before any build thread runs: CPython 3.11 can fail a parse
        # that overlaps another thread's (see netflix_elt.fingerprint); later calls hit its caches, and
        # the next command reads what this one parsed from the state directory.
        with fingerprint.cached_in(self.state_dir / SOURCE_CACHE):
            for spec in self.registry:
                spec.fingerprint()
        executor = self.executor(
            command, full_refresh=full_refresh, vars=vars, run_started_at=run_started_at, select=select
        )
        run = RunResult(
            run_id=executor.settings.run_id,
            command=command,
            started_at=datetime.now(UTC),  # wall clock: run_started_at may be a logical time far away
            args={
                "run_started_at": executor.settings.started_at.isoformat(),
                "select": list(select or []),
                "exclude": list(exclude or []),
                "threads": threads or self.profile.threads,
                "full_refresh": full_refresh,
                "profile": self.profile.name,
            },
        )

        settled: dict[str, NodeResult] = {}
        history = RunHistory(self.engine, run.run_id, command)

        def execute_and_record(name: str) -> NodeResult:
            if self._cancelled.is_set():
                result = _not_started(self.registry[name], "cancelled (Ctrl-C) before it started")
            else:
                if self.registry[name].runs_last:
                    history.flush()  # it reads RUN_HISTORY: every other node's row is there first
                with self.engine.cancellation.scope():
                    result = executor.execute(name)
                if self._cancelled.is_set() and result.status == "error":
                    result.status = "cancelled"
                    result.message = f"cancelled (Ctrl-C) while it ran: {result.message}"
            history.add(result)
            return result

        def notify(event: str, name: str, result: NodeResult | None) -> None:
            # Skipped nodes never reach the executor; recorded as they settle, so that a runs_last
            # node reading RUN_HISTORY sees the whole run.
            if event == "finish" and result is not None:
                settled[name] = result
                if result.status == "skipped":
                    blocker = plan.blocked_by(name, settled)
                    if blocker is not None and settled[blocker].status == "cancelled":
                        result.status = "cancelled"
                        result.message = f"cancelled (Ctrl-C) before it started ({blocker} was cancelled)"
                    history.add(result)
            if on_event is not None:
                on_event(event, name, result)

        try:
            run.results = scheduler(
                plan, self.registry, execute_and_record, threads or self.profile.threads, notify
            )
        finally:
            if executor.tracker is not None:
                executor.tracker.flush()  # the data versions of this run (see netflix_elt.versions)
            history.flush()
            run.cancelled = self._cancelled.is_set()
            self._cancelled.clear()  # the next command on this project starts afresh
            self.engine.cancellation.clear()
        run.ended_at = datetime.now(UTC)
        write_run_artifacts(self.state_dir, self.registry, self.engine, run)
        return run

    def cancel(self) -> None:
        """Cancel the command running on this project (from any thread; Ctrl-C in ``netflix-elt build``):
        no further node starts, statements in flight are interrupted and refused from then on (a
        rollback or the drop of a work table still runs), and the run ends with its unfinished nodes
        ``cancelled`` and ``RunResult.cancelled`` set, recorded in RUN_HISTORY and run_results.json."""
        self._cancelled.set()
        engine = self._engine  # no lock: a signal handler may run while this thread holds it
        if engine is not None:
            engine.cancellation.cancel()

    def executor(
        self,
        command: str,
        full_refresh: bool = False,
        vars: dict[str, Any] | None = None,
        run_started_at: datetime | None = None,
        select: Iterable[str] | None = None,
    ) -> NodeExecutor:
        """The node executor for one run of ``command`` (shared by the runner and the Prefect flow).

        A command that builds decides per node from the data versions (``netflix_elt.freshness``):
        nodes named in ``select`` and every node under ``full_refresh`` are built regardless.
        """
        settings = RunSettings(
            run_id=uuid.uuid4().hex[:12],
            command=command,
            started_at=as_utc(run_started_at) if run_started_at else datetime.now(UTC),
            full_refresh=full_refresh,
            vars=vars or {},
            build=command_builds(command),
            checks=command_checks(command) and self.check_runner is not None,
            forced=frozenset(named(self.registry, select)),
        )
        tracker = None
        if settings.build:
            tracker = RunTracker(
                self.engine,
                self.registry,
                settings.run_id,
                settings.started_at,
                settings.full_refresh,
                settings.checks,
                settings.forced,
                settings.vars,
            )
        return NodeExecutor(self.engine, self.registry, settings, self.check_runner, tracker)

    def build(self, **options: Any) -> RunResult:
        """Seeds, sources, models, snapshots and their checks, in DAG order."""
        return self.execute("build", **options)

    def run(self, **options: Any) -> RunResult:
        """Models only (tables, views, incrementals, analyses)."""
        return self.execute("run", **options)

    def seed(self, **options: Any) -> RunResult:
        return self.execute("seed", **options)

    def snapshot(self, **options: Any) -> RunResult:
        return self.execute("snapshot", **options)

    def test(self, **options: Any) -> RunResult:
        """Checks only, against what is already built."""
        return self.execute("test", **options)

    def diff(
        self,
        other: Project | str,
        select: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        tolerance: float = 0.0,
        examples: int = 5,
    ) -> DiffReport:
        """Compare this project's published models (or the selected ones) with another warehouse's.

        ``other`` is a Project, or a state directory or profile as ``netflix-elt diff --against`` takes
        it. FLOAT values within ``tolerance * max(1, |a|, |b|)`` are equal. Both warehouses are only
        read. See :mod:`netflix_elt.diff`.
        """
        from netflix_elt.diff import diff_projects, target_project

        right = target_project(other, self) if isinstance(other, str) else other
        return diff_projects(self, right, select, exclude, tolerance=tolerance, examples=examples)

    # -- reading ------------------------------------------------------------------------------
    def relation(self, name: str) -> str:
        """The fully qualified table or view name of a model (from the profile: opens no warehouse)."""
        spec = self.registry[name]
        return fqn(self.profile.database, getattr(self.profile.schemas, spec.layer), spec.name)

    def table(self, name: str) -> DataFrame:
        """A built model as a Snowpark DataFrame."""
        return self.engine.session().table(self.relation(name))

    def sql(self, query: str) -> DataFrame:
        """Any query, with the project database as current database."""
        return self.engine.session().sql(query)


def _not_started(spec: ModelSpec, message: str) -> NodeResult:
    return NodeResult(
        name=spec.name,
        kind=spec.kind_name,
        status="cancelled",
        message=message,
        fingerprint=spec.fingerprint(),
    )


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
