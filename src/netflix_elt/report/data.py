"""What the report reads: which ANALYSIS tables exist (with which columns), small query results, the
method parameters, movie titles and the last run's artifacts.

Sections ask for aggregates and top rows in Snowflake SQL (``data.rows(...)``), never whole tables, so
the report costs the same on ml-latest-small and on 25M ratings. Every statement runs through
:meth:`ReportData.rows`, which records it (the tests parse each one as Snowflake SQL) and turns a
warehouse error into a :class:`ReportDataError` naming the statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from netflix_elt.artifacts import read_json
from netflix_elt.errors import NetflixEltError
from netflix_elt.report.format import plain

if TYPE_CHECKING:
    from netflix_elt.project import Project

# The ANALYSIS tables the report reads and the columns it relies on (the analyses' contract).
CONTRACT: dict[str, tuple[str, ...]] = {
    "USER_ACTIVITY": (
        "USER_ID",
        "RATINGS_COUNT",
        "TAGS_COUNT",
        "ACTIVITY_RANK",
        "FIRST_ACTIVITY_AT",
        "LAST_ACTIVITY_AT",
        "AVG_RATING",
    ),
    "ACTIVITY_BY_WEEKDAY_HOUR": ("DAY_OF_WEEK", "HOUR_OF_DAY", "RATINGS_COUNT", "AVG_RATING", "DAY_NAME"),
    "RATINGS_BY_GENRE": ("GENRE", "MOVIES_COUNT", "CATALOG_MOVIES", "RATINGS_COUNT", "AVG_RATING"),
    "RATINGS_BY_RELEASE_YEAR": ("RELEASE_YEAR", "MOVIES_COUNT", "RATINGS_COUNT", "AVG_RATING"),
    "GENRE_POPULARITY": ("SEGMENT", "GENRE", "RATINGS_COUNT", "SHARE_OF_SEGMENT", "GENRE_RANK"),
    "MOVIE_RATING_DISTRIBUTION": (
        "MOVIE_ID",
        "TITLE",
        "RATINGS_COUNT",
        "AVG_RATING",
        "STDDEV_RATING",
        "SHARE_LOW",
        "SHARE_HIGH",
        "IS_POLARIZED",
    ),
    "RATING_VALUE_DISTRIBUTION": ("RATING", "RATINGS_COUNT", "SHARE"),
    "HIGH_ENGAGEMENT_LOW_RATING": (
        "MOVIE_ID",
        "TITLE",
        "RATINGS_COUNT",
        "AVG_RATING",
        "ENGAGEMENT_PERCENTILE",
        "RATING_GAP",
        "RANK",
    ),
    "USER_SIMILARITY": ("USER_ID", "SIMILAR_USER_ID", "SIMILARITY", "CO_RATED_COUNT", "SIMILARITY_RANK"),
    "USER_CLUSTERS": ("USER_ID", "CLUSTER_ID", "CLUSTER_LABEL"),
    "MOVIE_CO_RATINGS": ("MOVIE_ID", "RELATED_MOVIE_ID", "CO_RATERS", "SCORE", "RELATED_RANK"),
    "RECOMMENDATION_PAIR_STATS": ("ANALYSIS", "INPUT_ROWS", "CANDIDATE_PAIRS", "KEPT_PAIRS"),
    "CONTENT_COVERAGE_GAPS": ("SEGMENT", "GENRE", "DEMAND_SHARE", "SUPPLY_SHARE", "GAP", "GAP_RANK"),
    "RATINGS_OVER_TIME": ("MONTH_START", "RATINGS_COUNT", "AVG_RATING", "ACTIVE_USERS"),
    "SEASONALITY": ("MONTH_OF_YEAR", "RATINGS_COUNT", "AVG_RATING", "SHARE_OF_RATINGS", "SEASONAL_INDEX"),
    "SEASONALITY_WEEKDAY": ("DAY_OF_WEEK", "RATINGS_COUNT", "AVG_RATING", "SHARE_OF_RATINGS"),
    "ACTIVITY_ANOMALIES": (
        "PERIOD_START",
        "RATINGS_COUNT",
        "EXPECTED_COUNT",
        "Z_SCORE",
        "DIRECTION",
        "IS_ANOMALY",
        "RELEASES",
    ),
    "DATA_COMPLETENESS": ("TABLE_NAME", "COLUMN_NAME", "ROWS_TOTAL", "ROWS_MISSING", "SHARE_MISSING", "NOTE"),
    "RATING_CONSISTENCY": (
        "ENTITY_TYPE",
        "ENTITY_ID",
        "RATINGS_COUNT",
        "AVG_RATING",
        "STDDEV_RATING",
        "MEAN_BIAS",
        "IS_OUTLIER",
    ),
    "MODEL_TIMINGS": (
        "MODEL_NAME",
        "KIND",
        "RUNS",
        "LAST_SECONDS",
        "AVG_SECONDS",
        "MAX_SECONDS",
        "LAST_ROWS",
        "LAST_STATUS",
        "LAST_RUN_AT",
    ),
    "PROMOTION_CANDIDATES": (
        "MOVIE_ID",
        "TITLE",
        "SCORE",
        "BAYESIAN_AVG",
        "RATINGS_COUNT",
        "RECENT_RATINGS",
        "PROMOTION_RANK",
    ),
    "GENRE_GROWTH_POTENTIAL": (
        "GENRE",
        "CATALOG_SHARE",
        "RATING_SHARE",
        "AVG_RATING",
        "RECENT_GROWTH",
        "POTENTIAL_SCORE",
        "POTENTIAL_RANK",
    ),
    "USER_SEGMENTS": ("USER_ID", "SEGMENT", "RATINGS_COUNT", "AVG_RATING", "TENURE_DAYS"),
    "USER_SEGMENT_SUMMARY": (
        "SEGMENT",
        "DESCRIPTION",
        "USERS",
        "SHARE_OF_USERS",
        "AVG_RATINGS_PER_USER",
        "AVG_RATING",
    ),
    "ANALYSIS_PARAMETERS": ("ANALYSIS", "PARAMETER", "VALUE", "DESCRIPTION"),
}
WORK_TABLE_MARKERS = ("__BUILD", "__SCRATCH_")
TITLE_TABLE = "DIM_MOVIES"


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
        schemas = (self.schemas.analysis.upper(), self.schemas.analytics.upper())
        rows = self.rows(
            f"SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM {self.engine.database}.INFORMATION_SCHEMA.COLUMNS "
            f"WHERE TABLE_SCHEMA IN ('{schemas[0]}', '{schemas[1]}')"
        )
        found: dict[tuple[str, str], set[str]] = {}
        for row in rows:
            key = (str(row["TABLE_SCHEMA"]).upper(), str(row["TABLE_NAME"]).upper())
            found.setdefault(key, set()).add(str(row["COLUMN_NAME"]).upper())
        return found

    def analysis_tables(self) -> list[str]:
        """Every table in the ANALYSIS schema (work tables of a running build left out), sorted."""
        schema = self.schemas.analysis.upper()
        return sorted(
            name
            for (s, name) in self.catalog
            if s == schema and not any(marker in name for marker in WORK_TABLE_MARKERS)
        )

    def has(self, table: str) -> bool:
        return (self.schemas.analysis.upper(), table.upper()) in self.catalog

    def lacking_columns(self, table: str) -> list[str]:
        """Contract columns the built table does not have (empty when it has them all)."""
        present = self.catalog.get((self.schemas.analysis.upper(), table.upper()), set())
        return [c for c in CONTRACT.get(table.upper(), ()) if c not in present]

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
            f"SELECT '{name}' AS TABLE_NAME, COUNT(*) AS ROWS_TOTAL FROM {self.rel(name)}" for name in tables
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
    def last_run(self) -> dict[str, Any]:
        """The state directory's run_results.json (empty when nothing has run)."""
        return read_json(self.project.state_dir / "run_results.json")


def movie_label(titles: dict[int, str], movie_id: Any) -> str:
    """The movie's title, or ``movie #id`` when no title is known."""
    return titles.get(int(movie_id), f"movie #{movie_id}") if movie_id is not None else "unknown movie"
