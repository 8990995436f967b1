"""USER_SIMILARITY, MOVIE_CO_RATINGS and RECOMMENDATION_PAIR_STATS on the fixture.

Fixture parameters: USER_CAP 3, MOVIE_RATER_CAP 3, MIN_CO_RATED 2 (shrinkage 10); LIKES_CAP 3,
MIN_CO_RATERS 2; TOP_K 2.
"""

from __future__ import annotations

import pytest

approx = pytest.approx


def test_user_similarity_after_the_caps(fixture_warehouse):
    # Each user's 3 newest ratings, centred on the user's mean: u1 (2.0) drops m1; u2 (4.375) drops m1.
    # Each movie's 3 newest raters: m2 drops u1, m3 drops u1 -> u1 keeps only m4 and u7 only m5: both fall
    # under the support of 2. Pairs with 2 co-rated movies: (u2, u3) on m2, m3 and (u3, u4) on m1, m3.
    # (u2, u3): d = (-0.375, -0.375) and (2/3, -4/3): dot 0.25, norms 0.28125 and 20/9 -> cosine 0.3162278,
    # shrunk by 2 / (2 + 10). (u3, u4): dot -2/3 < 0, dropped.
    rows = fixture_warehouse.rows("user_similarity", "USER_ID, SIMILARITY_RANK")
    got = [(r["USER_ID"], r["SIMILAR_USER_ID"], r["CO_RATED_COUNT"], r["SIMILARITY_RANK"]) for r in rows]
    assert got == [(2, 3, 2, 1), (3, 2, 2, 1)]
    assert rows[0]["SIMILARITY"] == approx(0.0527046, abs=1e-6)
    assert rows[1]["SIMILARITY"] == rows[0]["SIMILARITY"]


def test_movie_co_ratings_users_also_liked(fixture_warehouse):
    # Likes (>= 4.0), each user's 3 strongest: u2 m1 5.0, m5 4.5, m3 4.0 (newer than m2); u3 m1, m2;
    # u4 m3 5.0, m1 4.5, m4 4.0. Likers: m1 3, m3 2, others 1 (pruned). (m1, m3) liked by u2 and u4:
    # score 2 / sqrt(3 * 2).
    rows = fixture_warehouse.rows("movie_co_ratings", "MOVIE_ID, RELATED_RANK")
    got = [
        (r["MOVIE_ID"], r["TITLE"], r["RELATED_MOVIE_ID"], r["RELATED_TITLE"], r["CO_RATERS"]) for r in rows
    ]
    assert got == [(1, "Alpha", 3, "Gamma", 2), (3, "Gamma", 1, "Alpha", 2)]
    assert [r["SCORE"] for r in rows] == [approx(0.8164966, abs=1e-6)] * 2
    assert [r["RELATED_RANK"] for r in rows] == [1, 1]


def test_recommendation_pair_stats(fixture_warehouse):
    rows = {r["ANALYSIS"]: r for r in fixture_warehouse.rows("recommendation_pair_stats", "ANALYSIS")}
    users = rows["USER_SIMILARITY"]
    # Naive: raters per movie 4, 4, 4, 3, 2 -> 6 + 6 + 6 + 3 + 1. Bounded: u2 3 + u3 3 + u4 3 + u5 2 rows;
    # raters per movie m1 2, m2 3, m3 3, m4 2, m5 1 -> 1 + 3 + 3 + 1.
    assert (users["INPUT_ROWS"], users["CAPPED_ROWS"], users["NAIVE_PAIRS"], users["CANDIDATE_PAIRS"]) == (
        17,
        11,
        22,
        8,
    )
    assert (users["KEPT_PAIRS"], users["ENTITIES"], users["ENTITIES_WITH_NEIGHBOURS"]) == (2, 6, 2)
    assert (users["TOP_K"], users["MIN_SUPPORT"], users["PER_USER_CAP"], users["PER_MOVIE_CAP"]) == (
        2,
        2,
        3,
        3,
    )
    movies = rows["MOVIE_CO_RATINGS"]
    # Likes per user 4, 2, 3 -> naive 6 + 1 + 3; bounded rows u2 m1, m3; u3 m1; u4 m3, m1 -> 1 + 0 + 1.
    assert (
        movies["INPUT_ROWS"],
        movies["CAPPED_ROWS"],
        movies["NAIVE_PAIRS"],
        movies["CANDIDATE_PAIRS"],
    ) == (
        9,
        5,
        10,
        2,
    )
    assert (movies["KEPT_PAIRS"], movies["ENTITIES"], movies["ENTITIES_WITH_NEIGHBOURS"]) == (2, 5, 2)
    assert (movies["MIN_SUPPORT"], movies["PER_USER_CAP"], movies["PER_MOVIE_CAP"]) == (2, 3, None)
