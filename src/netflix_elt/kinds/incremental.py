"""``incremental``: build once, then merge, append or delete+insert only what the model returns.

The model sees ``ctx.is_incremental`` and ``ctx.high_water_mark`` (the target's maximum
``incremental_column`` minus ``lookback_hours``) and filters its input accordingly. The rows it
returns are staged into a scratch table, then applied with one Snowflake statement per step
(``MERGE INTO ... USING <scratch>``: Snowpark's ``Table.merge`` is not used, see engine notes).
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from netflix_elt.engine import Column
from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.kinds.table import build_table
from netflix_elt.sql import column_list, ident

Strategy = Literal["merge", "append", "delete+insert"]
OnSchemaChange = Literal["fail", "append_new_columns", "sync_all_columns", "full_refresh"]


class Incremental(Kind):
    """Incremental table.

    ``unique_key`` is required for ``merge`` and ``delete+insert``. ``on_schema_change`` decides what
    happens when the model's columns differ from the table's: ``fail``, ``append_new_columns`` (add
    them; old rows get NULL), ``sync_all_columns`` (add new, drop removed, widen changed types) or
    ``full_refresh`` (rebuild the table from scratch).
    """

    name: ClassVar[str] = "incremental"
    unique_key: tuple[str, ...] = ()
    strategy: Strategy = "merge"
    incremental_column: str | None = None
    lookback_hours: float = Field(default=0.0, ge=0)
    on_schema_change: OnSchemaChange = "fail"

    @model_validator(mode="after")
    def _key_for_strategy(self) -> Incremental:
        if self.strategy != "append" and not self.unique_key:
            raise ValueError(f"strategy '{self.strategy}' needs unique_key")
        return self

    def build(self, job: BuildJob) -> BuildOutcome:
        if job.full_refresh or job.engine.object_type(job.target) != "TABLE":  # none yet, or a view
            return build_table(job)
        context = job.context_for(is_incremental=True, high_water_mark=self._high_water_mark(job))
        scratch = job.engine.create_scratch_table(job.schema, job.model, job.select_sql(context))
        try:
            target_columns = job.engine.columns(job.target)
            source_columns = job.engine.columns(scratch)
            if not self._reconcile_schema(job, target_columns, source_columns):
                return build_table(job)
            return self._apply(job, scratch, [c.name for c in source_columns])
        finally:
            job.engine.drop_scratch_table(scratch)

    # -- steps --------------------------------------------------------------------------------
    def _high_water_mark(self, job: BuildJob) -> object:
        if not self.incremental_column:
            return None
        mark = job.scalar(f"SELECT MAX({ident(self.incremental_column)}) FROM {job.target}")
        if mark is not None and self.lookback_hours:
            mark = mark - timedelta(hours=self.lookback_hours)
        return mark

    def _reconcile_schema(self, job: BuildJob, target: list[Column], source: list[Column]) -> bool:
        """Bring the target's columns in line with the model's; False means 'rebuild instead'."""
        target_types = {c.name: c.type for c in target}
        source_types = {c.name: c.type for c in source}
        added = [c for c in source if c.name not in target_types]
        removed = [c for c in target if c.name not in source_types]
        changed = [
            c
            for c in source
            if c.name in target_types and comparable_type(target_types[c.name]) != comparable_type(c.type)
        ]
        if not (added or removed or changed):
            return True
        summary = _describe_change(added, removed, changed, target_types)
        if self.on_schema_change == "fail":
            raise ModelError(
                f"columns changed: {summary}",
                where=f"model {job.model}",
                hint="set on_schema_change to append_new_columns, sync_all_columns or full_refresh, "
                "or run with --full-refresh",
            )
        if self.on_schema_change == "full_refresh":
            return False
        for column in added:
            job.engine.execute(f"ALTER TABLE {job.target} ADD COLUMN {column.name} {column.type}")
        if self.on_schema_change == "sync_all_columns":
            for column in removed:
                job.engine.execute(f"ALTER TABLE {job.target} DROP COLUMN {column.name}")
            for column in changed:
                job.engine.execute(
                    f"ALTER TABLE {job.target} ALTER COLUMN {column.name} SET DATA TYPE {column.type}"
                )
        return True

    def _apply(self, job: BuildJob, scratch: str, columns: list[str]) -> BuildOutcome:
        engine = job.engine
        if self.strategy == "append":
            inserted = _count(engine.execute(insert_sql(job.target, scratch, columns)))
            return BuildOutcome(rows=engine.row_count(job.target), inserted=inserted, updated=0, deleted=0)
        keys = [ident(k) for k in self.unique_key]
        duplicates = engine.scalar(duplicate_keys_sql(scratch, keys))
        if duplicates:
            raise ModelError(
                f"{duplicates} unique_key value(s) ({', '.join(keys)}) appear more than once in the rows to merge",
                where=f"model {job.model}",
                hint="deduplicate in the model (e.g. QUALIFY ROW_NUMBER() ... = 1)",
            )
        if self.strategy == "merge":
            rows = engine.execute(merge_sql(job.target, scratch, keys, columns))
            inserted, updated = _merge_counts(rows)
            return BuildOutcome(
                rows=engine.row_count(job.target), inserted=inserted, updated=updated, deleted=0
            )
        with engine.transaction():
            deleted = _count(engine.execute(delete_matching_sql(job.target, scratch, keys)))
            inserted = _count(engine.execute(insert_sql(job.target, scratch, columns)))
        return BuildOutcome(rows=engine.row_count(job.target), inserted=inserted, updated=0, deleted=deleted)


# -- SQL (Snowflake) ----------------------------------------------------------------------------
def merge_sql(target: str, source: str, keys: list[str], columns: list[str]) -> str:
    """MERGE that updates a matched row only when a value differs, so re-runs change nothing."""
    on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    values = [c for c in columns if c not in keys]
    changed = " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in values)
    updates = ", ".join(f"{c} = s.{c}" for c in values)
    matched = f"WHEN MATCHED AND ({changed}) THEN UPDATE SET {updates} " if values else ""
    return (
        f"MERGE INTO {target} t USING {source} s ON {on} "
        f"{matched}"
        f"WHEN NOT MATCHED THEN INSERT ({column_list(columns)}) VALUES ({column_list(columns, 's.')})"
    )


def insert_sql(target: str, source: str, columns: list[str]) -> str:
    names = column_list(columns)
    return f"INSERT INTO {target} ({names}) SELECT {names} FROM {source}"


def delete_matching_sql(target: str, source: str, keys: list[str]) -> str:
    on = " AND ".join(f"{target}.{k} = s.{k}" for k in keys)
    return f"DELETE FROM {target} USING {source} s WHERE {on}"


def duplicate_keys_sql(source: str, keys: list[str]) -> str:
    names = ", ".join(keys)
    return f"SELECT COUNT(*) FROM (SELECT {names} FROM {source} GROUP BY {names} HAVING COUNT(*) > 1)"


def comparable_type(type_text: str) -> str:
    """A type without the length of character types: VARCHAR(3) and VARCHAR(16777216) are one type."""
    upper = type_text.upper()
    if upper.startswith(("VARCHAR", "TEXT", "STRING", "CHAR")):
        return "VARCHAR"
    return upper


def _count(rows: list) -> int:
    return int(rows[0][0]) if rows else 0


def _merge_counts(rows: list) -> tuple[int, int]:
    row = rows[0].as_dict() if rows else {}
    return int(row.get("number of rows inserted", 0)), int(row.get("number of rows updated", 0))


def _describe_change(
    added: list[Column], removed: list[Column], changed: list[Column], target_types: dict[str, str]
) -> str:
    parts = [f"+{c.name} {c.type}" for c in added]
    parts += [f"-{c.name}" for c in removed]
    parts += [f"{c.name} {target_types[c.name]} -> {c.type}" for c in changed]
    return ", ".join(parts)
