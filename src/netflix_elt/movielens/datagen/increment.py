"""generate_increment: one day of changes on top of a dataset in the MovieLens layout.

Chaining: day N reads the base files plus the increments of days 1..N-1 from disk; any earlier day that is
missing (no ``_increment.json``) is generated first with the same seed. Day N is therefore a deterministic
function of (base files, earlier increments, seed, N), and with the same seed throughout, of (base, seed, N).
Regenerating a day overwrites it; later days are not updated.

Day N covers the window (H + (N-1) days, H + N days], H being the base's last timestamp (ratings and tags).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from netflix_elt.movielens.datagen.activity import SAME_SECOND_P, rating_codes_by_rank
from netflix_elt.movielens.datagen.catalog import link_rows, sample_genres
from netflix_elt.movielens.datagen.csvio import (
    RATING_STRINGS,
    ColumnType,
    NumericCsvWriter,
    TextCsvWriter,
    write_text_csv,
)
from netflix_elt.movielens.datagen.dataset import stream_rng
from netflix_elt.movielens.datagen.state import (
    RatingStats,
    catalog_ids,
    increment_dir,
    max_tag_timestamp,
    pairs_of,
    rating_files,
    read_tags,
    scan_ratings,
)
from netflix_elt.movielens.datagen.summary import IncrementSummary
from netflix_elt.movielens.datagen.tagdelta import tag_delta
from netflix_elt.movielens.datagen.timeline import DAY, HOUR, window_times
from netflix_elt.movielens.datagen.titles import new_title
from netflix_elt.movielens.datagen.vocab import Picker

MANIFEST = "_increment.json"
STREAM_INCREMENT = 100
KIND_NEW, KIND_RERATE, KIND_LATE = 0, 1, 2


@dataclass(frozen=True)
class DeltaRatings:
    """The day's rating rows, sorted by (userId, movieId); ``kind`` is KIND_NEW / KIND_RERATE / KIND_LATE."""

    user: np.ndarray
    movie: np.ndarray
    code: np.ndarray
    ts: np.ndarray
    kind: np.ndarray


