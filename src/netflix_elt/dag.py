"""A small generic DAG: nodes with their upstream sets, topological order, cycles with their path."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, TypeVar

T = TypeVar("T", bound=str)


class CycleError(ValueError):
    """The graph has a cycle; ``path`` lists it with the first node repeated at the end."""

    def __init__(self, path: Sequence[str]) -> None:
        self.path = list(path)
        super().__init__("cycle: " + " -> ".join(path))


class DAG(Generic[T]):
    """Directed acyclic graph over string-like nodes; edges point from upstream to downstream."""

    def __init__(self, upstream: Mapping[T, Iterable[T]] | None = None) -> None:
        self._upstream: dict[T, set[T]] = {}
        self._downstream: dict[T, set[T]] = {}
        for node, parents in (upstream or {}).items():
            self.add(node, parents)

    def add(self, node: T, upstream: Iterable[T] = ()) -> None:
        self._upstream.setdefault(node, set())
        self._downstream.setdefault(node, set())
        for parent in upstream:
            self._upstream.setdefault(parent, set())
            self._downstream.setdefault(parent, set()).add(node)
            self._upstream[node].add(parent)

    @property
    def nodes(self) -> set[T]:
        return set(self._upstream)

    def __contains__(self, node: object) -> bool:
        return node in self._upstream

    def __len__(self) -> int:
        return len(self._upstream)

    def upstream(self, node: T) -> set[T]:
        return set(self._upstream[node])

    def downstream(self, node: T) -> set[T]:
        return set(self._downstream[node])

    def ancestors(self, node: T, depth: int | None = None) -> set[T]:
        return self._walk(node, self._upstream, depth)

    def descendants(self, node: T, depth: int | None = None) -> set[T]:
        return self._walk(node, self._downstream, depth)

    @staticmethod
    def _walk(start: T, edges: dict[T, set[T]], depth: int | None) -> set[T]:
        seen: set[T] = set()
        frontier = {start}
        level = 0
        while frontier and (depth is None or level < depth):
            frontier = {n for f in frontier for n in edges[f]} - seen
            seen |= frontier
            level += 1
        seen.discard(start)
        return seen

    def sorted(self) -> list[T]:
        """Topological order; ties broken by name so the order is stable. Raises CycleError."""
        remaining = {node: len(parents) for node, parents in self._upstream.items()}
        ready = [node for node, count in remaining.items() if count == 0]
        heapq.heapify(ready)
        order: list[T] = []
        while ready:
            node = heapq.heappop(ready)
            order.append(node)
            for child in self._downstream[node]:
                remaining[child] -= 1
                if remaining[child] == 0:
                    heapq.heappush(ready, child)
        if len(order) != len(self._upstream):
            raise CycleError(self.find_cycle() or [])
        return order

    def find_cycle(self) -> list[T] | None:
        """One cycle as a path (first node repeated at the end), or None."""
        state: dict[T, int] = {}
        stack: list[T] = []

        def visit(node: T) -> list[T] | None:
            state[node] = 1
            stack.append(node)
            for parent in sorted(self._upstream[node]):
                if state.get(parent) == 1:
                    cycle = [*stack[stack.index(parent) :], parent]
                    return list(reversed(cycle))
                if parent not in state and (found := visit(parent)):
                    return found
            stack.pop()
            state[node] = 2
            return None

        for node in sorted(self._upstream):
            if node not in state and (found := visit(node)):
                return found
        return None

    def subdag(self, nodes: Iterable[T]) -> DAG[T]:
        """The graph restricted to ``nodes``, keeping ordering constraints that ran through dropped nodes."""
        keep = set(nodes)
        result: DAG[T] = DAG()
        for node in keep:
            result.add(node, self._nearest_kept(node, keep))
        return result

    def _nearest_kept(self, node: T, keep: set[T]) -> set[T]:
        found: set[T] = set()
        frontier = set(self._upstream[node])
        seen: set[T] = set()
        while frontier:
            current = frontier.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in keep:
                found.add(current)
            else:
                frontier |= self._upstream[current]
        return found
