"""``snapshot``: type-2 slowly changing dimension (history table) over a model's current rows.

Each key has one row per version with VALID_FROM / VALID_TO (NULL while current), IS_CURRENT and
IS_DELETED. Strategies: ``timestamp`` (a newer ``updated_at`` is a change) and ``check`` (any of
``check_cols`` differs). Hard deletes: ``ignore``; ``invalidate`` (close the current row);
``new_record`` (close it and add an IS_DELETED row; a key that comes back closes that row again).
Running twice on the same input adds nothing. ``--full-refresh`` never rebuilds a snapshot: its
history cannot be recomputed from the source.

With ``changes_of=("input",)`` (an input that keeps a change set, e.g. ``Table(track_changes=True)``),
a run compares only the keys that input added, changed or removed since the snapshot last ran: the
history of every other key already holds its current row. Whenever those changes cannot be read (the
model's code changed, the input was rebuilt in full, another input changed), every row is compared,
as without ``changes_of``.

A snapshot keeps a change set (see ``netflix_elt.changes``) when a model reads it or one of its checks
can run on changed rows (the snapshot invariants run on the versions of the keys a run touched): the
versions it closes (old and new images) and the versions it adds.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Literal

from pydantic import model_validator
from sqlglot import exp

from netflix_elt.changes import ChangeLog, FullRebuildNeeded, require_changes_of
from netflix_elt.contracts import ContractColumn
from netflix_elt.errors import ModelError, ProjectError
from netflix_elt.kinds import enforce
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind, affected_rows
from netflix_elt.sql import (
    column_list,
    column_ref,
    columns_ref,
    ident,
    key_matches,
    pairs_equal,
    pairs_not_distinct,
    render,
    table_ref,
    timestamp_literal,
)

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
    changes_of: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _strategy_columns(self) -> Snapshot:
        if self.strategy == "timestamp" and not self.updated_at:
            raise ValueError("strategy 'timestamp' needs updated_at")
        if self.strategy == "check" and not self.check_cols:
            raise ValueError("strategy 'check' needs check_cols")
        return self

    @property
    def records_run_time(self) -> bool:
        """True when VALID_FROM / VALID_TO can hold the run's time instead of a time from the data: always
        under ``check``, and for deleted and returning keys when hard deletes are tracked."""
        return self.strategy == "check" or self.hard_deletes != "ignore"

    def change_inputs(self, read_tables: set[str]) -> tuple[str, ...]:
        return tuple(n.upper() for n in self.changes_of)

    @property
    def keeps_changes(self) -> bool:
        return True

    def row_key(self) -> tuple[str, ...]:
        """One row per key and VALID_FROM, when VALID_FROM comes from the data (else none is known)."""
        if self.records_run_time:
            return ()
        return (*(k.upper() for k in self.unique_key), "VALID_FROM")

    def run_dependent_columns(self) -> tuple[str, ...]:
        """SNAPSHOT_RUN_AT always; VALID_FROM and VALID_TO too when they can hold the run's time."""
        if self.records_run_time:
            return ("VALID_FROM", "VALID_TO", "SNAPSHOT_RUN_AT")
        return ("SNAPSHOT_RUN_AT",)

    def contract_columns(self, declared: list[ContractColumn], owner: str) -> list[ContractColumn]:
        """The model's columns, then the snapshot's own (META_COLUMNS), which it adds itself.

        The row key and the run-dependent columns are the kind's (:meth:`row_key`,
        :meth:`run_dependent_columns`): ``unique_key`` + VALID_FROM, unless VALID_FROM can hold the
        run's time; so the declared columns may not mark a key of their own.
        """
        clash = [c.name for c in declared if c.name in META_COLUMNS]
        if clash:
            raise ProjectError(
                f"{', '.join(clash)} are the snapshot's own columns; the snapshot declares them itself",
                where=owner,
                hint="declare only the columns the model returns",
            )
        names = {c.name for c in declared}
        undeclared = [k.upper() for k in self.unique_key if k.upper() not in names]
        keyed = [c.name for c in declared if c.key]
        if undeclared or keyed:
            raise ProjectError(
                f"unique_key column(s) {', '.join(undeclared)} not declared"
                if undeclared
                else f"key=True on {', '.join(keyed)}: a snapshot's row key is its unique_key + VALID_FROM",
                where=owner,
                hint="declare every unique_key column, and no key=True (the snapshot sets its key itself)",
            )
        key, run = set(self.row_key()), set(self.run_dependent_columns())
        meta = [
            ContractColumn("VALID_FROM", "TIMESTAMP_NTZ", nullable=False),
            ContractColumn("VALID_TO", "TIMESTAMP_NTZ"),
            ContractColumn("IS_CURRENT", "BOOLEAN", nullable=False),
            ContractColumn("IS_DELETED", "BOOLEAN", nullable=False),
            ContractColumn("SNAPSHOT_RUN_AT", "TIMESTAMP_NTZ", nullable=False),
        ]
        return [
            dataclasses.replace(c, key=c.name in key, run_dependent=c.run_dependent or c.name in run)
            for c in [*declared, *meta]
        ]

    def build(self, job: BuildJob) -> BuildOutcome:
        engine, log = job.engine, job.change_log
        run_at = timestamp_literal(job.run_started_at)
        select = job.select_sql(job.full_context())
        if job.target_type() != "TABLE":  # none yet, or a view with no history
            self._check_keys(job, f"({select})")
            job.replace_target(self.initial_sql(select, run_at))
            if log is not None:
                log.reset()
            rows = engine.row_count(job.target)
            return BuildOutcome(rows=rows, inserted=rows, updated=0, deleted=0)

        changed_keys = self._changed_keys_sql(job)
        if changed_keys is not None:
            select = self.rows_of_keys_sql(select, changed_keys)
        source = engine.create_scratch_table(job.schema, job.model, select)
        scratch = [source]
        try:
            self._check_keys(job, source)
            reshaped = False
            if job.contract:
                columns = self._check_contract(job, source)
            else:
                columns, reshaped = self._sync_columns(job, source)
            changes = engine.create_scratch_table(
                job.schema,
                job.model,
                self.changes_sql(job.target, source, run_at, keys_in_source=changed_keys is not None),
            )
            scratch.append(changes)
            deletions = None
            if self.hard_deletes != "ignore":
                deletions = engine.create_scratch_table(
                    job.schema, job.model, self.deletions_sql(job.target, source, changed_keys)
                )
                scratch.append(deletions)
            # (versions to close: keys in a scratch table, alias, VALID_TO), (versions to add: rows, meta)
            closing: list[tuple[str, str, exp.Expr]] = [(changes, "c", column_ref("NEW_VALID_FROM", "c"))]
            adding = [(changes, ["NEW_VALID_FROM", "NULL", "TRUE", "FALSE", run_at])]
            if deletions:
                closing.append((deletions, "d", _timestamp(run_at)))
                if self.hard_deletes == "new_record":
                    adding.append((deletions, [run_at, "NULL", "TRUE", "TRUE", run_at]))
            if log is not None:
                log.prepare(reshaped)
            with engine.transaction():
                if log is not None:
                    self._log_changes(job, log, closing, adding, columns)
                closed = [
                    affected_rows(engine.execute(self._close(job.target, keys, alias, valid_to)))
                    for keys, alias, valid_to in closing
                ]
                inserted = sum(
                    affected_rows(engine.execute(self._insert(job.target, rows, columns, meta)))
                    for rows, meta in adding
                )
            return BuildOutcome(
                rows=engine.row_count(job.target),
                inserted=inserted,
                updated=sum(closed),
                deleted=sum(closed[1:]),  # the closing of deleted keys, if any
            )
        finally:
            for table in scratch:
                engine.drop_scratch_table(table)

    def _log_changes(
        self,
        job: BuildJob,
        log: ChangeLog,
        closing: list[tuple[str, str, exp.Expr]],
        adding: list[tuple[str, list[str]]],
        columns: list[str],
    ) -> None:
        """Record the change set before the writes: each version about to be closed (old image, then
        new image) and each version about to be added."""
        every = [c.name for c in job.engine.columns(job.target)]
        for source, alias, valid_to in closing:
            for sign, image in ((-1, None), (1, valid_to)):
                if not log.records(sign):
                    continue
                closing_sql = self.closing_sql(job.target, source, alias, every, image)
                job.engine.execute(log.append_sql(sign, closing_sql, every))
        for source, meta in adding:
            job.engine.execute(
                log.append_sql(1, self.version_rows_sql(source, columns, meta), [*columns, *META_COLUMNS])
            )

    def _changed_keys_sql(self, job: BuildJob) -> str | None:
        """The keys ``changes_of`` inputs added, changed or removed since the last run (None: compare
        every row, with the reason in the node's notes)."""
        if not self.changes_of or job.full_refresh:
            return None
        try:
            reader = require_changes_of(job, self.changes_of)
        except FullRebuildNeeded as exc:
            job.notes.append(f"compared every row: {exc.reason}")
            return None
        keys = column_list(self.unique_key)
        parts = []
        for name in self.changes_of:
            missing = [k.upper() for k in self.unique_key if k.upper() not in reader.columns(name)]
            if missing:
                raise ModelError(
                    f"changes_of input {name.upper()} has no column {', '.join(missing)} of the unique_key",
                    where=f"model {job.model}",
                    hint="read the changes of an input that has the snapshot's key columns",
                )
            parts += [
                f"SELECT {keys} FROM ({reader.inserted_sql(name)})",
                f"SELECT {keys} FROM ({reader.deleted_sql(name)})",
            ]
        return " UNION ".join(parts)

    # -- checks and schema --------------------------------------------------------------------
    def _check_keys(self, job: BuildJob, source: str) -> None:
        # Text, not a sqlglot tree: on a first build ``source`` is the model's own query, "(SELECT ...)",
        # which must reach the warehouse as written.
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

    def _check_contract(self, job: BuildJob, source: str) -> list[str]:
        """The history and the model's rows both match the contract; return its data columns."""
        assert job.contract is not None
        enforce.check_table(
            job,
            job.contract,
            job.target,
            "the existing history table",
            hint="a snapshot's history cannot be rebuilt from its input: change the contract back, "
            "or drop the table to start a new history under it",
        )
        data = job.contract.without(META_COLUMNS)
        enforce.check_rows(job, data, source)
        return list(data.names)

    def _sync_columns(self, job: BuildJob, source: str) -> tuple[list[str], bool]:
        """Add columns the model gained; return the data columns both sides have, in target order, and
        whether the target gained any."""
        target_columns = [c.name for c in job.engine.columns(job.target) if c.name not in META_COLUMNS]
        source_columns = job.engine.columns(source)
        added = False
        for column in source_columns:
            if column.name not in target_columns:
                job.engine.execute(f"ALTER TABLE {job.target} ADD COLUMN {column.name} {column.type}")
                target_columns.append(column.name)
                added = True
        present = {c.name for c in source_columns}
        return [c for c in target_columns if c in present], added

    # -- SQL (Snowflake) ----------------------------------------------------------------------
    @property
    def keys(self) -> list[str]:
        return [ident(k) for k in self.unique_key]

    def initial_sql(self, select: str, run_at: str) -> str:
        # Text, not a sqlglot tree: ``select`` is the model's own query, which must reach the warehouse
        # as written.
        valid_from = f"s.{ident(self.updated_at or '')}" if self.strategy == "timestamp" else run_at
        return (
            f"SELECT s.*, {valid_from} AS VALID_FROM, CAST(NULL AS TIMESTAMP_NTZ) AS VALID_TO, "
            f"TRUE AS IS_CURRENT, FALSE AS IS_DELETED, {run_at} AS SNAPSHOT_RUN_AT FROM ({select}) s"
        )

    def rows_of_keys_sql(self, select: str, keys_sql: str) -> str:
        """The rows of the model's query ``select`` whose key is among the rows of ``keys_sql``."""
        # Text: ``select`` is the model's own query, which must reach the warehouse as written.
        match = render(pairs_not_distinct(self.keys, "s", "k"))
        return f"SELECT s.* FROM ({select}) s WHERE EXISTS (SELECT 1 FROM ({keys_sql}) k WHERE {match})"

    def changes_sql(self, target: str, source: str, run_at: str, keys_in_source: bool = False) -> str:
        """Source rows that start a new version: new keys, returning keys and changed values.

        ``keys_in_source``: the source holds only some keys, so only their history is ranked."""
        first_key = column_ref(self.keys[0], "l")
        run_time = _timestamp(run_at)
        if self.strategy == "timestamp":
            updated = ident(self.updated_at or "")
            changed: exp.Expr = column_ref(updated, "s") > column_ref(updated, "l")
            new_from: exp.Expr = column_ref(updated, "s")
            changed_from: exp.Expr = exp.Greatest(
                this=column_ref(updated, "s"), expressions=[column_ref("VALID_FROM", "l")]
            )
        else:
            changed = exp.or_(
                *(
                    exp.NullSafeNEQ(this=column_ref(c, "s"), expression=column_ref(c, "l"))
                    for c in self.check_cols
                )
            )
            new_from = changed_from = run_time
        returning = (exp.not_(column_ref("IS_CURRENT", "l")), column_ref("IS_DELETED", "l"))
        newest = exp.Window(
            this=exp.RowNumber(),
            partition_by=columns_ref(self.keys),
            # a zero-length closed version may tie on VALID_FROM
            order=exp.Order(
                expressions=[
                    exp.Ordered(this=column_ref(c), desc=True, nulls_first=True)
                    for c in ("VALID_FROM", "IS_CURRENT")
                ]
            ),
        )
        last_version = exp.select("*").from_(table_ref(target, "v" if keys_in_source else None))
        if keys_in_source:
            in_source = exp.select("1").from_(table_ref(source, "w")).where(self._join("v", "w"))
            last_version = last_version.where(exp.Exists(this=in_source))
        last_version = last_version.qualify(newest.eq(1))
        valid_from = (
            exp.case()
            .when(first_key.is_(exp.null()), new_from)
            .when(exp.or_(*returning), run_time)
            .else_(changed_from)
        )
        return render(
            exp.select("s.*", valid_from.as_("NEW_VALID_FROM"))
            .with_("last_version", as_=last_version)
            .from_(table_ref(source, "s"))
            .join(exp.table_("last_version", alias="l"), on=self._join("s", "l"), join_type="left")
            .where(exp.or_(first_key.is_(exp.null()), *returning, exp.paren(changed)))
        )

    def deletions_sql(self, target: str, source: str, keys_sql: str | None = None) -> str:
        """Current, not-deleted versions whose key is gone from the source (with ``keys_sql``: among
        those keys, the source holding only their rows)."""
        conditions: list[exp.Expr] = [
            column_ref("IS_CURRENT", "t"),
            exp.not_(column_ref("IS_DELETED", "t")),
            column_ref(self.keys[0], "s").is_(exp.null()),
        ]
        if keys_sql is not None:
            keys = exp.select("1").from_(f"({keys_sql}) k", dialect="snowflake")
            conditions.append(exp.Exists(this=keys.where(pairs_not_distinct(self.keys, "t", "k"))))
        return render(
            exp.select("t.*")
            .from_(table_ref(target, "t"))
            .join(table_ref(source, "s"), on=self._join("t", "s"), join_type="left")
            .where(exp.and_(*conditions))
        )

    def closing_sql(
        self, target: str, source: str, alias: str, every: list[str], valid_to: exp.Expr | None
    ) -> str:
        """The current versions of the keys in ``source`` (what ``_close`` closes), with ``every`` column
        of the target: as they are (``valid_to`` None) or as closing leaves them."""
        closed = {} if valid_to is None else _closed(valid_to)
        projection = [closed[c].as_(c) if c in closed else column_ref(c, "t") for c in every]
        return render(
            exp.select(*projection)
            .from_(table_ref(target, "t"))
            .join(table_ref(source, alias), on=self._current_of(alias))
        )

    def version_rows_sql(self, source: str, columns: list[str], meta: list[str]) -> str:
        """The versions ``_insert`` adds from ``source``, as a SELECT with the target's column names."""
        values = _version_values(columns, meta)
        aliased = [value.as_(name) for value, name in zip(values, [*columns, *META_COLUMNS], strict=True)]
        return render(exp.select(*aliased).from_(table_ref(source)))

    def _join(self, left: str, right: str) -> exp.Expr:
        return pairs_equal(self.keys, left, right)

    def _current_of(self, alias: str) -> exp.Expr:
        """The current version (``t``) of each key in ``alias``."""
        return exp.and_(column_ref("IS_CURRENT", "t"), *key_matches(self.keys, "t", alias))

    def _close(self, target: str, source: str, alias: str, valid_to: exp.Expr) -> str:
        """Close the current version of every key in ``source``: VALID_TO = ``valid_to``."""
        statement = exp.update(
            table_ref(target, "t"),
            dict[str, object](_closed(valid_to)),
            where=self._current_of(alias),
            from_=exp.From(this=table_ref(source, alias)),
        )
        return render(statement)

    def _insert(self, target: str, source: str, columns: list[str], meta: list[str]) -> str:
        """The data columns and the snapshot's own (META_COLUMNS, valued by the expressions ``meta``)."""
        into = exp.Schema(this=table_ref(target), expressions=columns_ref([*columns, *META_COLUMNS]))
        select = exp.select(*_version_values(columns, meta)).from_(table_ref(source))
        return render(exp.Insert(this=into, expression=select))


def _closed(valid_to: exp.Expr) -> dict[str, exp.Expr]:
    """The columns closing a version sets."""
    return {"VALID_TO": valid_to, "IS_CURRENT": exp.false()}


def _version_values(columns: list[str], meta: list[str]) -> list[exp.Expr]:
    """A new version's values: the data ``columns``, then META_COLUMNS valued by the expressions ``meta``."""
    return [*columns_ref(columns), *(exp.maybe_parse(m, dialect="snowflake") for m in meta)]


def _timestamp(literal_sql: str) -> exp.Expr:
    """The run time, given as the TIMESTAMP_NTZ literal :func:`timestamp_literal` writes."""
    return exp.maybe_parse(literal_sql, dialect="snowflake")
