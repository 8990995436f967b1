"""The model DAG as an SVG drawing: one column per depth, nodes coloured by kind, one curve per edge.

Depth is the longest path from a node without inputs (sources and seeds sit in column 0). Within a
column, nodes are ordered by the barycentre of their neighbours (a few down and up sweeps), which
removes most edge crossings without a layout library. A finished run adds a status dot and the
seconds to each node's tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.svg import INK, MUTED, blend, document, esc, legend, num, text, text_width
from netflix_elt.registry import Registry

KIND_COLOURS = {
    "source": "#6b7280",
    "seed": "#a16207",
    "view": "#0ea5e9",
    "ephemeral": "#94a3b8",
    "table": "#2563eb",
    "incremental": "#0d9488",
    "aggregate": "#059669",
    "snapshot": "#7c3aed",
    "analysis": "#ea580c",
}
STATUS_COLOURS = {
    "success": "#16a34a",
    "warn": "#f59e0b",
    "error": "#dc2626",
    "skipped": "#9ca3af",
    "up_to_date": "#0891b2",
    "not_due": "#6366f1",
}
NODE_HEIGHT, ROW_GAP, COLUMN_GAP, MARGIN, LEGEND_HEIGHT, FONT_SIZE = 24, 8, 56, 12, 30, 11
SWEEPS = 4


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float


def depths(registry: Registry) -> dict[str, int]:
    """Longest distance from a node without inputs."""
    depth: dict[str, int] = {}
    for name in registry.order:
        parents = registry[name].depends_on
        depth[name] = 1 + max(depth[p] for p in parents) if parents else 0
    return depth


def ordered_layers(registry: Registry) -> list[list[str]]:
    """Nodes grouped by depth, each layer ordered to keep edges short (barycentre sweeps)."""
    depth = depths(registry)
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for name in sorted(depth, key=lambda n: (registry[n].kind_name, n)):
        layers[depth[name]].append(name)
    children: dict[str, list[str]] = {name: [] for name in depth}
    for name in depth:
        for parent in registry[name].depends_on:
            children[parent].append(name)

    def position() -> dict[str, float]:
        return {n: (i + 0.5) / len(layer) for layer in layers for i, n in enumerate(layer)}

    def reorder(layer: list[str], neighbours: Mapping[str, list[str]]) -> None:
        where = position()
        fallback = {n: where[n] for n in layer}

        def centre(name: str) -> float:
            linked = neighbours[name]
            return sum(where[n] for n in linked) / len(linked) if linked else fallback[name]

        layer.sort(key=lambda n: (centre(n), n))

    parents = {name: list(registry[name].depends_on) for name in depth}
    for _ in range(SWEEPS):
        for layer in layers[1:]:
            reorder(layer, parents)
        for layer in reversed(layers[:-1]):
            reorder(layer, children)
    return layers


def layout(registry: Registry) -> dict[str, Box]:
    """The box of every node: columns left to right, each column centred vertically."""
    layers = ordered_layers(registry)
    tallest = max((len(layer) for layer in layers), default=0)
    full_height = tallest * (NODE_HEIGHT + ROW_GAP)
    boxes: dict[str, Box] = {}
    x: float = MARGIN
    for layer in layers:
        width = max(text_width(n, FONT_SIZE) for n in layer) + 30  # accent bar, padding and status dot
        offset = (full_height - len(layer) * (NODE_HEIGHT + ROW_GAP)) / 2
        for i, name in enumerate(layer):
            boxes[name] = Box(x, MARGIN + LEGEND_HEIGHT + offset + i * (NODE_HEIGHT + ROW_GAP), width)
        x += width + COLUMN_GAP
    return boxes


def lineage_svg(registry: Registry, last_run: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The whole graph; ``last_run`` maps node name to its run_results.json entry (status, seconds)."""
    if len(registry) == 0:
        return document(400, 40, "Model lineage", "no models", [text(200, 24, "no models", "middle")], False)
    boxes = layout(registry)
    width = max(b.x + b.width for b in boxes.values()) + MARGIN
    height = max(b.y for b in boxes.values()) + NODE_HEIGHT + MARGIN
    kinds = list(dict.fromkeys(spec.kind_name for spec in registry))
    body = [
        '<defs><marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{MUTED}"/>'
        "</marker></defs>",
        legend(MARGIN, MARGIN + 10, [(k, KIND_COLOURS.get(k, MUTED)) for k in kinds])[0],
    ]
    for spec in registry:
        for parent in spec.depends_on:
            body.append(_edge(boxes[parent], boxes[spec.name], f"{parent} → {spec.name}"))
    for spec in registry:
        body.append(
            _node(spec.name, spec.kind_name, spec.layer, spec.description, boxes[spec.name], last_run)
        )
    edges = sum(len(spec.depends_on) for spec in registry)
    description = (
        f"{fmt.plural(len(registry), 'model')} in {len(set(boxes[n].x for n in boxes))} layers, "
        f"{fmt.plural(edges, 'dependency', 'dependencies')}; columns from sources (left) to analyses (right)"
    )
    return document(width, height, "Model lineage", description, body, heading=False)


def _edge(start: Box, end: Box, label: str) -> str:
    x1, y1 = start.x + start.width, start.y + NODE_HEIGHT / 2
    x2, y2 = end.x - 2, end.y + NODE_HEIGHT / 2
    bend = max(24.0, (x2 - x1) / 2)
    path = (
        f"M {num(x1)} {num(y1)} C {num(x1 + bend)} {num(y1)}, {num(x2 - bend)} {num(y2)}, {num(x2)} {num(y2)}"
    )
    return (
        f'<path class="edge" d="{path}" fill="none" stroke="#9ca3af" stroke-width="1.1" '
        f'marker-end="url(#lineage-arrow)"><title>{esc(label)}</title></path>'
    )


def _node(
    name: str,
    kind: str,
    layer: str,
    description: str,
    box: Box,
    last_run: Mapping[str, Mapping[str, Any]] | None,
) -> str:
    colour = KIND_COLOURS.get(kind, MUTED)
    dashed = ' stroke-dasharray="4 3"' if kind == "ephemeral" else ""
    lines = [name, f"{kind} · {layer}"]
    if description:
        lines.append(description.splitlines()[0])
    result = (last_run or {}).get(name)
    status = ""
    if result:
        lines.append(f"last run: {result.get('status')} in {fmt.seconds(result.get('seconds'))}")
        if result.get("rows") is not None:
            lines.append(f"rows: {fmt.integer(result.get('rows'))}")
        dot = STATUS_COLOURS.get(str(result.get("status")), MUTED)
        status = (
            f'<circle class="status" cx="{num(box.x + box.width - 9)}" cy="{num(box.y + NODE_HEIGHT / 2)}" '
            f'r="3.5" fill="{dot}"/>'
        )
    return (
        f'<g class="node" data-name="{esc(name)}" data-kind="{esc(kind)}"><title>{esc(chr(10).join(lines))}</title>'
        f'<rect x="{num(box.x)}" y="{num(box.y)}" width="{num(box.width)}" height="{NODE_HEIGHT}" rx="5" '
        f'fill="{blend("#ffffff", colour, 0.16)}" stroke="{colour}" stroke-width="1.4"{dashed}/>'
        f'<rect x="{num(box.x)}" y="{num(box.y)}" width="4" height="{NODE_HEIGHT}" fill="{colour}"/>'
        + text(box.x + 10, box.y + NODE_HEIGHT / 2 + 4, name, size=FONT_SIZE, fill=INK)
        + status
        + "</g>"
    )
