"""USER_ACTIVITY, USER_SEGMENTS, USER_SEGMENT_SUMMARY, RATING_CONSISTENCY and USER_CLUSTERS on the fixture.

Fixture (sql_fixtures/analyses): 17 current ratings (u3's first rating of movie 3 was replaced by a
re-rating), mean 59.5 / 17 = 3.5. Per user: u1 2.5,1.0,3.0,1.5 (avg 2.0, 1 tag); u2 5.0,4.0,4.0,4.5
(4.375); u3 4.0,4.0,2.0 (10/3); u4 4.5,5.0,4.0 (4.5); u5 3.5,3.5; u7 3.5; u6 has 2 tags and no rating.
Movie means: m1 4.0, m2 3.125, m3 3.5, m4 3.0, m5 4.0.
"""

from __future__ import annotations

from datetime import datetime

import pytest

approx = pytest.approx


def test_user_activity_ranks_by_ratings_then_tags_then_id(fixture_warehouse):
    rows = fixture_warehouse.rows("user_activity", "ACTIVITY_RANK")
    got = [(r["ACTIVITY_RANK"], r["USER_ID"], r["RATINGS_COUNT"], r["TAGS_COUNT"]) for r in rows]
    # u1 and u2 both have 4 ratings: u1's tag puts it first; u3/u4 tie on (3, 0): id order.
    assert got == [
        (1, 1, 4, 1),
        (2, 2, 4, 0),
        (3, 3, 3, 0),
        (4, 4, 3, 0),
        (5, 5, 2, 0),
        (6, 7, 1, 0),
        (7, 6, 0, 2),
    ]
    by_user = {r["USER_ID"]: r for r in rows}
    assert by_user[1]["AVG_RATING"] == approx(2.0)
    assert by_user[3]["AVG_RATING"] == approx(10 / 3)
    assert by_user[6]["AVG_RATING"] is None
    # Activity spans ratings and tags: u1 rated from Nov 6 to Jan 31; u6 only tagged.
    assert by_user[1]["FIRST_ACTIVITY_AT"] == datetime(1995, 11, 6, 10, 0, 0)
    assert by_user[1]["LAST_ACTIVITY_AT"] == datetime(1996, 1, 31, 12, 0, 0)
    assert by_user[3]["LAST_ACTIVITY_AT"] == datetime(1996, 3, 5, 14, 1, 0)  # the re-rating's time
    assert by_user[6]["FIRST_ACTIVITY_AT"] == datetime(1996, 2, 14, 9, 0, 0)


def test_user_segments_follow_the_stated_rules(fixture_warehouse):
    # Fixture parameters: HEAVY >= 4 ratings, REGULAR >= 2; band +/- 0.25 around 3.5.
    rows = fixture_warehouse.rows("user_segments", "USER_ID")
    got = {r["USER_ID"]: (r["SEGMENT"], r["RATINGS_COUNT"], r["TENURE_DAYS"]) for r in rows}
    assert got == {
        1: ("HEAVY_CRITIC", 4, 86),  # avg 2.0; Nov 6 -> Jan 31
        2: ("HEAVY_ENTHUSIAST", 4, 96),  # avg 4.375; Dec 20 -> Mar 25 (1996 is a leap year)
        3: ("REGULAR_BALANCED", 3, 45),  # avg 3.33 (-0.17); Jan 20 -> Mar 5
        4: ("REGULAR_ENTHUSIAST", 3, 0),
        5: ("REGULAR_BALANCED", 2, 0),  # avg 3.5 exactly
        6: ("TAGS_ONLY", 0, 0),
        7: ("LIGHT_BALANCED", 1, 0),
    }
    assert {r["USER_ID"]: r["RATING_VS_PLATFORM"] for r in rows}[1] == approx(-1.5)


def test_user_segment_summary_lists_every_segment(fixture_warehouse):
    rows = fixture_warehouse.rows("user_segment_summary", "SEGMENT_ORDER")
    got = {r["SEGMENT"]: (r["USERS"], r["RATINGS_COUNT"]) for r in rows}
    assert [r["SEGMENT"] for r in rows] == [
        "HEAVY_CRITIC",
        "HEAVY_BALANCED",
        "HEAVY_ENTHUSIAST",
        "REGULAR_CRITIC",
        "REGULAR_BALANCED",
        "REGULAR_ENTHUSIAST",
        "LIGHT_CRITIC",
        "LIGHT_BALANCED",
        "LIGHT_ENTHUSIAST",
        "TAGS_ONLY",
    ]
    assert got["REGULAR_BALANCED"] == (2, 5)
    assert got["HEAVY_BALANCED"] == (0, 0)
    by_segment = {r["SEGMENT"]: r for r in rows}
    balanced = by_segment["REGULAR_BALANCED"]
    assert balanced["SHARE_OF_USERS"] == approx(2 / 7)
    assert balanced["AVG_RATINGS_PER_USER"] == approx(2.5)
    assert balanced["AVG_RATING"] == approx((10.0 + 7.0) / 5)  # every rating weighs the same
    assert by_segment["HEAVY_ENTHUSIAST"]["SHARE_OF_RATINGS"] == approx(4 / 17)
    assert by_segment["TAGS_ONLY"]["AVG_RATING"] is None
    assert by_segment["TAGS_ONLY"]["AVG_RATINGS_PER_USER"] == approx(0.0)
    assert by_segment["HEAVY_BALANCED"]["SHARE_OF_USERS"] == approx(0.0)
    assert "4 ratings or more" in by_segment["HEAVY_CRITIC"]["DESCRIPTION"]
    assert sum(r["SHARE_OF_USERS"] for r in rows) == approx(1.0)


