"""Reading the current state of a dataset directory: base files plus the daily increments written so far.

Works on any directory in the MovieLens layout (a generated dataset or a real download): only
ratings.csv, tags.csv, movies.csv and links.csv are read. Ratings are streamed in blocks with pyarrow, so a
25M-row base costs two sequential passes but little memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from netflix_elt.movielens.datagen.csvio import rating_codes

RATING_TYPES = {"userId": pa.int64(), "movieId": pa.int64(), "rating": pa.float64(), "timestamp": pa.int64()}


def increment_dir(data_dir: Path, day: int) -> Path:
    """Directory of the delta for ``day``: data_dir/increments/day-0001."""
    return data_dir / "increments" / f"day-{day:04d}"


def rating_files(data_dir: Path, day: int) -> list[Path]:
    """ratings.csv of the base and of every increment before ``day`` (all must exist)."""
    return [data_dir / "ratings.csv"] + [increment_dir(data_dir, d) / "ratings.csv" for d in range(1, day)]


def rating_batches(path: Path) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """(userId, movieId, rating code 0..9, timestamp) arrays, block by block."""
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(column_types=RATING_TYPES),
    )
    for batch in reader:
        cols = [batch.column(i).to_numpy(zero_copy_only=False) for i in range(4)]
        yield cols[0], cols[1], rating_codes(cols[2]), cols[3]


@dataclass(frozen=True)
class RatingStats:
    """Aggregates over all ratings so far; arrays are indexed by userId / movieId."""

    base_rows: int
    base_max_ts: int
    user_count: np.ndarray
    user_sum: np.ndarray  # sum of rating codes
    movie_count: np.ndarray
    movie_sum: np.ndarray


def _add(acc: np.ndarray, index: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """acc + bincount(index, weights), growing whichever is shorter."""
    counts = np.bincount(index, weights).astype(np.float64)
    size = max(acc.size, counts.size)
    out = np.zeros(size)
    out[: acc.size] += acc
    out[: counts.size] += counts
    return out


def scan_ratings(files: list[Path]) -> RatingStats:
    """Pass 1: row count and max timestamp of the base (files[0]) and per-user/per-movie counts and sums."""
    uc = us = mc = ms = np.zeros(0)
    base_rows, base_max = 0, 0
    for i, path in enumerate(files):
        for user, movie, code, ts in rating_batches(path):
            if i == 0:
                base_rows += user.size
                base_max = max(base_max, int(ts.max(initial=0)))
            uc, us = _add(uc, user), _add(us, user, code)
            mc, ms = _add(mc, movie), _add(ms, movie, code)
    return RatingStats(base_rows, base_max, uc.astype(np.int64), us, mc.astype(np.int64), ms)


def pairs_of(files: list[Path], users: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pass 2: the latest rating of every (user, movie) pair of the given users, sorted by (user, movie).

    Returns (userId, movieId, code, timestamp) arrays.
    """
    wanted = np.zeros(int(users.max(initial=0)) + 1, dtype=bool)
    wanted[users] = True
    parts = []
    for path in files:
        for user, movie, code, ts in rating_batches(path):
            keep = np.zeros(user.size, dtype=bool)
            inside = user < wanted.size
            keep[inside] = wanted[user[inside]]
            parts.append((user[keep], movie[keep], code[keep], ts[keep]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.astype(np.int8), empty
    user, movie, code, ts = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((ts, movie, user))
    user, movie, code, ts = user[order], movie[order], code[order], ts[order]
    last = np.r_[(user[1:] != user[:-1]) | (movie[1:] != movie[:-1]), True]
    return user[last], movie[last], code[last], ts[last]


@dataclass(frozen=True)
class TagTable:
    """A tags.csv in columns; ``tag`` is an object array of str, kept verbatim."""

    user: np.ndarray
    movie: np.ndarray
    tag: np.ndarray
    ts: np.ndarray

    def __len__(self) -> int:
        return int(self.user.size)

    def take(self, index: np.ndarray) -> TagTable:
        """The rows at ``index`` (an integer or boolean array), in that order."""
        return TagTable(self.user[index], self.movie[index], self.tag[index], self.ts[index])

    def rows(self) -> list[tuple[int, int, str, int]]:
        """Rows as Python tuples, ready for csv.writer."""
        return list(
            zip(self.user.tolist(), self.movie.tolist(), self.tag.tolist(), self.ts.tolist(), strict=True)
        )


def _read_text_columns(path: Path, types: dict[str, pa.DataType]) -> pa.Table:
    return pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types=types, include_columns=list(types), strings_can_be_null=False
        ),
    )


def read_tags(path: Path) -> TagTable:
    """Read a tags.csv (userId, movieId, tag, timestamp)."""
    types = {"userId": pa.int64(), "movieId": pa.int64(), "tag": pa.string(), "timestamp": pa.int64()}
    table = _read_text_columns(path, types)
    cols = [table.column(name).to_numpy() for name in types]
    return TagTable(cols[0], cols[1], cols[2].astype(object), cols[3])


def max_tag_timestamp(path: Path) -> int:
    """Largest timestamp in a tags.csv (0 when empty)."""
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            include_columns=["timestamp"], column_types={"timestamp": pa.int64()}
        ),
    )
    ts = table.column(0).to_numpy()
    return int(ts.max(initial=0))


def catalog_ids(data_dir: Path, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """movieIds, imdbIds and tmdbIds (-1 if empty) of the base plus every increment before ``day``."""
    dirs = [data_dir] + [increment_dir(data_dir, d) for d in range(1, day)]
    movies, imdb, tmdb = [], [], []
    for d in dirs:
        movies.append(_read_text_columns(d / "movies.csv", {"movieId": pa.int64()}).column(0).to_numpy())
        links = _read_text_columns(d / "links.csv", {"imdbId": pa.string(), "tmdbId": pa.string()})
        imdb.append(links.column(0).to_numpy().astype(np.int64))
        t = links.column(1).to_numpy().astype(object)
        tmdb.append(np.array([int(x) if x else -1 for x in t], dtype=np.int64))
    return np.concatenate(movies), np.concatenate(imdb), np.concatenate(tmdb)
