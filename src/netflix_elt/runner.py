"""The thread-pool runner: builds a plan's nodes in dependency order, N at a time.

A node starts once all its upstream nodes passed; among the nodes ready at once, the one with the
longest chain of work behind it (``Plan.priority``) starts first. When one fails, everything
downstream of it is skipped while independent branches go on.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from netflix_elt.executor import OnEvent, skipped
from netflix_elt.plan import Plan
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult

Scheduler = Callable[[Plan, Registry, Callable[[str], NodeResult], int, OnEvent | None], list[NodeResult]]


def run_plan(
    plan: Plan,
    registry: Registry,
    execute: Callable[[str], NodeResult],
    threads: int,
    on_event: OnEvent | None = None,
) -> list[NodeResult]:
    """Run every node of ``plan`` through ``execute``; return results in completion order."""
    notify = on_event or (lambda event, name, result: None)
    results: dict[str, NodeResult] = {}
    finished: list[NodeResult] = []
    waiting = list(plan.order)
    running: dict[Future[NodeResult], str] = {}

    def settle(result: NodeResult) -> None:
        results[result.name] = result
        finished.append(result)
        notify("finish", result.name, result)

    with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="netflix-elt") as pool:
        while waiting or running:
            # Longest remaining chain first (Plan.priority); the sort is stable, so plan order breaks ties.
            for name in sorted(waiting, key=lambda n: -plan.priority.get(n, 0.0)):
                upstream = plan.dag.upstream(name)
                if blocker := plan.blocked_by(name, results):
                    waiting.remove(name)
                    settle(skipped(registry[name], blocker))
                elif upstream <= results.keys() and len(running) < threads:
                    waiting.remove(name)
                    notify("start", name, None)
                    running[pool.submit(execute, name)] = name
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                settle(future.result())
    return finished
