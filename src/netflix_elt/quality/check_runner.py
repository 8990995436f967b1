"""The check runner the executor calls after each node: ``default_check_runner(project)``.

Routes for GX expectations (custom checks always run as SQL in the warehouse):

- ``pushdown`` (default on the local engine): the expectations that ``pushdown`` translates are
  computed by the warehouse in one shared scan (plus one GROUP BY per uniqueness expectation); any
  other expectation is validated by real GX on a pandas frame of just the columns it names. GX is
  imported only when such an expectation exists.
- ``gx-pandas``: every expectation through GX on the projected pandas frame (slower; for comparison).
- ``gx-warehouse`` (default on the ``snowflake`` profile): GX's Snowflake data source validates the
  table in the warehouse.

Every check is run on the full table, never a sample, or, after a build that changed some rows of a
table whose checks all passed before, on exactly those rows where that gives the same answer
(``quality.delta``). A check that reads another model (relationship,
reconciliation, singular) may read other models: the registry builds them before the checked model.
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

from netflix_elt.declare import ModelSpec
from netflix_elt.engine import Column
from netflix_elt.quality.custom import CUSTOM_CHECKS
from netflix_elt.quality.custom_sql import CheckScope, evaluate
from netflix_elt.quality.delta import describe, key_columns, key_rows_sql, scope_of
from netflix_elt.quality.errors import QualityError
from netflix_elt.quality.expectations import (
    DOMAIN_KWARGS,
    ExpectationCall,
    ExpectationCheck,
    check,
    flatten_checks,
)
from netflix_elt.quality.gx_route import GxValidator, make_expectation
from netflix_elt.quality.pushdown_route import PushdownRoute
from netflix_elt.quality.results import Outcome, result_dict
from netflix_elt.sql import fqn, split_fqn

if TYPE_CHECKING:
    import pandas as pd

    from netflix_elt.engine import Engine
    from netflix_elt.project import Project
    from netflix_elt.tracking import DeltaScope

ROUTES = ("pushdown", "gx-pandas", "gx-warehouse")
Evaluated = tuple[Outcome, str, float]  # outcome, route label, seconds


def default_check_runner(project: Project, route: str | None = None) -> QualityRunner:
    """The runner for ``project.use_check_runner``; cheap to create (opens nothing, imports no GX)."""
    return QualityRunner(project, route)


def declared_checks(spec: ModelSpec, where: str) -> list[tuple[str, Any]]:
    """The model's checks as (unique display name, check); bare ``gxe.X(...)`` calls get severity 'error'."""
    named: list[tuple[str, Any]] = []
    seen: dict[str, int] = {}
    for item in flatten_checks(spec.checks):
        if isinstance(item, ExpectationCall):
            item = ExpectationCheck(item, "error", None, spec.location)
        elif not isinstance(item, (ExpectationCheck, *CUSTOM_CHECKS)):
            try:
                item = check(item)
            except QualityError as exc:
                raise QualityError(exc.message, where=where, hint=exc.hint) from None
        name = item.display_name()
        seen[name] = seen.get(name, 0) + 1
        named.append((name if seen[name] == 1 else f"{name} #{seen[name]}", item))
    return named


