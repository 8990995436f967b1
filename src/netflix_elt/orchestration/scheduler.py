"""The Prefect scheduler: every node of a plan becomes one Prefect task, waiting for its upstream tasks.

It has the :data:`netflix_elt.runner.Scheduler` signature, so ``Project.execute(...,
scheduler=PrefectScheduler(...))`` plans, builds and records the run exactly like ``netflix-elt
build``; only *when* each node runs is Prefect's business. Called inside a running flow.

- Each node is submitted once, in plan order, with ``wait_for`` on its upstream tasks (wrapped in
  ``allow_failure`` so a failed parent still lets the child run and mark itself skipped).
- A task whose upstream node failed or was skipped (``Plan.blocked_by``) records a skipped result and
  ends ``Completed`` with the state name ``Skipped``; a node with nothing to build (up to date, or not
  due under its cron cadence) ends ``Completed`` named ``UpToDate`` or ``NotDue``.
- Concurrency: Prefect's thread pool only hosts waiting tasks; the builds themselves go through a
  pool of ``threads`` workers, so at most ``threads`` nodes build at once and the engine sees the
  same number of threads (hence sessions) as with the plain runner.
- A node that fails transiently (:func:`is_transient`) raises :class:`TransientNodeError` and the
  task's retries apply; any other failure, including a failing blocking check, raises
  :class:`NodeFailedError`, which the task's retry condition refuses to retry.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.futures import PrefectFuture, wait
from prefect.runtime import task_run as current_task_run
from prefect.states import Completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import allow_failure

from netflix_elt.executor import OnEvent, skipped
from netflix_elt.orchestration.transient import NodeFailedError, TransientNodeError, is_transient
from netflix_elt.plan import Plan
from netflix_elt.registry import Registry
from netflix_elt.results import LEFT_AS_IS, NodeResult

# Prefect threads only wait (the builds have their own pool); past this many, waiting tasks queue up
# in plan order, which cannot deadlock because every upstream task was submitted before them.
MAX_WAITING_THREADS = 64
# Prefect state names of the nodes left as they are (see netflix_elt.freshness).
LEFT_AS_IS_STATES = {"up_to_date": "UpToDate", "not_due": "NotDue"}


def retry_if_transient(task: Any, task_run: Any, state: State[Any]) -> bool:
    """Prefect retry condition: retry a failed attempt only when its exception is transient."""
    try:
        state.result()
    except BaseException as exc:
        return isinstance(exc, TransientNodeError) or is_transient(exc)
    return False


@task(
    name="build-model",
    cache_policy=NO_CACHE,
    persist_result=False,
    retry_condition_fn=retry_if_transient,
)
def build_model(name: str, node_run: NodeRun) -> dict[str, Any] | State[Any]:
    """One node of the graph (its checks run right after it, inside the executor)."""
    return node_run.run(name)


class ResultBoard:
    """The latest result of each node, in the order their last attempts finished. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: OrderedDict[str, NodeResult] = OrderedDict()
        self.attempts: dict[str, int] = {}

    def record(self, result: NodeResult, attempt: int) -> None:
        with self._lock:
            self._results[result.name] = result
            self._results.move_to_end(result.name)
            self.attempts[result.name] = attempt

    def snapshot(self) -> dict[str, NodeResult]:
        with self._lock:
            return dict(self._results)

    def finished(self) -> list[NodeResult]:
        with self._lock:
            return list(self._results.values())


