"""The pipeline's data-quality gates on hand-written broken files loaded with the real loader.

An error-severity failure fails its node with the right counts, skips everything downstream and leaves
the tables of the previous good build as they were; a warn-severity failure is reported and the build
goes on. Each test starts from a copy of a good build of sql_fixtures/pipeline/release.
"""

from __future__ import annotations

from netflix_elt.project import Project

from .conftest import CORE, checks_of, load_fixture, rows_of

RATING_TABLES = ("fct_ratings", "dim_users", "mart_content_metrics", "mart_user_behavior")


def test_the_clean_release_passes_every_check(built: Project) -> None:
    run = built.test(**CORE)
    assert run.success
    checked = {r.name: r.checks for r in run.results if r.checks}
    # every layer is gated: sources, the load log, seeds, staging, dims, facts, marts and the snapshot
    for model in (
        "RAW_RATINGS",
        "LOAD_LOG",
        "SEED_GENRES",
        "SRC_TAGS",
        "DIM_MOVIES",
        "FCT_RATINGS",
        "MART_CONTENT_METRICS",
        "SNAP_TAGS",
    ):
        assert checked.get(model), model
    results = [c for checks in checked.values() for c in checks]
    assert len(results) > 100 and all(c["success"] for c in results)
    assert all(c["route"] == "sql" for c in results)  # all pushed down: no GX import, no pandas copy


def test_out_of_range_and_duplicate_ratings_fail_the_raw_gate(built: Project) -> None:
    before = {name: rows_of(built, name) for name in RATING_TABLES}
    load_fixture(built, "bad_ratings")

    run = built.build(select=["+mart_content_metrics", "+mart_user_behavior"])

    statuses = {r.name: r.status for r in run.results}
    assert not run.success and statuses["RAW_RATINGS"] == "error"
    for name in (
        "FCT_RATINGS",
        "AGG_MOVIE_RATINGS",
        "DIM_USERS",
        "MART_CONTENT_METRICS",
        "MART_USER_BEHAVIOR",
    ):
        assert statuses[name] == "skipped", name
    # the movie branch is not blocked (and, with no new movies, left up to date)
    assert statuses["DIM_MOVIES"] == statuses["DIM_MOVIE_GENRES"] == "up_to_date"
    raw = checks_of(run, "RAW_RATINGS")
    in_set = raw["expect_column_values_to_be_in_set(RATING)"]
    # checked on the new batch only: every earlier batch passed every check
    assert (in_set["unexpected_count"], in_set["element_count"], in_set["scope"]) == (
        2,
        5,
        "the 5 changed rows",
    )
    assert sorted(in_set["sample"]) == [0.0, 7.0]
    duplicates = raw["unique_per_batch(USER_ID,MOVIE_ID)"]
    assert duplicates["unexpected_count"] == 2  # both rows of the pair, as GX counts them
    [sample] = duplicates["sample"]
    assert {k: sample[k] for k in ("USER_ID", "MOVIE_ID", "_BATCH_ID")} == {
        "USER_ID": 4,
        "MOVIE_ID": 3,
        "_BATCH_ID": "bad-ratings",
    }
    # the key holds _LOADED_AT, which no earlier row shares: checked on the new batch's rows alone
    assert duplicates["scope"] == "the 5 changed rows"
    epoch = raw["epoch_seconds_within_1995_and_tomorrow"]  # a timestamp in milliseconds
    assert (epoch["unexpected_count"], epoch["sample"][0]["EPOCH_SECONDS"]) == (1, 1_500_000_400_000)
    assert epoch["sample"][0]["_FILE_ROW_NUMBER"] == 6  # the line in ratings.csv
    assert raw["expect_column_values_to_not_be_null(RATING)"]["success"]
    assert "3 blocking check(s) failed" in run.by_name()["RAW_RATINGS"].message
    # nothing the good build made is lost: the skipped tables are as they were
    assert {name: rows_of(built, name) for name in RATING_TABLES} == before


def test_orphan_movie_ids_fail_the_relationship_and_block_the_marts(built: Project) -> None:
    before = {name: rows_of(built, name) for name in RATING_TABLES[1:]}
    load_fixture(built, "orphan_ratings")

    run = built.build(select=["+mart_content_metrics", "+mart_user_behavior"])

    statuses = {r.name: r.status for r in run.results}
    assert statuses["RAW_RATINGS"] == "success" and statuses["FCT_RATINGS"] == "error"
    assert (
        statuses["DIM_USERS"]
        == statuses["MART_CONTENT_METRICS"]
        == statuses["MART_USER_BEHAVIOR"]
        == "skipped"
    )
    fct = checks_of(run, "FCT_RATINGS")
    orphans = fct["relationship(MOVIE_ID -> DIM_MOVIES.MOVIE_ID)"]
    assert (orphans["success"], orphans["unexpected_count"], orphans["sample"]) == (False, 2, [99])
    # checked on the rows the build changed (the fact passed every check before, DIM_MOVIES is unchanged)
    assert (orphans["element_count"], orphans["scope"]) == (3, "the 3 changed rows")
    failed = [name for name, c in fct.items() if not c["success"]]
    assert failed == ["relationship(MOVIE_ID -> DIM_MOVIES.MOVIE_ID)"]
    # the fact took the new rows (it is checked after it is built); what reads it kept the good build
    assert len(rows_of(built, "fct_ratings")) == 12
    assert {name: rows_of(built, name) for name in RATING_TABLES[1:]} == before


