"""The SVG chart builders, the lineage drawing and the number formats: valid XML, the right number of
marks, escaping of hostile titles, and layouts that follow the data."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.lineage import depths, layout, lineage_svg
from netflix_elt.movielens.report.svg import esc, nice_ticks
from netflix_elt.registry import Registry
from projects import lineage_models

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Amélie & "Friends" <Director\'s Cut> \x07 日本'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width", 0)) > 0 and float(root.get("height", 0)) > 0
    return root


def marks(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == css]


def title_of(root: ET.Element) -> str:
    return root.find(f"{SVG}title").text or ""


def test_bar_chart_draws_one_bar_per_value_and_skips_none() -> None:
    root = parse(charts.bar_chart(["a", "b", "c", "d"], [3, None, 5, 0], "Bars", highlight=[2]))
    bars = marks(root, "bar")
    assert len(bars) == 3
    tallest = max(bars, key=lambda b: float(b.get("height")))
    assert tallest.get("fill") == "#dc2626"  # the highlighted bar
    assert [b.find(f"{SVG}title").text for b in bars] == ["a: 3.00", "c: 5.00", "d: 0.00"]


def test_hbar_chart_extends_negative_values_left_of_zero() -> None:
    root = parse(charts.hbar_chart(["up", "down"], [2.0, -1.0], "Diverging", notes=["n1", "n2"]))
    up, down = marks(root, "bar")
    assert float(up.get("width")) > 0 and float(down.get("width")) > 0
    assert float(down.get("x")) + float(down.get("width")) == pytest.approx(float(up.get("x")), abs=0.2)
    assert up.find(f"{SVG}title").text == "up: 2.00 · n1"


def test_histogram_bins_are_contiguous() -> None:
    root = parse(charts.histogram(["0–9", "10–19", "20–29"], [4, 0, 9], "Histogram"))
    bins = marks(root, "bin")
    assert len(bins) == 3
    edges = [float(b.get("x")) for b in bins]
    widths = {round(float(b.get("width")) + 1, 1) for b in bins}
    assert len(widths) == 1 and edges[1] - edges[0] == pytest.approx(widths.pop(), abs=0.2)


def test_heatmap_has_a_cell_per_value_and_grey_for_missing() -> None:
    matrix: list[list[float | None]] = [[float(d * 24 + h) for h in range(24)] for d in range(7)]
    matrix[3][5] = None
    root = parse(charts.heatmap([f"d{d}" for d in range(7)], [str(h) for h in range(24)], matrix, "Heat"))
    cells = marks(root, "cell")
    assert len(cells) == 168
    missing = [c for c in cells if c.find(f"{SVG}title").text == "d3 5: no data"]
    assert len(missing) == 1 and missing[0].get("fill") == "#e5e7eb"
    darkest = min(cells, key=lambda c: sum(int(c.get("fill")[i : i + 2], 16) for i in (1, 3, 5)))
    assert darkest.find(f"{SVG}title").text == "d6 23: 167"


def test_line_chart_draws_each_series_and_each_mark() -> None:
    labels = [f"m{i}" for i in range(10)]
    root = parse(
        charts.line_chart(
            labels,
            [charts.Series("a", list(range(10))), charts.Series("b", [1, 2, None, 4, 5, 6, 7, 8, 9, 10])],
            "Lines",
            marks=[
                charts.Mark(3, 3.0, "spike m3", kind="spike"),
                charts.Mark(7, 7.0, "drop m7", kind="drop"),
            ],
        )
    )
    assert len(marks(root, "series")) == 3  # the None breaks series b in two
    dots = marks(root, "mark")
    assert [d.find(f"{SVG}title").text for d in dots] == ["spike m3", "drop m7"]
    first_points = marks(root, "series")[0].get("points").split()
    assert len(first_points) == 10


def test_line_chart_thins_long_series_but_keeps_the_spike() -> None:
    values: list[float | None] = [100.0] * 5000
    values[4321] = 900.0
    root = parse(charts.line_chart([str(i) for i in range(5000)], [charts.Series("n", values)], "Long"))
    (line,) = marks(root, "series")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(points) <= charts.MAX_LINE_POINTS + 2
    heights = sorted({y for _, y in points})
    assert len(heights) == 2 and heights[1] - heights[0] > 50  # the baseline and the spike above it


def test_scatter_draws_every_point_with_its_group_colour() -> None:
    points = [charts.Point(i, i * i, f"p{i}", "odd" if i % 2 else "even") for i in range(7)]
    root = parse(
        charts.scatter(
            points, "Scatter", x_label="x", y_label="y", colours={"odd": "#111111", "even": "#222222"}
        )
    )
    dots = marks(root, "point")
    assert len(dots) == 7
    assert {d.get("fill") for d in dots} == {"#111111", "#222222"}


@pytest.mark.parametrize(
    "build",
    [
        lambda t: charts.bar_chart([t], [1.0], t),
        lambda t: charts.hbar_chart([t], [1.0], t),
        lambda t: charts.histogram([t], [1.0], t),
        lambda t: charts.heatmap([t], [t], [[1.0]], t),
        lambda t: charts.line_chart(
            [t, t], [charts.Series(t, [1.0, 2.0])], t, marks=[charts.Mark(0, 1.0, t)]
        ),
        lambda t: charts.scatter([charts.Point(1, 2, t, t)], t, x_label=t, y_label=t),
    ],
)
def test_hostile_titles_and_labels_are_escaped(build) -> None:
    svg = build(HOSTILE)
    root = parse(svg)
    assert title_of(root) == HOSTILE.replace("\x07", "")
    assert root.get("aria-label") == HOSTILE.replace("\x07", "")
    assert "<Director" not in svg and "\x07" not in svg
    assert "日本" in svg  # non-ASCII is kept as is (the page is UTF-8)


def test_empty_data_gives_a_no_data_chart() -> None:
    root = parse(charts.bar_chart([], [], "Nothing"))
    assert "no data" in ET.tostring(root, encoding="unicode")
    assert not marks(root, "bar")


def test_esc_handles_every_special_character() -> None:
    assert (
        esc("a&b<c>\"d'e\x01") == "a&amp;b&lt;c&gt;&#34;d&#39;e"
    )  # XML-forbidden control characters dropped


@pytest.mark.parametrize(("low", "high"), [(0, 1), (0, 7), (-3.2, 4.9), (0, 2698), (3.1, 3.95), (5, 5)])
def test_nice_ticks_cover_the_range_with_round_steps(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    step = steps.pop()
    assert round(step / 10 ** math.floor(math.log10(step)), 6) in {1, 2, 2.5, 5}


def test_lineage_has_every_node_and_edge_laid_out_left_to_right() -> None:
    registry = Registry.from_modules(lineage_models)
    results = {"USER_TOTALS": {"status": "error", "seconds": 1.5, "rows": None}}
    root = parse(lineage_svg(registry, results))
    nodes = [e for e in root.iter() if e.get("class") == "node"]
    assert sorted(n.get("data-name") for n in nodes) == sorted(registry.names)
    assert len(marks(root, "edge")) == sum(len(s.depends_on) for s in registry)
    assert [e.get("fill") for e in marks(root, "status")] == ["#dc2626"]
    boxes = layout(registry)
    for spec in registry:
        for parent in spec.depends_on:
            assert boxes[parent].x + boxes[parent].width < boxes[spec.name].x
    assert depths(registry) == {"RAW_EVENTS": 0, "STG_EVENTS": 1, "USER_TOTALS": 2, "TOP_SPENDERS": 3}


def test_formats_are_for_people() -> None:
    assert fmt.integer(1234567.4) == "1,234,567"
    assert fmt.rating(3.456) == "3.46"
    assert fmt.percent(0.266) == "26.6%"
    assert fmt.percent(12 / 52000) == "0.023%"
    assert fmt.percent(0) == "0.0%"
    assert fmt.signed(-0.004) == "0.00" and fmt.signed(0.42) == "+0.42" and fmt.signed(-1.5) == "−1.50"
    assert fmt.signed_percent(0.125) == "+12.5%"
    assert fmt.seconds(0.4213) == "0.42 s" and fmt.seconds(125) == "2 min 05 s"
    assert fmt.plural(1, "movie") == "1 movie" and fmt.plural(2345, "movie") == "2,345 movies"
    assert fmt.listing(["a", "b", "c"]) == "a, b and c"
    assert fmt.integer(None) == fmt.MISSING and fmt.percent(float("nan")) == fmt.MISSING


def test_dates_are_utc() -> None:
    eastern = timezone(timedelta(hours=-5))
    assert fmt.timestamp(datetime(2019, 11, 21, 5, 30, tzinfo=eastern)) == "2019-11-21 10:30 UTC"
    assert fmt.timestamp(datetime(2019, 11, 21, 10, 30)) == "2019-11-21 10:30 UTC"  # naive = UTC
    assert fmt.day(datetime(2019, 11, 21, 23, 30, tzinfo=eastern)) == "2019-11-22"
    assert fmt.month(date(2017, 8, 1)) == "Aug 2017"
    assert fmt.timestamp("2024-05-01T06:00:00+00:00") == "2024-05-01 06:00 UTC"
    assert fmt.as_utc(datetime(2020, 1, 1, tzinfo=UTC)).tzinfo == UTC
