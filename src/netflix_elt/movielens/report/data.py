"""What the report reads: which ANALYSIS tables exist (with which columns), small query results, the
method parameters, movie titles and the last run's artifacts.

The columns a section relies on are the analyses' contracts (``@model(..., columns=[...])``), read from
the project's registry; tables it does not declare (a project of its own) take the MovieLens
analyses' contracts, which the sections are written against.

Sections ask for aggregates and top rows in Snowflake SQL (``data.rows(...)``), never whole tables, so
the report costs the same on ml-latest-small and on 25M ratings. Every statement runs through
:meth:`ReportData.rows`, which records it (the tests parse each one as Snowflake SQL) and turns a
warehouse error into a :class:`ReportDataError` naming the statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from netflix_elt.artifacts import read_json
from netflix_elt.engine.worktables import is_work_table
from netflix_elt.errors import NetflixEltError
from netflix_elt.movielens.report.format import plain
from netflix_elt.registry import Registry
from netflix_elt.sql import ident, literal

if TYPE_CHECKING:
    from netflix_elt.project import Project

TITLE_TABLE = "DIM_MOVIES"
ANALYSES_PACKAGE = "netflix_elt.movielens.pipeline"


def analysis_contracts(registry: Registry) -> dict[str, tuple[str, ...]]:
    """{ANALYSIS table: its contract's columns} of every analysis the registry declares with one."""
    return {
        spec.name: spec.contract.names
        for spec in registry
        if spec.kind_name == "analysis" and spec.contract is not None
    }


@dataclass(frozen=True)
class AnswerAge:
    """When an analysis was last computed; the inputs that changed since (a weekly analysis between its
    slots, or one whose build failed) and its cadence."""

    built_at: datetime | None
    changed_inputs: list[str]
    cron: str | None = None


class ReportDataError(NetflixEltError):
    """A report query failed (a table changed shape, or the warehouse refused the statement)."""


class ReportData:
    """Read-only access to the built warehouse for one report."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.engine = project.engine
        self.schemas = project.profile.schemas
        self.statements: list[str] = []

    # -- catalog ------------------------------------------------------------------------------
    @cached_property
    def catalog(self) -> dict[tuple[str, str], set[str]]:
        """{(schema, table): columns} of the ANALYSIS and ANALYTICS schemas, from one query."""
        schemas = (ident(self.schemas.analysis), ident(self.schemas.analytics))
        rows = self.rows(
            f"SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM {self.engine.database}.INFORMATION_SCHEMA.COLUMNS "
            f"WHERE TABLE_SCHEMA IN ({literal(schemas[0])}, {literal(schemas[1])})"
        )
        found: dict[tuple[str, str], set[str]] = {}
        for row in rows:
            key = (str(row["TABLE_SCHEMA"]).upper(), str(row["TABLE_NAME"]).upper())
            found.setdefault(key, set()).add(str(row["COLUMN_NAME"]).upper())
        return found

    def analysis_tables(self) -> list[str]:
        """Every table in the ANALYSIS schema (work tables of a running build left out), sorted."""
        schema = self.schemas.analysis.upper()
        return sorted(name for (s, name) in self.catalog if s == schema and not is_work_table(name))

    def has(self, table: str) -> bool:
        return (self.schemas.analysis.upper(), table.upper()) in self.catalog

    @cached_property
    def contracts(self) -> dict[str, tuple[str, ...]]:
        """{ANALYSIS table: contract columns}: the project's analyses, then the MovieLens ones."""
        own = analysis_contracts(self.project.registry)
        return {**analysis_contracts(Registry.from_package(ANALYSES_PACKAGE)), **own}

    def lacking_columns(self, table: str) -> list[str]:
        """Contract columns the built table does not have (empty when it has them all)."""
        present = self.catalog.get((self.schemas.analysis.upper(), table.upper()), set())
        return [c for c in self.contracts.get(table.upper(), ()) if c not in present]

    def rel(self, table: str) -> str:
        """The qualified name of an ANALYSIS table."""
        return self.engine.fqn(self.schemas.analysis, table)

    @cached_property
    def row_counts(self) -> dict[str, int]:
        """Rows of every ANALYSIS table, from one UNION ALL query."""
        tables = self.analysis_tables()
        if not tables:
            return {}
        sql = " UNION ALL ".join(
            f"SELECT {literal(name)} AS TABLE_NAME, COUNT(*) AS ROWS_TOTAL FROM {self.rel(name)}"
            for name in tables
        )
        return {str(r["TABLE_NAME"]): int(r["ROWS_TOTAL"]) for r in self.rows(sql)}

    # -- queries ------------------------------------------------------------------------------
    def rows(self, sql: str) -> list[dict[str, Any]]:
        """Run one SELECT and return its rows as {COLUMN: plain value}."""
        from netflix_elt.executor import first_line

        self.statements.append(sql)
        try:
            result = self.engine.execute(sql)
        except Exception as exc:  # any driver error: the report names the statement instead
            raise ReportDataError(
                first_line(exc),
                where=f"report query `{sql[:120]}`",
                hint="check the analysis model that builds this table",
            ) from None
        return [{key.upper(): plain(value) for key, value in row.as_dict().items()} for row in result]

    def row(self, sql: str) -> dict[str, Any]:
        """The first row of a query (an empty dict when there is none)."""
        found = self.rows(sql)
        return found[0] if found else {}

    # -- shared lookups -----------------------------------------------------------------------
    @cached_property
    def parameters(self) -> list[dict[str, Any]]:
        """ANALYSIS_PARAMETERS rows (empty when the table is not built)."""
        if not self.has("ANALYSIS_PARAMETERS") or self.lacking_columns("ANALYSIS_PARAMETERS"):
            return []
        return self.rows(
            f"SELECT ANALYSIS, PARAMETER, VALUE, DESCRIPTION FROM {self.rel('ANALYSIS_PARAMETERS')} "
            "ORDER BY ANALYSIS, PARAMETER"
        )

    def titles(self, movie_ids: Iterable[Any]) -> dict[int, str]:
        """Titles of these movies from ANALYTICS.DIM_MOVIES (or MOVIE_RATING_DISTRIBUTION); ids
        without a title are left out, so callers fall back to ``movie #id``."""
        ids = sorted({int(i) for i in movie_ids if i is not None})
        if not ids:
            return {}
        analytics = (self.schemas.analytics.upper(), TITLE_TABLE)
        if analytics in self.catalog and {"MOVIE_ID", "TITLE"} <= self.catalog[analytics]:
            relation = self.engine.fqn(self.schemas.analytics, TITLE_TABLE)
        elif self.has("MOVIE_RATING_DISTRIBUTION"):
            relation = self.rel("MOVIE_RATING_DISTRIBUTION")
        else:
            return {}
        found = self.rows(
            f"SELECT MOVIE_ID, TITLE FROM {relation} WHERE MOVIE_ID IN ({', '.join(str(i) for i in ids)})"
        )
        return {int(r["MOVIE_ID"]): str(r["TITLE"]) for r in found if r["TITLE"] is not None}

    @cached_property
    def answer_ages(self) -> dict[str, AnswerAge]:
        """{model: when its table was last computed, and which of its inputs changed since} from
        ELT_META.NODE_STATE (empty for a warehouse built before data versions were kept)."""
        from netflix_elt.versions import VersionStore, states_of

        store = VersionStore(self.engine)
        if (self.schemas.meta.upper(), "NODE_STATE") not in self._meta_tables:
            return {}
        states = states_of(self.rows(store.read_sql()))
        ages = {}
        for name, state in states.items():
            moved = sorted(
                n for n, seen in state.inputs.items() if n in states and states[n].version != seen.version
            )
            cron = self.project.registry[name].cron if name in self.project.registry else None
            ages[name] = AnswerAge(state.built_at, moved, cron)
        return ages

    @cached_property
    def _meta_tables(self) -> set[tuple[str, str]]:
        schema = self.schemas.meta.upper()
        rows = self.rows(
            f"SELECT TABLE_SCHEMA, TABLE_NAME FROM {self.engine.database}.INFORMATION_SCHEMA.TABLES "
            f"WHERE TABLE_SCHEMA = '{schema}'"
        )
        return {(str(r["TABLE_SCHEMA"]).upper(), str(r["TABLE_NAME"]).upper()) for r in rows}

    @cached_property
    def last_run(self) -> dict[str, Any]:
        """The state directory's run_results.json (empty when nothing has run)."""
        return read_json(self.project.state_dir / "run_results.json")


def movie_label(titles: dict[int, str], movie_id: Any) -> str:
    """The movie's title, or ``movie #id`` when no title is known."""
    return titles.get(int(movie_id), f"movie #{movie_id}") if movie_id is not None else "unknown movie"