def test_rating_consistency_biases_and_outliers(fixture_warehouse):
    # Fixture parameters: at least 3 ratings; outlier when |z| >= 1.2.
    rows = fixture_warehouse.rows("rating_consistency", "ENTITY_TYPE, ENTITY_ID")
    got = {(r["ENTITY_TYPE"], r["ENTITY_ID"]): r for r in rows}
    assert sorted(got) == [("movie", 1), ("movie", 2), ("movie", 3), ("movie", 4)] + [
        ("user", u) for u in (1, 2, 3, 4)
    ]
    # u1: (2.5-4.0) + (1.0-3.125) + (3.0-3.5) + (1.5-3.0) = -5.625 over 4 ratings.
    expected_user_bias = {1: -1.40625, 2: 0.71875, 3: -0.625 / 3, 4: 1.0}
    # Biases' mean 0.0260417, sample sd 1.0854846.
    expected_user_z = {1: -1.3194951, 2: 0.6381558, 3: -0.2159174, 4: 0.8972567}
    expected_user_sd = {1: 0.9128709, 2: 0.4787136, 3: 1.1547005, 4: 0.5}
    for user in (1, 2, 3, 4):
        row = got[("user", user)]
        assert row["MEAN_BIAS"] == approx(expected_user_bias[user])
        assert row["BIAS_Z"] == approx(expected_user_z[user], abs=1e-6)
        assert row["STDDEV_RATING"] == approx(expected_user_sd[user], abs=1e-6)
        assert row["IS_OUTLIER"] is (user == 1)
    # Movies: mean minus 3.5 = 0.5, -0.375, 0, -0.5 (mean -0.09375, sd 0.4492471).
    expected_movie_z = {1: 1.3216559, 2: -0.6260475, 3: 0.2086825, 4: -0.9042908}
    for movie, bias in {1: 0.5, 2: -0.375, 3: 0.0, 4: -0.5}.items():
        row = got[("movie", movie)]
        assert row["MEAN_BIAS"] == approx(bias, abs=1e-9)
        assert row["BIAS_Z"] == approx(expected_movie_z[movie], abs=1e-6)
        assert row["IS_OUTLIER"] is (movie == 1)
    assert got[("movie", 2)]["ENTITY_NAME"] == "Beta"
    assert got[("movie", 2)]["STDDEV_RATING"] == approx(1.4361407, abs=1e-6)


def test_user_clusters_by_dominant_genre_group(fixture_warehouse):
    # Genre-group ratings over all users: Comedy 7, Drama 8, Action & Adventure 4 (of 19).
    rows = fixture_warehouse.rows("user_clusters", "USER_ID")
    got = {r["USER_ID"]: (r["CLUSTER_ID"], r["CLUSTER_LABEL"], r["TOP_GENRE_GROUP"]) for r in rows}
    generalist = "Generalists (no dominant genre group)"
    # Catalog groups in name order: Action & Adventure 1, Comedy 2, Drama 3.
    assert got == {
        1: (0, generalist, "Comedy"),  # Comedy 2/5 -> lift 1.086 < 1.25
        2: (0, generalist, "Drama"),  # Drama and A&A tie at lift 1.1875; Drama's share (1/2) is larger
        3: (0, generalist, "Drama"),
        4: (2, "Comedy fans", "Comedy"),  # Comedy 2/4 -> lift 19/14 = 1.357
        5: (2, "Comedy fans", "Comedy"),
        6: (0, generalist, None),  # no ratings
        7: (0, generalist, None),  # only a movie without genres
    }
    by_user = {r["USER_ID"]: r for r in rows}
    assert by_user[4]["TOP_LIFT"] == approx(19 / 14)
    assert by_user[4]["TOP_GROUP_SHARE"] == approx(0.5)
    assert by_user[2]["TOP_LIFT"] == approx(1.1875)
