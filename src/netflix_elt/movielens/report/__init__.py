"""The insight report: one self-contained HTML file answering the eighteen business questions from the
ANALYSIS tables, with inline SVG charts, the model lineage and the data's provenance.

Usage: ``write_report(Project.local(project=PIPELINE), Path("report.html"))``, or ``netflix-elt report --out FILE``.

Modules: ``data`` (what is built, small queries), ``charts``/``svg`` (SVG builders), ``lineage`` (the
DAG drawing), ``sections`` (one builder per question), ``pipeline`` (lineage and last run),
``render`` (the page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netflix_elt.errors import NetflixEltError
from netflix_elt.files import write_text_atomic

if TYPE_CHECKING:
    from netflix_elt.movielens.report.sections.base import Section
    from netflix_elt.project import Project


@dataclass
class Report:
    """A rendered report: its HTML, its sections and what kept some of them from rendering."""

    html: str
    sections: list[Section] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    @property
    def missing_tables(self) -> list[str]:
        """ANALYSIS tables some section needs that are not built, sorted."""
        return sorted({t for s in self.sections for t in s.missing})

    @property
    def problems(self) -> list[str]:
        """``Qn title: why`` for each section that exists but could not be drawn."""
        return [f"Q{s.spec.number} {s.spec.title}: {s.problem}" for s in self.sections if s.problem]

    def write(self, out: Path) -> Path:
        """Write the HTML (UTF-8, parent directories created) and return the absolute path."""
        out = Path(out).expanduser().resolve()
        try:
            write_text_atomic(out, self.html)
        except OSError as exc:
            raise NetflixEltError(
                f"cannot write the report to {out}: {exc.strerror}",
                hint="pass --out with a writable file path",
            ) from None
        return out


def generate_report(project: Project, generated_at: datetime | None = None) -> Report:
    """Read the project's warehouse and state directory and render the report (nothing is written)."""
    from netflix_elt import __version__
    from netflix_elt.movielens.report.data import ReportData
    from netflix_elt.movielens.report.pipeline import last_run_content, lineage_content
    from netflix_elt.movielens.report.render import Provenance, page
    from netflix_elt.movielens.report.sections import build_sections

    data = ReportData(project)
    sections, leftovers = build_sections(data)
    provenance = Provenance(
        generated_at=generated_at or datetime.now(UTC),
        profile=project.profile.name,
        engine=project.profile.engine,
        database=data.engine.database,
        schema=project.profile.schemas.analysis,
        state_dir=str(project.state_dir),
        version=__version__,
        last_run=data.last_run,
        row_counts=data.row_counts,
    )
    html = page(sections, leftovers, lineage_content(data), last_run_content(data), provenance)
    return Report(html, sections, data.statements)


def default_output(project: Project) -> Path:
    """``<state_dir>/report/index.html``."""
    return project.state_dir / "report" / "index.html"


def write_report(project: Project, out: Path | None = None) -> Path:
    """Render the report and write it to ``out`` (default ``<state_dir>/report/index.html``)."""
    return generate_report(project).write(out or default_output(project))


__all__ = ["Report", "default_output", "generate_report", "write_report"]
