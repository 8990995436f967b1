"""The validation report (JSON + self-contained HTML) and the CHECK_RESULTS history table."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from netflix_elt.project import Project
from netflix_elt.quality import publish_validation
from netflix_elt.quality.history import check_results_table, create_table_sql, insert_sql
from netflix_elt.sql import parse_snowflake
from projects import hostile

from .conftest import MOVIE_TYPES, load_raw, write_rows
from .test_gates import BAD_RATINGS


def failing_run(project: Project):
    load_raw(project, ratings_rows=BAD_RATINGS)
    return project.build()


def test_json_report_lists_every_check_per_model(ratings_project: Project) -> None:
    run = failing_run(ratings_project)
    json_path, html_path = publish_validation(ratings_project, run)
    assert json_path == ratings_project.state_dir / "validation" / "validation_results.json"
    assert html_path.parent == json_path.parent
    payload = json.loads(json_path.read_text())
    assert payload["run_id"] == run.run_id and payload["success"] is False
    assert payload["summary"]["failed"] == 3 and payload["summary"]["models_skipped"] == 1
    models = {m["model"]: m for m in payload["models"]}
    assert models["MOVIE_STATS"]["status"] == "skipped"
    fct = {c["name"]: c for c in models["FCT_RATINGS"]["checks"]}
    between = fct["expect_column_values_to_be_between(RATING)"]
    assert (between["outcome"], between["unexpected_count"], between["sample"]) == ("fail", 1, [7.0])
    assert fct["expect_column_values_to_not_be_null(MOVIE_ID)"]["outcome"] == "pass"


def test_html_report_is_self_contained_and_names_every_check(ratings_project: Project, browser: Any) -> None:
    run = failing_run(ratings_project)
    _, html_path = publish_validation(ratings_project, run)
    text = html_path.read_text()
    for node in run.results:
        for check in node.checks:
            assert check["model"] in text and check["expectation"] in text
    assert "<script" not in text and "<link" not in text and "http" not in text
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html_path.as_uri(), wait_until="load")
    assert requests == [html_path.as_uri()]
    headings = page.locator("h2").all_inner_texts()
    assert headings[0].startswith("FCT_RATINGS")
    assert page.locator("h2#FCT_RATINGS + table tr").count() == 1 + 7
    assert page.locator("span.badge.fail").count() == 3
    page.close()


def test_check_results_are_appended_each_run(ratings_project: Project) -> None:
    first = ratings_project.build()
    publish_validation(ratings_project, first)
    second = failing_run(ratings_project)
    publish_validation(ratings_project, second)
    table = check_results_table(ratings_project.engine)
    assert table == "MOVIELENS.ELT_META.CHECK_RESULTS"
    rows = [r.as_dict() for r in ratings_project.engine.execute(f"SELECT * FROM {table}")]
    per_run = {run.run_id: sum(len(n.checks) for n in run.results) for run in (first, second)}
    assert {rid: sum(1 for r in rows if r["RUN_ID"] == rid) for rid in per_run} == per_run
    failed = [r for r in rows if r["RUN_ID"] == second.run_id and not r["SUCCESS"]]
    assert sorted(r["CHECK_NAME"] for r in failed) == [
        "expect_column_values_to_be_between(RATING)",
        "expect_compound_columns_to_be_unique(USER_ID,MOVIE_ID)",
        "relationship(MOVIE_ID -> STG_MOVIES.MOVIE_ID)",
    ]
    between = next(r for r in failed if r["EXPECTATION"] == "expect_column_values_to_be_between")
    assert (
        between["UNEXPECTED_COUNT"],
        between["ELEMENT_COUNT"],
        between["SEVERITY"],
        between["OUTCOME"],
    ) == (1, 6, "error", "fail")
    assert json.loads(between["SAMPLE"]) == [7.0]
    assert between["CHECKED_AT"] is not None and between["MODEL_NAME"] == "FCT_RATINGS"


def test_history_sql_is_snowflake_sql(ratings_project: Project) -> None:
    run = failing_run(ratings_project)
    table = check_results_table(ratings_project.engine)
    for statement in [create_table_sql(table), *insert_sql(table, run)]:
        parse_snowflake(statement)


def test_html_report_shows_hostile_names_and_values_as_text(
    checked_project: Callable[..., Project], browser: Any
) -> None:
    """A check name and a failing value holding a script element, quotes and & stay text."""
    project = checked_project(hostile)
    write_rows(project, "raw_movies", [{"MOVIE_ID": 1, "TITLE": hostile.HOSTILE}], MOVIE_TYPES)
    run = project.build()
    assert not run.success
    _, html_path = publish_validation(project, run)
    assert "<script" not in html_path.read_text(encoding="utf-8")
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(html_path.as_uri(), wait_until="load")
    assert page.locator("script").count() == 0 and dialogs == []
    cells = page.locator("h2#TITLES + table td:first-child").all_inner_texts()
    assert cells[0].startswith(hostile.HOSTILE)
    assert json.dumps([hostile.HOSTILE], ensure_ascii=False) in page.inner_text("body")  # failing values
    page.close()
