"""Every analysis is declared as the house style says, and every statement it ran is Snowflake SQL."""

from __future__ import annotations

from netflix_elt.kinds import Analysis
from netflix_elt.registry import Registry
from netflix_elt.sql import parse_snowflake

THEMES = {"users", "content", "recommendations", "temporal", "operations", "business"}
# The tables the report reads (the contract with it).
CONTRACT = {
    "USER_ACTIVITY": {
        "USER_ID",
        "RATINGS_COUNT",
        "TAGS_COUNT",
        "ACTIVITY_RANK",
        "FIRST_ACTIVITY_AT",
        "LAST_ACTIVITY_AT",
        "AVG_RATING",
    },
    "ACTIVITY_BY_WEEKDAY_HOUR": {"DAY_OF_WEEK", "HOUR_OF_DAY", "RATINGS_COUNT", "AVG_RATING", "DAY_NAME"},
    "RATINGS_BY_GENRE": {"GENRE", "MOVIES_COUNT", "CATALOG_MOVIES", "RATINGS_COUNT", "AVG_RATING"},
    "RATINGS_BY_RELEASE_YEAR": {"RELEASE_YEAR", "MOVIES_COUNT", "RATINGS_COUNT", "AVG_RATING"},
    "GENRE_POPULARITY": {"SEGMENT", "GENRE", "RATINGS_COUNT", "SHARE_OF_SEGMENT", "GENRE_RANK"},
    "MOVIE_RATING_DISTRIBUTION": {
        "MOVIE_ID",
        "TITLE",
        "RATINGS_COUNT",
        "AVG_RATING",
        "STDDEV_RATING",
        "SHARE_LOW",
        "SHARE_HIGH",
        "IS_POLARIZED",
    },
    "RATING_VALUE_DISTRIBUTION": {"RATING", "RATINGS_COUNT", "SHARE"},
    "HIGH_ENGAGEMENT_LOW_RATING": {
        "MOVIE_ID",
        "TITLE",
        "RATINGS_COUNT",
        "AVG_RATING",
        "ENGAGEMENT_PERCENTILE",
        "RATING_GAP",
        "RANK",
    },
    "USER_SIMILARITY": {"USER_ID", "SIMILAR_USER_ID", "SIMILARITY", "CO_RATED_COUNT", "SIMILARITY_RANK"},
    "USER_CLUSTERS": {"USER_ID", "CLUSTER_ID", "CLUSTER_LABEL"},
    "MOVIE_CO_RATINGS": {"MOVIE_ID", "RELATED_MOVIE_ID", "CO_RATERS", "SCORE", "RELATED_RANK"},
    "RECOMMENDATION_PAIR_STATS": {"ANALYSIS", "INPUT_ROWS", "CANDIDATE_PAIRS", "KEPT_PAIRS"},
    "CONTENT_COVERAGE_GAPS": {"SEGMENT", "GENRE", "DEMAND_SHARE", "SUPPLY_SHARE", "GAP", "GAP_RANK"},
    "RATINGS_OVER_TIME": {"MONTH_START", "RATINGS_COUNT", "AVG_RATING", "ACTIVE_USERS"},
    "SEASONALITY": {"MONTH_OF_YEAR", "RATINGS_COUNT", "AVG_RATING", "SHARE_OF_RATINGS", "SEASONAL_INDEX"},
    "SEASONALITY_WEEKDAY": {"DAY_OF_WEEK", "RATINGS_COUNT", "AVG_RATING", "SHARE_OF_RATINGS"},
    "ACTIVITY_ANOMALIES": {
        "PERIOD_START",
        "RATINGS_COUNT",
        "EXPECTED_COUNT",
        "Z_SCORE",
        "DIRECTION",
        "IS_ANOMALY",
        "RELEASES",
    },
    "DATA_COMPLETENESS": {"TABLE_NAME", "COLUMN_NAME", "ROWS_TOTAL", "ROWS_MISSING", "SHARE_MISSING", "NOTE"},
    "RATING_CONSISTENCY": {
        "ENTITY_TYPE",
        "ENTITY_ID",
        "RATINGS_COUNT",
        "AVG_RATING",
        "STDDEV_RATING",
        "MEAN_BIAS",
        "IS_OUTLIER",
    },
    "MODEL_TIMINGS": {
        "MODEL_NAME",
        "KIND",
        "RUNS",
        "LAST_SECONDS",
        "AVG_SECONDS",
        "MAX_SECONDS",
        "LAST_ROWS",
        "LAST_STATUS",
        "LAST_RUN_AT",
    },
    "PROMOTION_CANDIDATES": {
        "MOVIE_ID",
        "TITLE",
        "SCORE",
        "BAYESIAN_AVG",
        "RATINGS_COUNT",
        "RECENT_RATINGS",
        "PROMOTION_RANK",
    },
    "GENRE_GROWTH_POTENTIAL": {
        "GENRE",
        "CATALOG_SHARE",
        "RATING_SHARE",
        "AVG_RATING",
        "RECENT_GROWTH",
        "POTENTIAL_SCORE",
        "POTENTIAL_RANK",
    },
    "USER_SEGMENTS": {"USER_ID", "SEGMENT", "RATINGS_COUNT", "AVG_RATING", "TENURE_DAYS"},
    "USER_SEGMENT_SUMMARY": {
        "SEGMENT",
        "DESCRIPTION",
        "USERS",
        "SHARE_OF_USERS",
        "AVG_RATINGS_PER_USER",
        "AVG_RATING",
    },
    "ANALYSIS_PARAMETERS": {"ANALYSIS", "PARAMETER", "VALUE", "DESCRIPTION"},
}


def analyses() -> list:
    return [spec for spec in Registry.from_package("netflix_elt.pipeline") if spec.kind_name == "analysis"]


def test_every_analysis_is_declared_with_a_question_and_a_theme():
    specs = analyses()
    assert {spec.name for spec in specs} == set(CONTRACT)
    for spec in specs:
        assert isinstance(spec.kind, Analysis) and spec.kind.question.endswith("?"), spec.name
        assert "analysis" in spec.tags and spec.tags & THEMES, spec.name
        assert spec.layer == "analysis" and spec.description, spec.name


def test_contract_columns_are_present(fixture_warehouse):
    engine = fixture_warehouse.project.engine
    for table, columns in CONTRACT.items():
        present = {column.name for column in engine.columns(fixture_warehouse.project.relation(table))}
        assert columns <= present, f"{table} misses {sorted(columns - present)}"


def test_every_analysis_statement_is_snowflake_sql(fixture_warehouse):
    results = {r.name: r for r in fixture_warehouse.run.results}
    for spec in analyses():
        result = results[spec.name]
        assert result.status == "success", f"{spec.name}: {result.message}"
        assert result.sql, spec.name
        for statement in result.sql:
            parse_snowflake(statement)
