"""What a report section is: its question and tables (SectionSpec), what its builder returns (Content),
and the compact tables it shows (TableBlock, built from declarative TableColumn specs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import AnswerAge, ReportData

GROUPS = ("User behaviour", "Content", "Recommendation prep", "Temporal", "Operations", "Business")


@dataclass(frozen=True)
class TableColumn:
    """One column of a compact table: header, how to write a row's cell, right-aligned or not."""

    header: str
    cell: Callable[[dict[str, Any]], str]
    numeric: bool = False


@dataclass
class TableBlock:
    """A small table, cells already formatted."""

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    caption: str = ""


def table(columns: Sequence[TableColumn], rows: Iterable[dict[str, Any]], caption: str = "") -> TableBlock:
    """Format rows through the column specs."""
    return TableBlock(
        headers=[c.header for c in columns],
        rows=[[c.cell(row) for c in columns] for row in rows],
        numeric=[c.numeric for c in columns],
        caption=caption,
    )


@dataclass
class Content:
    """What a section builder returns: the answer in a sentence or two, charts (SVG) and tables."""

    answer: list[str]
    charts: list[str] = field(default_factory=list)
    tables: list[TableBlock] = field(default_factory=list)


@dataclass(frozen=True)
class SectionSpec:
    """One business question and the ANALYSIS tables that answer it.

    ``tables`` must all be built for the section to render (the first one must also have rows);
    ``keywords`` tie ANALYSIS_PARAMETERS rows whose ANALYSIS is not one of ``tables`` to this section.
    """

    number: int
    slug: str
    group: str
    title: str
    question: str
    tables: tuple[str, ...]
    build: Callable[[ReportData], Content]
    keywords: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"q{self.number:02d}-{self.slug}"


@dataclass
class Section:
    """A section as rendered: its content, or why there is none (tables missing, no rows, a problem)."""

    spec: SectionSpec
    content: Content | None = None
    missing: list[str] = field(default_factory=list)
    empty: str | None = None  # the analysis ran but found nothing in this data set
    problem: str | None = None
    method: list[dict[str, Any]] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    ages: dict[str, AnswerAge] = field(default_factory=dict)  # per table: when it was computed

    @property
    def built(self) -> bool:
        return self.content is not None