def iso(ts: int) -> str:
    """Unix seconds as an ISO 8601 UTC string (2019-11-21T09:15:03Z)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_movies(
    rng: np.random.Generator, ids: np.ndarray, imdb: np.ndarray, tmdb: np.ndarray, start: int
) -> tuple[np.ndarray, list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """A handful (0-5) of movies added today: their ids (above the current maximum), movies.csv rows and
    links.csv rows (fresh imdb/tmdb ids)."""
    n = int(rng.integers(0, 6))
    new_ids = int(ids.max(initial=0)) + np.cumsum(rng.integers(1, 4, n))
    year = datetime.fromtimestamp(start, UTC).year
    years = year - rng.choice(3, n, p=[0.7, 0.2, 0.1])
    pick = Picker(rng)
    titles = [new_title(pick, int(y)) for y in years]
    genres, _ = sample_genres(rng, years)
    new_imdb = np.setdiff1d(rng.integers(1_000, 9_999_999, 4 * n + 4), imdb)[:n]
    new_imdb = rng.permutation(new_imdb)
    new_tmdb = np.setdiff1d(rng.integers(2, 900_000, 4 * n + 4), tmdb)[:n]
    new_tmdb = rng.permutation(new_tmdb)
    movies = list(zip(new_ids.tolist(), titles, genres, strict=True))
    return new_ids.astype(np.int64), movies, link_rows(new_ids, new_imdb, new_tmdb)


def _lookup(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """values[index], 0 where index is beyond the array (ids first seen today)."""
    out = np.zeros(index.size, dtype=np.float64)
    inside = index < values.size
    out[inside] = values[index[inside]]
    return out


def _movie_weights(stats: RatingStats, universe: np.ndarray, new_ids: np.ndarray) -> np.ndarray:
    w = (_lookup(stats.movie_count, universe) + 1.0) ** 0.8
    # Today's releases get the buzz of an already popular movie.
    w[np.isin(universe, new_ids)] = np.quantile(w, 0.95)
    return w


def _draw_new_pairs(
    rng: np.random.Generator, user: np.ndarray, universe: np.ndarray, weights: np.ndarray, taken: np.ndarray
) -> np.ndarray:
    """A movieId per row such that no (user, movie) pair is in ``taken`` (sorted keys) or repeated."""
    k = int(universe.max(initial=0)) + 1
    cdf = np.cumsum(weights)
    movie = universe[
        np.minimum(np.searchsorted(cdf, rng.random(user.size) * cdf[-1], side="right"), cdf.size - 1)
    ]
    for attempt in range(200):
        key = user * k + movie
        pos = np.minimum(np.searchsorted(taken, key), max(taken.size - 1, 0))
        clash = taken[pos] == key if taken.size else np.zeros(key.size, dtype=bool)
        order = np.argsort(key, kind="stable")
        clash[order[1:][key[order[1:]] == key[order[:-1]]]] = True
        bad = np.flatnonzero(clash)
        if bad.size == 0:
            return movie
        if attempt < 5:
            draw = np.searchsorted(cdf, rng.random(bad.size) * cdf[-1], side="right")
            movie[bad] = universe[np.minimum(draw, cdf.size - 1)]
        else:
            movie[bad] = universe[rng.integers(0, universe.size, bad.size)]
    raise RuntimeError("could not find unrated movies for the increment")


def _session_ts(rng: np.random.Generator, user: np.ndarray, start: int) -> np.ndarray:
    """Timestamps inside the window: one session per user, rows seconds apart (some in the same second)."""
    order = np.lexsort((rng.random(user.size), user))
    u = user[order]
    first = np.r_[True, u[1:] != u[:-1]]
    begin = window_times(rng, int(first.sum()), start)[np.cumsum(first) - 1]
    step = np.where(rng.random(u.size) < SAME_SECOND_P, 0, rng.lognormal(np.log(25), 1.0, u.size))
    step = np.where(first, 0, step).astype(np.int64)
    cs = np.cumsum(step)
    seg = np.maximum.accumulate(np.where(first, np.arange(u.size), 0))
    ts = np.empty(u.size, dtype=np.int64)
    ts[order] = np.minimum(begin + cs - cs[seg], start + DAY)
    return ts


def _delta_ratings(
    rng: np.random.Generator,
    stats: RatingStats,
    files: list[Path],
    new_ids: np.ndarray,
    start: int,
    movie_ids: np.ndarray,
) -> DeltaRatings:
    total = max(40, round(stats.base_rows * rng.uniform(0.001, 0.005)))
    n_re = max(3, round(total * rng.uniform(0.15, 0.25)))
    n_late = max(3, round(total * rng.uniform(0.06, 0.12)))
    n_new = max(3, total - n_re - n_late)

    users = np.flatnonzero(stats.user_count)
    w = stats.user_count[users] ** 0.7
    active = np.sort(rng.choice(users, min(users.size, max(3, total // 8)), replace=False, p=w / w.sum()))
    pu, pm, pc, pt = pairs_of(files, active)
    universe = np.union1d(movie_ids, new_ids)
    k = int(universe.max(initial=0)) + 1
    taken = pu * k + pm

    # Re-ratings of existing pairs: newer timestamp, usually a different value.
    pick = np.sort(rng.choice(pu.size, min(n_re, pu.size), replace=False))
    step = rng.choice([-3, -2, -1, 1, 2, 3], pick.size, p=[0.05, 0.15, 0.3, 0.3, 0.15, 0.05])
    step[rng.random(pick.size) < 0.15] = 0
    re_code = pc[pick] + step
    re_code = np.where((re_code < 0) | (re_code > 9), pc[pick] - step, re_code).astype(np.int8)

    # New pairs (today) and late-arriving new pairs (timestamped 1-48 h before the window).
    aw = stats.user_count[active] ** 0.7
    nu = rng.choice(active, n_new + n_late, p=aw / aw.sum())
    late = np.zeros(nu.size, dtype=bool)
    late[rng.choice(nu.size, n_late, replace=False)] = True
    weights = _movie_weights(stats, universe, new_ids)
    # Late rows cannot be on today's new movies (they did not exist yet).
    weights_late = np.where(np.isin(universe, new_ids), 0.0, weights)
    movie = np.empty(nu.size, dtype=np.int64)
    movie[~late] = _draw_new_pairs(rng, nu[~late], universe, weights, taken)
    taken_all = np.sort(np.r_[taken, nu[~late] * k + movie[~late]])
    movie[late] = _draw_new_pairs(rng, nu[late], universe, weights_late, taken_all)

    # Value model: the user's mean plus the movie's (shrunk) deviation from the mean, plus noise.
    user_mean = stats.user_sum[nu] / np.maximum(stats.user_count[nu], 1)
    mc, ms = _lookup(stats.movie_count, movie), _lookup(stats.movie_sum, movie)
    movie_dev = (ms - mc * user_mean.mean()) / (mc + 10.0)
    new_code = rating_codes_by_rank(user_mean + movie_dev + rng.normal(0.0, 1.6, nu.size))

    in_window = np.r_[pu[pick], nu[~late]]
    window_ts = _session_ts(rng, in_window, start)
    re_ts = np.maximum(window_ts[: pick.size], pt[pick] + 1)
    late_ts = start - rng.integers(HOUR, 48 * HOUR + 1, n_late)

    user = np.r_[pu[pick], nu[~late], nu[late]]
    mov = np.r_[pm[pick], movie[~late], movie[late]]
    code = np.r_[re_code, new_code[~late], new_code[late]].astype(np.int8)
    ts = np.r_[re_ts, window_ts[pick.size :], late_ts]
    kind = np.r_[np.full(pick.size, KIND_RERATE), np.full(n_new, KIND_NEW), np.full(n_late, KIND_LATE)]
    order = np.lexsort((mov, user))
    return DeltaRatings(user[order], mov[order], code[order], ts[order], kind[order].astype(np.int8))


def _write_day(data_dir: Path, day: int, seed: int) -> IncrementSummary:
    started = time.perf_counter()
    rng = stream_rng(seed, STREAM_INCREMENT, day)
    out = increment_dir(data_dir, day)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)
    files = rating_files(data_dir, day)
    stats = scan_ratings(files)
    high_water = max(stats.base_max_ts, max_tag_timestamp(data_dir / "tags.csv"))
    start = high_water + (day - 1) * DAY
    end = start + DAY
    movie_ids, imdb, tmdb = catalog_ids(data_dir, day)

    new_ids, movie_rows, links = _new_movies(rng, movie_ids, imdb, tmdb, start)
    delta = _delta_ratings(rng, stats, files, new_ids, start, movie_ids)
    columns: dict[str, ColumnType] = {
        "userId": np.int32,
        "movieId": np.int32,
        "rating": RATING_STRINGS,
        "timestamp": np.int64,
    }
    with NumericCsvWriter(out / "ratings.csv", columns) as w:
        w.write(userId=delta.user, movieId=delta.movie, rating=delta.code, timestamp=delta.ts)

    prev_tags = data_dir / "tags.csv" if day == 1 else increment_dir(data_dir, day - 1) / "tags.csv"
    window_rows = delta.kind != KIND_LATE
    tags, tag_counts = tag_delta(
        rng,
        read_tags(prev_tags),
        start,
        delta.user[window_rows],
        delta.movie[window_rows],
        delta.ts[window_rows],
        np.union1d(movie_ids, new_ids),
    )
    with TextCsvWriter(out / "tags.csv", ["userId", "movieId", "tag", "timestamp"]) as tw:
        tw.write(tags.rows())
    write_text_csv(out / "movies.csv", ["movieId", "title", "genres"], movie_rows)
    write_text_csv(out / "links.csv", ["movieId", "imdbId", "tmdbId"], links)

    counts = {
        "new_ratings": int((delta.kind == KIND_NEW).sum()),
        "re_ratings": int((delta.kind == KIND_RERATE).sum()),
        "late_ratings": int((delta.kind == KIND_LATE).sum()),
        **tag_counts,
        "new_movies": len(movie_rows),
    }
    rows = {
        "ratings.csv": int(delta.user.size),
        "tags.csv": len(tags),
        "movies.csv": len(movie_rows),
        "links.csv": len(links),
    }
    manifest = {
        "day": day,
        "seed": seed,
        "window_start": iso(start),
        "window_end": iso(end),
        "window_start_ts": start,
        "window_end_ts": end,
        "window_note": "ratings and tag changes of the day have start < timestamp <= end; late rows have "
        "start - 48h <= timestamp <= start - 1h",
        "counts": counts,
        "rows": rows,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    paths = {name: out / name for name in [*rows, MANIFEST]}
    return IncrementSummary(
        data_dir=data_dir,
        out_dir=out,
        day=day,
        seed=seed,
        window_start=iso(start),
        window_end=iso(end),
        counts=counts,
        rows=rows,
        paths=paths,
        seconds=time.perf_counter() - started,
    )


def generate_increment(data_dir: Path, day: int, seed: int = 42) -> IncrementSummary:
    """Write day ``day``'s delta into ``data_dir/increments/day-NNNN/`` and return its summary.

    Files: ratings.csv (delta rows only: new pairs, re-ratings with a newer timestamp, late-arriving new
    pairs timestamped 1-48 h before the window), tags.csv (the full tag set after the day), movies.csv and
    links.csv (movies added that day, possibly none) and _increment.json (counts, window, seed).
    Days before ``day`` that are missing are generated first with the same seed. Raises ValueError for
    day < 1 and FileNotFoundError if ``data_dir`` holds no dataset.
    """
    if day < 1:
        raise ValueError(f"day must be >= 1 (got {day})")
    data_dir = Path(data_dir)
    for name in ("ratings.csv", "tags.csv", "movies.csv", "links.csv"):
        if not (data_dir / name).is_file():
            raise FileNotFoundError(f"{data_dir / name} not found: run generate_dataset first")
    for earlier in range(1, day):
        if not (increment_dir(data_dir, earlier) / MANIFEST).is_file():
            _write_day(data_dir, earlier, seed)
    return _write_day(data_dir, day, seed)