def test_duplicate_movie_ids_in_one_file_block_everything_built_from_movies(built: Project) -> None:
    load_fixture(built, "duplicate_movies")
    run = built.build(select=["+mart_content_metrics", "+snap_tags"])
    statuses = {r.name: r.status for r in run.results}
    assert statuses["RAW_MOVIES"] == "error"
    assert statuses["SRC_MOVIES"] == statuses["DIM_MOVIES"] == statuses["FCT_RATINGS"] == "skipped"
    assert statuses["SNAP_TAGS"] == "success"  # does not read movies
    unique = checks_of(run, "RAW_MOVIES")["unique_per_batch(MOVIE_ID)"]
    # on the new batch's rows alone (its key holds _LOADED_AT): its two rows of the same movie
    assert (unique["unexpected_count"], unique["element_count"]) == (2, 2)
    assert unique["scope"] == "the 2 changed rows"


def test_warnings_are_reported_and_do_not_block(built: Project) -> None:
    load_fixture(built, "warnings")  # a genre the seed does not know, an imdbId of two digits

    run = built.build(**CORE)

    assert run.success, [(r.name, r.message) for r in run.results if not r.passed]
    statuses = {r.name: r.status for r in run.results}
    assert statuses["DIM_MOVIE_GENRES"] == statuses["RAW_LINKS"] == "warn"
    assert statuses["MART_USER_BEHAVIOR"] == statuses["SRC_LINKS"] == "success"
    genre = checks_of(run, "DIM_MOVIE_GENRES")["genre_in_seed_genres"]
    assert (genre["severity"], genre["unexpected_count"], genre["sample"]) == ("warn", 1, ["Anime"])
    links = checks_of(run, "RAW_LINKS")
    assert links["expect_column_value_lengths_to_equal(IMDB_ID)"]["unexpected_count"] == 1
    assert links["imdb_id_is_7_digits"]["sample"][0]["IMDB_ID"] == "88"
    assert ("7", "Anime") in {(str(m), g) for m, g in rows_of(built, "dim_movie_genres")}


def test_a_rating_loaded_late_is_merged_however_old(built: Project) -> None:
    load_fixture(built, "late_rating")  # rated in 2001, loaded after ratings of 2015

    run = built.build(select=["+fct_ratings"])

    fct = run.by_name()["FCT_RATINGS"]
    assert (fct.status, fct.rows, fct.inserted, fct.updated) == ("success", 10, 1, 0)
    assert ("2001",) in {(str(at.year),) for _, _, _, at in rows_of(built, "fct_ratings")}


def test_load_log_rows_must_reconcile_read_with_loaded_and_rejected(built: Project) -> None:
    log = built.relation("load_log")
    built.engine.execute(f"UPDATE {log} SET ROWS_LOADED = ROWS_LOADED - 1 WHERE TARGET_TABLE = 'RAW_TAGS'")
    run = built.test(select=["load_log"])
    assert run.by_name()["LOAD_LOG"].status == "error"
    reconcile = checks_of(run, "LOAD_LOG")["rows_read_equal_loaded_plus_rejected"]
    assert reconcile["unexpected_count"] == 1
    assert reconcile["sample"][0]["ROWS_READ"] == 3 and reconcile["sample"][0]["ROWS_LOADED"] == 2


def test_snapshot_invariants_catch_a_broken_history(built: Project) -> None:
    snap = built.relation("snap_tags")
    # a second current version of 'pixar', overlapping the first
    built.engine.execute(f"INSERT INTO {snap} SELECT * FROM {snap} WHERE TAG = 'pixar'")
    run = built.test(select=["snap_tags"])
    checks = checks_of(run, "SNAP_TAGS")
    failed = {name: c["unexpected_count"] for name, c in checks.items() if not c["success"]}
    assert failed == {
        "one_current_row_per_key(unique_key)": 1,
        "no_overlapping_validity(unique_key)": 1,
        "current_rows_match_src_tags": 1,
    }
    assert checks["one_current_row_per_key(unique_key)"]["sample"][0]["TAG"] == "pixar"
