"""Ratings and tags for one chunk of consecutive users, fully vectorised.

Model, per user: a signup time, a few rating sessions (most users rate everything in one sitting; heavy
users come back for months or years), each session starting at a weekday/hour drawn from the activity
rhythm; ratings within a session are seconds apart and ~12% are entered in the same second as the
previous one (bulk rating). Each rating picks a movie by popularity among the movies available at its
timestamp, never one the user already rated. The rating value is a latent score (user bias + movie
quality + noise) mapped by rank to the target half-star histogram.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netflix_elt.movielens.datagen.catalog import Catalog
from netflix_elt.movielens.datagen.timeline import DAY, SPAN_END, rhythmic_times, squeeze_into_span
from netflix_elt.movielens.datagen.users import Users

# Share of ratings per value 0.5, 1.0, ..., 5.0 (ml-latest-small).
RATING_SHARES = np.array([0.014, 0.028, 0.018, 0.075, 0.055, 0.199, 0.130, 0.266, 0.085, 0.131])
RATING_SHARES = RATING_SHARES / RATING_SHARES.sum()
SAME_SECOND_P = 0.125  # P(a rating is entered in the same second as the previous one in its session)
NOISE_SD = 0.8
# Re-draws of a duplicate pair: by popularity**exponent, flattening round after round (then uniform).
REDRAW_EXPONENTS = [1.0] * 4 + [0.5] * 6 + [0.25] * 10
TAG_UNRATED_P = 0.056  # share of tags on movies the tagger never rated (207 / 3,683)
RECENT_P = 0.25  # share of ratings drawn among the releases of the last RECENT_WINDOW seconds
RECENT_WINDOW = 540 * DAY
CATALOG_SLACK = 1.6  # movies that must exist per rating a user has made so far


@dataclass(frozen=True)
class RatingsChunk:
    """Ratings of users [lo, hi), sorted by (user, movie); ``user`` is the 0-based user index."""

    user: np.ndarray  # int64
    movie: np.ndarray  # int64 catalogue index
    code: np.ndarray  # int8 rating code 0..9 (value (code + 1) / 2)
    ts: np.ndarray  # int64


@dataclass(frozen=True)
class TagsChunk:
    """Tag applications sorted by (user, movie, timestamp, tag); ``tag`` indexes the vocabulary."""

    user: np.ndarray
    movie: np.ndarray
    tag: np.ndarray
    ts: np.ndarray


def _segment_starts(group: np.ndarray) -> np.ndarray:
    """For a non-decreasing group array, the index of the first element of each element's group."""
    first = np.r_[True, group[1:] != group[:-1]]
    return np.maximum.accumulate(np.where(first, np.arange(group.size), 0))


