"""Every analysis is declared as the house style says, and every statement it ran is Snowflake SQL."""

from __future__ import annotations

from netflix_elt.kinds import Analysis
from netflix_elt.movielens.report.sections import SPECS
from netflix_elt.registry import Registry
from netflix_elt.sql import parse_snowflake

THEMES = {"users", "content", "recommendations", "temporal", "operations", "business"}


def analyses() -> list:
    return [
        spec
        for spec in Registry.from_package("netflix_elt.movielens.pipeline")
        if spec.kind_name == "analysis"
    ]


def test_every_analysis_is_declared_with_a_question_and_a_theme():
    specs = analyses()
    assert len(specs) == 25
    # Every table a report section reads is an analysis, and every analysis declares its contract.
    assert {table for section in SPECS for table in section.tables} <= {spec.name for spec in specs}
    assert all(spec.contract is not None and spec.contract.key for spec in specs)
    for spec in specs:
        assert isinstance(spec.kind, Analysis) and spec.kind.question.endswith("?"), spec.name
        assert "analysis" in spec.tags and spec.tags & THEMES, spec.name
        assert spec.layer == "analysis" and spec.description, spec.name


def test_every_analysis_table_is_its_contract(fixture_warehouse):
    engine = fixture_warehouse.project.engine
    for spec in analyses():
        assert spec.contract is not None
        described = engine.columns(fixture_warehouse.project.relation(spec.name))
        assert spec.contract.differences(described, exact=True) == [], spec.name


def test_every_analysis_statement_is_snowflake_sql(fixture_warehouse):
    results = {r.name: r for r in fixture_warehouse.run.results}
    for spec in analyses():
        result = results[spec.name]
        assert result.status == "success", f"{spec.name}: {result.message}"
        assert result.sql, spec.name
        for statement in result.sql:
            parse_snowflake(statement)
