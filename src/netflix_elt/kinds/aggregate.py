"""``aggregate``: a GROUP BY kept up to date from the changes of its inputs (additive partials).

The model function returns the rows to aggregate (a row-by-row query: projections, filters and joins of
its inputs; no GROUP BY, DISTINCT, window or anti-join: the kind aggregates). The kind groups them by
``group_by`` into the declared measures::

    @model(Aggregate(group_by=("MOVIE_ID",), measures={
        "RATINGS_COUNT": count_of(),                            # COUNT(*): required, it says when a group is empty
        "RATING_SUM": sum_of("CAST(RATING AS NUMBER(3,1))"),    # exact: NUMBER, not FLOAT
        "FIRST_RATED_AT": min_of("RATED_AT"),
    }))
    def movie_rating_totals(fct_ratings: DataFrame) -> DataFrame:
        return fct_ratings.select("MOVIE_ID", "RATING", "RATED_AT")

A full build runs ``SELECT group_by, COUNT(*), COALESCE(SUM(x), 0), MIN(y) ... GROUP BY group_by``.
Declare the model's contract with exact types (``column("RATING_SUM", "NUMBER(38,1)")``): every sum is
then taken over values CAST to that type, so it is exact on every engine (the embedded engine would
otherwise add a non-CAST argument of SUM as a DOUBLE), and the table is built under the contract. An
incremental build calls the function on the changes of its inputs instead of the inputs (for two changed
inputs A and B: f(dA, B as it was) + f(A as it is, dB), each change split into the rows gained and the
rows lost), aggregates those signed rows into per-group deltas and merges them into the table: counts
and sums add up, a MIN/MAX takes the smaller/larger of the stored and the gained values, and a group
that lost a row holding its MIN/MAX (the stored extreme may be gone) is recomputed from the inputs.
Groups whose count reaches 0 are deleted. With exact types (NUMBER sums) the table equals a full build.

When the changes of an input cannot be read (an input that keeps no change set, a pruned history, a
schema change) the model is rebuilt in full.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlglot import exp

from netflix_elt.changes import FullRebuildNeeded
from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind, affected_rows
from netflix_elt.sql import (
    column_ref,
    columns_ref,
    ident,
    insert_rows_sql,
    pairs_not_distinct,
    render,
    table_ref,
)

SIGN = "_SIGN"


class Measure(BaseModel):
    """One aggregated column: ``count`` (of rows, or of non-null ``expression``), ``sum`` (NULL counts as
    0), ``min`` or ``max`` of a Snowflake SQL expression over the function's rows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    function: Literal["count", "sum", "min", "max"]
    expression: str | None = None

    @model_validator(mode="after")
    def _expression_needed(self) -> Measure:
        if self.function != "count" and not self.expression:
            raise ValueError(f"a {self.function} measure needs an expression")
        return self


def count_of(expression: str | None = None) -> Measure:
    """COUNT(*) without an expression, else the number of rows where it is not NULL."""
    return Measure(function="count", expression=expression)


def sum_of(expression: str) -> Measure:
    """SUM(expression), NULL counted as 0. Use exact types (NUMBER) so sums do not depend on order."""
    return Measure(function="sum", expression=expression)


def min_of(expression: str) -> Measure:
    return Measure(function="min", expression=expression)


def max_of(expression: str) -> Measure:
    return Measure(function="max", expression=expression)


