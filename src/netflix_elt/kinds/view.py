"""``view``: CREATE OR REPLACE VIEW from the DataFrame's SQL."""

from __future__ import annotations

from typing import ClassVar

from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind


class View(Kind):
    """A view over its upstreams; nothing is stored, so no row count is taken."""

    name: ClassVar[str] = "view"

    def build(self, job: BuildJob) -> BuildOutcome:
        select = job.select_sql(job.full_context())
        if job.engine.object_type(job.target) == "TABLE":
            job.engine.execute(f"DROP TABLE {job.target}")
        job.engine.execute(f"CREATE OR REPLACE VIEW {job.target} AS {select}")
        return BuildOutcome()
