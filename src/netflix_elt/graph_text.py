"""The model graph as Mermaid or Graphviz DOT text (for the CLI, the docs and the HTML report)."""

from __future__ import annotations

from collections.abc import Iterable

from netflix_elt.registry import Registry

SHAPES = {"source": ("[(", ")]"), "seed": ("[/", "/]"), "ephemeral": ("([", "])"), "snapshot": ("[[", "]]")}


def to_mermaid(registry: Registry, names: Iterable[str] | None = None) -> str:
    """``flowchart LR`` with one node per model (shape by kind) and one edge per dependency."""
    chosen = set(names) if names is not None else set(registry.names)
    lines = ["flowchart LR"]
    for spec in registry:
        if spec.name in chosen:
            left, right = SHAPES.get(spec.kind_name, ("[", "]"))
            lines.append(f'    {spec.name}{left}"{spec.name}<br/><small>{spec.kind_name}</small>"{right}')
    for spec in registry:
        for parent in spec.depends_on:
            if spec.name in chosen and parent in chosen:
                lines.append(f"    {parent} --> {spec.name}")
    return "\n".join(lines)


def to_dot(registry: Registry, names: Iterable[str] | None = None) -> str:
    """A ``digraph`` with the kind as a node label line."""
    chosen = set(names) if names is not None else set(registry.names)
    lines = ["digraph netflix_elt {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
    for spec in registry:
        if spec.name in chosen:
            style = ", style=dashed" if not spec.materialized else ""
            lines.append(f'  "{spec.name}" [label="{spec.name}\\n{spec.kind_name}"{style}];')
    for spec in registry:
        for parent in spec.depends_on:
            if spec.name in chosen and parent in chosen:
                lines.append(f'  "{parent}" -> "{spec.name}";')
    lines.append("}")
    return "\n".join(lines)
