"""The HTML page: inline CSS, a table of contents, the grouped sections, the pipeline appendix and a
footer with the data's provenance. No script, no external resource: the file opens offline.

The markup is ``templates/report.html`` (jinja2, autoescaped); this module hands it the sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.data import AnswerAge
from netflix_elt.movielens.report.sections.base import GROUPS, Content, Section
from netflix_elt.templating import render

TEMPLATES = __name__.rpartition(".")[0]  # this package: its templates/ folder


@dataclass
class Provenance:
    """Where the numbers come from: the run, the engine, the time and the table sizes."""

    generated_at: datetime
    profile: str
    engine: str
    database: str
    schema: str
    state_dir: str
    version: str
    last_run: dict[str, Any] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)


def page(
    sections: list[Section],
    leftovers: list[dict[str, Any]],
    lineage: Content,
    last_run: Content,
    provenance: Provenance,
) -> str:
    """The whole report as one HTML document (``templates/report.html``)."""
    groups = [(g, members) for g in GROUPS if (members := [s for s in sections if s.spec.group == g])]
    return render(
        TEMPLATES,
        "report.html",
        sections=sections,
        groups=groups,
        built=sum(1 for s in sections if s.built or s.empty),
        leftovers=leftovers,
        lineage=lineage,
        last_run=last_run,
        p=provenance,
        fmt=fmt,
        state=_state,
        slug=_slug,
        age=_age,
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _state(section: Section) -> str:
    if section.built:
        return "built"
    if section.missing:
        return "missing"
    return "empty" if section.empty else "problem"


def _age(age: AnswerAge | None) -> str:
    """How old an answer is: when it was computed, and whether what it reads changed since."""
    if age is None or age.built_at is None:
        return ""
    text = f", computed {fmt.timestamp(age.built_at)}"
    if age.cron:
        text += f" (cron {age.cron} UTC)"
    if age.changed_inputs:
        text += f"; changed since in its inputs: {', '.join(age.changed_inputs)}"
    return text
