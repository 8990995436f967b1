"""SVG building blocks shared by the charts and the lineage drawing: escaping, scales, ticks, elements.

Everything returns plain strings. Text is escaped for XML (quotes, ampersands, angle brackets) and
stripped of control characters XML forbids, so any title or label from the data is safe to embed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from netflix_elt.templating import escape_text, xml_text

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
ACCENT = "#2563eb"
HIGHLIGHT = "#dc2626"
SECOND = "#f59e0b"
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#8b5cf6", "#ef4444", "#06b6d4", "#84cc16", "#ec4899", "#64748b")
HEADING_HEIGHT = 26
CHAR_WIDTH = 0.6  # average glyph width as a fraction of the font size (sans-serif, e.g. DejaVu Sans)


def esc(value: object) -> str:
    """Text safe inside an XML/HTML element or a quoted attribute (the templates' own escaping)."""
    return str(escape_text(xml_text(value)))


def clip(text: str, max_chars: int) -> str:
    """Shorten a label to ``max_chars`` with an ellipsis (the full text goes into a <title>)."""
    return text if len(text) <= max_chars else text[: max(1, max_chars - 1)].rstrip() + "…"


NARROW, WIDE = set("iljtfrI1.,;:'!|() "), set("MWmw@%")


def text_width(text: str, size: float) -> float:
    """An estimate of the rendered width of ``text`` in a sans-serif font (capitals and digits are
    wider than the average glyph, 'i', 'l' and punctuation narrower)."""
    units = 0.0
    for char in text:
        if char in NARROW:
            units += 0.34
        elif char in WIDE:
            units += 0.9
        elif char.isupper() or char.isdigit() or char == "_":
            units += 0.68
        else:
            units += CHAR_WIDTH
    return units * size


def num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if not float(value).is_integer() else str(int(value))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 x 10^k steps) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw_step = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    ticks: list[float] = []
    value = first
    while value <= high + step * 0.5 and len(ticks) < 50:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


@dataclass(frozen=True)
class LinearScale:
    """A linear map from a data domain to pixel coordinates."""

    domain_low: float
    domain_high: float
    range_low: float
    range_high: float

    def __call__(self, value: float) -> float:
        span = self.domain_high - self.domain_low
        if span == 0:
            return (self.range_low + self.range_high) / 2
        return self.range_low + (value - self.domain_low) / span * (self.range_high - self.range_low)


def document(
    width: float, height: float, title: str, description: str, body: Iterable[str], heading: bool = True
) -> str:
    """A standalone <svg> with an accessible name (title) and description; with ``heading`` the title
    is also drawn as a caption above the body."""
    parts = list(body)
    if heading:
        caption = text(
            0,
            15,
            clip(title, int(width / (13 * CHAR_WIDTH))),
            size=13,
            css="caption",
            extra=' font-weight="600"',
        )
        parts = [caption, f'<g transform="translate(0,{HEADING_HEIGHT})">', *parts, "</g>"]
        height += HEADING_HEIGHT
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{esc(title)}" '
        f'width="{num(width)}" height="{num(height)}" viewBox="0 0 {num(width)} {num(height)}" '
        f'font-family="{esc(FONT)}" font-size="12" fill="{INK}">'
        f"<title>{esc(title)}</title><desc>{esc(description)}</desc>{''.join(parts)}</svg>"
    )


def tip(text: str | None) -> str:
    return f"<title>{esc(text)}</title>" if text else ""


def rect(
    x: float,
    y: float,
    w: float,
    h: float,
    fill: str,
    css: str = "",
    tooltip: str | None = None,
    extra: str = "",
) -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<rect{klass} x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" height="{num(max(h, 0))}" '
        f'fill="{fill}"{extra}>{tip(tooltip)}</rect>'
    )


def text(
    x: float,
    y: float,
    content: str,
    anchor: str = "start",
    size: float = 12,
    fill: str = INK,
    css: str = "",
    extra: str = "",
) -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<text{klass} x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" font-size="{num(size)}" '
        f'fill="{fill}"{extra}>{esc(content)}</text>'
    )


def line(
    x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, width: float = 1, dash: str = ""
) -> str:
    dashing = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}" '
        f'stroke-width="{num(width)}"{dashing}/>'
    )


def circle(cx: float, cy: float, r: float, fill: str, css: str = "", tooltip: str | None = None) -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<circle{klass} cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{fill}" stroke="#ffffff" '
        f'stroke-width="1">{tip(tooltip)}</circle>'
    )


def legend(x: float, y: float, entries: Iterable[tuple[str, str]], size: float = 11) -> tuple[str, float]:
    """A one-line legend of colour swatches; returns (svg, width used)."""
    parts = []
    cursor = x
    for label, colour in entries:
        parts.append(rect(cursor, y - size + 2, size - 1, size - 1, colour))
        parts.append(text(cursor + size + 3, y, label, size=size, fill=MUTED))
        cursor += size + 3 + text_width(label, size) + 14
    return "".join(parts), cursor - x


def blend(low: str, high: str, t: float) -> str:
    """The colour a fraction ``t`` of the way from ``low`` to ``high`` (both #rrggbb)."""
    t = min(1.0, max(0.0, t))
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(u + (v - u) * t):02x}" for u, v in zip(a, b, strict=True))
