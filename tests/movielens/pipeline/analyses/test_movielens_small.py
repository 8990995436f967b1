"""The analyses on ml-latest-small (default parameters): totals reconcile with the facts, bounds hold,
and known facts of that release (docs: movielens.md) come out."""

from __future__ import annotations

import pytest

from netflix_elt.movielens.pipeline.analyses import recommendations

approx = pytest.approx
RATINGS = 100_836
USERS = 610


def test_every_analysis_succeeded(small_warehouse):
    failed = [(r.name, r.message) for r in small_warehouse.run.results if r.status != "success"]
    assert failed == []


def test_user_activity_and_segments_cover_every_user(small_warehouse):
    activity = small_warehouse.rows("user_activity", "ACTIVITY_RANK")
    assert [r["ACTIVITY_RANK"] for r in activity] == list(range(1, USERS + 1))
    assert activity[0]["RATINGS_COUNT"] == 2_698  # the heaviest rater (movielens.md)
    assert sum(r["RATINGS_COUNT"] for r in activity) == RATINGS
    segments = small_warehouse.rows("user_segments", "USER_ID")
    assert len(segments) == len({r["USER_ID"] for r in segments}) == USERS
    summary = small_warehouse.rows("user_segment_summary", "SEGMENT_ORDER")
    assert sum(r["USERS"] for r in summary) == USERS
    assert sum(r["RATINGS_COUNT"] for r in summary) == RATINGS
    assert sum(r["SHARE_OF_USERS"] for r in summary) == approx(1.0)
    counted = {r["SEGMENT"]: r["USERS"] for r in summary}
    for segment in {r["SEGMENT"] for r in segments}:
        assert counted[segment] == sum(1 for r in segments if r["SEGMENT"] == segment)
    clusters = small_warehouse.rows("user_clusters", "USER_ID")
    assert len(clusters) == USERS


def test_weekday_hour_and_seasonality_sum_to_all_ratings(small_warehouse):
    cells = small_warehouse.rows("activity_by_weekday_hour", "DAY_OF_WEEK, HOUR_OF_DAY")
    assert len(cells) == 168 and sum(r["RATINGS_COUNT"] for r in cells) == RATINGS
    weekdays = small_warehouse.rows("seasonality_weekday", "RATINGS_COUNT DESC")
    assert sum(r["RATINGS_COUNT"] for r in weekdays) == RATINGS
    assert (weekdays[0]["DAY_NAME"], weekdays[-1]["DAY_NAME"]) == ("Monday", "Thursday")  # movielens.md
    months = small_warehouse.rows("seasonality", "MONTH_OF_YEAR")
    assert [r["MONTH_OF_YEAR"] for r in months] == list(range(1, 13))
    assert sum(r["RATINGS_COUNT"] for r in months) == RATINGS
    assert sum(r["SHARE_OF_RATINGS"] for r in months) == approx(1.0)


def test_months_and_anomalies_cover_every_period(small_warehouse):
    over_time = small_warehouse.rows("ratings_over_time", "MONTH_START")
    anomalies = small_warehouse.rows("activity_anomalies", "PERIOD_START")
    # 1996-03 .. 2018-09, every month, including months without a rating.
    assert len(over_time) == (2018 - 1996) * 12 + (9 - 3) + 1
    assert [r["PERIOD_START"] for r in anomalies] == [r["MONTH_START"] for r in over_time]
    assert sum(r["RATINGS_COUNT"] for r in anomalies) == RATINGS
    assert over_time[-1]["CUMULATIVE_RATINGS"] == RATINGS
    assert all(r["IS_ANOMALY"] == (r["DIRECTION"] != "normal") for r in anomalies)
    assert any(r["IS_ANOMALY"] for r in anomalies)


def test_genre_and_value_distributions_reconcile(small_warehouse):
    pairs = small_warehouse.scalar(
        f"SELECT COUNT(*) FROM {small_warehouse.project.relation('fct_ratings')} r "
        f"JOIN {small_warehouse.project.relation('dim_movie_genres')} g ON g.MOVIE_ID = r.MOVIE_ID"
    )
    genres = small_warehouse.rows("ratings_by_genre", "RATINGS_COUNT DESC")
    assert sum(r["RATINGS_COUNT"] for r in genres) == pairs
    assert genres[0]["GENRE"] == "Drama"
    popularity = small_warehouse.rows("genre_popularity", "SEGMENT, GENRE_RANK")
    overall = [r for r in popularity if r["SEGMENT"] == "ALL"]
    assert sum(r["RATINGS_COUNT"] for r in overall) == pairs
    assert sum(r["RATINGS_COUNT"] for r in popularity if r["SEGMENT"] != "ALL") == pairs
    values = small_warehouse.rows("rating_value_distribution", "RATING")
    assert [r["RATING"] for r in values] == [v / 2 for v in range(1, 11)]
    assert sum(r["RATINGS_COUNT"] for r in values) == RATINGS
    assert sum(r["SHARE"] for r in values) == approx(1.0)
    assert {r["RATING"]: r["SHARE"] for r in values}[4.0] == approx(0.266, abs=0.001)  # movielens.md


