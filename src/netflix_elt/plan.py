"""What a command will run: the selected, materialised nodes and the order constraints between them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from netflix_elt.dag import DAG
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult
from netflix_elt.selection import select

# Which kinds each command builds; ``test`` builds nothing and runs the checks of everything selected.
COMMAND_KINDS: dict[str, frozenset[str]] = {
    "build": frozenset({"source", "seed", "table", "view", "incremental", "snapshot", "analysis"}),
    "run": frozenset({"table", "view", "incremental", "analysis"}),
    "seed": frozenset({"seed"}),
    "snapshot": frozenset({"snapshot"}),
    "test": frozenset({"source", "seed", "table", "view", "incremental", "snapshot", "analysis"}),
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

    @property
    def builds(self) -> bool:
        return command_builds(self.command)

    @property
    def checks(self) -> bool:
        return command_checks(self.command)

    def blocked_by(self, name: str, results: Mapping[str, NodeResult]) -> str | None:
        """The first upstream node that failed or was skipped, if any: then ``name`` must be skipped."""
        for parent in sorted(self.dag.upstream(name)):
            result = results.get(parent)
            if result is not None and not result.passed:
                return parent
        return None


def make_plan(
    registry: Registry,
    command: str,
    select_terms: Iterable[str] | None = None,
    exclude_terms: Iterable[str] | None = None,
    modified: Callable[[], set[str]] | None = None,
) -> Plan:
    """Select nodes, keep those the command builds, and order them."""
    kinds = COMMAND_KINDS[command]
    chosen = select(registry, select_terms, exclude_terms, modified)
    names = [n for n in registry.order if n in chosen and registry[n].kind_name in kinds]
    dag = registry.dag.subdag(names)
    return Plan(command=command, dag=dag, order=dag.sorted())
