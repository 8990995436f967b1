"""``incremental``: build once, then merge, append or delete+insert only what the model returns.

The model sees ``ctx.is_incremental`` and ``ctx.high_water_mark`` (the target's maximum
``incremental_column`` minus ``lookback_hours``) and filters its input accordingly; or, with
``changes_of``, reads the rows its inputs changed since it last consumed them (``ctx.inserted`` /
``ctx.deleted``, see :mod:`netflix_elt.changes`). The rows it returns are staged into a scratch table,
compared with the target on ``unique_key`` (only rows that are new or differ are kept), and applied
in one transaction: the changed rows are recorded as the model's own change set (old images -1, new
images +1), existing keys are updated (``UPDATE ... FROM``; on an engine where that costs more, and the
model returns every column, their rows are deleted and inserted again), new keys inserted, and the
node's new data version written. Snowpark's ``Table.merge`` is not used (see engine notes), nor is
``MERGE``: the embedded engine runs a MERGE as a full outer join over the whole target.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import ClassVar, Literal

from pydantic import Field, model_validator
from sqlglot import exp

from netflix_elt.changes import FullRebuildNeeded, require_changes_of
from netflix_elt.engine import Column
from netflix_elt.errors import ModelError
from netflix_elt.kinds import enforce
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind, affected_rows
from netflix_elt.kinds.table import build_table
from netflix_elt.sql import (
    column_ref,
    columns_ref,
    ident,
    insert_rows_sql,
    key_matches,
    pairs_equal,
    parse_snowflake,
    render,
    table_ref,
)

Strategy = Literal["merge", "append", "delete+insert"]
OnSchemaChange = Literal["fail", "append_new_columns", "sync_all_columns", "full_refresh"]


class Incremental(Kind):
    """Incremental table.

    ``unique_key`` is required for ``merge`` and ``delete+insert``. ``on_schema_change`` decides what
    happens when the model's columns differ from the table's: ``fail``, ``append_new_columns`` (add
    them; old rows get NULL), ``sync_all_columns`` (add new, drop removed, widen changed types) or
    ``full_refresh`` (rebuild the table from scratch). Under a contract, the rows to merge must match
    it and so must the existing table: a difference there fails the model (``full_refresh`` rebuilds).
    """

    name: ClassVar[str] = "incremental"
    unique_key: tuple[str, ...] = ()
    strategy: Strategy = "merge"
    incremental_column: str | None = None
    lookback_hours: float = Field(default=0.0, ge=0)
    on_schema_change: OnSchemaChange = "fail"
    # Inputs whose changes an incremental build reads (ctx.inserted / ctx.deleted). When another
    # input changed since the last build, or a change set cannot be read, the model is rebuilt in full.
    changes_of: tuple[str, ...] = ()
    # merge only: a Snowflake SQL condition on ``source.<column>`` (the model's row) and
    # ``target.<column>`` (the table's row of the same key); a key already in the table is updated
    # only where it holds (MERGE's ``WHEN MATCHED AND ...``, SQLMesh's ``when_matched``). New keys
    # are always inserted.
    update_if: str | None = None

    @model_validator(mode="after")
    def _key_for_strategy(self) -> Incremental:
        if self.strategy != "append" and not self.unique_key:
            raise ValueError(f"strategy '{self.strategy}' needs unique_key")
        if self.update_if is not None:
            if self.strategy != "merge":
                raise ValueError(f"update_if applies to strategy 'merge', not '{self.strategy}'")
            update_condition(self.update_if)  # raises ValueError, naming what is wrong
        return self

    def replaced_keys(self) -> tuple[str, ...]:
        """Merge replaces the row of a changed key, delete+insert every row of it; append keeps them."""
        return self.row_key()

    def row_key(self) -> tuple[str, ...]:
        """``unique_key`` identifies a row under merge and delete+insert; appended rows may repeat it."""
        return tuple(k.upper() for k in self.unique_key) if self.strategy != "append" else ()

    @property
    def keeps_changes(self) -> bool:
        return True

    def change_inputs(self, read_tables: set[str]) -> tuple[str, ...]:
        return tuple(n.upper() for n in self.changes_of)

    def build(self, job: BuildJob) -> BuildOutcome:
        if job.full_refresh or job.target_type() != "TABLE":  # none yet, or a view
            return self._full(job)
        try:
            if self.changes_of:
                require_changes_of(job, self.changes_of)
        except FullRebuildNeeded as exc:
            job.notes.append(f"rebuilt in full: {exc.reason}")
            return self._full(job)
        context = job.context_for(is_incremental=True, high_water_mark=self._high_water_mark(job))
        scratch = job.engine.create_scratch_table(job.schema, job.model, job.select_sql(context))
        try:
            if job.contract is not None:
                if not self._target_meets_contract(job):
                    return self._full(job)
                enforce.check_rows(job, job.contract, scratch)
                names = list(job.contract.names)
                if job.change_log is not None:
                    job.change_log.prepare()
                return self._apply(job, scratch, names, names)
            target_columns = job.engine.columns(job.target)
            source_columns = job.engine.columns(scratch)
            reshaped = self._reconcile_schema(job, target_columns, source_columns)
            if reshaped is None:
                return self._full(job)
            columns = [c.name for c in target_columns]
            if job.change_log is not None:
                if reshaped:
                    columns = [c.name for c in job.engine.columns(job.target)]
                job.change_log.prepare(reshaped)
            return self._apply(job, scratch, [c.name for c in source_columns], columns)
        finally:
            job.engine.drop_scratch_table(scratch)

    def _full(self, job: BuildJob) -> BuildOutcome:
        """Build the whole table; the change history starts over (consumers rebuild in full once)."""
        outcome = build_table(job)
        if job.change_log is not None:
            job.change_log.reset()
        return outcome

    # -- steps --------------------------------------------------------------------------------
    def _high_water_mark(self, job: BuildJob) -> object:
        if not self.incremental_column:
            return None
        mark = job.scalar(f"SELECT MAX({ident(self.incremental_column)}) FROM {job.target}")
        if mark is not None and self.lookback_hours:
            mark = mark - timedelta(hours=self.lookback_hours)
        return mark

    def _target_meets_contract(self, job: BuildJob) -> bool:
        """The existing table has the contract's columns exactly; False means 'rebuild instead'
        (on_schema_change = full_refresh). A contracted model's columns change with its contract, so
        the other settings cannot apply: the difference fails the model until a full refresh."""
        assert job.contract is not None
        problems = job.contract.differences(job.engine.columns(job.target), exact=True)
        if problems and self.on_schema_change == "full_refresh":
            return False
        enforce.raise_differences(
            job,
            "the existing table",
            problems,
            hint="run with --full-refresh to rebuild it under the contract (or set on_schema_change="
            "'full_refresh'); nothing was merged",
        )
        return True

    def _reconcile_schema(self, job: BuildJob, target: list[Column], source: list[Column]) -> bool | None:
        """Bring the target's columns in line with the model's: None means 'rebuild instead', True that
        its columns changed, False that they were already the model's."""
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
            return False
        summary = _describe_change(added, removed, changed, target_types)
        if self.on_schema_change == "fail":
            raise ModelError(
                f"columns changed: {summary}",
                where=f"model {job.model}",
                hint="set on_schema_change to append_new_columns, sync_all_columns or full_refresh, "
                "or run with --full-refresh",
            )
        if self.on_schema_change == "full_refresh":
            return None
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

    def _apply(
        self, job: BuildJob, scratch: str, columns: list[str], target_columns: list[str]
    ) -> BuildOutcome:
        """Apply the staged rows in one transaction, recording the change set and the new version."""
        engine, log = job.engine, job.change_log
        if self.strategy == "append":
            with engine.transaction():
                if log is not None:
                    new_images = _projection(target_columns, columns)
                    engine.execute(log.append_sql(1, f"SELECT {new_images} FROM {scratch}", target_columns))
                inserted = affected_rows(engine.execute(insert_rows_sql(job.target, scratch, columns)))
                outcome = BuildOutcome(inserted=inserted, updated=0, deleted=0, changed=inserted > 0)
                job.commit_in_transaction(outcome)
            return _with_rows(outcome, engine.row_count(job.target))
        keys = [ident(k) for k in self.unique_key]
        duplicates = engine.scalar(duplicate_keys_sql(scratch, keys))
        if duplicates:
            raise ModelError(
                f"{duplicates} unique_key value(s) ({', '.join(keys)}) appear more than once in the rows to merge",
                where=f"model {job.model}",
                hint="deduplicate in the model (e.g. QUALIFY ROW_NUMBER() ... = 1)",
            )
        if self.strategy == "merge":
            return self._merge(job, scratch, keys, columns, target_columns)
        return self._delete_insert(job, scratch, keys, columns, target_columns)

    def _merge(
        self, job: BuildJob, scratch: str, keys: list[str], columns: list[str], target_columns: list[str]
    ) -> BuildOutcome:
        """Only rows that are new or differ are applied: a re-run changes nothing."""
        engine, log = job.engine, job.change_log
        condition = update_condition(self.update_if) if self.update_if else None
        diff = engine.create_scratch_table(
            job.schema, job.model, diff_sql(job.target, scratch, keys, columns, condition)
        )
        try:
            with engine.transaction():
                if log is not None and log.records(-1):
                    old_images = _projection(target_columns, columns, OLD_PREFIX)
                    engine.execute(
                        log.append_sql(-1, f"SELECT {old_images} FROM {diff} WHERE {MATCHED}", target_columns)
                    )
                if log is not None:
                    new_images = _projection(target_columns, columns)
                    engine.execute(log.append_sql(1, f"SELECT {new_images} FROM {diff}", target_columns))
                if engine.replaces_rows_by_delete_insert and set(columns) == set(target_columns):
                    # every column is replaced: the changed keys' rows go, and come back with the new keys'
                    updated = affected_rows(engine.execute(delete_matched_sql(job.target, diff, keys)))
                    inserted = (
                        affected_rows(engine.execute(insert_rows_sql(job.target, diff, columns))) - updated
                    )
                else:
                    updated = 0
                    if len(columns) > len(keys):
                        updated = affected_rows(
                            engine.execute(update_from_sql(job.target, diff, keys, columns))
                        )
                    inserted = affected_rows(engine.execute(insert_new_sql(job.target, diff, columns)))
                outcome = BuildOutcome(
                    inserted=inserted, updated=updated, deleted=0, changed=inserted + updated > 0
                )
                job.commit_in_transaction(outcome)
        finally:
            engine.drop_scratch_table(diff)
        return _with_rows(outcome, engine.row_count(job.target))

    def _delete_insert(
        self, job: BuildJob, scratch: str, keys: list[str], columns: list[str], target_columns: list[str]
    ) -> BuildOutcome:
        """Delete every key the model returned and, with ``changes_of``, every row whose key columns
        match a row its inputs changed (on the key columns that input has: a change of a movie deletes
        all (movie, tag) rows of that movie); then insert the returned rows. The model must return every
        row of the keys its inputs changed."""
        engine, log = job.engine, job.change_log
        deletions = []
        for key_columns, select in self._deletion_sets(job, scratch, keys):
            names = ", ".join(key_columns)
            table = engine.create_scratch_table(
                job.schema, job.model, f"SELECT DISTINCT {names} FROM ({select})"
            )
            job.scratch.append(table)
            deletions.append((key_columns, table))
        with engine.transaction():
            if log is not None and log.records(-1):
                touched = " OR ".join(
                    f"EXISTS (SELECT 1 FROM {table} k WHERE {_match('t', 'k', cols)})"
                    for cols, table in deletions
                )
                engine.execute(
                    log.append_sql(-1, f"SELECT t.* FROM {job.target} t WHERE {touched}", target_columns)
                )
            if log is not None:
                new_images = _projection(target_columns, columns)
                engine.execute(log.append_sql(1, f"SELECT {new_images} FROM {scratch}", target_columns))
            deleted = sum(
                affected_rows(engine.execute(delete_matching_sql(job.target, table, cols)))
                for cols, table in deletions
            )
            inserted = affected_rows(engine.execute(insert_rows_sql(job.target, scratch, columns)))
            outcome = BuildOutcome(
                inserted=inserted, updated=0, deleted=deleted, changed=inserted + deleted > 0
            )
            job.commit_in_transaction(outcome)
        return _with_rows(outcome, engine.row_count(job.target))

    def _deletion_sets(self, job: BuildJob, scratch: str, keys: list[str]) -> list[tuple[list[str], str]]:
        """(key columns, SELECT of their values to delete): the returned rows' keys, and per input of
        ``changes_of`` the key columns it has, from the rows it gained and lost."""
        sets: dict[tuple[str, ...], list[str]] = {tuple(keys): [f"SELECT {', '.join(keys)} FROM {scratch}"]}
        if self.changes_of and job.changes is not None:
            for name in self.changes_of:
                input_columns = {c.name for c in job.engine.columns(job.changes.targets[name.upper()])}
                shared = tuple(k for k in keys if k in input_columns)
                if shared:
                    names = ", ".join(shared)
                    sets.setdefault(shared, [])
                    sets[shared].append(f"SELECT {names} FROM ({job.changes.inserted_sql(name)})")
                    sets[shared].append(f"SELECT {names} FROM ({job.changes.deleted_sql(name)})")
        return [(list(cols), " UNION ALL ".join(parts)) for cols, parts in sets.items()]


