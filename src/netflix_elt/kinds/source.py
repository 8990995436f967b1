"""``source``: a raw table loaded outside the graph; building it means checking its freshness."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import Field

from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.sql import ident


class Source(Kind):
    """Freshness: the newest ``loaded_at`` older than ``warn_after_hours`` warns, older than
    ``error_after_hours`` fails (and blocks everything downstream); with a rule, an empty table fails.
    ``loaded_at`` also versions the source (see ``build``).

    ``run_dependent`` names the columns the loading process fills (batch id, file path); together with
    ``loaded_at`` they are the source's run-dependent columns.
    """

    name: ClassVar[str] = "source"
    default_layer: ClassVar[str] = "raw"
    has_function: ClassVar[bool] = False
    loaded_at: str | None = None
    warn_after_hours: float | None = Field(default=None, gt=0)
    error_after_hours: float | None = Field(default=None, gt=0)
    run_dependent: tuple[str, ...] = ()

    def run_dependent_columns(self) -> tuple[str, ...]:
        names = [self.loaded_at] if self.loaded_at else []
        return tuple(dict.fromkeys(name.upper() for name in [*names, *self.run_dependent]))

    def build(self, job: BuildJob) -> BuildOutcome:
        """Judge the freshness and report the mark (row count, newest ``loaded_at``) that versions the
        source: it gets a new data version when the mark moves. Without ``loaded_at`` nothing tells an
        unchanged table from one rewritten in place, so every run counts as a change."""
        if not job.exists():
            raise ModelError(
                f"source table {job.target} does not exist",
                where=f"source {job.model}",
                hint="load the raw files first: netflix-elt load --source DIR",
            )
        if not self.loaded_at:
            return BuildOutcome(rows=job.engine.row_count(job.target), changed=True)
        rows, newest = job.engine.execute(f"SELECT COUNT(*), MAX({ident(self.loaded_at)}) FROM {job.target}")[
            0
        ]
        outcome = self.judge(int(rows), newest, job.run_started_at)
        mark = {"rows": int(rows), "loaded_at": newest.isoformat() if newest is not None else None}
        return replace(outcome, mark=mark)

    def judge(self, rows: int, newest: datetime | None, now: datetime) -> BuildOutcome:
        """Classify the age of the newest load against the thresholds."""
        if newest is None:
            if self.warn_after_hours is None and self.error_after_hours is None:
                return BuildOutcome(rows=rows, message="no rows loaded")  # no freshness rule: may be empty
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
