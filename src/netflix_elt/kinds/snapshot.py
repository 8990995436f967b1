"""``snapshot``: type-2 slowly changing dimension (history table) over a model's current rows.

Each key has one row per version with VALID_FROM / VALID_TO (NULL while current), IS_CURRENT and
IS_DELETED. Strategies: ``timestamp`` (a newer ``updated_at`` is a change) and ``check`` (any of
``check_cols`` differs). Hard deletes: ``ignore``; ``invalidate`` (close the current row);
``new_record`` (close it and add an IS_DELETED row; a key that comes back closes that row again).
Running twice on the same input adds nothing. ``--full-refresh`` never rebuilds a snapshot: its
history cannot be recomputed from the source.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import model_validator

from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.sql import column_list, ident, timestamp_literal

META_COLUMNS = ("VALID_FROM", "VALID_TO", "IS_CURRENT", "IS_DELETED", "SNAPSHOT_RUN_AT")


class Snapshot(Kind):
    """SCD2 history of the rows a model returns, keyed by ``unique_key``."""

    name: ClassVar[str] = "snapshot"
    default_layer: ClassVar[str] = "snapshots"
    unique_key: tuple[str, ...]
    strategy: Literal["timestamp", "check"] = "timestamp"
    updated_at: str | None = None
    check_cols: tuple[str, ...] = ()
    hard_deletes: Literal["ignore", "invalidate", "new_record"] = "ignore"

    @model_validator(mode="after")
    def _strategy_columns(self) -> Snapshot:
        if self.strategy == "timestamp" and not self.updated_at:
            raise ValueError("strategy 'timestamp' needs updated_at")
        if self.strategy == "check" and not self.check_cols:
            raise ValueError("strategy 'check' needs check_cols")
        return self

    def build(self, job: BuildJob) -> BuildOutcome:
        engine = job.engine
        run_at = timestamp_literal(job.run_started_at)
        select = job.select_sql(job.full_context())
        if job.engine.object_type(job.target) != "TABLE":  # none yet, or a view with no history
            self._check_keys(job, f"({select})")
            engine.replace_table(
                job.target, self.initial_sql(select, run_at), audit=job.audit_before_publish()
            )
            rows = engine.row_count(job.target)
            return BuildOutcome(rows=rows, inserted=rows, updated=0, deleted=0)

        source = engine.create_scratch_table(job.schema, job.model, select)
        scratch = [source]
        try:
            self._check_keys(job, source)
            columns = self._sync_columns(job, source)
            changes = engine.create_scratch_table(
                job.schema, job.model, self.changes_sql(job.target, source, run_at)
            )
            scratch.append(changes)
            deletions = None
            if self.hard_deletes != "ignore":
                deletions = engine.create_scratch_table(
                    job.schema, job.model, self.deletions_sql(job.target, source)
                )
                scratch.append(deletions)
            with engine.transaction():
                closed = _count(engine.execute(self.close_changed_sql(job.target, changes)))
                deleted = 0
                if deletions:
                    deleted = _count(engine.execute(self.close_deleted_sql(job.target, deletions, run_at)))
                inserted = _count(
                    engine.execute(self.insert_changes_sql(job.target, changes, columns, run_at))
                )
                if deletions and self.hard_deletes == "new_record":
                    inserted += _count(
                        engine.execute(self.insert_deleted_sql(job.target, deletions, columns, run_at))
                    )
            return BuildOutcome(
                rows=engine.row_count(job.target),
                inserted=inserted,
                updated=closed + deleted,
                deleted=deleted,
            )
        finally:
            for table in scratch:
                engine.drop_scratch_table(table)

    # -- checks and schema --------------------------------------------------------------------
    def _check_keys(self, job: BuildJob, source: str) -> None:
        keys = ", ".join(self.keys)
        nulls = " OR ".join(f"{k} IS NULL" for k in self.keys)
        bad = job.scalar(
            f"SELECT (SELECT COUNT(*) FROM (SELECT {keys} FROM {source} GROUP BY {keys} HAVING COUNT(*) > 1))"
            f" + (SELECT COUNT(*) FROM {source} WHERE {nulls})"
        )
        if bad:
            raise ModelError(
                f"{bad} key value(s) of ({keys}) are duplicated or NULL in the snapshot's input",
                where=f"model {job.model}",
                hint="a snapshot needs one row per unique_key; deduplicate in the model",
            )

    def _sync_columns(self, job: BuildJob, source: str) -> list[str]:
        """Add columns the model gained; return the data columns both sides have, in target order."""
        target_columns = [c.name for c in job.engine.columns(job.target) if c.name not in META_COLUMNS]
        source_columns = job.engine.columns(source)
        for column in source_columns:
            if column.name not in target_columns:
                job.engine.execute(f"ALTER TABLE {job.target} ADD COLUMN {column.name} {column.type}")
                target_columns.append(column.name)
        present = {c.name for c in source_columns}
        return [c for c in target_columns if c in present]

    # -- SQL (Snowflake) ----------------------------------------------------------------------
    @property
    def keys(self) -> list[str]:
        return [ident(k) for k in self.unique_key]

    def _join(self, left: str, right: str) -> str:
        return " AND ".join(f"{left}.{k} = {right}.{k}" for k in self.keys)

    def initial_sql(self, select: str, run_at: str) -> str:
        valid_from = f"s.{ident(self.updated_at)}" if self.strategy == "timestamp" else run_at
        return (
            f"SELECT s.*, {valid_from} AS VALID_FROM, CAST(NULL AS TIMESTAMP_NTZ) AS VALID_TO, "
            f"TRUE AS IS_CURRENT, FALSE AS IS_DELETED, {run_at} AS SNAPSHOT_RUN_AT FROM ({select}) s"
        )

    def changes_sql(self, target: str, source: str, run_at: str) -> str:
        """Source rows that start a new version: new keys, returning keys and changed values."""
        first_key = self.keys[0]
        if self.strategy == "timestamp":
            updated = ident(self.updated_at or "")
            changed = f"s.{updated} > l.{updated}"
            new_from = f"s.{updated}"
            changed_from = f"GREATEST(s.{updated}, l.VALID_FROM)"
        else:
            changed = " OR ".join(f"s.{ident(c)} IS DISTINCT FROM l.{ident(c)}" for c in self.check_cols)
            new_from = changed_from = run_at
        returning = "NOT l.IS_CURRENT OR l.IS_DELETED"
        return (
            f"WITH last_version AS (SELECT * FROM {target} "
            f"QUALIFY ROW_NUMBER() OVER (PARTITION BY {', '.join(self.keys)} "
            "ORDER BY VALID_FROM DESC, IS_CURRENT DESC) = 1) "  # a zero-length closed version may tie
            f"SELECT s.*, CASE WHEN l.{first_key} IS NULL THEN {new_from} "
            f"WHEN {returning} THEN {run_at} ELSE {changed_from} END AS NEW_VALID_FROM "
            f"FROM {source} s LEFT JOIN last_version l ON {self._join('s', 'l')} "
            f"WHERE l.{first_key} IS NULL OR {returning} OR ({changed})"
        )

    def deletions_sql(self, target: str, source: str) -> str:
        """Current, not-deleted versions whose key is gone from the source."""
        return (
            f"SELECT t.* FROM {target} t LEFT JOIN {source} s ON {self._join('t', 's')} "
            f"WHERE t.IS_CURRENT AND NOT t.IS_DELETED AND s.{self.keys[0]} IS NULL"
        )

    def close_changed_sql(self, target: str, changes: str) -> str:
        return (
            f"UPDATE {target} t SET VALID_TO = c.NEW_VALID_FROM, IS_CURRENT = FALSE "
            f"FROM {changes} c WHERE t.IS_CURRENT AND {self._join('t', 'c')}"
        )

    def close_deleted_sql(self, target: str, deletions: str, run_at: str) -> str:
        return (
            f"UPDATE {target} t SET VALID_TO = {run_at}, IS_CURRENT = FALSE "
            f"FROM {deletions} d WHERE t.IS_CURRENT AND {self._join('t', 'd')}"
        )

    def insert_changes_sql(self, target: str, changes: str, columns: list[str], run_at: str) -> str:
        return (
            f"INSERT INTO {target} ({column_list(columns)}, {', '.join(META_COLUMNS)}) "
            f"SELECT {column_list(columns)}, NEW_VALID_FROM, NULL, TRUE, FALSE, {run_at} FROM {changes}"
        )

    def insert_deleted_sql(self, target: str, deletions: str, columns: list[str], run_at: str) -> str:
        return (
            f"INSERT INTO {target} ({column_list(columns)}, {', '.join(META_COLUMNS)}) "
            f"SELECT {column_list(columns)}, {run_at}, NULL, TRUE, TRUE, {run_at} FROM {deletions}"
        )


def _count(rows: list) -> int:
    return int(rows[0][0]) if rows else 0
