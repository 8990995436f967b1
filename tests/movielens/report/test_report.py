"""The report rendered from synthetic ANALYSIS tables: every section with its sentence, chart and table;
sentences that follow the data; notices for what is missing; methods from ANALYSIS_PARAMETERS;
a self-contained page; Snowflake SQL only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot

from netflix_elt.movielens.report import generate_report
from netflix_elt.movielens.report.data import ReportData
from netflix_elt.movielens.report.sections import SPECS, build_section, spec_for
from netflix_elt.movielens.report.sections.base import GROUPS

from .conftest import Rendered, open_synthetic_project
from .synthetic import TRICKY_TITLE, load_table, synthetic_tables, with_contract_columns


def section_html(html: str, anchor: str) -> str:
    match = re.search(rf'<section class="question" id="{anchor}".*?</section>', html, re.S)
    assert match, f"section {anchor} not in the page"
    return match.group(0)


def answer_of(rendered: Rendered, number: int) -> str:
    section = next(s for s in rendered.report.sections if s.spec.number == number)
    assert section.content is not None, section.problem or section.missing
    return " ".join(section.content.answer)


def test_eighteen_sections_in_six_groups() -> None:
    assert sorted(s.number for s in SPECS) == list(range(1, 19))
    assert {s.group for s in SPECS} == set(GROUPS)
    assert len({s.anchor for s in SPECS}) == 18


def test_every_section_has_a_sentence_a_chart_and_a_table(synthetic_report: Rendered) -> None:
    report = synthetic_report.report
    assert report.missing_tables == [] and report.problems == []
    html = synthetic_report.path.read_text(encoding="utf-8")
    for section in report.sections:
        assert section.content is not None
        assert section.content.answer and all(s.strip() for s in section.content.answer)
        assert section.content.charts and all(c.startswith("<svg") for c in section.content.charts)
        assert any(t.rows for t in section.content.tables)
        block = section_html(html, section.spec.anchor)
        assert 'data-state="built"' in block and "<svg" in block and '<table class="data">' in block
        assert f'href="#{section.spec.anchor}"' in html  # listed in the table of contents


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, ["30 users", "user 1, rated 223 movies", "2015-01-01"]),
        (2, ["Mon 20:00–21:00 UTC with 900 ratings"]),
        (3, ["Film-Noir is the best-rated genre", "Horror the lowest", "or before 1995"]),
        (4, ["Drama is the most rated genre overall", "enthusiast (Comedy)"]),
        (5, ["4.0 stars is the most common rating (26.6%", "2 of 8 movies", TRICKY_TITLE]),
        (6, ["Batman & Robin leads: 240 ratings"]),
        (7, ["users 1 and 2 (similarity 0.910", "blockbuster fans"]),
        (8, ["People who rated Forrest Gump also rated Pulp Fiction", "12 kept (0.023%)"]),
        (9, ["Sci-Fi is the most under-supplied genre", "Drama is the most over-supplied"]),
        (10, ["Jan 2017 to Jun 2019", "busiest month was Aug 2017"]),
        (11, ["November is the busiest calendar month", "Monday leads"]),
        (12, ["1 spike and 1 drop", "Aug 2017", "Avengers: Endgame & Toy Story 4"]),
        (13, ["2 of 4 checked columns", "DIM_MOVIES.RELEASE_YEAR"]),
        (14, ["5 of 30 users", "1 of 8 movies"]),
        (15, ["6 models", "MOVIE_CO_RATINGS (analysis) at 9.50 s", "No model last ended in error"]),
        (16, ["Spirited Away"]),
        (17, ["Sci-Fi has the most growth potential"]),
        (18, ["30 users fall into 3 segments", "The heavy segment is the most engaged"]),
    ],
)
def test_sentences_state_the_answer_from_the_data(
    synthetic_report: Rendered, number: int, expected: list[str]
) -> None:
    answer = answer_of(synthetic_report, number)
    for text in expected:
        assert text in answer


def test_sentences_change_when_the_data_changes(tmp_path: Path) -> None:
    tables = synthetic_tables()
    with open_synthetic_project(tmp_path / "state") as project:
        schema = project.profile.schemas.analysis
        for name in ("USER_ACTIVITY", "ACTIVITY_BY_WEEKDAY_HOUR"):
            load_table(
                project.engine, project.engine.fqn(schema, name), *with_contract_columns(name, *tables[name])
            )
        before = [build_section(spec_for(n), ReportData(project)).content for n in (1, 2)]
        activity = project.engine.fqn(schema, "USER_ACTIVITY")
        project.engine.execute(
            f"UPDATE {activity} SET RATINGS_COUNT = 5000, ACTIVITY_RANK = 0, AVG_RATING = 4.75 WHERE USER_ID = 17"
        )
        hours = project.engine.fqn(schema, "ACTIVITY_BY_WEEKDAY_HOUR")
        project.engine.execute(
            f"UPDATE {hours} SET RATINGS_COUNT = 2000 WHERE DAY_OF_WEEK = 6 AND HOUR_OF_DAY = 9"
        )
        after = [build_section(spec_for(n), ReportData(project)).content for n in (1, 2)]
    assert before[0] and after[0] and before[1] and after[1]
    assert "user 1, rated 223 movies" in " ".join(before[0].answer)
    assert "user 17, rated 5,000 movies" in " ".join(after[0].answer)
    assert "(average 4.75)" in " ".join(after[0].answer)
    assert "Sat 09:00–10:00 UTC with 2,000 ratings" in " ".join(after[1].answer)
    assert before[1].charts != after[1].charts


def test_missing_tables_render_a_notice_and_the_rest_still_renders(partial_report: Rendered) -> None:
    report = partial_report.report
    assert report.missing_tables == ["SEASONALITY_WEEKDAY", "USER_ACTIVITY"]
    html = partial_report.path.read_text(encoding="utf-8")
    for anchor in ("q01-user-activity", "q11-seasonality"):
        block = section_html(html, anchor)
        assert 'data-state="missing"' in block and "Not built yet" in block
        assert "run <code>netflix-elt build</code>" in block and "<svg" not in block
    assert "ANALYSIS.SEASONALITY_WEEKDAY" in section_html(html, "q11-seasonality")
    built = [s.spec.number for s in report.sections if s.built]
    assert built == [2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 9, 17, 18]
    assert '<span class="badge">not built</span>' in html
    assert "15 of 18 sections built" in html  # 14 with content, Q16 built but empty


def test_a_changed_table_is_a_problem_and_an_empty_one_a_notice_not_a_crash(partial_report: Rendered) -> None:
    problems = partial_report.report.problems
    assert problems == ["Q15 Model timings: MODEL_TIMINGS lacks columns LAST_STATUS"]
    html = partial_report.path.read_text(encoding="utf-8")
    assert 'data-state="problem"' in section_html(html, "q15-model-timings")
    empty = section_html(html, "q16-promotion")
    assert 'data-state="empty"' in empty
    assert "No answer in this data</strong>: PROMOTION_CANDIDATES is built and has no rows" in empty


def test_methods_come_from_analysis_parameters(synthetic_report: Rendered, partial_report: Rendered) -> None:
    html = synthetic_report.path.read_text(encoding="utf-8")
    assert "MIN_STDDEV" in section_html(html, "q05-rating-distribution")
    assert "Z_THRESHOLD" in section_html(html, "q12-anomalies")
    assert "PRIOR_WEIGHT" in section_html(html, "q16-promotion")
    assert "MIN_CO_RATERS" in section_html(html, "q08-co-ratings")
    assert "HEAVY_MIN_RATINGS" in section_html(html, "q18-segments")  # 'user_segments', any case
    appendix = re.search(r'<section class="appendix" id="parameters">.*?</section>', html, re.S)
    assert appendix and "WATCHLIST_EXPERIMENT" in appendix.group(0)
    assert "MIN_STDDEV" not in partial_report.path.read_text(encoding="utf-8")  # no table, no method


def test_titles_are_escaped_in_the_page(synthetic_report: Rendered) -> None:
    html = synthetic_report.path.read_text(encoding="utf-8")
    assert TRICKY_TITLE not in html
    assert (
        "Amélie &amp; &#34;Friends&#34; &lt;Director&#39;s Cut&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        in html
    )


def test_the_page_is_self_contained(synthetic_report: Rendered) -> None:
    html = synthetic_report.path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert re.findall(r"https?://[^\s\"')<]+", html) == ["http://www.w3.org/2000/svg"] * html.count("<svg")
    for external in ("<script", "<link", "<img", "<iframe", "@import", " src="):
        assert external not in html
    assert set(re.findall(r"url\(([^)]*)\)", html)) == {"#lineage-arrow"}


def test_footer_states_the_provenance(synthetic_report: Rendered) -> None:
    import json

    run = json.loads((synthetic_report.state_dir / "run_results.json").read_text())
    html = synthetic_report.path.read_text(encoding="utf-8")
    footer = html[html.index('<footer id="provenance">') :]
    assert run["run_id"] in footer and "UTC" in footer
    assert "local (engine local, database MOVIELENS)" in footer
    assert "ANALYSIS.ACTIVITY_BY_WEEKDAY_HOUR</span> <span class=num>168</span>" in footer
    assert "ANALYSIS.TOP_SPENDERS" in footer  # the built analysis of the small project
    last_run = re.search(r'<section class="appendix" id="last-run">.*?</section>', html, re.S)
    assert last_run and f"build {run['run_id']}" in last_run.group(0) and "<svg" in last_run.group(0)
    lineage = re.search(r'<section class="appendix" id="lineage">.*?</section>', html, re.S)
    assert lineage and lineage.group(0).count('class="node"') == 4


def test_every_statement_is_snowflake_sql(synthetic_report: Rendered) -> None:
    statements = synthetic_report.report.statements
    assert len(statements) > 40
    for sql in statements:
        sqlglot.parse_one(sql, read="snowflake", error_level=sqlglot.ErrorLevel.RAISE)


def test_queries_fetch_aggregates_and_top_rows_only(synthetic_report: Rendered) -> None:
    """No statement reads a large table whole: each one aggregates, limits, or reads a table that is
    small by construction (one row per genre, month, weekday-hour, segment, parameter or node)."""
    small = ("RATINGS_BY_GENRE", "RATINGS_BY_RELEASE_YEAR", "RATING_VALUE_DISTRIBUTION", "ACTIVITY_BY_WEEKDAY_HOUR",
             "RATINGS_OVER_TIME", "SEASONALITY", "ACTIVITY_ANOMALIES", "RECOMMENDATION_PAIR_STATS",
             "USER_SEGMENT_SUMMARY", "GENRE_GROWTH_POTENTIAL", "ANALYSIS_PARAMETERS", "INFORMATION_SCHEMA",
             "CONTENT_COVERAGE_GAPS", "GENRE_POPULARITY", "NODE_STATE")  # fmt: skip
    for sql in synthetic_report.report.statements:
        bounded = re.search(r"\b(LIMIT|COUNT|SUM|GROUP BY|MEDIAN|WHERE MOVIE_ID IN)\b", sql)
        assert bounded or any(f".{t}" in sql for t in small), sql


def test_generated_at_is_utc(synthetic_report: Rendered) -> None:
    with open_synthetic_project(synthetic_report.state_dir) as project:
        from datetime import UTC, datetime

        report = generate_report(project, generated_at=datetime(2024, 2, 29, 23, 59, tzinfo=UTC))
    assert "generated 2024-02-29 23:59 UTC" in report.html
