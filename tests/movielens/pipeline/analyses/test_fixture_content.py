"""Genre, release-year and rating-value distributions, polarized and disappointing movies, genre
popularity per segment and coverage gaps, on the fixture.

Catalog: m1 Alpha (1995) Comedy|Drama, m2 Beta (1995) Drama, m3 Gamma (2000) Action, m4 Delta (no
year) Comedy, m5 Epsilon (2000) no genres, m6 Zeta (2001) Action|Comedy (never rated).
Ratings: m1 2.5,5.0,4.0,4.5 (sum 16); m2 1.0,4.0,4.0,3.5 (12.5); m3 3.0,4.0,2.0,5.0 (14);
m4 1.5,4.0,3.5 (9); m5 4.5,3.5 (8). Global mean 3.5.
"""

from __future__ import annotations

import pytest

approx = pytest.approx


def test_ratings_by_genre(fixture_warehouse):
    rows = fixture_warehouse.rows("ratings_by_genre", "GENRE")
    got = {r["GENRE"]: (r["MOVIES_COUNT"], r["CATALOG_MOVIES"], r["RATINGS_COUNT"]) for r in rows}
    assert got == {"Action": (1, 2, 4), "Comedy": (2, 3, 7), "Drama": (2, 2, 8)}
    by_genre = {r["GENRE"]: r for r in rows}
    assert by_genre["Action"]["AVG_RATING"] == approx(3.5)
    assert by_genre["Comedy"]["AVG_RATING"] == approx(25 / 7)  # m1 16 + m4 9 over 7 ratings
    assert by_genre["Drama"]["AVG_RATING"] == approx(28.5 / 8)
    assert by_genre["Drama"]["SHARE_OF_GENRE_RATINGS"] == approx(8 / 19)
    assert by_genre["Comedy"]["GENRE_GROUP"] == "Comedy"
    assert by_genre["Action"]["GENRE_GROUP"] == "Action & Adventure"


def test_ratings_by_release_year_leaves_out_movies_without_a_year(fixture_warehouse):
    rows = fixture_warehouse.rows("ratings_by_release_year", "RELEASE_YEAR")
    got = [(r["RELEASE_YEAR"], r["MOVIES_COUNT"], r["CATALOG_MOVIES"], r["RATINGS_COUNT"]) for r in rows]
    assert got == [(1995, 2, 2, 8), (2000, 2, 2, 6), (2001, 0, 1, 0)]
    assert rows[0]["AVG_RATING"] == approx(28.5 / 8)
    assert rows[1]["AVG_RATING"] == approx(22 / 6)
    assert rows[2]["AVG_RATING"] is None


def test_movie_rating_distribution_and_polarization(fixture_warehouse):
    # Fixture parameters: polarized with >= 4 ratings and both shares >= 0.25.
    rows = fixture_warehouse.rows("movie_rating_distribution", "MOVIE_ID")
    got = {r["MOVIE_ID"]: (r["RATINGS_COUNT"], r["IS_POLARIZED"]) for r in rows}
    assert got == {1: (4, False), 2: (4, True), 3: (4, True), 4: (3, False), 5: (2, False)}
    m2 = rows[1]
    assert (m2["TITLE"], m2["SHARE_LOW"], m2["SHARE_HIGH"]) == ("Beta", approx(0.25), approx(0.5))
    assert rows[0]["SHARE_LOW"] == approx(0.0)  # m1's lowest rating is 2.5
    assert rows[0]["STDDEV_RATING"] == approx(1.0801234, abs=1e-6)
    assert rows[0]["AVG_RATING"] == approx(4.0)


def test_rating_value_distribution_has_all_half_stars(fixture_warehouse):
    rows = fixture_warehouse.rows("rating_value_distribution", "RATING")
    got = [(r["RATING"], r["RATINGS_COUNT"]) for r in rows]
    assert got == [
        (0.5, 0),
        (1.0, 1),
        (1.5, 1),
        (2.0, 1),
        (2.5, 1),
        (3.0, 1),
        (3.5, 3),
        (4.0, 5),
        (4.5, 2),
        (5.0, 2),
    ]
    assert rows[7]["SHARE"] == approx(5 / 17)
    assert rows[0]["SHARE"] == approx(0.0)