# -- SQL (Snowflake) ----------------------------------------------------------------------------
OLD_PREFIX = "_OLD_"
MATCHED = "_MATCHED"


def update_condition(condition: str) -> exp.Expr:
    """``update_if`` as a tree over the aliases :func:`diff_sql` gives the rows (``source`` -> s,
    ``target`` -> t); ValueError unless it is one Snowflake expression whose columns all say which
    row they are from."""
    try:
        tree: exp.Expr = parse_snowflake(f"SELECT 1 WHERE {condition}").args["where"].this
    except Exception as exc:
        raise ValueError(f"update_if is not a Snowflake SQL condition: {str(exc).splitlines()[0]}") from None
    aliases = {"SOURCE": "s", "TARGET": "t"}
    for column in tree.find_all(exp.Column):
        if column.table.upper() not in aliases:
            raise ValueError(
                f"update_if: write {column.sql(dialect='snowflake')} as source.{column.name} (the model's "
                f"row) or target.{column.name} (the table's)"
            )
        column.set("table", exp.to_identifier(aliases[column.table.upper()]))
    return tree


def diff_sql(
    target: str, source: str, keys: list[str], columns: list[str], update_if: exp.Expr | None = None
) -> str:
    """The staged rows that are new (``_MATCHED`` false) or differ from the target row of their key
    (``_MATCHED`` true, and ``update_if`` holds for them), with that row's values as ``_OLD_<column>``."""
    values = [c for c in columns if c not in keys]
    first_key = column_ref(keys[0], "t")
    changed = (
        exp.or_(*(exp.NullSafeNEQ(this=column_ref(c, "t"), expression=column_ref(c, "s")) for c in values))
        if values
        else exp.false()
    )
    if update_if is not None:
        changed = exp.and_(exp.paren(changed), exp.paren(update_if.copy()))
    old = [exp.alias_(column_ref(c, "t"), f"{OLD_PREFIX}{c}") for c in columns]
    matched = exp.alias_(exp.Not(this=exp.Is(this=first_key, expression=exp.Null())), MATCHED)
    select = (
        exp.select(*columns_ref(columns, "s"), *old, matched)
        .from_(table_ref(source, "s"))
        .join(table_ref(target, "t"), on=pairs_equal(keys, "t", "s"), join_type="LEFT")
        .where(exp.or_(exp.Is(this=first_key.copy(), expression=exp.Null()), exp.paren(changed)))
    )
    return render(select)


