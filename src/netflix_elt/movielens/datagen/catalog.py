"""The movie catalogue: ids, release years, titles, genres, links, popularity and quality.

Movies are indexed 0..M-1 in the order they were added to the site; movieId grows with that order (with
gaps, as in MovieLens). ``available[i]`` is when movie i could first be rated, so the movies that can be
rated at time t are exactly the prefix ``[0, prefix_len(t))`` -- the rating sampler relies on this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netflix_elt.movielens.datagen.csvio import write_text_csv
from netflix_elt.movielens.datagen.timeline import SPAN_END, SPAN_START, year_of
from netflix_elt.movielens.datagen.titles import movie_titles

GENRES = [
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western", "IMAX",
]  # fmt: skip
NO_GENRES = "(no genres listed)"
# Sampling weights (Gumbel top-k), tuned so the marginals come out near the real shares of movies:
# Drama 44.8%, Comedy 38.6%, Thriller 19.4%, Action 18.8%, Romance 16.4%, ... IMAX 1.6%, Film-Noir 0.9%.
GENRE_WEIGHTS = np.array(
    [0.1756, 0.119, 0.0557, 0.0611, 0.4173, 0.1113, 0.0388, 0.5132, 0.0716, 0.0076, 0.0888, 0.029, 0.052,
     0.1516, 0.0912, 0.1835, 0.0339, 0.0149, 0.022],
)  # fmt: skip
# Genres per movie (1..7), from ml-latest-small.
GENRE_COUNT_P = np.array([0.293, 0.330, 0.240, 0.101, 0.028, 0.006, 0.002])
NO_GENRES_RATE = 0.0035
INITIAL_SHARE = 0.12  # share of the catalogue already present on the first day
GROWTH_POWER = 2.5  # later years add movies much faster (ml-25m: half its movies arrived after 2013)
EMPTY_TMDB_RATE = 0.0008
TOP_CAP_QUANTILE = 0.9997


@dataclass(frozen=True)
class Catalog:
    """Per-movie arrays (index = order of addition)."""

    movie_ids: np.ndarray  # int64, strictly increasing
    available: np.ndarray  # int64 Unix seconds, non-decreasing
    years: np.ndarray  # int64 release year (also for titles that show no year)
    titles: list[str]
    genres: list[str]
    genre_matrix: np.ndarray  # bool (movies x len(GENRES))
    imdb_ids: np.ndarray  # int64, 7-digit
    tmdb_ids: np.ndarray  # int64, -1 = empty
    popularity: np.ndarray  # float64 relative rating propensity
    quality: np.ndarray  # float64 latent quality (added to ratings)

    @property
    def size(self) -> int:
        """Number of movies."""
        return int(self.movie_ids.size)

    def prefix_len(self, ts: np.ndarray) -> np.ndarray:
        """Number of movies available at each time in ``ts`` (always >= 1 inside the span)."""
        return np.maximum(np.searchsorted(self.available, ts, side="right"), 1)


def _availability(n: int) -> np.ndarray:
    frac = np.arange(1, n + 1) / n
    x = np.clip((frac - INITIAL_SHARE) / (1 - INITIAL_SHARE), 0, 1) ** (1 / GROWTH_POWER)
    return (SPAN_START + x * (SPAN_END - 30 * 86_400 - SPAN_START)).astype(np.int64)


def _release_years(rng: np.random.Generator, available: np.ndarray) -> np.ndarray:
    n = available.size
    added = year_of(available)
    lag = np.where(
        rng.random(n) < 0.62,
        rng.choice(3, n, p=[0.62, 0.3, 0.08]),
        2 + rng.exponential(18.0, n).astype(np.int64),
    )
    initial = available == SPAN_START
    # The launch catalogue is mostly back catalogue.
    lag[initial] = np.where(
        rng.random(initial.sum()) < 0.3,
        rng.integers(0, 2, initial.sum()),
        1 + rng.exponential(16.0, initial.sum()).astype(np.int64),
    )
    return np.maximum(added - lag, 1902)


def sample_genres(
    rng: np.random.Generator, years: np.ndarray, ensure_unlisted: bool = False
) -> tuple[list[str], np.ndarray]:
    """Genre labels ('A|B|IMAX', or '(no genres listed)') and the boolean genre matrix for each movie;
    ``ensure_unlisted`` forces at least one '(no genres listed)'."""
    n = years.size
    counts = 1 + rng.choice(GENRE_COUNT_P.size, n, p=GENRE_COUNT_P / GENRE_COUNT_P.sum())
    logw = np.broadcast_to(np.log(GENRE_WEIGHTS), (n, len(GENRES))).copy()
    logw[years < 2000, GENRES.index("IMAX")] = -np.inf
    # Gumbel top-k == weighted sampling without replacement.
    keys = logw + rng.gumbel(size=logw.shape)
    ranks = np.argsort(np.argsort(-keys, axis=1), axis=1)
    matrix = ranks < counts[:, None]
    matrix[rng.random(n) < NO_GENRES_RATE] = False
    if ensure_unlisted and n:
        matrix[rng.integers(n)] = False
    labels = []
    for row in matrix:
        chosen = [GENRES[j] for j in np.flatnonzero(row)]
        labels.append("|".join(chosen) if chosen else NO_GENRES)
    return labels, matrix


def _unique_ids(rng: np.random.Generator, n: int, low: int, high: int, order_key: np.ndarray) -> np.ndarray:
    """``n`` distinct ints in [low, high), assigned in increasing order of ``order_key`` (plus noise)."""
    values = np.sort(rng.choice(high - low, n, replace=False) + low)
    out = np.empty(n, dtype=np.int64)
    out[np.argsort(order_key, kind="stable")] = values
    return out


def popularity_sigma(n: int) -> float:
    """Spread of log-popularity. Bigger catalogues are mostly long tail (ml-25m: a median movie with a
    handful of ratings next to one with 81k), so the spread grows with log(n): 1.45 at 9,742 movies,
    2.4 at 62,423."""
    t = np.log(max(n, 100) / 9_742) / np.log(62_423 / 9_742)
    return float(np.clip(1.45 + 0.95 * t, 1.0, 2.8))


def build_catalog(rng: np.random.Generator, n: int) -> Catalog:
    """A catalogue of ``n`` movies with all per-movie attributes drawn from ``rng``."""
    gaps = np.where(rng.random(n) < 0.6, 1, 1 + rng.geometric(0.25, n))
    gaps[rng.random(n) < 0.003] += rng.integers(50, 2000)  # occasional big jumps in the id sequence
    movie_ids = np.cumsum(gaps).astype(np.int64)
    movie_ids -= movie_ids[0] - 1
    available = _availability(n)
    titles = movie_titles(rng, _release_years(rng, available))
    years = titles.years.astype(np.int64)
    genres, matrix = sample_genres(rng, years, ensure_unlisted=True)
    imdb = _unique_ids(rng, n, 1_000, 9_999_999, years + rng.normal(0, 4, n))
    tmdb = _unique_ids(rng, n, 2, 700_000, np.arange(n) + rng.normal(0, n / 50, n))
    tmdb[rng.choice(n, max(1, round(n * EMPTY_TMDB_RATE)), replace=False)] = -1
    has = np.flatnonzero(tmdb >= 0)
    a, b = rng.choice(has, 2, replace=False)
    tmdb[max(a, b)] = tmdb[min(a, b)]  # one tmdbId shared by two movies, as in the real links.csv
    z = rng.standard_normal(n)
    raw = np.exp(popularity_sigma(n) * z)
    # Soft cap on the blockbusters: even the top movie is rated by only about half of the users.
    cap = np.quantile(raw, TOP_CAP_QUANTILE)
    popularity = raw / (1.0 + raw / cap)
    quality = 0.42 * (0.35 * z + np.sqrt(1 - 0.35**2) * rng.standard_normal(n))
    return Catalog(
        movie_ids=movie_ids,
        available=available,
        years=years,
        titles=titles.titles,
        genres=genres,
        genre_matrix=matrix,
        imdb_ids=imdb,
        tmdb_ids=tmdb,
        popularity=popularity,
        quality=quality,
    )


def write_movies(path: Path, catalog: Catalog) -> int:
    """Write movies.csv (movieId,title,genres); returns the row count."""
    rows = zip(catalog.movie_ids.tolist(), catalog.titles, catalog.genres, strict=True)
    return write_text_csv(path, ["movieId", "title", "genres"], rows)


def link_rows(movie_ids: np.ndarray, imdb: np.ndarray, tmdb: np.ndarray) -> list[tuple[int, str, str]]:
    """links.csv rows: imdbId as 7 zero-padded digits, tmdbId empty when negative."""
    return [
        (m, f"{i:07d}", "" if t < 0 else str(t))
        for m, i, t in zip(movie_ids.tolist(), imdb.tolist(), tmdb.tolist(), strict=True)
    ]


def write_links(path: Path, catalog: Catalog) -> int:
    """Write links.csv (movieId,imdbId,tmdbId); returns the row count."""
    rows = link_rows(catalog.movie_ids, catalog.imdb_ids, catalog.tmdb_ids)
    return write_text_csv(path, ["movieId", "imdbId", "tmdbId"], rows)
