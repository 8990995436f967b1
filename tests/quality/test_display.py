"""Projects, runs and check results in a notebook: a one-line repr and an escaped HTML table."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from netflix_elt.display import html_table
from netflix_elt.project import Project

from .test_reports import failing_run


class _Cells(HTMLParser):
    """The text of every table cell (entities decoded) and the names of the elements met."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def cells_of(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_project_repr_is_one_short_line(ratings_project: Project) -> None:
    text = repr(ratings_project)
    nodes = len(ratings_project.registry)
    assert re.fullmatch(rf"<Project projects\.ratings: {nodes} nodes, profile local, state \S+>", text)
    table = cells_of(ratings_project._repr_html_())
    assert table.tags.count("tr") == 1 + nodes
    assert "FCT_RATINGS" in table.cells and "STG_RATINGS, STG_MOVIES" in table.cells


def test_run_and_check_results_show_their_counts(ratings_project: Project) -> None:
    run = failing_run(ratings_project)
    counts = run.counts()
    assert repr(run) == (
        f"<RunResult build {run.run_id}: {len(run.results)} nodes, "
        + ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        + f", {run.seconds:.1f} s>"
    )
    assert counts["error"] and "\n" not in repr(run) and len(repr(run)) < 120
    assert all(repr(r).startswith(f"<NodeResult {r.name} {r.kind}: {r.status}") for r in run.results)

    checks = run.checks
    assert len(checks) == sum(len(r.checks) for r in run.results)
    assert repr(checks) == f"<CheckResults: {len(checks)} checks, {checks.counts()['pass']} pass, 3 fail>"
    assert {c["name"] for c in checks.not_passed()} == {
        c["name"] for c in checks if not c["success"]
    } and len(checks.not_passed()) == 3

    run_table = cells_of(run._repr_html_())
    assert run_table.tags.count("tr") == 1 + len(run.results)
    skipped = next(r for r in run.results if r.status == "skipped")
    assert skipped.message in run_table.cells  # quotes and all, decoded from the escaped HTML
    check_table = cells_of(checks._repr_html_())
    assert check_table.tags.count("tr") == 1 + len(checks)
    assert check_table.cells.count("fail") == 3


def test_tables_escape_every_value() -> None:
    hostile = "<script>alert(\"x\")</script> & 'quoted'"
    html = html_table(hostile, hostile, [(hostile, False)], [[hostile]], [hostile])
    assert "<script" not in html
    table = cells_of(html)
    assert "script" not in table.tags
    assert table.cells == [hostile, hostile]
