"""The generic DAG: edges, walks with depth, stable topological order, cycles with their path, subgraphs."""

from __future__ import annotations

import itertools

import pytest

from netflix_elt.dag import DAG, CycleError


def diamond() -> DAG[str]:
    """a -> b, a -> c, b -> d, c -> d, d -> e."""
    return DAG({"b": ["a"], "c": ["a"], "d": ["b", "c"], "e": ["d"]})


def test_add_registers_parents_as_nodes_and_both_edge_directions() -> None:
    dag: DAG[str] = DAG()
    dag.add("child", ["parent"])
    assert dag.nodes == {"child", "parent"}
    assert len(dag) == 2
    assert "parent" in dag and "nobody" not in dag
    assert dag.upstream("child") == {"parent"}
    assert dag.downstream("parent") == {"child"}
    assert dag.upstream("parent") == set()


def test_upstream_and_downstream_return_copies() -> None:
    dag = diamond()
    dag.upstream("d").add("zzz")
    dag.downstream("a").clear()
    assert dag.upstream("d") == {"b", "c"}
    assert dag.downstream("a") == {"b", "c"}


def test_ancestors_and_descendants_unlimited_and_by_depth() -> None:
    dag = diamond()
    assert dag.ancestors("e") == {"a", "b", "c", "d"}
    assert dag.ancestors("e", depth=1) == {"d"}
    assert dag.ancestors("e", depth=2) == {"b", "c", "d"}
    assert dag.descendants("a") == {"b", "c", "d", "e"}
    assert dag.descendants("a", depth=1) == {"b", "c"}
    assert dag.descendants("e") == set()
    assert dag.ancestors("a") == set()


def test_sorted_is_topological_and_breaks_ties_by_name() -> None:
    dag = DAG({"z": [], "m": [], "a": [], "b": ["z"], "y": ["a"]})
    assert dag.sorted() == ["a", "m", "y", "z", "b"]
    order = diamond().sorted()
    assert order == ["a", "b", "c", "d", "e"]
    for node in order:
        assert all(order.index(parent) < order.index(node) for parent in diamond().upstream(node))


def test_sorted_raises_with_the_cycle_path() -> None:
    dag = DAG({"a": ["c"], "b": ["a"], "c": ["b"], "x": []})
    with pytest.raises(CycleError) as caught:
        dag.sorted()
    path = caught.value.path
    assert path[0] == path[-1]
    assert set(path) == {"a", "b", "c"} and len(path) == 4
    # each step of the path is an edge from upstream to downstream
    for parent, child in itertools.pairwise(path):
        assert parent in dag.upstream(child)
    assert str(caught.value) == "cycle: a -> b -> c -> a"


def test_self_loop_is_a_cycle() -> None:
    dag = DAG({"a": ["a"]})
    assert dag.find_cycle() == ["a", "a"]
    with pytest.raises(CycleError):
        dag.sorted()


def test_find_cycle_is_none_on_an_acyclic_graph() -> None:
    assert diamond().find_cycle() is None


def test_subdag_keeps_ordering_through_dropped_nodes() -> None:
    sub = diamond().subdag(["a", "d", "e"])
    assert sub.nodes == {"a", "d", "e"}
    assert sub.upstream("d") == {"a"}  # via the dropped b and c
    assert sub.upstream("e") == {"d"}
    assert sub.sorted() == ["a", "d", "e"]


def test_subdag_of_unrelated_nodes_has_no_edges() -> None:
    sub = diamond().subdag(["b", "c"])
    assert sub.upstream("b") == set() and sub.upstream("c") == set()
