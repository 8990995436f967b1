"""What a command will run: the selected, materialised nodes and the order constraints between them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from netflix_elt.dag import DAG
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult
from netflix_elt.selection import nothing_selected, select

# Which kinds each command builds; ``test`` builds nothing and runs the checks of everything selected.
COMMAND_KINDS: dict[str, frozenset[str]] = {
    "build": frozenset(
        {"source", "seed", "table", "view", "incremental", "aggregate", "snapshot", "analysis"}
    ),
    "run": frozenset({"table", "view", "incremental", "aggregate", "analysis"}),
    "seed": frozenset({"seed"}),
    "snapshot": frozenset({"snapshot"}),
    "test": frozenset(
        {"source", "seed", "table", "view", "incremental", "aggregate", "snapshot", "analysis"}
    ),
}


def command_builds(command: str) -> bool:
    """Whether a command builds its nodes (``test`` only checks what is built)."""
    return command != "test"


def command_checks(command: str) -> bool:
    """Whether a command runs the nodes' data-quality checks."""
    return command in ("build", "test")


@dataclass(frozen=True)
class Plan:
    """The nodes of one command in a DAG; ephemeral models never appear (they are inlined)."""

    command: str
    dag: DAG[str]
    order: list[str]
    # Edges of ``dag`` that only order the run (a ``runs_last`` node after the others): node -> the
    # nodes it waits for without reading them, whose failure therefore does not skip it.
    waits_for: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Seconds of work from each node to the end of the plan along its longest path (see
    # with_durations): among the nodes ready to start, the runner starts the one with the most first.
    priority: Mapping[str, float] = field(default_factory=dict)

    def with_durations(self, seconds: Mapping[str, float]) -> Plan:
        """This plan with :attr:`priority` from each node's expected seconds (a node without any counts
        as the median of the others, or 1): the node's own plus the longest chain of nodes after it.

        Starting the longest chain first is the classic critical-path rule of list scheduling: the
        run cannot end before that chain does, and short side branches fill the other threads.
        """
        known = sorted(seconds[n] for n in self.order if n in seconds)
        guess = known[len(known) // 2] if known else 1.0
        remaining: dict[str, float] = {}
        for name in reversed(self.order):
            after = max((remaining[n] for n in self.dag.downstream(name)), default=0.0)
            remaining[name] = seconds.get(name, guess) + after
        return replace(self, priority=remaining)

    @property
    def builds(self) -> bool:
        return command_builds(self.command)

    @property
    def checks(self) -> bool:
        return command_checks(self.command)

    def blocked_by(self, name: str, results: Mapping[str, NodeResult]) -> str | None:
        """The first upstream node it reads that failed or was skipped, if any: then ``name`` must be
        skipped."""
        for parent in sorted(self.dag.upstream(name) - self.waits_for.get(name, frozenset())):
            result = results.get(parent)
            if result is not None and not result.passed:
                return parent
        return None


def nothing_to_run(
    registry: Registry,
    command: str,
    select_terms: Iterable[str] | None,
    exclude_terms: Iterable[str] | None,
    modified: Callable[[], set[str]] | None = None,
) -> str:
    """Why a selection gives ``command`` no node to run, naming the selector, as one sentence."""
    chosen = select(registry, select_terms, exclude_terms, modified)
    if not chosen:
        return nothing_selected(registry, select_terms, exclude_terms, modified)
    given = f"--select '{' '.join(select_terms or [])}'" if select_terms else "the selection"
    kinds = ", ".join(sorted(COMMAND_KINDS[command]))
    return f"{given} matches {len(chosen)} node(s), none of which `{command}` runs (it runs {kinds})"


def make_plan(
    registry: Registry,
    command: str,
    select_terms: Iterable[str] | None = None,
    exclude_terms: Iterable[str] | None = None,
    modified: Callable[[], set[str]] | None = None,
) -> Plan:
    """Select nodes, keep those the command builds, and order them (``runs_last`` nodes after every
    other node that does not read them)."""
    kinds = COMMAND_KINDS[command]
    chosen = select(registry, select_terms, exclude_terms, modified)
    names = [n for n in registry.order if n in chosen and registry[n].kind_name in kinds]
    dag = registry.dag.subdag(names)
    last = [n for n in names if registry[n].runs_last]
    later = set(last).union(*(dag.descendants(n) for n in last))  # cannot come before a runs_last node
    others = {n for n in names if n not in later}
    waits_for = {}
    for name in last:
        waits_for[name] = frozenset(others - dag.upstream(name))
        dag.add(name, others)
    return Plan(command=command, dag=dag, order=dag.sorted(), waits_for=waits_for)
