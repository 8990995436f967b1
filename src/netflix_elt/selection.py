"""Node selection in dbt's syntax.

``name``, ``+name`` (with ancestors), ``name+`` (with descendants), ``2+name`` / ``name+1`` (limited
depth), ``@name`` (descendants and all their ancestors), ``tag:x``, ``kind:incremental``,
``layer:staging``, ``state:modified`` (code or config changed since the last successful run), and
shell-style wildcards in names. Space-separated terms are a union, comma-joined terms an
intersection; ``--exclude`` takes the same syntax.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from netflix_elt.errors import SelectionError
from netflix_elt.registry import Registry

_TERM = re.compile(
    r"^(?P<at>@)?(?:(?P<up>\d*)(?P<up_plus>\+))?(?P<body>[^+@]+?)(?:(?P<down_plus>\+)(?P<down>\d*))?$"
)
METHODS = ("tag", "kind", "layer", "state")


@dataclass(frozen=True)
class Term:
    """One parsed selector term."""

    method: str
    value: str
    ancestors: int | None = 0  # 0: none, None: unlimited, n: up to n levels
    descendants: int | None = 0
    at: bool = False


def parse_term(text: str) -> Term:
    match = _TERM.match(text.strip())
    if not match:
        raise SelectionError(
            f"cannot parse selector '{text}'", hint="examples: +dim_movies, tag:mart, state:modified+"
        )
    body = match["body"]
    method, value = body.split(":", 1) if ":" in body else ("name", body)
    if method not in (*METHODS, "name"):
        raise SelectionError(
            f"unknown selector method '{method}' in '{text}'", hint=f"use one of {', '.join(METHODS)}"
        )

    def depth(plus: str | None, digits: str | None) -> int | None:
        if not plus:
            return 0
        return int(digits) if digits else None

    return Term(
        method=method,
        value=value,
        ancestors=depth(match["up_plus"], match["up"]),
        descendants=depth(match["down_plus"], match["down"]),
        at=bool(match["at"]),
    )


def select(
    registry: Registry,
    select: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    modified: Callable[[], set[str]] | None = None,
) -> set[str]:
    """Names chosen by ``select`` (everything when empty) minus those chosen by ``exclude``."""
    chosen = _evaluate(registry, list(select or []), modified) if select else set(registry.names)
    if exclude:
        chosen -= _evaluate(registry, list(exclude), modified)
    return chosen


def named(registry: Registry, select: Iterable[str] | None) -> set[str]:
    """The nodes a ``--select`` names by name (``fct_ratings``, ``dim_*``, the ``X`` of ``+X+``), not
    those it reaches through a graph operator, tag, kind, layer or state: ``build`` builds these even
    when they are up to date or not due."""
    found: set[str] = set()
    for part in terms(select or []):
        if (term := parse_term(part)).method == "name":
            found |= _match(registry, term, None)
    return found


def terms(expressions: Iterable[str]) -> list[str]:
    """Every term of selector expressions (``a b,c`` -> ``a``, ``b``, ``c``), as written."""
    return [
        part
        for expression in expressions
        for union in expression.split()
        for part in union.split(",")
        if part
    ]


def depends_on_state(expressions: Iterable[str]) -> bool:
    """Whether a selection reads the state of earlier runs (``state:modified``): it may rightly be empty."""
    return any(parse_term(term).method == "state" for term in terms(expressions))


def nothing_selected(
    registry: Registry,
    select: Iterable[str] | None,
    exclude: Iterable[str] | None,
    modified: Callable[[], set[str]] | None = None,
) -> str:
    """Why ``select`` minus ``exclude`` chooses no node, naming the selector, as one sentence."""
    selectors, excluded = list(select or []), list(exclude or [])
    given = f"--select '{' '.join(selectors)}'" if selectors else "every node"
    unmatched = [t for t in terms(selectors) if not _expand(registry, parse_term(t), modified)]
    if unmatched:
        return f"{given} matches no node: {', '.join(repr(t) for t in unmatched)} matched nothing"
    if selectors and not _evaluate(registry, selectors, modified):
        return f"{given} matches no node: its comma-joined terms have no node in common"
    return f"{given} minus --exclude '{' '.join(excluded)}' leaves no node"


def _evaluate(
    registry: Registry, expressions: list[str], modified: Callable[[], set[str]] | None
) -> set[str]:
    result: set[str] = set()
    for expression in expressions:
        for union_part in expression.split():
            parts = [_expand(registry, parse_term(p), modified) for p in union_part.split(",") if p]
            result |= set.intersection(*parts) if parts else set()
    return result


def _expand(registry: Registry, term: Term, modified: Callable[[], set[str]] | None) -> set[str]:
    base = _match(registry, term, modified)
    result = set(base)
    dag = registry.dag
    for name in base:
        if term.ancestors != 0:
            result |= dag.ancestors(name, term.ancestors)
        if term.descendants != 0 or term.at:
            down = dag.descendants(name, None if term.at else term.descendants)
            result |= down
            if term.at:
                for child in down | {name}:  # dbt: the node's own ancestors too
                    result |= dag.ancestors(child)
    return result


def _match(registry: Registry, term: Term, modified: Callable[[], set[str]] | None) -> set[str]:
    value = term.value
    if term.method == "name":
        pattern = value.upper()
        if any(ch in pattern for ch in "*?["):
            found = {n for n in registry.names if fnmatch.fnmatchcase(n, pattern)}
        else:
            found = {registry[value].name}  # raises with a suggestion when unknown
        return found
    if term.method == "tag":
        return {s.name for s in registry if value in s.tags}
    if term.method == "kind":
        return {s.name for s in registry if s.kind_name == value.lower()}
    if term.method == "layer":
        return {s.name for s in registry if s.layer == value.lower()}
    if value != "modified":
        raise SelectionError(
            f"unknown state selector 'state:{value}'", hint="only state:modified is supported"
        )
    if modified is None:
        raise SelectionError("state:modified needs the state of a previous run")
    return modified() & set(registry.names)
