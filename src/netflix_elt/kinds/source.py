"""``source``: a raw table loaded outside the graph; building it means checking its freshness."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from pydantic import Field

from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.sql import ident


class Source(Kind):
    """Freshness: the newest ``loaded_at`` older than ``warn_after_hours`` warns, older than
    ``error_after_hours`` fails (and blocks everything downstream)."""

    name: ClassVar[str] = "source"
    default_layer: ClassVar[str] = "raw"
    has_function: ClassVar[bool] = False
    loaded_at: str | None = None
    warn_after_hours: float | None = Field(default=None, gt=0)
    error_after_hours: float | None = Field(default=None, gt=0)

    def build(self, job: BuildJob) -> BuildOutcome:
        if not job.exists():
            raise ModelError(
                f"source table {job.target} does not exist",
                where=f"source {job.model}",
                hint="load the raw files first: netflix-elt load --source DIR",
            )
        if not self.loaded_at:
            return BuildOutcome(rows=job.engine.row_count(job.target))
        rows, newest = job.engine.execute(f"SELECT COUNT(*), MAX({ident(self.loaded_at)}) FROM {job.target}")[
            0
        ]
        return self.judge(int(rows), newest, job.run_started_at)

    def judge(self, rows: int, newest: datetime | None, now: datetime) -> BuildOutcome:
        """Classify the age of the newest load against the thresholds."""
        if newest is None:
            return BuildOutcome(rows=rows, status="error", message="no rows loaded yet")
        if newest.tzinfo is None:
            newest = newest.replace(tzinfo=UTC)
        age_hours = (now - newest).total_seconds() / 3600
        message = f"newest row loaded {age_hours:.1f} h ago"
        if self.error_after_hours is not None and age_hours > self.error_after_hours:
            return BuildOutcome(
                rows=rows, status="error", message=f"stale: {message} (> {self.error_after_hours} h)"
            )
        if self.warn_after_hours is not None and age_hours > self.warn_after_hours:
            return BuildOutcome(
                rows=rows, status="warn", message=f"stale: {message} (> {self.warn_after_hours} h)"
            )
        return BuildOutcome(rows=rows, message=message)
