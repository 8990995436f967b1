"""One day of tag changes: the tag table is small and mutable, so each day exports it in full."""

from __future__ import annotations

import numpy as np

from netflix_elt.movielens.datagen.state import TagTable
from netflix_elt.movielens.datagen.timeline import DAY, window_times
from netflix_elt.movielens.datagen.vocab import Picker, tag_candidate


def tag_delta(
    rng: np.random.Generator,
    prev: TagTable,
    start: int,
    day_user: np.ndarray,
    day_movie: np.ndarray,
    day_ts: np.ndarray,
    universe: np.ndarray,
) -> tuple[TagTable, dict[str, int]]:
    """The full tag set after the day (sorted by userId, movieId, timestamp, tag) and the change counts.

    From ``prev`` (yesterday's full set) ~1% of rows are removed, ~1.5% are changed (the same userId,
    movieId, tag re-applied with a timestamp in the window, newer than before) and ~2% new rows are added,
    mostly by today's raters on movies they rated today (``day_*``: today's in-window rating rows), with
    tags reused from the existing vocabulary or freshly invented. Added rows never repeat an existing
    (userId, movieId, tag), including one removed today.
    """
    end = start + DAY
    n = len(prev)
    n_remove = min(n, max(1, round(n * rng.uniform(0.005, 0.015)))) if n else 0
    n_change = min(n - n_remove, max(1, round(n * rng.uniform(0.01, 0.02)))) if n > n_remove else 0
    perm = rng.permutation(n)
    removed, changed = perm[:n_remove], perm[n_remove : n_remove + n_change]
    ts = prev.ts.copy()
    ts[changed] = np.minimum(np.maximum(window_times(rng, changed.size, start), ts[changed] + 1), end)
    keep = np.ones(n, dtype=bool)
    keep[removed] = False

    n_add = max(3, round(max(n, 100) * rng.uniform(0.01, 0.03)))
    has_day = day_user.size > 0
    from_day = (rng.random(n_add) < 0.7) & has_day
    row = rng.integers(0, max(day_user.size, 1), n_add)
    ref = rng.integers(0, max(n, 1), n_add)  # a random existing tag row: frequency-weighted choices
    if n:
        other_user = prev.user[ref]
        other_movie = np.where(rng.random(n_add) < 0.5, prev.movie[ref], rng.choice(universe, n_add))
    else:
        other_user = day_user[row] if has_day else np.ones(n_add, dtype=np.int64)
        other_movie = rng.choice(universe, n_add)
    user = np.where(from_day, day_user[row] if has_day else 0, other_user)
    movie = np.where(from_day, day_movie[row] if has_day else 0, other_movie)
    soon = day_ts[row] + rng.integers(0, 900, n_add) if has_day else np.zeros(n_add, dtype=np.int64)
    add_ts = np.minimum(np.where(from_day, soon, window_times(rng, n_add, start)), end)
    pick = Picker(rng)
    reuse = rng.random(n_add) < 0.75
    tags = [str(prev.tag[r]) if (reuse[i] and n) else tag_candidate(pick) for i, r in enumerate(ref.tolist())]

    mine = np.isin(prev.user, user)
    seen = set(zip(prev.user[mine].tolist(), prev.movie[mine].tolist(), prev.tag[mine].tolist(), strict=True))
    added = []
    for i, key in enumerate(zip(user.tolist(), movie.tolist(), tags, strict=True)):
        if key not in seen:
            seen.add(key)
            added.append(i)
    sel = np.array(added, dtype=np.int64)
    full = TagTable(
        user=np.r_[prev.user[keep], user[sel]].astype(np.int64),
        movie=np.r_[prev.movie[keep], movie[sel]].astype(np.int64),
        tag=np.r_[prev.tag[keep], np.array(tags, dtype=object)[sel]],
        ts=np.r_[ts[keep], add_ts[sel]].astype(np.int64),
    )
    _, tag_rank = np.unique(full.tag, return_inverse=True)  # str order, as Python sorts
    full = full.take(np.lexsort((tag_rank, full.ts, full.movie, full.user)))
    counts = {
        "tags_added": int(sel.size),
        "tags_changed": int(changed.size),
        "tags_removed": int(removed.size),
        "tags_total": len(full),
    }
    return full, counts
