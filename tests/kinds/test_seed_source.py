"""Seeds (typed CSVs shipped with a project) and sources (raw tables with a freshness rule)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netflix_elt.kinds import Source
from netflix_elt.project import Project
from projects import seeds, sources
from projects.helpers import FIXTURES, load_rows, table_rows

LOADS = "MOVIELENS.RAW.RAW_LOADS"


@pytest.fixture
def seed_project(make_project) -> Project:
    return make_project(seeds)


def seed_result(project: Project, name: str):
    return project.seed(select=[name]).by_name()[name.upper()]


def test_a_seed_is_loaded_with_its_declared_types(seed_project: Project) -> None:
    result = seed_result(seed_project, "releases")
    assert (result.kind, result.status, result.rows, result.inserted) == ("seed", "success", 3, 3)
    relation = seed_project.relation("releases")
    assert relation == "MOVIELENS.RAW.RELEASES"
    types = {c.name: c.type for c in seed_project.engine.columns(relation)}
    assert list(types) == ["MOVIE_ID", "TITLE", "RELEASE_DATE", "BUDGET", "IS_SEQUEL"]
    assert types["MOVIE_ID"] == "NUMBER(38,0)"
    assert types["TITLE"].startswith("VARCHAR")
    assert (types["RELEASE_DATE"], types["BUDGET"], types["IS_SEQUEL"]) == ("DATE", "FLOAT", "BOOLEAN")
    assert table_rows(seed_project.engine, relation, "MOVIE_ID") == [
        {
            "MOVIE_ID": "1",
            "TITLE": "Toy Story",
            "RELEASE_DATE": "1995-11-22",
            "BUDGET": "30000000",
            "IS_SEQUEL": "false",
        },
        {
            "MOVIE_ID": "2",
            "TITLE": "Jumanji, the game",
            "RELEASE_DATE": "1995-12-15",
            "BUDGET": "65000000.5",
            "IS_SEQUEL": "false",
        },
        {
            "MOVIE_ID": "3",
            "TITLE": "Grumpier Old Men",
            "RELEASE_DATE": "1995-12-22",
            "BUDGET": "",
            "IS_SEQUEL": "true",
        },
    ]


def test_a_csv_saved_with_a_byte_order_mark_loads(make_project, tmp_path) -> None:
    from netflix_elt import seed
    from projects.helpers import registry_of

    csv = tmp_path / "excel.csv"
    csv.write_text("CODE,LABEL\nA,first\nB,second\n", encoding="utf-8-sig")  # as spreadsheet programs save it
    project = make_project(registry_of(seed("excel", csv, {"CODE": "VARCHAR", "LABEL": "VARCHAR"})))
    result = project.seed().by_name()["EXCEL"]
    assert (result.status, result.rows) == ("success", 2), result.message
    assert [c.name for c in project.engine.columns(project.relation("excel"))] == ["CODE", "LABEL"]


def test_reseeding_replaces_the_table(seed_project: Project) -> None:
    seed_result(seed_project, "releases")
    assert seed_result(seed_project, "releases").rows == 3
    assert seed_project.table("releases").count() == 3


def test_a_header_mismatch_names_the_file_and_both_column_lists(seed_project: Project) -> None:
    result = seed_result(seed_project, "bad_header")
    assert result.status == "error"
    path = str((FIXTURES / "seeds/bad_header.csv").resolve())
    assert result.message.startswith(f"{path}: header ['MOVIE_ID', 'NAME'] does not match")
    assert "['MOVIE_ID', 'TITLE']" in result.message
    assert "column_types" in result.message  # the hint says what to fix
    assert seed_project.engine.object_type("MOVIELENS.RAW.BAD_HEADER") is None


def test_a_value_that_does_not_fit_its_type_names_the_file(seed_project: Project) -> None:
    result = seed_result(seed_project, "bad_value")
    assert result.status == "error"
    path = str((FIXTURES / "seeds/bad_value.csv").resolve())
    assert result.message.startswith(f"{path}: cannot cast the CSV to the declared types")
    assert "\n" not in result.message


def test_a_missing_seed_file_is_named(seed_project: Project) -> None:
    result = seed_result(seed_project, "missing_file")
    assert result.status == "error"
    assert "no_such_file.csv does not exist" in result.message
    assert result.message.startswith("seed MISSING_FILE: ")


def test_seed_command_builds_only_seeds_and_one_failure_does_not_stop_the_others(
    seed_project: Project,
) -> None:
    run = seed_project.seed()
    assert {r.name: r.status for r in run.results} == {
        "RELEASES": "success",
        "BAD_HEADER": "error",
        "BAD_VALUE": "error",
        "MISSING_FILE": "error",
    }


# -- sources ------------------------------------------------------------------------------------
@pytest.fixture
def source_project(make_project) -> Project:
    project = make_project(sources)
    load_rows(
        project.engine,
        LOADS,
        sources.LOAD_TYPES,
        [(1, "2024-04-30 18:00:00"), (2, "2024-05-01 00:00:00"), (3, "2024-04-29 00:00:00")],
    )
    load_rows(project.engine, "MOVIELENS.RAW.RAW_PLAIN", {"ID": "NUMBER"}, [(1,), (2,)])
    return project


def freshness(project: Project, at: datetime) -> dict[str, tuple[str, str]]:
    # Named, LOAD_COPY is built even when its source did not change since a previous call.
    run = project.build(select=["raw_loads", "load_copy"], run_started_at=at)
    return {r.name: (r.status, r.message) for r in run.results}


def test_a_fresh_source_passes(source_project: Project) -> None:
    results = freshness(source_project, datetime(2024, 5, 1, 3, 0, tzinfo=UTC))
    assert results["RAW_LOADS"] == ("success", "newest row loaded 3.0 h ago")
    assert results["LOAD_COPY"][0] == "success"


def test_a_source_older_than_warn_after_warns_and_downstream_still_runs(source_project: Project) -> None:
    results = freshness(source_project, datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    assert results["RAW_LOADS"] == ("warn", "stale: newest row loaded 12.0 h ago (> 6.0 h)")
    assert results["LOAD_COPY"][0] == "success"


def test_a_source_older_than_error_after_fails_and_blocks_downstream(source_project: Project) -> None:
    run = source_project.build(select=["raw_loads+"], run_started_at=datetime(2024, 5, 3, 0, 0, tzinfo=UTC))
    results = run.by_name()
    assert (results["RAW_LOADS"].status, results["RAW_LOADS"].message) == (
        "error",
        "stale: newest row loaded 48.0 h ago (> 24.0 h)",
    )
    assert results["RAW_LOADS"].rows == 3
    assert results["LOAD_COPY"].status == "skipped"
    assert not run.success


def test_a_naive_run_time_is_taken_as_utc(source_project: Project) -> None:
    aware = freshness(source_project, datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    naive = freshness(source_project, datetime(2024, 5, 1, 12, 0))
    assert naive == aware


def test_an_empty_source_with_a_freshness_rule_fails(source_project: Project) -> None:
    load_rows(source_project.engine, LOADS, sources.LOAD_TYPES, [])
    results = freshness(source_project, datetime(2024, 5, 1, tzinfo=UTC))
    assert results["RAW_LOADS"] == ("error", "no rows loaded yet")


def test_a_source_without_a_rule_reports_its_row_count(source_project: Project) -> None:
    result = source_project.build(select=["raw_plain"]).by_name()["RAW_PLAIN"]
    assert (result.kind, result.status, result.rows, result.message) == ("source", "success", 2, "")


def test_a_missing_source_table_fails_with_a_hint(source_project: Project) -> None:
    result = source_project.build(select=["raw_never_loaded"]).by_name()["RAW_NEVER_LOADED"]
    assert result.status == "error"
    assert result.message.startswith(
        "source RAW_NEVER_LOADED: source table MOVIELENS.RAW.RAW_NEVER_LOADED does not exist"
    )
    assert "netflix-elt load" in result.message


def test_judge_compares_aware_times_in_utc() -> None:
    rule = Source(loaded_at="LOADED_AT", warn_after_hours=1, error_after_hours=2)
    now = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    assert rule.judge(5, datetime(2024, 1, 1, 11, 30), now).status == "success"
    assert rule.judge(5, datetime(2024, 1, 1, 10, 30), now).status == "warn"
    assert rule.judge(5, datetime(2024, 1, 1, 9, 30), now).status == "error"
    assert rule.judge(5, None, now).status == "error"
