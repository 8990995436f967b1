"""Quality gates in a build: failing checks with the right counts block the downstream and nothing
already built is lost; warnings do not block; checks on sources, views and snapshots; ``test``."""

from __future__ import annotations

from datetime import datetime

import pytest

from netflix_elt.project import Project
from netflix_elt.sql import parse_snowflake

from .conftest import GOOD_MOVIES, GOOD_RATINGS, load_raw, write_rows

BAD_RATINGS = [
    *GOOD_RATINGS,
    {"USER_ID": 3, "MOVIE_ID": 9, "RATING": 7.0, "RATED_AT": datetime(2020, 2, 1)},  # orphan, out of range
    {"USER_ID": 1, "MOVIE_ID": 1, "RATING": 1.0, "RATED_AT": datetime(2020, 2, 2)},  # duplicate (1, 1)
]


def checks_of(run, model: str) -> dict[str, dict]:
    return {c["name"]: c for c in run.by_name()[model].checks}


def table_rows(project: Project, name: str) -> list[tuple]:
    return sorted(tuple(r) for r in project.engine.execute(f"SELECT * FROM {project.relation(name)}"))


def test_good_data_passes_every_check(ratings_project: Project) -> None:
    run = ratings_project.build()
    assert run.success, [(r.name, r.message) for r in run.results]
    fct = checks_of(run, "FCT_RATINGS")
    assert len(fct) == 7 and all(c["success"] for c in fct.values())
    assert {c["model"] for c in fct.values()} == {"FCT_RATINGS"}
    assert fct["row_count_reconciles(this = STG_RATINGS)"]["observed_value"]["this"] == 4


def test_bad_rows_fail_the_right_checks_and_block_the_downstream(ratings_project: Project) -> None:
    first = ratings_project.build()
    assert first.success
    stats_before = table_rows(ratings_project, "movie_stats")
    load_raw(ratings_project, ratings_rows=BAD_RATINGS)

    run = ratings_project.build()

    by_name = run.by_name()
    assert not run.success
    assert by_name["FCT_RATINGS"].status == "error"
    assert by_name["MOVIE_STATS"].status == "skipped"
    fct = checks_of(run, "FCT_RATINGS")
    between = fct["expect_column_values_to_be_between(RATING)"]
    assert (between["success"], between["unexpected_count"], between["element_count"]) == (False, 1, 6)
    assert between["sample"] == [7.0] and between["unexpected_percent"] == pytest.approx(100 / 6)
    unique = fct["expect_compound_columns_to_be_unique(USER_ID,MOVIE_ID)"]
    assert (unique["success"], unique["unexpected_count"]) == (False, 2)
    assert unique["sample"] == [{"USER_ID": 1, "MOVIE_ID": 1}]
    orphans = fct["relationship(MOVIE_ID -> STG_MOVIES.MOVIE_ID)"]
    assert (orphans["success"], orphans["unexpected_count"], orphans["sample"]) == (False, 1, [9])
    assert fct["expect_column_values_to_not_be_null(MOVIE_ID)"]["success"]
    assert "3 blocking check(s) failed" in by_name["FCT_RATINGS"].message
    # the skipped mart keeps what the previous build published; upstream tables were rebuilt as usual
    assert table_rows(ratings_project, "movie_stats") == stats_before
    assert len(table_rows(ratings_project, "stg_ratings")) == len(BAD_RATINGS)


def test_a_failing_warn_check_does_not_block(ratings_project: Project) -> None:
    load_raw(ratings_project, ratings_rows=[{**r, "RATING": 5.0} for r in GOOD_RATINGS])
    run = ratings_project.build()
    assert run.success
    assert run.by_name()["FCT_RATINGS"].status == "warn"
    mean = checks_of(run, "FCT_RATINGS")["expect_column_mean_to_be_between(RATING)"]
    assert (mean["success"], mean["severity"], mean["observed_value"]) == (False, "warn", 5.0)
    assert run.by_name()["MOVIE_STATS"].status == "success"


def test_checks_on_a_source_block_everything_downstream(ratings_project: Project) -> None:
    load_raw(ratings_project, movies=[*GOOD_MOVIES, {"MOVIE_ID": 2, "TITLE": "Aliens"}])
    run = ratings_project.build()
    statuses = {r.name: r.status for r in run.results}
    assert statuses["RAW_MOVIES"] == "error"
    assert statuses["STG_MOVIES"] == statuses["FCT_RATINGS"] == statuses["MOVIE_STATS"] == "skipped"
    assert statuses["STG_RATINGS"] == "success"  # an independent branch goes on
    unique = checks_of(run, "RAW_MOVIES")["expect_column_values_to_be_unique(MOVIE_ID)"]
    assert (unique["unexpected_count"], unique["sample"]) == (2, [2])


def test_test_command_checks_what_is_built(ratings_project: Project) -> None:
    assert ratings_project.build().success
    write_rows(
        ratings_project,
        "stg_movies",
        [{"MOVIE_ID": 1, "TITLE": None}],
        {"MOVIE_ID": "NUMBER(38,0)", "TITLE": "VARCHAR"},
    )
    run = ratings_project.test()
    assert not run.success
    assert run.by_name()["STG_MOVIES"].status == "error"
    assert run.by_name()["FCT_RATINGS"].status == "skipped"
    assert run.by_name()["STG_MOVIES"].checks[0]["unexpected_count"] == 1


def test_every_statement_of_the_checks_is_snowflake_sql(ratings_project: Project) -> None:
    ratings_project.build()
    load_raw(ratings_project, ratings_rows=BAD_RATINGS)
    ratings_project.build(select=["stg_ratings"])
    runner = ratings_project.check_runner
    assert runner is not None
    spec = ratings_project.registry["FCT_RATINGS"]
    ratings_project.build(select=["fct_ratings"])
    with ratings_project.engine.recording() as statements:
        results = runner(spec, ratings_project.relation("fct_ratings"))
    assert not all(r["success"] for r in results)
    # the shared scan, relationship, reconciliation, singular... (the embedded engine reads the
    # tables' columns from its catalog, where Snowflake would DESCRIBE them)
    assert len(statements) >= 5
    for statement in statements:
        parse_snowflake(statement)


def test_unchecked_nodes_get_no_results(ratings_project: Project) -> None:
    run = ratings_project.build()
    assert run.by_name()["MOVIE_STATS"].checks == []
    assert run.by_name()["STG_RATINGS"].checks == []


def test_checking_a_table_that_was_never_built_says_so(ratings_project: Project) -> None:
    run = ratings_project.test()
    node = run.by_name()["STG_MOVIES"]
    assert node.status == "error"
    assert "cannot check MOVIELENS.STAGING.STG_MOVIES: it does not exist" in node.message
    assert "netflix-elt build --select stg_movies" in node.message
    assert run.by_name()["RAW_MOVIES"].status == "success"