def test_movie_level_answers(small_warehouse):
    movies = small_warehouse.rows("movie_rating_distribution", "RATINGS_COUNT DESC, MOVIE_ID")
    assert (movies[0]["TITLE"], movies[0]["RATINGS_COUNT"]) == ("Forrest Gump", 329)
    assert sum(r["RATINGS_COUNT"] for r in movies) == RATINGS
    years = small_warehouse.rows("ratings_by_release_year", "RELEASE_YEAR")
    completeness = {
        (r["CHECK_NAME"], r["TABLE_NAME"], r["COLUMN_NAME"]): r["ROWS_MISSING"]
        for r in small_warehouse.rows("data_completeness", "CHECK_NAME")
    }
    no_year = completeness[("MISSING_RELEASE_YEAR", "DIM_MOVIES", "RELEASE_YEAR")]
    # movielens.md counts 13 titles without "(YYYY)"; one of them ends in a year range, which has a year.
    assert no_year == 12
    assert completeness[("RAW_NULLS", "RAW_LINKS", "TMDB_ID")] == 8
    assert completeness[("MOVIE_NEVER_RATED", "DIM_MOVIES", "MOVIE_ID")] == 18
    assert sum(r["CATALOG_MOVIES"] for r in years) == 9_742 - no_year
    disappointing = small_warehouse.rows("high_engagement_low_rating", "RANK")
    assert disappointing and all(r["ENGAGEMENT_PERCENTILE"] >= 0.9 for r in disappointing)
    assert all(r["RATING_GAP"] <= -0.5 for r in disappointing)
    promotion = small_warehouse.rows("promotion_candidates", "PROMOTION_RANK")
    assert [r["PROMOTION_RANK"] for r in promotion] == list(range(1, len(promotion) + 1))
    assert 0 < len(promotion) <= 100 and all(r["SCORE"] > 0 for r in promotion)


def test_pairwise_bounds_and_pair_counts(small_warehouse):
    top_k = recommendations.TOP_K
    similar = small_warehouse.rows("user_similarity", "USER_ID, SIMILARITY_RANK")
    per_user: dict[int, int] = {}
    for row in similar:
        per_user[row["USER_ID"]] = per_user.get(row["USER_ID"], 0) + 1
        assert row["CO_RATED_COUNT"] >= recommendations.MIN_CO_RATED and row["SIMILARITY"] > 0
    assert max(per_user.values()) <= top_k
    assert {r["SIMILARITY_RANK"] for r in similar} <= set(range(1, top_k + 1))
    related = small_warehouse.rows("movie_co_ratings", "MOVIE_ID, RELATED_RANK")
    assert all(r["CO_RATERS"] >= recommendations.MIN_CO_RATERS for r in related)
    assert {r["RELATED_RANK"] for r in related} <= set(range(1, top_k + 1))
    stats = {r["ANALYSIS"]: r for r in small_warehouse.rows("recommendation_pair_stats", "ANALYSIS")}
    users, movies = stats["USER_SIMILARITY"], stats["MOVIE_CO_RATINGS"]
    assert (users["KEPT_PAIRS"], movies["KEPT_PAIRS"]) == (len(similar), len(related))
    assert users["INPUT_ROWS"] == RATINGS and users["ENTITIES"] == USERS
    assert users["ENTITIES_WITH_NEIGHBOURS"] == len(per_user)
    for row in (users, movies):
        assert 0 < row["CANDIDATE_PAIRS"] < row["NAIVE_PAIRS"]
        assert row["CAPPED_ROWS"] <= row["INPUT_ROWS"]
    # ratings per movie -> sum of n(n-1)/2 without any cap
    assert users["NAIVE_PAIRS"] == 2_911_932


def test_model_timings_cover_the_whole_first_build(small_warehouse):
    # MODEL_TIMINGS reads only RUN_HISTORY; built last (runs_last), it covers every other node of the
    # fresh warehouse's first build, not just the sources that happened to finish before it.
    run = small_warehouse.run
    assert run.results[-1].name == "MODEL_TIMINGS" and run.results[-1].status == "success"
    timings = {r["MODEL_NAME"]: r for r in small_warehouse.rows("model_timings", "MODEL_NAME")}
    assert set(timings) == {r.name for r in run.results} - {"MODEL_TIMINGS"}
    assert {r["LAST_RUN_ID"] for r in timings.values()} == {run.run_id}
    assert timings["FCT_RATINGS"]["LAST_ROWS"] == RATINGS
    assert timings["FCT_RATINGS"]["LAST_STATUS"] == "success"
    assert all(r["RUNS"] >= 1 and r["MAX_SECONDS"] >= r["LAST_SECONDS"] >= 0 for r in timings.values())


def test_every_model_of_the_built_release_is_its_contract(small_warehouse):
    project = small_warehouse.project
    for spec in project.registry:
        if spec.contract is None:
            continue
        described = project.engine.columns(project.relation(spec.name))
        assert spec.contract.differences(described, exact=spec.kind_name != "view") == [], spec.name
