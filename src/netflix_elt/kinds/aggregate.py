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

from netflix_elt.changes import FullRebuildNeeded
from netflix_elt.errors import ModelError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind, affected_rows
from netflix_elt.sql import ident

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
        touched = f"SELECT t.* FROM {job.target} t WHERE EXISTS (SELECT 1 FROM {delta} d WHERE {self._match('t', 'd')})"
        with engine.transaction():
            if log is not None:
                engine.execute(log.append_sql(-1, touched, columns))
            recomputed = 0
            if redo is not None:
                engine.execute(f"DELETE FROM {job.target} t USING {redo} r WHERE {self._match('t', 'r')}")
            updated = affected_rows(engine.execute(self.update_sql(job.target, delta)))
            inserted = affected_rows(engine.execute(self.insert_new_sql(job.target, delta, redo)))
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

    def _match(self, left: str, right: str) -> str:
        return " AND ".join(f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in self.keys)

    def full_sql(self, select: str, types: dict[str, str | None], only: str | None = None) -> str:
        """The aggregate over the function's rows (a full build), or over the rows of the groups listed
        in the table ``only`` (their recomputation)."""
        keys = ", ".join(self.keys)
        if only is not None:
            select = f"SELECT s.* FROM ({select}) s WHERE EXISTS (SELECT 1 FROM {only} r WHERE {self._match('s', 'r')})"
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
                column = ident(name)
                reaches, short = ("<=", ">") if measure.function == "min" else (">=", "<")
                lost, gained = f"d._DEL_{column}", f"d._ADD_{column}"
                conditions.append(
                    f"({lost} {reaches} t.{column} AND ({gained} IS NULL OR {gained} {short} t.{column}))"
                )
        keys = ", ".join(f"d.{k}" for k in self.keys)
        return (
            f"SELECT {keys} FROM {delta} d JOIN {target} t ON {self._match('t', 'd')} "
            f"WHERE {' OR '.join(conditions)}"
        )

    def missing_groups_sql(self, target: str, delta: str) -> str:
        rows = ident(self.rows_measure)
        return (
            f"SELECT COUNT(*) FROM {delta} d WHERE d.{rows} < 0 AND NOT EXISTS "
            f"(SELECT 1 FROM {target} t WHERE {self._match('t', 'd')})"
        )

    def update_sql(self, target: str, delta: str) -> str:
        sets = []
        for name, measure in self.measures.items():
            column = ident(name)
            if measure.function in ("count", "sum"):
                sets.append(f"{column} = t.{column} + d.{column}")
            else:
                pick = "LEAST" if measure.function == "min" else "GREATEST"
                added = f"d._ADD_{column}"
                sets.append(
                    f"{column} = {pick}(COALESCE(t.{column}, {added}), COALESCE({added}, t.{column}))"
                )
        return f"UPDATE {target} t SET {', '.join(sets)} FROM {delta} d WHERE {self._match('t', 'd')}"

    def insert_new_sql(self, target: str, delta: str, redo: str | None) -> str:
        """Groups the table does not have yet (and that are not recomputed)."""
        values = []
        for name, measure in self.measures.items():
            column = ident(name)
            values.append(f"d.{column}" if measure.function in ("count", "sum") else f"d._ADD_{column}")
        keys = [f"d.{k}" for k in self.keys]
        skip_redo = f" AND NOT EXISTS (SELECT 1 FROM {redo} r WHERE {self._match('r', 'd')})" if redo else ""
        return (
            f"INSERT INTO {target} ({', '.join([*self.keys, *(ident(n) for n in self.measures)])}) "
            f"SELECT {', '.join([*keys, *values])} FROM {delta} d WHERE d.{ident(self.rows_measure)} > 0 "
            f"AND NOT EXISTS (SELECT 1 FROM {target} t WHERE {self._match('t', 'd')}){skip_redo}"
        )

    def delete_empty_sql(self, target: str, delta: str) -> str:
        return (
            f"DELETE FROM {target} t USING {delta} d WHERE {self._match('t', 'd')} "
            f"AND t.{ident(self.rows_measure)} = 0"
        )
