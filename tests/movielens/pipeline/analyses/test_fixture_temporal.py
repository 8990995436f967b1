"""Weekday x hour, months, seasonality and anomalies on the fixture (all UTC).

Ratings per month: 1995-11 2, 1995-12 2, 1996-01 3, 1996-02 0, 1996-03 9, 1996-04 1 (17 in all).
"""

from __future__ import annotations

from datetime import date

import pytest

approx = pytest.approx


def test_activity_by_weekday_hour_has_every_cell(fixture_warehouse):
    rows = fixture_warehouse.rows("activity_by_weekday_hour", "DAY_OF_WEEK, HOUR_OF_DAY")
    assert len(rows) == 168
    assert [(r["DAY_OF_WEEK"], r["HOUR_OF_DAY"]) for r in rows[:2]] == [(1, 0), (1, 1)]
    cells = {(r["DAY_OF_WEEK"], r["HOUR_OF_DAY"]): r for r in rows}
    # Monday 10h: 1995-11-06 (2.5, 1.0), 1996-03-04 (4.0), 1996-03-18 (3.5, 3.5).
    assert cells[(1, 10)]["RATINGS_COUNT"] == 5
    assert cells[(1, 10)]["AVG_RATING"] == approx(14.5 / 5)
    assert cells[(1, 10)]["DAY_NAME"] == "Monday"
    # Sunday 18h: 1996-03-10 (4.5, 5.0, 4.0); Wednesday 0h: 1996-04-10 00:30 (3.5).
    assert (cells[(7, 18)]["RATINGS_COUNT"], cells[(7, 18)]["AVG_RATING"]) == (3, approx(4.5))
    assert cells[(3, 0)]["RATINGS_COUNT"] == 1
    assert (cells[(4, 12)]["RATINGS_COUNT"], cells[(4, 12)]["AVG_RATING"]) == (0, None)
    assert sum(r["RATINGS_COUNT"] for r in rows) == 17


def test_seasonality_weekday(fixture_warehouse):
    rows = fixture_warehouse.rows("seasonality_weekday", "DAY_OF_WEEK")
    got = [(r["DAY_OF_WEEK"], r["DAY_NAME"], r["RATINGS_COUNT"]) for r in rows]
    assert got == [
        (1, "Monday", 7),
        (2, "Tuesday", 2),
        (3, "Wednesday", 3),
        (4, "Thursday", 0),
        (5, "Friday", 0),
        (6, "Saturday", 1),
        (7, "Sunday", 4),
    ]
    assert rows[0]["AVG_RATING"] == approx(23 / 7)
    assert rows[0]["SHARE_OF_RATINGS"] == approx(7 / 17)
    assert rows[3]["AVG_RATING"] is None


def test_ratings_over_time_fills_every_month(fixture_warehouse):
    rows = fixture_warehouse.rows("ratings_over_time", "MONTH_START")
    got = [
        (r["MONTH_START"], r["RATINGS_COUNT"], r["ACTIVE_USERS"], r["NEW_USERS"], r["CUMULATIVE_RATINGS"])
        for r in rows
    ]
    assert got == [
        (date(1995, 11, 1), 2, 1, 1, 2),  # u1
        (date(1995, 12, 1), 2, 2, 1, 4),  # u1, u2 (new)
        (date(1996, 1, 1), 3, 3, 1, 7),  # u1, u2, u3 (new)
        (date(1996, 2, 1), 0, 0, 0, 7),  # only tags that month
        (date(1996, 3, 1), 9, 4, 2, 16),  # u2, u3, u4 (new), u5 (new)
        (date(1996, 4, 1), 1, 1, 1, 17),  # u7 (new)
    ]
    assert [r["AVG_RATING"] for r in rows] == [
        approx(1.75),
        approx(4.0),
        approx(9.5 / 3),
        None,
        approx(35 / 9),
        3.5,
    ]


def test_seasonality_by_month_of_year(fixture_warehouse):
    rows = fixture_warehouse.rows("seasonality", "MONTH_OF_YEAR")
    assert [r["MONTH_OF_YEAR"] for r in rows] == list(range(1, 13))
    counts = [r["RATINGS_COUNT"] for r in rows]
    assert counts == [3, 0, 9, 1, 0, 0, 0, 0, 0, 0, 2, 2]
    # Six months observed (1995-11 .. 1996-04), once each: mean monthly count 17 / 6.
    index = {r["MONTH_OF_YEAR"]: r["SEASONAL_INDEX"] for r in rows}
    assert index[3] == approx(9 / (17 / 6))
    assert index[2] == approx(0.0)
    assert index[11] == approx(2 / (17 / 6))
    assert index[7] is None  # July never observed
    assert [r["MONTHS_OBSERVED"] for r in rows] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1]
    assert rows[0]["SHARE_OF_RATINGS"] == approx(3 / 17)
    assert rows[10]["AVG_RATING"] == approx(1.75)


def test_activity_anomalies_with_trailing_baseline(fixture_warehouse):
    # Fixture parameters: baseline = the 3 preceding months, at least 2 of them, |z| >= 2.
    rows = fixture_warehouse.rows("activity_anomalies", "PERIOD_START")
    assert [r["PERIOD_START"] for r in rows] == [
        date(1995, 11, 1),
        date(1995, 12, 1),
        date(1996, 1, 1),
        date(1996, 2, 1),
        date(1996, 3, 1),
        date(1996, 4, 1),
    ]
    got = [(r["DIRECTION"], r["IS_ANOMALY"]) for r in rows]
    assert got == [
        ("normal", False),  # no baseline
        ("normal", False),  # one month of baseline
        ("normal", False),  # baseline 2, 2: stddev 0, no z-score
        ("drop", True),  # 0 against 2, 2, 3: mean 7/3, sd sqrt(1/3) -> z -4.04
        ("spike", True),  # 9 against 2, 3, 0: mean 5/3, sd sqrt(7/3) -> z 4.80
        ("normal", False),  # 1 against 3, 0, 9: mean 4, sd sqrt(21) -> z -0.65
    ]
    assert [r["Z_SCORE"] for r in rows[:3]] == [None, None, None]
    assert rows[3]["EXPECTED_COUNT"] == approx(7 / 3)
    assert rows[3]["Z_SCORE"] == approx(-4.0414519, abs=1e-6)
    assert rows[4]["Z_SCORE"] == approx(4.8007936, abs=1e-6)
    assert rows[5]["Z_SCORE"] == approx(-0.6546537, abs=1e-6)
    # SEED_MOVIE_RELEASE_DATES: movie 1 on 1995-11-22, movie 2 on 1995-12-15.
    assert [r["RELEASES"] for r in rows] == ["Alpha", "Beta", None, None, None, None]
    # Movies rated for the first time: m1, m2 (Nov), m3 (Dec), m4 (Jan), m5 (Mar).
    assert [r["NEW_MOVIES_RATED"] for r in rows] == [2, 1, 1, 0, 1, 0]