def update_from_sql(target: str, diff: str, keys: list[str], columns: list[str]) -> str:
    """UPDATE the target rows of the changed keys from the diff (Snowflake's UPDATE ... FROM)."""
    values = [c for c in columns if c not in keys]
    statement = exp.Update(
        this=table_ref(target, "t"),
        expressions=[exp.EQ(this=column_ref(c), expression=column_ref(c, "d")) for c in values],
        from_=exp.From(this=table_ref(diff, "d")),
        where=exp.Where(this=exp.and_(column_ref(MATCHED, "d"), *key_matches(keys, "t", "d"))),
    )
    return render(statement)


def delete_matched_sql(target: str, diff: str, keys: list[str]) -> str:
    """DELETE the target rows of the diff's changed keys (``_MATCHED`` true), for an engine that
    replaces rows by DELETE + INSERT (``Engine.replaces_rows_by_delete_insert``): the diff's rows
    are all inserted next."""
    statement = exp.delete(
        table_ref(target, "t"), where=exp.and_(column_ref(MATCHED, "d"), *key_matches(keys, "t", "d"))
    )
    statement.set("using", [table_ref(diff, "d")])
    return render(statement)


def insert_new_sql(target: str, diff: str, columns: list[str]) -> str:
    """INSERT the diff's new keys (``_MATCHED`` false)."""
    select = exp.select(*columns_ref(columns)).from_(table_ref(diff)).where(exp.Not(this=column_ref(MATCHED)))
    into = exp.Schema(this=table_ref(target), expressions=columns_ref(columns))
    return render(exp.Insert(this=into, expression=select))


