"""``table``: rebuild the whole table each run, published atomically."""

from __future__ import annotations

from typing import ClassVar

from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind


class Table(Kind):
    """A full rebuild: the new table is built aside and swapped in, so readers never see it half-built."""

    name: ClassVar[str] = "table"

    def build(self, job: BuildJob) -> BuildOutcome:
        return build_table(job)


class Analysis(Table):
    """A table that answers a business question; lives in the ANALYSIS schema."""

    name: ClassVar[str] = "analysis"
    default_layer: ClassVar[str] = "analysis"
    question: str = ""


def build_table(job: BuildJob) -> BuildOutcome:
    job.engine.replace_table(job.target, job.select_sql(job.full_context()), audit=job.audit_before_publish())
    rows = job.engine.row_count(job.target)
    return BuildOutcome(rows=rows, inserted=rows)