class QualityRunner:
    """Runs a node's checks against its built table; one dict per check (see ``results.result_dict``)."""

    def __init__(self, project: Project, route: str | None = None) -> None:
        if route is not None and route not in ROUTES:
            raise QualityError(f"unknown check route '{route}'", hint=f"choose one of {', '.join(ROUTES)}")
        self.project = project
        self.requested_route = route
        self.gx = GxValidator()

    @property
    def route(self) -> str:
        if self.requested_route:
            return self.requested_route
        return "gx-warehouse" if self.project.profile.engine == "snowflake" else "pushdown"

    def __call__(self, spec: ModelSpec, target: str, delta: DeltaScope | None = None) -> list[dict[str, Any]]:
        """Every check of ``spec`` on ``target``; with ``delta``, the checks that are exact on changed
        rows run on them (or on the rows sharing their keys) instead, see :mod:`quality.delta`."""
        engine = self.project.engine
        where = f"model {spec.name} ({spec.location})"
        named = declared_checks(spec, where)
        for _, item in named:
            for reference in item.references():
                self.relation(reference, where)
        columns = delta.columns if delta is not None else self._columns_of(engine, target, spec, where)
        # GX's Snowflake route validates a table by its name, not a query of its changed rows
        by_name = self.route == "gx-warehouse"
        scopes = [
            "table" if by_name and isinstance(item, ExpectationCheck) else scope_of(item, delta)
            for _, item in named
        ]
        groups: dict[str, list[int]] = {}
        unique_key = getattr(spec.kind, "unique_key", ()) or ()
        for index, (_, item) in enumerate(named):
            relation = target
            keys = key_columns(item, unique_key) if scopes[index] == "keys" else []
            if scopes[index] == "keys" and not keys:
                scopes[index] = "table"  # a snapshot invariant with no key: it fails on the whole table
            if scopes[index] == "delta" and delta is not None:
                relation = delta.relation
            elif scopes[index] == "keys" and delta is not None:
                relation = f"({key_rows_sql(target, delta.relation, keys)})"
            groups.setdefault(relation, []).append(index)
        evaluated: dict[int, Evaluated] = {}
        for relation, indices in groups.items():
            evaluated.update(self._evaluate(engine, spec, relation, columns, named, indices, where))
        results = []
        for index, (name, item) in enumerate(named):
            result = result_dict(
                spec.name,
                name,
                item.kind,
                item.severity,
                evaluated[index][0],
                route=evaluated[index][1],
                seconds=evaluated[index][2],
                arguments=_arguments(item),
            )
            result["scope"] = describe(scopes[index], delta)
            results.append(result)
        return results

    @staticmethod
    def _columns_of(engine: Engine, target: str, spec: ModelSpec, where: str) -> list[Column]:
        try:
            return engine.columns(target)
        except Exception:  # DESCRIBE of a table that is not there
            raise QualityError(
                f"cannot check {target}: it does not exist",
                where=where,
                hint=f"build it first: netflix-elt build --select {spec.name.lower()}",
            ) from None

    def _evaluate(
        self,
        engine: Engine,
        spec: ModelSpec,
        relation: str,
        columns: list[Column],
        named: list[tuple[str, Any]],
        indices: list[int],
        where: str,
    ) -> dict[int, Evaluated]:
        """The checks at ``indices`` of ``named``, all on ``relation`` (a table, or a parenthesised
        SELECT of changed rows with the same ``columns``)."""
        calls = [(i, named[i][1].expectation) for i in indices if isinstance(named[i][1], ExpectationCheck)]
        evaluated = self._expectations(engine, relation, columns, calls, where)
        scope = CheckScope(engine, spec, relation, columns, lambda name: self.relation(name, where), where)
        for index in indices:
            if index not in evaluated:
                clock = time.perf_counter()
                evaluated[index] = (evaluate(named[index][1], scope), "sql", time.perf_counter() - clock)
        return evaluated

    def relation(self, name: str, where: str) -> str:
        """The table a check reads besides its own: a model (the registry builds it before the checked
        model), or a table given by its qualified name (``ELT_META.LOAD_LOG``), which the graph does not
        build."""
        engine = self.project.engine
        if "." in name:
            parts = name.split(".")
            if len(parts) not in (2, 3):
                raise QualityError(f"a check references '{name}', which is not SCHEMA.TABLE", where=where)
            return engine.fqn(*parts[-2:]) if len(parts) == 2 else fqn(*parts)
        registry = self.project.registry
        if name not in registry:
            raise QualityError(f"a check references '{name.lower()}', which is not a model", where=where)
        spec = registry[name]
        if not spec.materialized:
            raise QualityError(
                f"a check references {spec.name}, an ephemeral model with no table", where=where
            )
        return engine.fqn(registry.schema_of(spec.name, engine.profile.schemas), spec.name)

    # -- expectations -------------------------------------------------------------------------
    def _expectations(
        self,
        engine: Engine,
        target: str,
        columns: list[Column],
        calls: list[tuple[int, ExpectationCall]],
        where: str,
    ) -> dict[int, Evaluated]:
        if not calls:
            return {}
        route = self.route
        if route == "gx-warehouse":
            if engine.kind != "snowflake":
                raise QualityError(
                    "the gx-warehouse route needs the snowflake profile (GX's SQL route fails on DuckDB)",
                    where=where,
                )
            return self._gx_warehouse(target, columns, calls, where)
        evaluated: dict[int, Evaluated] = {}
        leftovers = calls
        if route == "pushdown":
            outcomes, keys = PushdownRoute(engine).run(target, columns, calls)
            evaluated = {k: (outcome, "sql", seconds) for k, (outcome, seconds) in outcomes.items()}
            leftovers = [(k, call) for k, call in calls if k in keys]
        if leftovers:
            clock = time.perf_counter()
            for key, call in leftovers:  # a declaration error surfaces before the table is fetched
                make_expectation(call, key, where)
            frame = projected_frame(engine, target, columns, [c for _, c in leftovers])
            actual = {c.name.upper(): c.name for c in columns}
            renamed = [(k, with_actual_columns(call, actual)) for k, call in leftovers]
            outcomes_gx = self.gx.validate_frame(frame, renamed, where)
            share = (time.perf_counter() - clock) / len(leftovers)
            evaluated.update({k: (outcome, "gx-pandas", share) for k, outcome in outcomes_gx.items()})
        return evaluated

    def _gx_warehouse(
        self, target: str, columns: list[Column], calls: list[tuple[int, ExpectationCall]], where: str
    ) -> dict[int, Evaluated]:
        from netflix_elt.quality.snowflake_gx import reflected_column_names, snowflake_source_factory

        _, schema, table = split_fqn(target)
        clock = time.perf_counter()
        reflected = reflected_column_names(columns)
        outcomes = self.gx.validate_table(
            f"snowflake:{schema}",
            snowflake_source_factory(self.project.profile, schema),
            schema,
            table,
            [(key, with_actual_columns(call, reflected)) for key, call in calls],
            where,
        )
        share = (time.perf_counter() - clock) / len(calls)
        return {k: (outcome, "gx-snowflake", share) for k, outcome in outcomes.items()}


