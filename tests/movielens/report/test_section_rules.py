"""Rules inside the sections that need no warehouse: activity bins, parameter ownership, weighted means."""

from __future__ import annotations

import itertools

import pytest

from netflix_elt.movielens.report.sections import SPECS, assign_parameters
from netflix_elt.movielens.report.sections.content import as_fraction, weighted_average
from netflix_elt.movielens.report.sections.users import activity_bins, bin_label


@pytest.mark.parametrize(("low", "high"), [(20, 2698), (0, 7), (5, 5), (1, 1_000_000), (33, 48)])
def test_activity_bins_tile_the_range(low: int, high: int) -> None:
    bins = activity_bins(low, high)
    assert bins[0][0] == low and bins[-1][1] == high + 1
    assert all(a < b for a, b in bins)
    assert all(left[1] == right[0] for left, right in itertools.pairwise(bins))


def test_bin_labels() -> None:
    assert bin_label(20, 50, last=False) == "20–49"
    assert bin_label(2000, 2699, last=True) == "2,000+"
    assert bin_label(7, 8, last=True) == "7"


def test_parameters_go_to_the_section_of_their_table_then_by_keyword() -> None:
    rows = [
        {"ANALYSIS": "ACTIVITY_ANOMALIES", "PARAMETER": "ANOMALY_Z"},
        {"ANALYSIS": "user segments", "PARAMETER": "HEAVY"},  # normalised to USER_SEGMENTS
        {"ANALYSIS": "polarisation", "PARAMETER": "MIN_SHARE"},  # keyword POLARI -> Q5
        {"ANALYSIS": "SOMETHING_ELSE", "PARAMETER": "X"},
    ]
    owned, leftovers = assign_parameters(SPECS, rows)
    assert [r["PARAMETER"] for r in owned[12]] == ["ANOMALY_Z"]
    assert [r["PARAMETER"] for r in owned[18]] == ["HEAVY"]
    assert [r["PARAMETER"] for r in owned[5]] == ["MIN_SHARE"]
    assert leftovers == [rows[3]]


def test_weighted_average_and_fractions() -> None:
    rows = [{"AVG_RATING": 4.0, "RATINGS_COUNT": 3}, {"AVG_RATING": 2.0, "RATINGS_COUNT": 1}]
    assert weighted_average(rows) == pytest.approx(3.5)
    assert as_fraction(0.97) == pytest.approx(0.97) and as_fraction(97) == pytest.approx(0.97)