class Aggregate(Kind):
    """Grouped measures maintained from the changes of the inputs (see the module docstring)."""

    name: ClassVar[str] = "aggregate"
    group_by: tuple[str, ...] = Field(min_length=1)
    measures: dict[str, Measure]

    @model_validator(mode="after")
    def _names(self) -> Aggregate:
        for name in (*self.group_by, *self.measures):
            ident(name)
        if not any(m.function == "count" and m.expression is None for m in self.measures.values()):
            raise ValueError("declare a count_of() measure (COUNT(*)): it tells when a group is empty")
        return self

    def replaced_keys(self) -> tuple[str, ...]:
        """One row per group, merged in place: a changed group's row is the only one of its key."""
        return self.group_by

    @property
    def keeps_changes(self) -> bool:
        return True

    def change_inputs(self, read_tables: set[str]) -> tuple[str, ...]:
        return tuple(sorted(read_tables))

    def row_key(self) -> tuple[str, ...]:
        return tuple(g.upper() for g in self.group_by)

    # -- building -----------------------------------------------------------------------------
    def build(self, job: BuildJob) -> BuildOutcome:
        if job.full_refresh or job.target_type() != "TABLE" or job.changes is None:
            return self._full(job)
        if job.code_changed:  # the stored groups were computed by other code
            job.notes.append("rebuilt in full: its code or configuration changed")
            return self._full(job)
        try:
            terms = self._terms(job)
        except FullRebuildNeeded as exc:
            job.notes.append(f"rebuilt in full: {exc.reason}")
            return self._full(job)
        described = job.engine.columns(job.target)
        columns = [c.name for c in described]
        if columns != [*self.keys, *self.measures] or (
            job.contract is not None and job.contract.differences(described, exact=True)
        ):
            job.notes.append("rebuilt in full: the table's columns differ from the declaration")
            return self._full(job)
        if job.change_log is not None:
            job.change_log.prepare()
        if not terms:
            outcome = BuildOutcome(inserted=0, updated=0, deleted=0, changed=False)
            with job.engine.transaction():
                job.commit_in_transaction(outcome)
            return outcome
        return self._merge(job, terms, columns)

    def _full(self, job: BuildJob) -> BuildOutcome:
        full = job.full_context()
        job.replace_target(self.full_sql(job.select_sql(full), self.measure_types(job)))
        if job.change_log is not None:
            job.change_log.reset()
        rows = job.engine.row_count(job.target)
        return BuildOutcome(rows=rows, inserted=rows)

    def _terms(self, job: BuildJob) -> list[tuple[int, str]]:
        """The signed SELECTs whose rows are the change of the function's output (see module docstring)."""
        reader = job.changes
        assert reader is not None
        changed = [name for name in job.inputs if reader.changed(name)]
        terms: list[tuple[int, str]] = []
        for position, name in enumerate(changed):
            later = changed[position + 1 :]
            reader.require(name)
            previous = {other: reader.frame(reader.previous_sql(other)) for other in later}
            parts = [(1, reader.inserted_sql(name))]
            if name not in reader.sources:  # a source only grows
                parts.append((-1, reader.deleted_sql(name)))
            for sign, rows in parts:
                overrides = {name: reader.frame(rows), **previous}
                context = job.context_for(is_incremental=True, overrides=overrides)
                terms.append((sign, job.select_sql(context)))
        return terms

    def _merge(self, job: BuildJob, terms: list[tuple[int, str]], columns: list[str]) -> BuildOutcome:
        engine, log = job.engine, job.change_log
        types = self.measure_types(job)
        delta = engine.create_scratch_table(job.schema, job.model, self.delta_sql(terms, types))
        job.scratch.append(delta)
        extremes = [n for n, m in self.measures.items() if m.function in ("min", "max")]
        redo = None
        if extremes:
            redo = engine.create_scratch_table(
                job.schema, job.model, self.recompute_keys_sql(job.target, delta)
            )
            job.scratch.append(redo)
        missing = engine.scalar(self.missing_groups_sql(job.target, delta))
        if missing:
            raise ModelError(
                f"{missing} group(s) lose rows they never had: the table is out of step with its inputs",
                where=f"model {job.model}",
                hint=f"rebuild it: netflix-elt build --full-refresh --select {job.model.lower()}",
            )
        # The new groups, chosen before the transaction (the UPDATE in it changes no group's key).
        fresh = engine.create_scratch_table(
            job.schema, job.model, self.new_groups_sql(job.target, delta, redo)
        )
        job.scratch.append(fresh)
        touched = render(
            exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("t")))
            .from_(table_ref(job.target, "t"))
            .where(self._exists(delta, "d", "t"))
        )
        with engine.transaction():
            if log is not None and log.records(-1):
                engine.execute(log.append_sql(-1, touched, columns))
            recomputed = 0
            if redo is not None:
                engine.execute(self.delete_matching_sql(job.target, redo))
            updated = affected_rows(engine.execute(self.update_sql(job.target, delta)))
            inserted = affected_rows(
                engine.execute(insert_rows_sql(job.target, fresh, [*self.keys, *map(ident, self.measures)]))
            )
            if redo is not None:
                regrouped = self.full_sql(job.select_sql(job.full_context()), types, only=redo)
                recomputed = affected_rows(engine.execute(f"INSERT INTO {job.target} {regrouped}"))
            deleted = affected_rows(engine.execute(self.delete_empty_sql(job.target, delta)))
            if log is not None:
                engine.execute(log.append_sql(1, touched, columns))
            outcome = BuildOutcome(
                inserted=inserted, updated=updated + recomputed, deleted=deleted, changed=True
            )
            job.commit_in_transaction(outcome)
        return BuildOutcome(
            rows=engine.row_count(job.target),
            inserted=inserted,
            updated=updated + recomputed,
            deleted=deleted,
            changed=True,
        )

    # -- SQL (Snowflake) ----------------------------------------------------------------------
    def measure_types(self, job: BuildJob) -> dict[str, str | None]:
        """The SQL type each measure's values are cast to before they are summed: the contract's type of
        its column (counts: NUMBER(38,0) without one); None leaves a sum's argument as written."""
        declared = {c.name: c.type for c in job.contract.columns} if job.contract is not None else {}
        types: dict[str, str | None] = {}
        for name, measure in self.measures.items():
            column = ident(name)
            default = "NUMBER(38,0)" if measure.function == "count" else None
            types[column] = declared.get(column, default)
        return types

    @staticmethod
    def _summed(types: dict[str, str | None], name: str, value: str) -> str:
        """``value`` as the argument of a SUM: CAST to the measure's type when it has one."""
        kind = types.get(ident(name))
        return f"CAST({value} AS {kind})" if kind else value

    @property
    def keys(self) -> list[str]:
        return [ident(k) for k in self.group_by]

    @property
    def rows_measure(self) -> str:
        return next(n for n, m in self.measures.items() if m.function == "count" and m.expression is None)

    def _match(self, left: str, right: str) -> exp.Expr:
        """``left.K IS NOT DISTINCT FROM right.K`` for every group key (a NULL group is a group)."""
        return pairs_not_distinct(self.keys, left, right)

    def _exists(self, table: str, alias: str, other: str) -> exp.Exists:
        """``EXISTS (SELECT 1 FROM table alias WHERE <alias matches other on the keys>)``."""
        return exp.Exists(
            this=exp.select("1").from_(table_ref(table, alias)).where(self._match(alias, other))
        )

    def full_sql(self, select: str, types: dict[str, str | None], only: str | None = None) -> str:
        """The aggregate over the function's rows (a full build), or over the rows of the groups listed
        in the table ``only`` (their recomputation)."""
        keys = ", ".join(self.keys)
        if only is not None:
            select = f"SELECT s.* FROM ({select}) s WHERE {render(self._exists(only, 'r', 's'))}"
        aggregates = []
        for name, measure in self.measures.items():
            expression = measure.expression
            if measure.function == "count":
                value = "COUNT(*)" if expression is None else f"COUNT({expression})"
            elif measure.function == "sum":
                value = f"COALESCE(SUM({self._summed(types, name, str(expression))}), 0)"
            else:
                value = f"{measure.function.upper()}({expression})"
            aggregates.append(f"{value} AS {ident(name)}")
        return f"SELECT {keys}, {', '.join(aggregates)} FROM ({select}) GROUP BY {keys}"

    def delta_sql(self, terms: list[tuple[int, str]], types: dict[str, str | None]) -> str:
        """Per group: the signed sum of each additive measure, and for MIN/MAX the extreme of the rows
        gained (``_ADD_x``) and of the rows lost (``_DEL_x``)."""
        keys = ", ".join(self.keys)
        signed = " UNION ALL ".join(f"SELECT {sign} AS {SIGN}, * FROM ({sql})" for sign, sql in terms)
        parts = []
        for name, measure in self.measures.items():
            expression, column = measure.expression, ident(name)
            if measure.function == "count":
                counted = SIGN if expression is None else f"IFF({expression} IS NULL, 0, {SIGN})"
                parts.append(f"COALESCE(SUM({self._summed(types, name, counted)}), 0) AS {column}")
            elif measure.function == "sum":
                weighted = self._summed(types, name, f"{SIGN} * {self._summed(types, name, str(expression))}")
                parts.append(f"COALESCE(SUM({weighted}), 0) AS {column}")
            else:
                extreme = measure.function.upper()
                parts.append(f"{extreme}(IFF({SIGN} > 0, {expression}, NULL)) AS _ADD_{column}")
                parts.append(f"{extreme}(IFF({SIGN} < 0, {expression}, NULL)) AS _DEL_{column}")
        return f"SELECT {keys}, {', '.join(parts)} FROM ({signed}) GROUP BY {keys}"

    def recompute_keys_sql(self, target: str, delta: str) -> str:
        """Groups that lost a value at or beyond their stored MIN/MAX while gaining none at least as far:
        the stored extreme may be gone, so it must be recomputed."""
        conditions = []
        for name, measure in self.measures.items():
            if measure.function in ("min", "max"):
                stored = column_ref(name, "t")
                lost, gained = column_ref(f"_DEL_{ident(name)}", "d"), column_ref(f"_ADD_{ident(name)}", "d")
                reaches: exp.Expr
                short: exp.Expr
                if measure.function == "min":
                    reaches, short = lost <= stored, gained > stored.copy()
                else:
                    reaches, short = lost >= stored, gained < stored.copy()
                not_gained = exp.or_(exp.Is(this=gained.copy(), expression=exp.Null()), short)
                conditions.append(exp.paren(exp.and_(reaches, exp.paren(not_gained))))
        select = (
            exp.select(*columns_ref(self.keys, "d"))
            .from_(table_ref(delta, "d"))
            .join(table_ref(target, "t"), on=self._match("t", "d"))
            .where(exp.or_(*conditions))
        )
        return render(select)

    def missing_groups_sql(self, target: str, delta: str) -> str:
        lost_rows = column_ref(self.rows_measure, "d") < 0
        select = (
            exp.select(exp.Count(this=exp.Star()))
            .from_(table_ref(delta, "d"))
            .where(exp.and_(lost_rows, exp.Not(this=self._exists(target, "t", "d"))))
        )
        return render(select)

    def update_sql(self, target: str, delta: str) -> str:
        sets = []
        for name, measure in self.measures.items():
            stored = column_ref(name, "t")
            if measure.function in ("count", "sum"):
                value: exp.Expr = exp.Add(this=stored, expression=column_ref(name, "d"))
            else:
                added = column_ref(f"_ADD_{ident(name)}", "d")
                pick = exp.Least if measure.function == "min" else exp.Greatest
                value = pick(
                    this=exp.Coalesce(this=stored, expressions=[added]),
                    expressions=[exp.Coalesce(this=added.copy(), expressions=[stored.copy()])],
                )
            sets.append(exp.EQ(this=column_ref(name), expression=value))
        statement = exp.Update(
            this=table_ref(target, "t"),
            expressions=sets,
            from_=exp.From(this=table_ref(delta, "d")),
            where=exp.Where(this=self._match("t", "d")),
        )
        return render(statement)

    def new_groups_sql(self, target: str, delta: str, redo: str | None) -> str:
        """The rows of the groups the table does not have yet (and that are not recomputed)."""
        values = [
            column_ref(name, "d")
            if m.function in ("count", "sum")
            else column_ref(f"_ADD_{ident(name)}", "d").as_(ident(name))
            for name, m in self.measures.items()
        ]
        # A LEFT JOIN, not NOT EXISTS: DuckDB builds a NOT EXISTS' hash table on the whole table
        # (0.25 s for 2.8M groups), a join's on the smaller side. A stored group's row count is never
        # NULL, so a NULL one marks a group the table does not have.
        conditions: list[exp.Expr] = [
            column_ref(self.rows_measure, "d") > 0,
            exp.Is(this=column_ref(self.rows_measure, "t"), expression=exp.Null()),
        ]
        if redo is not None:
            conditions.append(exp.Not(this=self._exists(redo, "r", "d")))
        select = (
            exp.select(*columns_ref(self.keys, "d"), *values)
            .from_(table_ref(delta, "d"))
            .join(table_ref(target, "t"), on=self._match("t", "d"), join_type="LEFT")
            .where(exp.and_(*conditions))
        )
        return render(select)

    def delete_matching_sql(self, target: str, groups: str) -> str:
        """DELETE the target's rows of the groups listed in ``groups`` (to be recomputed)."""
        statement = exp.delete(table_ref(target, "t"), where=self._match("t", "r"))
        statement.set("using", [table_ref(groups, "r")])
        return render(statement)

    def delete_empty_sql(self, target: str, delta: str) -> str:
        empty = exp.EQ(this=column_ref(self.rows_measure, "t"), expression=exp.Literal.number(0))
        statement = exp.delete(table_ref(target, "t"), where=exp.and_(self._match("t", "d"), empty))
        statement.set("using", [table_ref(delta, "d")])
        return render(statement)
