"""The report's eighteen question sections, in reading order (grouped), and how each one is built.

A section renders only when all of its ANALYSIS tables exist with their contract columns and its
first table has rows; otherwise it carries a notice (``missing`` tables, or a ``problem``) instead
of content. Each ANALYSIS_PARAMETERS row is shown under the section it describes: the one whose
table its ANALYSIS names, else the first whose keywords it contains; the rest go to an appendix.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from netflix_elt.movielens.report.data import ReportDataError
from netflix_elt.movielens.report.sections import business, content, operations, recommend, temporal, users
from netflix_elt.movielens.report.sections.base import GROUPS, Content, Section, SectionSpec

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

SPECS: tuple[SectionSpec, ...] = tuple(
    sorted(
        (
            *users.SECTIONS,
            *content.SECTIONS,
            *recommend.SECTIONS,
            *temporal.SECTIONS,
            *operations.SECTIONS,
            *business.SECTIONS,
        ),
        key=lambda s: (GROUPS.index(s.group), s.number),
    )
)


def spec_for(number: int) -> SectionSpec:
    return next(s for s in SPECS if s.number == number)


def build_section(spec: SectionSpec, data: ReportData) -> Section:
    """Build one section, or explain why it cannot be built."""
    section = Section(spec, row_counts={t: data.row_counts.get(t, 0) for t in spec.tables if data.has(t)})
    section.ages = {t: data.answer_ages[t] for t in spec.tables if t in data.answer_ages}
    section.missing = [t for t in spec.tables if not data.has(t)]
    if section.missing:
        return section
    lacking = {t: data.lacking_columns(t) for t in spec.tables}
    if any(lacking.values()):
        section.problem = "; ".join(f"{t} lacks columns {', '.join(c)}" for t, c in lacking.items() if c)
        return section
    primary = spec.tables[0]
    if not section.row_counts.get(primary):
        section.empty = primary
        return section
    try:
        built: Content = spec.build(data)
    except ReportDataError as exc:
        section.problem = exc.render()
        return section
    section.content = built
    return section


def normalised(name: Any) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", str(name).upper()).strip("_")


def assign_parameters(
    specs: tuple[SectionSpec, ...], parameters: list[dict[str, Any]]
) -> tuple[dict[int, list[dict[str, Any]]], list[dict[str, Any]]]:
    """{section number: its parameter rows} and the rows no section claims."""
    assigned: dict[int, list[dict[str, Any]]] = {s.number: [] for s in specs}
    leftovers = []
    for row in parameters:
        name = normalised(row.get("ANALYSIS"))
        owner = next((s for s in specs if name in s.tables), None)
        owner = owner or next((s for s in specs if any(k in name for k in s.keywords)), None)
        if owner is None:
            leftovers.append(row)
        else:
            assigned[owner.number].append(row)
    return assigned, leftovers


def build_sections(data: ReportData) -> tuple[list[Section], list[dict[str, Any]]]:
    """Every section in reading order, and the parameter rows no section claimed."""
    assigned, leftovers = assign_parameters(SPECS, data.parameters)
    sections = []
    for spec in SPECS:
        section = build_section(spec, data)
        section.method = assigned[spec.number]
        sections.append(section)
    return sections, leftovers


__all__ = ["GROUPS", "SPECS", "Section", "SectionSpec", "build_section", "build_sections", "spec_for"]