def _segment_cummax(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running maximum of ``values`` restarting at each new value of the non-decreasing ``group``."""
    shift = group.astype(np.int64) << 33  # timestamps < 2**33
    return np.maximum.accumulate(values + shift) - shift


def _session_times(
    rng: np.random.Generator, catalog: Catalog, users: Users, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-slot user (chunk-local) and timestamp, with slots grouped by session."""
    k = users.ratings[lo:hi]
    nu = k.size
    # Light users mostly rate in a single sitting; heavy users come back many times (~80 ratings a visit).
    single = rng.random(nu) < 0.9 / (1 + k / 200.0)
    n_sess = np.where(single, 1, 2 + rng.poisson(k / 80.0))
    n_sess = np.minimum(n_sess, k // 2 + 1)
    sess_user = np.repeat(np.arange(nu), n_sess)
    first = np.r_[True, sess_user[1:] != sess_user[:-1]]
    seg = _segment_starts(sess_user)
    gaps = np.where(first, 0, rng.lognormal(np.log(20 * DAY), 2.1, sess_user.size)).astype(np.int64)
    cg = np.cumsum(gaps)
    starts = users.signup[lo:hi][sess_user] + cg - cg[seg]
    late = starts > SPAN_END
    signup = users.signup[lo:hi][sess_user[late]]
    starts[late] = signup + (rng.random(late.sum()) * (SPAN_END - signup)).astype(np.int64)

    # Split each user's ratings over their sessions, the first session taking the largest share.
    w = rng.exponential(1.0, sess_user.size) * np.where(first, 3.0, 1.0)
    cum = np.cumsum(w)
    before = cum[seg] - w[seg]
    totals = np.bincount(sess_user, w)[sess_user]
    key = sess_user + (cum - before) / totals
    last_of_user = np.flatnonzero(np.r_[first[1:], True])
    key[last_of_user] = sess_user[last_of_user] + 1.0
    slot_user = np.repeat(np.arange(nu), k)
    sess = np.searchsorted(key, slot_user + rng.random(slot_user.size), side="right")
    sess = np.minimum(sess, last_of_user[slot_user])
    sess.sort()  # slots ordered by session (and therefore by user)
    sizes = np.bincount(sess, minlength=sess_user.size)

    # Seconds between ratings within a session; some share the same second (bulk rating).
    step = np.where(rng.random(sess.size) < SAME_SECOND_P, 0, rng.lognormal(np.log(25), 1.0, sess.size))
    cs = np.cumsum(step.astype(np.int64))
    offset = cs - cs[_segment_starts(sess)]
    duration = np.zeros(sess_user.size, dtype=np.int64)
    np.maximum.at(duration, sess, offset)

    # A session cannot need more movies than the catalogue had: push it (and the user's later sessions)
    # to when the catalogue held CATALOG_SLACK x the user's ratings so far.
    order = np.lexsort((starts, sess_user))
    so = sess_user[order]
    done = np.cumsum(sizes[order])
    done -= (done - sizes[order])[_segment_starts(so)]
    need = np.minimum(np.ceil(CATALOG_SLACK * done).astype(np.int64), catalog.size) - 1
    required = np.empty_like(starts)
    required[order] = catalog.available[np.maximum(need, 0)]
    starts[order] = _segment_cummax(np.maximum(starts[order], required[order]), so)

    # Weekday and hour of day follow the rhythm at the middle of the session (weighted by its size).
    middle = rhythmic_times(rng, starts + duration // 2, sizes)
    starts = middle - duration // 2
    starts += ((required - starts).clip(min=0) + 7 * DAY - 1) // (7 * DAY) * 7 * DAY
    ts = squeeze_into_span(rng, starts[sess] + offset, np.minimum(starts[sess], SPAN_END))
    return sess_user[sess], ts


def draw_popular(rng: np.random.Generator, cdf: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One movie index per element in [lo, hi), weighted by popularity (``cdf`` = cumulative weights)."""
    base = np.where(lo > 0, cdf[np.maximum(lo - 1, 0)], 0.0)
    u = base + rng.random(hi.size) * (cdf[hi - 1] - base)
    return np.clip(np.searchsorted(cdf, u, side="right"), lo, hi - 1)


def _draw_for_slots(
    rng: np.random.Generator, catalog: Catalog, cdf: np.ndarray, ts: np.ndarray, avail_n: np.ndarray
) -> np.ndarray:
    """Popularity draws among the movies available at each slot's time. A share of slots picks among the
    recent releases only (people rate what just came out), which gives late additions their ratings."""
    lo = np.zeros(ts.size, dtype=np.int64)
    recent = rng.random(ts.size) < RECENT_P
    lo[recent] = catalog.prefix_len(ts[recent] - RECENT_WINDOW)
    lo = np.where(lo >= avail_n - 1, 0, lo)
    return draw_popular(rng, cdf, lo, avail_n)


def _duplicates(user: np.ndarray, movie: np.ndarray, m: int) -> np.ndarray:
    """Positions of repeated (user, movie) pairs (every occurrence after the first)."""
    key = user * m + movie
    order = np.argsort(key, kind="stable")
    later = order[1:][key[order[1:]] == key[order[:-1]]]
    return np.sort(later)


def _fill_unique(
    rng: np.random.Generator, catalog: Catalog, cdf: np.ndarray, user: np.ndarray, ts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A movie for every slot such that (user, movie) pairs are unique and movies were available.

    ``user`` must be non-decreasing. Duplicates are re-drawn by popularity a few times, then uniformly
    among available movies; a slot still stuck (a heavy user who exhausted the catalogue of that time)
    gets a later unseen movie and its timestamp moves to after that movie's availability.
    """
    m = catalog.size
    avail_n = catalog.prefix_len(ts)
    movie = _draw_for_slots(rng, catalog, cdf, ts, avail_n)
    ts = ts.copy()
    tempered = {e: np.cumsum(catalog.popularity**e) for e in sorted(set(REDRAW_EXPONENTS))}
    # Only users with a duplicate need re-checking: shrink the working set every round.
    active = np.arange(ts.size)
    for attempt in range(64):
        todo = active[_duplicates(user[active], movie[active], m)]
        if todo.size == 0:
            return movie, ts
        lim = avail_n[todo]
        if attempt < len(REDRAW_EXPONENTS):
            zero = np.zeros(todo.size, dtype=np.int64)
            movie[todo] = draw_popular(rng, tempered[REDRAW_EXPONENTS[attempt]], zero, lim)
        else:
            movie[todo] = (rng.random(todo.size) * lim).astype(np.int64)
        active = active[np.isin(user[active], np.unique(user[todo]))]
    todo = active[_duplicates(user[active], movie[active], m)]
    for u in np.unique(user[todo]):
        lo, hi = np.searchsorted(user, [u, u + 1])
        stuck = todo[user[todo] == u]
        keep = np.setdiff1d(np.arange(lo, hi), stuck)
        free = np.setdiff1d(np.arange(m), movie[keep])
        pick = rng.choice(free, stuck.size, replace=False)
        movie[stuck] = pick
        after = catalog.available[pick] + rng.integers(60, 30 * DAY, stuck.size)
        ts[stuck] = squeeze_into_span(rng, np.maximum(ts[stuck], after), after)
    return movie, ts


def rating_codes_by_rank(score: np.ndarray) -> np.ndarray:
    """Map scores to rating codes 0..9 by rank so the chunk's histogram matches RATING_SHARES."""
    rank = np.empty(score.size, dtype=np.int64)
    rank[np.argsort(score, kind="stable")] = np.arange(score.size)
    bounds = np.cumsum(RATING_SHARES)[:-1] * score.size
    return np.searchsorted(bounds, rank, side="right").astype(np.int8)


def rate_chunk(rng: np.random.Generator, catalog: Catalog, users: Users, lo: int, hi: int) -> RatingsChunk:
    """All ratings of users [lo, hi)."""
    cdf = np.cumsum(catalog.popularity)
    local, ts = _session_times(rng, catalog, users, lo, hi)
    movie, ts = _fill_unique(rng, catalog, cdf, local, ts)
    score = users.bias[lo + local] + catalog.quality[movie] + rng.normal(0.0, NOISE_SD, ts.size)
    code = rating_codes_by_rank(score)
    order = np.argsort(local * catalog.size + movie)
    return RatingsChunk(user=lo + local[order], movie=movie[order], code=code[order], ts=ts[order])


def tag_chunk(
    rng: np.random.Generator, catalog: Catalog, users: Users, ratings: RatingsChunk, tag_cdf: np.ndarray
) -> TagsChunk:
    """Tag applications of the taggers among the chunk's users, mostly on movies they rated.

    Each tagger tags a handful of their rated movies, several tags per movie, drawing tags from a small
    personal set (reused) and from the Zipf-weighted global vocabulary; ~5.6% of tags are on movies the
    user never rated. (user, movie, tag) is unique; the few duplicates drawn are dropped.
    """
    lo, hi = int(ratings.user[0]), int(ratings.user[-1]) + 1
    count = users.tags[lo:hi]
    who = np.flatnonzero(count) + lo
    empty = np.empty(0, dtype=np.int64)
    if who.size == 0:
        return TagsChunk(empty, empty, empty, empty)
    tc = users.tags[who]
    seg_lo = np.searchsorted(ratings.user, who, side="left")
    k = np.searchsorted(ratings.user, who, side="right") - seg_lo
    row_user = np.repeat(np.arange(who.size), tc)
    n = row_user.size

    # Rated movies: a per-user subset of d positions in the user's rating segment, several tags each.
    d = np.minimum(k, np.maximum(1, np.ceil(tc * rng.uniform(0.5, 0.95, who.size)))).astype(np.int64)
    pos_user = np.repeat(np.arange(who.size), d)
    positions = seg_lo[pos_user] + (rng.random(pos_user.size) * k[pos_user]).astype(np.int64)
    d_start = np.cumsum(d) - d
    pick = d_start[row_user] + (rng.random(n) * d[row_user]).astype(np.int64)
    rated_row = positions[pick]
    movie = ratings.movie[rated_row].copy()
    delay = np.where(rng.random(n) < 0.7, rng.integers(0, 900, n), rng.lognormal(np.log(30 * DAY), 1.5, n))
    floor = ratings.ts[rated_row]
    ts = floor + delay.astype(np.int64)

    # Unrated movies: popular movies available by the user's last rating.
    unrated = rng.random(n) < TAG_UNRATED_P
    user_start = np.flatnonzero(np.r_[True, ratings.user[1:] != ratings.user[:-1]])
    last_ts = np.maximum.reduceat(ratings.ts, user_start)[who - lo]
    lim = catalog.prefix_len(last_ts[row_user[unrated]])
    cdf = np.cumsum(catalog.popularity)
    rated_keys = ratings.user * catalog.size + ratings.movie  # sorted: the chunk is in (user, movie) order
    um = draw_popular(rng, cdf, np.zeros(lim.size, dtype=np.int64), lim)
    for _ in range(8):
        key = who[row_user[unrated]] * catalog.size + um
        pos = np.minimum(np.searchsorted(rated_keys, key), rated_keys.size - 1)
        clash = np.flatnonzero(rated_keys[pos] == key)
        if clash.size == 0:
            break
        um[clash] = (rng.random(clash.size) * lim[clash]).astype(np.int64)
    movie[unrated] = um
    floor[unrated] = np.maximum(floor[unrated], catalog.available[um])
    ts[unrated] = floor[unrated] + rng.integers(0, 90 * DAY, um.size)
    ts = squeeze_into_span(rng, ts, floor)

    # Tags: 40% from a small personal set, otherwise from the global Zipf distribution.
    n_personal = np.ceil(np.sqrt(tc)).astype(np.int64) + 2
    personal = np.searchsorted(tag_cdf, rng.random(n_personal.sum()) * tag_cdf[-1], side="right")
    p_start = np.cumsum(n_personal) - n_personal
    mine = personal[p_start[row_user] + (rng.random(n) * n_personal[row_user]).astype(np.int64)]
    glob = np.searchsorted(tag_cdf, rng.random(n) * tag_cdf[-1], side="right")
    tag = np.minimum(np.where(rng.random(n) < 0.4, mine, glob), tag_cdf.size - 1)

    user = who[row_user]
    key = (user.astype(np.int64) * catalog.size + movie) * tag_cdf.size + tag
    _, first = np.unique(key, return_index=True)
    user, movie, tag, ts = user[first], movie[first], tag[first], ts[first]
    order = np.lexsort((tag, ts, movie, user))
    return TagsChunk(user=user[order], movie=movie[order], tag=tag[order], ts=ts[order])