class NodeRun:
    """What every task of one run shares: the plan, the executor, the build pool and the results.

    A plain class on purpose: Prefect walks dataclass and pydantic task parameters looking for futures.
    """

    def __init__(
        self,
        plan: Plan,
        registry: Registry,
        execute: Callable[[str], NodeResult],
        builders: ThreadPoolExecutor,
        board: ResultBoard,
        retries: int,
        on_event: OnEvent,
    ) -> None:
        self.plan = plan
        self.registry = registry
        self.execute = execute
        self.builders = builders
        self.board = board
        self.retries = retries
        self.on_event = on_event

    def run(self, name: str) -> dict[str, Any] | State[Any]:
        attempt = current_task_run.get_run_count() or 1
        blocker = self.blocker(name)
        if blocker is not None:
            result = skipped(self.registry[name], blocker)
            self.finish(result, attempt=0)  # never attempted
            return Completed(name="Skipped", message=result.message)
        if attempt == 1:
            self.on_event("start", name, None)
        result = self.builders.submit(self.execute_safely, name).result()
        final = result.status != "error" or not is_transient(result.error) or attempt > self.retries
        if final:
            self.finish(result, attempt)
        if result.status == "error":
            failure = TransientNodeError if is_transient(result.error) else NodeFailedError
            raise failure(result.message) from result.error
        if result.status == "warn":
            return Completed(name="Warned", message=result.message)
        if result.status in LEFT_AS_IS:  # nothing to build: the table is left as it is
            return Completed(name=LEFT_AS_IS_STATES[result.status], message=result.message)
        return {"status": result.status, "rows": result.rows, "seconds": result.seconds}

    def blocker(self, name: str) -> str | None:
        """The upstream node that did not pass, or whose task ended without a result."""
        results = self.board.snapshot()
        missing = sorted(p for p in self.plan.dag.upstream(name) if p not in results)
        return self.plan.blocked_by(name, results) or (missing[0] if missing else None)

    def execute_safely(self, name: str) -> NodeResult:
        """The executor never raises for a model's failure; anything else still becomes a result."""
        try:
            return self.execute(name)
        except Exception as exc:
            spec = self.registry[name]
            return NodeResult(
                name=spec.name,
                kind=spec.kind_name,
                status="error",
                message=f"{spec.name}: {type(exc).__name__}: {exc}",
                fingerprint=spec.fingerprint(),
                error=exc,
            )

    def finish(self, result: NodeResult, attempt: int) -> None:
        self.board.record(result, attempt)
        self.on_event("finish", result.name, result)
        get_run_logger().log(
            logging.ERROR if result.status == "error" else logging.INFO,
            "%s %s %s%s in %.2fs%s",
            result.status.upper(),
            result.kind,
            result.name,
            f", {result.rows:,} rows" if result.rows is not None else "",
            result.seconds,
            f": {result.message}" if result.message else "",
        )


class PrefectScheduler:
    """A ``Scheduler`` that runs each node of a plan as a Prefect task (call it inside a flow).

    ``retries`` and ``retry_delay_seconds`` apply to transient failures only. After the call,
    ``attempts`` maps each node to the number of attempts its last task run took.
    """

    def __init__(self, retries: int = 0, retry_delay_seconds: int = 0) -> None:
        self.retries = retries
        self.retry_delay_seconds = retry_delay_seconds
        self.attempts: dict[str, int] = {}

    def __call__(
        self,
        plan: Plan,
        registry: Registry,
        execute: Callable[[str], NodeResult],
        threads: int,
        on_event: OnEvent | None = None,
    ) -> list[NodeResult]:
        board = ResultBoard()
        notify = on_event or (lambda event, name, result: None)
        waiting_threads = max(1, min(len(plan.order), MAX_WAITING_THREADS))
        futures: dict[str, PrefectFuture[Any]] = {}
        with (
            ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="netflix-elt") as builders,
            ThreadPoolTaskRunner[dict[str, Any] | State[Any]](max_workers=waiting_threads) as task_runner,
        ):
            node_run = NodeRun(plan, registry, execute, builders, board, self.retries, notify)
            for name in plan.order:
                node_task = build_model.with_options(
                    name=name.lower(),
                    task_run_name=name.lower(),
                    retries=self.retries,
                    retry_delay_seconds=self.retry_delay_seconds,
                )
                # allow_failure(future) is what wait_for takes to wait on a parent that may fail, though
                # annotated as futures only
                upstream: list[Any] = [
                    allow_failure(futures[parent]) for parent in sorted(plan.dag.upstream(name))
                ]
                futures[name] = task_runner.submit(
                    node_task, parameters={"name": name, "node_run": node_run}, wait_for=upstream
                )
            wait(list(futures.values()))
        self.attempts = dict(board.attempts)
        return self._complete(plan, registry, board, futures)

    @staticmethod
    def _complete(
        plan: Plan, registry: Registry, board: ResultBoard, futures: dict[str, PrefectFuture[Any]]
    ) -> list[NodeResult]:
        """Every node of the plan gets a result, even one whose task never reached our code."""
        finished = board.finished()
        known = {r.name for r in finished}
        for name in plan.order:
            if name not in known:
                spec = registry[name]
                state = futures[name].state
                finished.append(
                    NodeResult(
                        name=spec.name,
                        kind=spec.kind_name,
                        status="error",
                        message=f"task ended {state.type.value} without a result: {state.message}",
                        fingerprint=spec.fingerprint(),
                    )
                )
        return finished
