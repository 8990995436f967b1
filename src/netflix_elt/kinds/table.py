"""``table``: rebuild the whole table each run, published atomically.

With ``track_changes=True`` (the model needs a row key: its contract's key columns), the new build is
compared with the published table on that key before it is published: the rows removed or changed are
recorded as the table's change set (old images -1, new images +1), so models that read its changes can
stay incremental, and a build that changes nothing is not published and keeps the table's data version.
Columns the contract marks ``run_dependent`` (load times, batch ids) are not compared: a row whose
data is the same is not a change, whatever run it came from.
"""

from __future__ import annotations

from typing import ClassVar

from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind, PublishSkipped, affected_rows
from netflix_elt.sql import column_list


class Table(Kind):
    """A full rebuild: the new table is built aside and swapped in, so readers never see it half-built."""

    name: ClassVar[str] = "table"
    track_changes: bool = False

    @property
    def keeps_changes(self) -> bool:
        return self.track_changes

    def build(self, job: BuildJob) -> BuildOutcome:
        if not self.track_changes or job.change_log is None:
            return build_table(job)
        return build_tracked(job)


class Analysis(Table):
    """A table that answers a business question; lives in the ANALYSIS schema."""

    name: ClassVar[str] = "analysis"
    default_layer: ClassVar[str] = "analysis"
    question: str = ""


def build_table(job: BuildJob) -> BuildOutcome:
    job.replace_target(job.select_sql(job.full_context()))
    rows = job.engine.row_count(job.target)
    return BuildOutcome(rows=rows, inserted=rows)


class Unchanged(PublishSkipped):
    """Raised before publishing a tracked table whose new build has no changed row."""


def build_tracked(job: BuildJob) -> BuildOutcome:
    """Build aside, record the rows that differ from the published table by key, publish if any did."""
    log, engine = job.change_log, job.engine
    assert log is not None
    if not job.row_key:
        raise ModelError(
            "track_changes needs a row key",
            where=f"model {job.model}",
            hint="declare the key columns in the model's contract: columns=[column(..., key=True), ...]",
        )
    if job.full_refresh or job.target_type() != "TABLE":
        outcome = build_table(job)
        log.reset()
        return outcome
    counts: dict[str, int] = {}

    def record_changes(building: str) -> None:
        columns = [c.name for c in engine.columns(building)]
        if [c.name for c in engine.columns(job.target)] != columns:
            counts["reshaped"] = 1  # rows cannot be compared: the history starts over once published
            return
        keys = list(job.row_key)
        duplicates = engine.scalar(
            f"SELECT COUNT(*) - COUNT(DISTINCT {', '.join(keys)}) FROM {building}"
            if len(keys) == 1
            else f"SELECT COUNT(*) FROM (SELECT 1 FROM {building} GROUP BY {', '.join(keys)} "
            "HAVING COUNT(*) > 1)"
        )
        if duplicates:
            raise ModelError(
                f"its row key ({', '.join(keys)}) is not unique in the new build, so changes cannot be tracked",
                where=f"model {job.model}",
                hint="fix the model or the key columns of its contract",
            )
        log.prepare()
        run_dependent = {c.name for c in job.contract.columns if c.run_dependent} if job.contract else set()
        compared = [c for c in columns if c not in run_dependent]
        pairs = engine.create_scratch_table(
            job.schema, job.model, changed_pairs_sql(job.target, building, keys, compared, columns)
        )
        job.scratch.append(pairs)
        old_images = ", ".join(f"{OLD_PREFIX}{c} AS {c}" for c in columns)
        counts["removed"] = affected_rows(
            engine.execute(log.append_sql(-1, f"SELECT {old_images} FROM {pairs} WHERE {HAD}", columns))
        )
        counts["added"] = affected_rows(
            engine.execute(
                log.append_sql(1, f"SELECT {column_list(columns)} FROM {pairs} WHERE {HAS}", columns)
            )
        )
        if not counts["removed"] and not counts["added"]:
            raise Unchanged

    job.before_publish.append(record_changes)
    try:
        build_table(job)
    except Unchanged:
        rows = engine.row_count(job.target)
        return BuildOutcome(
            rows=rows, inserted=0, updated=0, deleted=0, changed=False, message="no row changed"
        )
    rows = engine.row_count(job.target)
    if counts.get("reshaped"):
        log.reset()
        return BuildOutcome(rows=rows, inserted=rows)
    return BuildOutcome(rows=rows, inserted=counts["added"], deleted=counts["removed"], changed=True)


OLD_PREFIX, HAD, HAS = "_OLD_", "_HAD", "_HAS"


def changed_pairs_sql(
    published: str, building: str, keys: list[str], compared: list[str], columns: list[str]
) -> str:
    """One row per key that is new, gone or whose ``compared`` values differ between the published
    table (``_OLD_<column>``, ``_HAD``) and the new build (``<column>``, ``_HAS``): both directions of
    the change set from one FULL OUTER JOIN, where a LEFT JOIN each way read both tables twice."""
    on = " AND ".join(f"o.{k} = n.{k}" for k in keys)
    values = [c for c in compared if c not in keys]
    differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in values) or "FALSE"
    old = ", ".join(f"o.{c} AS {OLD_PREFIX}{c}" for c in columns)
    new = ", ".join(f"n.{c} AS {c}" for c in columns)
    first = keys[0]
    return (
        f"SELECT {old}, {new}, o.{first} IS NOT NULL AS {HAD}, n.{first} IS NOT NULL AS {HAS} "
        f"FROM {published} o FULL OUTER JOIN {building} n ON {on} "
        f"WHERE o.{first} IS NULL OR n.{first} IS NULL OR ({differs})"
    )