def projected_frame(
    engine: Engine, target: str, columns: list[Column], calls: list[ExpectationCall]
) -> pd.DataFrame:
    """The whole table as pandas, with only the columns the expectations name (all when unsure)."""
    actual = {c.name.upper(): c.name for c in columns}
    needed: set[str] = set()
    everything = False
    for call in calls:
        arguments = call.rule_arguments
        names = [n for key in DOMAIN_KWARGS for n in _as_list(arguments.get(key))]
        row_count_only = call.type.startswith("expect_table_row_count")
        if "row_condition" in arguments or (not names and not row_count_only):
            everything = True
        needed |= {str(n).upper() for n in names if str(n).upper() in actual}
    chosen = [c.name for c in columns if everything or c.name.upper() in needed] or [columns[0].name]
    return engine.session().table(target).select(*chosen).to_pandas()


def with_actual_columns(call: ExpectationCall, actual: dict[str, str]) -> ExpectationCall:
    """The call with its column names spelled as in the table (pandas column names are case-sensitive)."""
    arguments = call.arguments
    for key in DOMAIN_KWARGS:
        value = arguments.get(key)
        if isinstance(value, str):
            arguments[key] = actual.get(value.upper(), value)
        elif isinstance(value, list):
            arguments[key] = [actual.get(str(v).upper(), v) for v in value]
    return dataclasses.replace(ExpectationCall.create(call.type, arguments), spelled=call.spelled)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _arguments(item: Any) -> dict[str, Any]:
    if isinstance(item, ExpectationCheck):
        return item.expectation.rule_arguments
    skip = {"severity", "name", "location"}
    return {
        f.name: repr(getattr(item, f.name)) if f.name == "query" else getattr(item, f.name)
        for f in dataclasses.fields(item)
        if f.name not in skip and getattr(item, f.name) not in (None, ())
    }
