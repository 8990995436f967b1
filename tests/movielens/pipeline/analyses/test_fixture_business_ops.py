"""PROMOTION_CANDIDATES, GENRE_GROWTH_POTENTIAL, DATA_COMPLETENESS, MODEL_TIMINGS and ANALYSIS_PARAMETERS
on the fixture. The data's latest rating is 1996-04-10 00:30 UTC; the global mean is 3.5."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from netflix_elt.movielens.pipeline.analyses.parameters import declared_parameters
from netflix_elt.sql import literal

from .conftest import use_fixture_parameters

approx = pytest.approx
FIXTURES = Path(__file__).resolve().parents[4] / "sql_fixtures" / "analyses"


def test_promotion_candidates(fixture_warehouse):
    # Fixture parameters: prior 2 ratings, 45 recent days (after 1996-02-25 00:30), top 3.
    # Bayesian averages (7 + sum) / (2 + n): m1 23/6, m2 3.25, m3 3.5, m4 3.2, m5 15/4.
    # Recent ratings: m1 1, m2 2, m3 3, m4 2, m5 2. Only m1 and m5 are above the mean (m3 is exactly at it).
    rows = fixture_warehouse.rows("promotion_candidates", "PROMOTION_RANK")
    got = [
        (r["PROMOTION_RANK"], r["MOVIE_ID"], r["TITLE"], r["RATINGS_COUNT"], r["RECENT_RATINGS"])
        for r in rows
    ]
    assert got == [(1, 5, "Epsilon", 2, 2), (2, 1, "Alpha", 4, 1)]
    assert rows[0]["BAYESIAN_AVG"] == approx(3.75)
    assert rows[0]["SCORE"] == approx(0.25 * math.log(3))
    assert rows[1]["BAYESIAN_AVG"] == approx(23 / 6)
    assert rows[1]["SCORE"] == approx((23 / 6 - 3.5) * math.log(2))


def test_genre_growth_potential(fixture_warehouse):
    # Fixture parameter: 1 month. Recent = after 1996-03-10 00:30: Action 1 (m3), Comedy 3 (m1 1, m4 2),
    # Drama 2 (m1, m2); prior = 1996-02-10 00:30 .. 1996-03-10 00:30: Action 2, Comedy 0, Drama 1.
    rows = fixture_warehouse.rows("genre_growth_potential", "POTENTIAL_RANK")
    got = [(r["POTENTIAL_RANK"], r["GENRE"], r["RECENT_RATINGS"], r["PRIOR_RATINGS"]) for r in rows]
    assert got == [(1, "Drama", 2, 1), (2, "Comedy", 3, 0), (3, "Action", 1, 2)]
    by_genre = {r["GENRE"]: r for r in rows}
    assert by_genre["Drama"]["RECENT_GROWTH"] == approx(1.0)
    assert by_genre["Action"]["RECENT_GROWTH"] == approx(-0.5)
    assert by_genre["Comedy"]["RECENT_GROWTH"] is None
    assert by_genre["Comedy"]["CATALOG_SHARE"] == approx(3 / 7)
    assert by_genre["Comedy"]["RATING_SHARE"] == approx(7 / 19)
    # z(avg): averages 3.5, 25/7, 3.5625 (mean 3.5446, population sd 0.0317762); z(growth): -1, (none) 0, +1;
    # presence (catalog + rating share) / 2: 0.2481, 0.3985, 0.3534 (mean 1/3, sd 0.0630058).
    assert by_genre["Drama"]["Z_SATISFACTION"] == approx(0.5619515, abs=1e-6)
    assert by_genre["Drama"]["Z_GROWTH"] == approx(1.0)
    assert by_genre["Comedy"]["Z_GROWTH"] == approx(0.0)
    assert by_genre["Action"]["Z_PRESENCE"] == approx(-1.3524474, abs=1e-6)
    expected = {"Drama": 1.2437286, "Comedy": -0.1912972, "Action": -1.0524313}
    for genre, score in expected.items():
        assert by_genre[genre]["POTENTIAL_SCORE"] == approx(score, abs=1e-6)


def test_data_completeness(fixture_warehouse):
    rows = fixture_warehouse.rows("data_completeness", "CHECK_NAME, TABLE_NAME, COLUMN_NAME")
    got = {
        (r["CHECK_NAME"], r["TABLE_NAME"], r["COLUMN_NAME"]): (r["ROWS_TOTAL"], r["ROWS_MISSING"])
        for r in rows
    }
    assert got[("RAW_NULLS", "RAW_LINKS", "TMDB_ID")] == (6, 1)  # Delta's tmdbId is empty
    assert got[("RAW_NULLS", "RAW_GENOME_TAGS", "TAG")] == (2, 1)  # a blank tag
    assert got[("RAW_NULLS", "RAW_RATINGS", "RATING")] == (18, 0)  # RAW keeps the replaced rating too
    assert got[("LOAD_REJECTS", "RAW_RATINGS", "(record)")] == (20, 2)
    assert got[("LOAD_REJECTS", "RAW_MOVIES", "(record)")] == (7, 1)
    assert got[("LOAD_REJECTS", "RAW_TAGS", "(record)")] == (3, 0)
    assert got[("MISSING_RELEASE_YEAR", "DIM_MOVIES", "RELEASE_YEAR")] == (6, 1)  # Delta
    assert got[("MOVIE_NEVER_RATED", "DIM_MOVIES", "MOVIE_ID")] == (6, 1)  # Zeta
    assert got[("MOVIE_WITHOUT_GENRES", "DIM_MOVIES", "GENRES")] == (6, 1)  # Epsilon
    assert got[("MOVIE_WITHOUT_GENOME", "FCT_GENOME_SCORES", "MOVIE_ID")] == (6, 5)  # m2's only score is 0
    assert got[("USER_WITHOUT_TAGS", "DIM_USERS", "TAGS_COUNT")] == (7, 5)  # u1 and u6 tagged
    assert got[("USER_WITHOUT_RATINGS", "DIM_USERS", "RATINGS_COUNT")] == (7, 1)  # u6
    assert got[("RATING_OF_UNKNOWN_MOVIE", "FCT_RATINGS", "MOVIE_ID")] == (17, 0)
    # Every file column has a RAW_NULLS row, every file a LOAD_REJECTS row, plus 7 modelled checks.
    assert len(rows) == (3 + 4 + 4 + 3 + 3 + 2) + 6 + 7
    shares = {(r["CHECK_NAME"], r["TABLE_NAME"], r["COLUMN_NAME"]): r["SHARE_MISSING"] for r in rows}
    assert shares[("LOAD_REJECTS", "RAW_RATINGS", "(record)")] == approx(2 / 20)
    assert shares[("RAW_NULLS", "RAW_GENOME_SCORES", "MOVIE_ID")] == approx(0.0)


def test_model_timings_from_run_history(fixture_warehouse):
    project = fixture_warehouse.project
    history = project.engine.fqn(project.profile.schemas.meta, "RUN_HISTORY")
    frame = pd.read_csv(FIXTURES / "run_history.csv", dtype=str, keep_default_na=False)
    columns = list(frame.columns)
    for record in frame.itertuples(index=False):
        values = []
        for name, value in zip(columns, record, strict=True):
            if value == "":
                values.append("NULL")
            elif name in ("STARTED_AT", "ENDED_AT"):
                values.append(f"CAST({literal(value)} AS TIMESTAMP_NTZ)")
            elif name in ("SECONDS", "ROWS_AFFECTED"):
                values.append(value)
            else:
                values.append(literal(value))
        project.engine.execute(f"INSERT INTO {history} ({', '.join(columns)}) VALUES ({', '.join(values)})")
    result = project.build(select=["model_timings"])
    assert result.success
    rows = {r["MODEL_NAME"]: r for r in fixture_warehouse.rows("model_timings", "MODEL_NAME")}
    probe = rows["HISTORY_PROBE"]
    # r1 build 2.0 s and r2 run 4.0 s count; r3 is a test run and r4 was skipped.
    assert (probe["RUNS"], probe["LAST_SECONDS"], probe["AVG_SECONDS"], probe["MAX_SECONDS"]) == (
        2,
        4.0,
        3.0,
        4.0,
    )
    assert (probe["LAST_STATUS"], probe["LAST_ROWS"], probe["ERRORS"], probe["SKIPPED"]) == (
        "error",
        None,
        1,
        1,
    )
    assert probe["LAST_RUN_AT"] == datetime(2020, 1, 2, 10, 0, 4)
    # The fixture build itself: FCT_RATINGS was built once, with 17 rows.
    ratings = rows["FCT_RATINGS"]
    assert (ratings["KIND"], ratings["RUNS"], ratings["LAST_ROWS"], ratings["LAST_STATUS"]) == (
        "incremental",
        1,
        17,
        "success",
    )


def test_analysis_parameters_state_every_parameter(fixture_warehouse, monkeypatch):
    rows = fixture_warehouse.rows("analysis_parameters", "ANALYSIS, PARAMETER")
    got = {(r["ANALYSIS"], r["PARAMETER"]): r["VALUE"] for r in rows}
    use_fixture_parameters(monkeypatch)  # the values the fixture was built with
    declared = declared_parameters()
    assert got[("USER_SIMILARITY", "TOP_K")] == "2"
    assert len(rows) == len(declared) + 4
    for parameter in declared:
        assert got[(parameter.analysis, parameter.parameter)] == parameter.text
    assert float(got[("DATA", "GLOBAL_AVG_RATING")]) == approx(3.5)
    assert got[("DATA", "TOTAL_RATINGS")] == "17"
    assert got[("DATA", "LAST_RATED_AT")] == "1996-04-10 00:30:00"
    assert all(r["DESCRIPTION"] for r in rows)
