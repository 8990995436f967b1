"""Per-user parameters: how many ratings and tags each user contributes, their bias and signup time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netflix_elt.movielens.datagen.scale import MIN_RATINGS_PER_USER, Scale
from netflix_elt.movielens.datagen.timeline import signup_times

# Ratings per user beyond the minimum of 20: log-normal with median ~51 (so the median user has ~71
# ratings, as in ml-latest-small) and a long tail into the thousands.
EXTRA_MEDIAN, EXTRA_SIGMA = 51.0, 1.45
MAX_SHARE_OF_CATALOG = 0.6  # nobody rates more than 60% of all movies
# Tags per tagger: median 4 with a very heavy tail (one small-release user has 1,507 tags).
TAG_MEDIAN, TAG_SIGMA = 4.0, 2.6
USER_BIAS_SD = 0.45


@dataclass(frozen=True)
class Users:
    """Per-user arrays; user i has userId i + 1."""

    ratings: np.ndarray  # int64 ratings per user, sums to Scale.ratings
    tags: np.ndarray  # int64 tag applications per user (0 for most users)
    bias: np.ndarray  # float64 added to every rating of the user
    signup: np.ndarray  # int64 time of the first rating session

    @property
    def size(self) -> int:
        """Number of users."""
        return int(self.ratings.size)


def allocate(total: int, weights: np.ndarray, minimum: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Integers summing to ``total``, each within [minimum, cap], roughly proportional to ``weights``
    above the minimum. Requires sum(minimum) <= total <= sum(cap)."""
    minimum = minimum.astype(np.int64)
    cap = np.maximum(cap.astype(np.int64), minimum)
    if not minimum.sum() <= total <= cap.sum():
        raise ValueError(f"cannot allocate {total} within [{minimum.sum()}, {cap.sum()}]")
    x = minimum.astype(np.float64)
    free = np.ones(x.size, dtype=bool)
    for _ in range(100):
        rest = total - x.sum()
        w = np.where(free, weights, 0.0)
        if rest <= 1e-9 or w.sum() == 0:
            break
        x = x + rest * w / w.sum()
        over = x > cap
        x[over] = cap[over]
        free &= ~over
        if not over.any():
            break
    out = np.floor(x).astype(np.int64)
    # Hand out the rounding remainder by largest fractional part (stable, so deterministic).
    short = total - int(out.sum())
    room = np.flatnonzero(out < cap)
    order = room[np.argsort(-(x[room] - out[room]), kind="stable")]
    out[order[:short]] += 1
    return out


def build_users(rng: np.random.Generator, scale: Scale, movies: int) -> Users:
    """Per-user ratings and tag counts matching the scale exactly, plus bias and signup time."""
    n = scale.users
    extra = rng.lognormal(np.log(EXTRA_MEDIAN), EXTRA_SIGMA, n)
    minimum = np.full(n, MIN_RATINGS_PER_USER)
    cap = np.full(n, max(MIN_RATINGS_PER_USER, int(movies * MAX_SHARE_OF_CATALOG)))
    if cap.sum() < scale.ratings:
        raise ValueError("too few movies for the requested ratings")
    ratings = allocate(scale.ratings, extra, minimum, cap)

    taggers = np.sort(
        rng.choice(n, scale.taggers, replace=False, p=np.sqrt(ratings) / np.sqrt(ratings).sum())
    )
    raw = rng.lognormal(np.log(TAG_MEDIAN), TAG_SIGMA, taggers.size)
    tag_cap = 5 * ratings[taggers] + 20
    tags = np.zeros(n, dtype=np.int64)
    total_tags = min(scale.tags, int(tag_cap.sum()))
    tags[taggers] = allocate(total_tags, raw, np.ones(taggers.size), tag_cap)
    return Users(
        ratings=ratings,
        tags=tags,
        bias=rng.normal(0.0, USER_BIAS_SD, n),
        signup=signup_times(rng, n),
    )


def chunk_bounds(ratings: np.ndarray, target_rows: int) -> list[tuple[int, int]]:
    """Consecutive user ranges [lo, hi) holding about ``target_rows`` ratings each (at least one user)."""
    ends = np.cumsum(ratings)
    bounds, lo = [], 0
    while lo < ratings.size:
        base = ends[lo - 1] if lo else 0
        hi = int(np.searchsorted(ends, base + target_rows, side="right"))
        hi = max(hi, lo + 1)
        bounds.append((lo, hi))
        lo = hi
    return bounds