def _match(left: str, right: str, keys: list[str]) -> str:
    return " AND ".join(f"{left}.{k} = {right}.{k}" for k in keys)


def delete_matching_sql(target: str, source: str, keys: list[str]) -> str:
    statement = exp.delete(table_ref(target), where=pairs_equal(keys, target, "s"))
    statement.set("using", [table_ref(source, "s")])
    return render(statement)


def duplicate_keys_sql(source: str, keys: list[str]) -> str:
    duplicated = (
        exp.select(*columns_ref(keys))
        .from_(table_ref(source))
        .group_by(*columns_ref(keys))
        .having(exp.Count(this=exp.Star()) > 1)
    )
    return render(exp.select(exp.Count(this=exp.Star())).from_(duplicated.subquery()))


def comparable_type(type_text: str) -> str:
    """A type without the length of character types: VARCHAR(3) and VARCHAR(16777216) are one type."""
    upper = type_text.upper()
    if upper.startswith(("VARCHAR", "TEXT", "STRING", "CHAR")):
        return "VARCHAR"
    return upper


def _projection(target_columns: list[str], columns: list[str], prefix: str = "") -> str:
    """The target's columns from staged rows that may lack some (NULL, as the target gets them)."""
    return ", ".join(f"{prefix}{c} AS {c}" if c in columns else f"NULL AS {c}" for c in target_columns)


def _with_rows(outcome: BuildOutcome, rows: int) -> BuildOutcome:
    return replace(outcome, rows=rows)


def _describe_change(
    added: list[Column], removed: list[Column], changed: list[Column], target_types: dict[str, str]
) -> str:
    parts = [f"+{c.name} {c.type}" for c in added]
    parts += [f"-{c.name}" for c in removed]
    parts += [f"{c.name} {target_types[c.name]} -> {c.type}" for c in changed]
    return ", ".join(parts)
