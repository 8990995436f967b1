"""Inline SVG charts, written in plain Python: bars, horizontal bars, histogram, heatmap, lines, scatter.

Each builder returns one ``<svg>`` string with an accessible name (``<title>``, ``aria-label``) and a
``<desc>``; every mark carries a ``<title>`` tooltip with its exact value, so no JavaScript is needed.
Marks have stable CSS classes (``bar``, ``bin``, ``cell``, ``series``, ``mark``, ``point``) that the
tests count. Values may be None (drawn as nothing, or a grey cell in the heatmap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.svg import (
    ACCENT,
    GRID,
    HIGHLIGHT,
    INK,
    MUTED,
    PALETTE,
    LinearScale,
    blend,
    circle,
    clip,
    document,
    esc,
    legend,
    line,
    nice_ticks,
    num,
    rect,
    text,
    text_width,
)

Formatter = Callable[[float], str]
MAX_LINE_POINTS = 600


@dataclass(frozen=True)
class Series:
    """One line of a line chart."""

    name: str
    values: Sequence[float | None]
    colour: str = ACCENT
    dashed: bool = False


@dataclass(frozen=True)
class Mark:
    """A highlighted point on a line chart (an anomaly, a peak), at position ``index``."""

    index: int
    value: float
    label: str
    colour: str = HIGHLIGHT
    kind: str = ""  # the legend entry ('spike', 'peak'); marks without one get none


@dataclass(frozen=True)
class Point:
    """One dot of a scatter plot; ``group`` picks its colour and legend entry."""

    x: float
    y: float
    label: str
    group: str = ""


def _present(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None]


def _no_data(title: str, width: float = 640) -> str:
    return document(width, 60, title, "no data", [text(width / 2, 34, "no data", "middle", fill=MUTED)])


def _value_axis(
    scale: LinearScale, ticks: list[float], x0: float, x1: float, formatter: Formatter
) -> list[str]:
    """Horizontal grid lines with tick labels left of the plot."""
    parts = []
    for value in ticks:
        y = scale(value)
        parts.append(line(x0, y, x1, y))
        parts.append(text(x0 - 6, y + 4, formatter(value), "end", size=11, fill=MUTED))
    return parts


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    *,
    formatter: Formatter = fmt.number,
    highlight: Sequence[int] = (),
    colour: str = ACCENT,
    width: float = 640,
    height: float = 260,
    description: str = "",
) -> str:
    """Vertical bars, one per label; bars at ``highlight`` positions in red."""
    present = _present(values)
    if not present:
        return _no_data(title, width)
    ticks = nice_ticks(min(0.0, *present), max(0.0, *present))
    left = max(text_width(formatter(t), 11) for t in ticks) + 12
    top, bottom, right = 22, 42, 10
    scale = LinearScale(ticks[0], ticks[-1], height - bottom, top)
    band = (width - left - right) / len(labels)
    every = max(1, round(len(labels) / ((width - left) / 44)))
    body = _value_axis(scale, ticks, left, width - right, formatter)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * band
        if value is not None:
            y0, y1 = sorted((scale(0.0), scale(float(value))))
            fill = HIGHLIGHT if i in highlight else colour
            body.append(
                rect(x + band * 0.15, y0, band * 0.7, y1 - y0, fill, "bar", f"{label}: {formatter(value)}")
            )
            if len(labels) <= 16:
                body.append(text(x + band / 2, y0 - 4, formatter(value), "middle", size=10, fill=MUTED))
        if i % every == 0:
            body.append(
                text(x + band / 2, height - bottom + 16, clip(label, max(3, int(band * every / 7))), "middle")
            )
    body.append(line(left, scale(0.0), width - right, scale(0.0), stroke=MUTED))
    return document(width, height, title, description or title, body)


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    *,
    formatter: Formatter = fmt.number,
    colours: Sequence[str] | None = None,
    notes: Sequence[str] | None = None,
    legend_entries: Sequence[tuple[str, str]] = (),
    width: float = 720,
    description: str = "",
) -> str:
    """Horizontal bars, one row per label (negative values extend left of zero); ``notes`` are
    printed after each value."""
    present = _present(values)
    if not present:
        return _no_data(title, width)
    row, label_size = 22, 12
    label_chars = 38
    left = min(max(text_width(clip(lbl, label_chars), label_size) for lbl in labels) * 1.08, 340) + 14
    note_width = max((text_width(n, 11) for n in notes or ()), default=0)
    right = max(text_width(formatter(v), 11) for v in present) + note_width + 20
    top = 26 if legend_entries else 8
    height = top + row * len(labels) + 8
    scale = LinearScale(min(0.0, *present), max(0.0, *present), left, width - right)
    body = []
    if legend_entries:
        body.append(legend(left, 14, legend_entries)[0])
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        body.append(text(left - 8, y + 15, clip(label, label_chars), "end", size=label_size))
        if value is None:
            continue
        x0, x1 = sorted((scale(0.0), scale(float(value))))
        colour = colours[i] if colours else ACCENT
        note = f" · {notes[i]}" if notes else ""
        body.append(rect(x0, y + 4, x1 - x0, row - 8, colour, "bar", f"{label}: {formatter(value)}{note}"))
        body.append(text(x1 + 5, y + 15, f"{formatter(value)}{note}", size=11, fill=MUTED))
    body.append(line(scale(0.0), top, scale(0.0), height - 8, stroke=MUTED))
    return document(width, height, title, description or title, body)


def histogram(
    labels: Sequence[str],
    counts: Sequence[float],
    title: str,
    *,
    formatter: Formatter = fmt.integer,
    width: float = 640,
    height: float = 240,
    description: str = "",
) -> str:
    """Contiguous bins (``labels`` name each bin, e.g. '20–49')."""
    if not counts:
        return _no_data(title, width)
    ticks = nice_ticks(0.0, max(float(c) for c in counts))
    left = max(text_width(formatter(t), 11) for t in ticks) + 12
    top, bottom, right = 14, 42, 10
    scale = LinearScale(ticks[0], ticks[-1], height - bottom, top)
    band = (width - left - right) / len(counts)
    every = max(1, round(len(counts) / ((width - left) / 52)))
    body = _value_axis(scale, ticks, left, width - right, formatter)
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        x, y = left + i * band, scale(float(count))
        body.append(rect(x, y, band - 1, scale(0.0) - y, ACCENT, "bin", f"{label}: {formatter(count)}"))
        if i % every == 0:
            body.append(
                text(x + band / 2, height - bottom + 16, clip(label, int(band * every / 6.5)), "middle")
            )
    return document(width, height, title, description or title, body)


def heatmap(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    matrix: Sequence[Sequence[float | None]],
    title: str,
    *,
    formatter: Formatter = fmt.integer,
    high_colour: str = "#1d4ed8",
    width: float = 760,
    description: str = "",
) -> str:
    """A grid of cells shaded from white (lowest) to ``high_colour`` (highest); missing cells grey."""
    present = [float(v) for r in matrix for v in r if v is not None]
    if not present:
        return _no_data(title, width)
    low, high = min(present), max(present)
    left = max(text_width(lbl, 12) for lbl in row_labels) + 12
    top, cell_h = 22, 24
    cell_w = (width - left - 10) / len(column_labels)
    height = top + cell_h * len(row_labels) + 40
    body = []
    for j, label in enumerate(column_labels):
        body.append(text(left + j * cell_w + cell_w / 2, top - 6, label, "middle", size=10, fill=MUTED))
    for i, label in enumerate(row_labels):
        y = top + i * cell_h
        body.append(text(left - 8, y + cell_h / 2 + 4, label, "end"))
        for j, value in enumerate(matrix[i]):
            where = f"{label} {column_labels[j]}"
            if value is None:
                body.append(
                    rect(left + j * cell_w, y, cell_w - 1, cell_h - 1, GRID, "cell", f"{where}: no data")
                )
                continue
            shade = blend("#f8fafc", high_colour, (float(value) - low) / (high - low) if high > low else 1.0)
            body.append(
                rect(
                    left + j * cell_w,
                    y,
                    cell_w - 1,
                    cell_h - 1,
                    shade,
                    "cell",
                    f"{where}: {formatter(value)}",
                )
            )
    swatches = [
        (formatter(low + (high - low) * k / 4), blend("#f8fafc", high_colour, k / 4)) for k in range(5)
    ]
    body.append(legend(left, height - 12, swatches)[0])
    return document(width, height, title, description or title, body)


def _thin(values: Sequence[float | None], limit: int) -> list[int]:
    """Indices to draw: all of them, or the min and max of each bucket so spikes stay visible."""
    if len(values) <= limit:
        return list(range(len(values)))
    size = len(values) / (limit / 2)
    keep: set[int] = set()
    for b in range(int(limit / 2) + 1):
        bucket = [
            (i, value)
            for i in range(int(b * size), min(len(values), int((b + 1) * size)))
            if (value := values[i]) is not None
        ]
        if bucket:
            keep.add(min(bucket, key=lambda pair: pair[1])[0])
            keep.add(max(bucket, key=lambda pair: pair[1])[0])
    return sorted(keep)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    *,
    marks: Sequence[Mark] = (),
    formatter: Formatter = fmt.integer,
    zero_based: bool = True,
    width: float = 760,
    height: float = 280,
    description: str = "",
) -> str:
    """Lines over equally spaced positions (months, periods), with optional marked points; the value
    axis starts at zero unless ``zero_based`` is false (for averages)."""
    present = [v for s in series for v in _present(s.values)] + [m.value for m in marks]
    if not present or not x_labels:
        return _no_data(title, width)
    ticks = nice_ticks(min(0.0, *present) if zero_based else min(present), max(present))
    left = max(text_width(formatter(t), 11) for t in ticks) + 12
    top, bottom, right = 30, 34, 14
    y = LinearScale(ticks[0], ticks[-1], height - bottom, top)
    x = LinearScale(0, max(1, len(x_labels) - 1), left, width - right)
    body = _value_axis(y, ticks, left, width - right, formatter)
    every = max(1, -(-len(x_labels) // 8))
    for i in range(0, len(x_labels), every):
        body.append(line(x(i), height - bottom, x(i), height - bottom + 4, stroke=MUTED))
        body.append(text(x(i), height - bottom + 17, x_labels[i], "middle", size=11, fill=MUTED))
    for s in series:
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        for run in _runs(s.values, _thin(s.values, MAX_LINE_POINTS)):
            # a run holds no None (see _runs)
            points = " ".join(
                f"{num(x(i))},{num(y(float(v)))}" for i in run if (v := s.values[i]) is not None
            )
            body.append(
                f'<polyline class="series" fill="none" stroke="{s.colour}" stroke-width="1.8"{dash} '
                f'points="{points}"><title>{esc(s.name)}</title></polyline>'
            )
    for m in marks:
        body.append(circle(x(m.index), y(m.value), 4.5, m.colour, "mark", m.label))
    entries = [(s.name, s.colour) for s in series]
    entries += list(dict.fromkeys((m.kind, m.colour) for m in marks if m.kind))
    body.append(legend(left, 16, entries[:6])[0])
    return document(width, height, title, description or title, body)


def _runs(values: Sequence[float | None], indices: list[int]) -> list[list[int]]:
    """Split drawn indices into runs without gaps (a None value breaks the line)."""
    runs: list[list[int]] = [[]]
    for i in indices:
        if values[i] is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [r for r in runs if r]


def scatter(
    points: Sequence[Point],
    title: str,
    *,
    x_label: str,
    y_label: str,
    x_formatter: Formatter = fmt.number,
    y_formatter: Formatter = fmt.number,
    colours: dict[str, str] | None = None,
    width: float = 640,
    height: float = 300,
    description: str = "",
) -> str:
    """Dots at (x, y); each group gets a colour (``colours`` or the palette) and a legend entry."""
    if not points:
        return _no_data(title, width)
    groups = list(dict.fromkeys(p.group for p in points))
    palette = colours or {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    x_ticks = nice_ticks(min(p.x for p in points), max(p.x for p in points))
    y_ticks = nice_ticks(min(p.y for p in points), max(p.y for p in points))
    left = max(text_width(y_formatter(t), 11) for t in y_ticks) + 14
    top, bottom, right = 28, 44, 14
    x = LinearScale(x_ticks[0], x_ticks[-1], left, width - right)
    y = LinearScale(y_ticks[0], y_ticks[-1], height - bottom, top)
    body = _value_axis(y, y_ticks, left, width - right, y_formatter)
    for value in x_ticks:
        body.append(line(x(value), top, x(value), height - bottom))
        body.append(text(x(value), height - bottom + 16, x_formatter(value), "middle", size=11, fill=MUTED))
    body.append(text((left + width - right) / 2, height - 6, x_label, "middle", size=11, fill=INK))
    body.append(text(left, 12, y_label, size=11, fill=INK))
    for p in points:
        tooltip = f"{p.label}: {x_label} {x_formatter(p.x)}, {y_label} {y_formatter(p.y)}"
        body.append(circle(x(p.x), y(p.y), 3.5, palette.get(p.group, ACCENT), "point", tooltip))
    if len(groups) > 1 or groups[0]:
        entries = [(g, palette.get(g, ACCENT)) for g in groups]
        body.append(legend(width - right - legend(0, 0, entries)[1], 12, entries)[0])
    return document(width, height, title, description or title, body)
