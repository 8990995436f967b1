"""Dataset sizes derived from the requested number of ratings.

Two real MovieLens releases anchor the interpolation: ml-latest-small (100,836 ratings) and ml-25m
(25,000,095 ratings). Every size is a smooth function of the ratings count that passes through both anchors:

* users: ratings / ratings-per-user, where ratings-per-user moves log-linearly from 165.3 to 153.8 (so users
  grow almost exactly linearly with ratings; 610 and 162,541 at the anchors);
* movies and tag applications: power laws through the two anchors;
* genome movies: 13,816 * ratings / 25M, at least 20 and at most the number of movies;
* genome tags: always 1,128.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SMALL_RATINGS = 100_836
LARGE_RATINGS = 25_000_095
SMALL = {"users": 610, "movies": 9_742, "tags": 3_683, "distinct_tags": 1_589}
LARGE = {"users": 162_541, "movies": 62_423, "tags": 1_093_360, "distinct_tags": 73_050}
LARGE_GENOME_MOVIES = 13_816
GENOME_TAGS = 1_128
MIN_GENOME_MOVIES = 20
MIN_RATINGS_PER_USER = 20
# Below this the heavy-tailed shapes (and the 20-ratings-per-user minimum) stop making sense.
MIN_RATINGS = 1_000
TAGGER_SHARE = 58 / 610


def _power_law(n: float, small: float, large: float) -> float:
    """Value at ``n`` of the power law through (SMALL_RATINGS, small) and (LARGE_RATINGS, large)."""
    exponent = math.log(large / small) / math.log(LARGE_RATINGS / SMALL_RATINGS)
    return small * (n / SMALL_RATINGS) ** exponent


def _log_interp(n: float, small: float, large: float) -> float:
    """Linear interpolation in log(n) between the anchors, held constant outside them."""
    t = (math.log(n) - math.log(SMALL_RATINGS)) / (math.log(LARGE_RATINGS) - math.log(SMALL_RATINGS))
    t = min(max(t, 0.0), 1.0)
    return small + t * (large - small)


@dataclass(frozen=True)
class Scale:
    """Row counts (targets) for one generated dataset."""

    ratings: int
    users: int
    movies: int
    tags: int
    taggers: int
    tag_vocabulary: int
    genome_movies: int
    genome_tags: int

    def to_dict(self) -> dict[str, int]:
        """Plain dict of the sizes, for JSON and GENERATED.txt."""
        return {
            "ratings": self.ratings,
            "users": self.users,
            "movies": self.movies,
            "tags": self.tags,
            "taggers": self.taggers,
            "tag_vocabulary": self.tag_vocabulary,
            "genome_movies": self.genome_movies,
            "genome_tags": self.genome_tags,
        }


def scale_for(ratings: int) -> Scale:
    """Sizes for a dataset of exactly ``ratings`` ratings; raises ValueError below MIN_RATINGS."""
    if ratings < MIN_RATINGS:
        raise ValueError(f"ratings must be at least {MIN_RATINGS:,} (got {ratings:,})")
    per_user = _log_interp(ratings, SMALL_RATINGS / SMALL["users"], LARGE_RATINGS / LARGE["users"])
    users = max(1, round(ratings / per_user))
    movies = max(100, round(_power_law(ratings, SMALL["movies"], LARGE["movies"])))
    tags = max(20, round(_power_law(ratings, SMALL["tags"], LARGE["tags"])))
    distinct = _power_law(ratings, SMALL["distinct_tags"], LARGE["distinct_tags"])
    # The vocabulary is larger than the distinct tags actually used: Zipf sampling leaves many unused.
    vocabulary = max(200, round(distinct * 2.5))
    taggers = min(users, max(3, round(users * TAGGER_SHARE)))
    genome = round(LARGE_GENOME_MOVIES * ratings / LARGE_RATINGS)
    genome = min(movies, max(MIN_GENOME_MOVIES, genome))
    return Scale(
        ratings=ratings,
        users=users,
        movies=movies,
        tags=tags,
        taggers=taggers,
        tag_vocabulary=vocabulary,
        genome_movies=genome,
        genome_tags=GENOME_TAGS,
    )