def test_high_engagement_low_rating(fixture_warehouse):
    # percent_rank of counts: m5 (2) 0, m4 (3) 0.25, m1/m2/m3 (4) 0.5 -> eligible at >= 0.5; of those only
    # m2 is >= 0.25 below the global mean (3.125 - 3.5).
    rows = fixture_warehouse.rows("high_engagement_low_rating", "RANK")
    assert [(r["RANK"], r["MOVIE_ID"], r["TITLE"], r["RATINGS_COUNT"]) for r in rows] == [(1, 2, "Beta", 4)]
    assert rows[0]["ENGAGEMENT_PERCENTILE"] == approx(0.5)
    assert rows[0]["RATING_GAP"] == approx(-0.375)
    assert rows[0]["AVG_RATING"] == approx(3.125)


def test_genre_popularity_overall_and_per_segment(fixture_warehouse):
    rows = fixture_warehouse.rows("genre_popularity", "SEGMENT, GENRE_RANK")
    got = {(r["SEGMENT"], r["GENRE"]): (r["RATINGS_COUNT"], r["GENRE_RANK"]) for r in rows}
    # ALL: Drama 8, Comedy 7, Action 4.
    assert [got[("ALL", g)] for g in ("Drama", "Comedy", "Action")] == [(8, 1), (7, 2), (4, 3)]
    # u1 (HEAVY_CRITIC) rated m1 (Comedy, Drama), m2 (Drama), m3 (Action), m4 (Comedy): Comedy and Drama tie.
    assert [got[("HEAVY_CRITIC", g)] for g in ("Comedy", "Drama", "Action")] == [(2, 1), (2, 2), (1, 3)]
    # u3 + u5 (REGULAR_BALANCED): m1, m2, m3, m2, m4 -> Drama 3, Comedy 2, Action 1.
    assert [got[("REGULAR_BALANCED", g)] for g in ("Drama", "Comedy", "Action")] == [(3, 1), (2, 2), (1, 3)]
    # u7 (LIGHT_BALANCED) only rated m5, which has no genre: every genre present with 0.
    assert [got[("LIGHT_BALANCED", g)] for g in ("Action", "Comedy", "Drama")] == [(0, 1), (0, 2), (0, 3)]
    segments = {r["SEGMENT"] for r in rows}
    # TAGS_ONLY has no ratings and is left out; every other segment has all three genres.
    assert segments == {
        "ALL",
        "HEAVY_CRITIC",
        "HEAVY_ENTHUSIAST",
        "REGULAR_BALANCED",
        "REGULAR_ENTHUSIAST",
        "LIGHT_BALANCED",
    }
    assert len(rows) == 6 * 3
    by_key = {(r["SEGMENT"], r["GENRE"]): r for r in rows}
    assert by_key[("ALL", "Drama")]["SHARE_OF_SEGMENT"] == approx(8 / 19)
    assert by_key[("REGULAR_BALANCED", "Comedy")]["SHARE_OF_SEGMENT"] == approx(2 / 6)
    assert by_key[("ALL", "Comedy")]["AVG_RATING"] == approx(25 / 7)
    assert by_key[("LIGHT_BALANCED", "Drama")]["SHARE_OF_SEGMENT"] is None


def test_content_coverage_gaps(fixture_warehouse):
    # Supply = share of (movie, genre) pairs: Action 2/7 (m3, m6), Comedy 3/7 (m1, m4, m6), Drama 2/7.
    rows = fixture_warehouse.rows("content_coverage_gaps", "SEGMENT, GAP_RANK")
    overall = [(r["GENRE"], r["GAP_RANK"]) for r in rows if r["SEGMENT"] == "ALL"]
    assert overall == [("Drama", 1), ("Comedy", 2), ("Action", 3)]
    by_key = {(r["SEGMENT"], r["GENRE"]): r for r in rows}
    drama = by_key[("ALL", "Drama")]
    assert drama["DEMAND_SHARE"] == approx(8 / 19)
    assert drama["SUPPLY_SHARE"] == approx(2 / 7)
    assert drama["GAP"] == approx(8 / 19 - 2 / 7)
    assert by_key[("ALL", "Action")]["GAP"] == approx(4 / 19 - 2 / 7)
    # A segment without genre ratings demands nothing: every gap is minus the supply.
    assert by_key[("LIGHT_BALANCED", "Comedy")]["GAP"] == approx(-3 / 7)
