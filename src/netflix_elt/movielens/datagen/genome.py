"""The tag genome: a dense (genome movies x 1,128 tags) relevance matrix.

Relevance = sigmoid(tag baseline + movie offset + genre affinity + low-rank interaction + noise), quantised
to multiples of 0.00025. Tags tied to a genre score high on that genre's movies, so the genome carries
real structure (similar movies have similar tag profiles). About 65% of values fall below 0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from netflix_elt.movielens.datagen.catalog import Catalog
from netflix_elt.movielens.datagen.csvio import (
    RELEVANCE_STEPS,
    NumericCsvWriter,
    relevance_strings,
    write_text_csv,
)

RANK = 8
NOISY_SHARE = 0.35  # share of values written with float noise (0.029000000000000026)
CHUNK_MOVIES = 1_000


def genome_movies(rating_counts: np.ndarray, count: int) -> np.ndarray:
    """Catalogue indices of the ``count`` most-rated movies (ties: lower index first), in index order."""
    order = np.lexsort((np.arange(rating_counts.size), -rating_counts))
    return np.sort(order[:count])


def write_genome_tags(path: Path, tags: list[str]) -> int:
    """Write genome-tags.csv (tagId,tag) with tagId = position + 1; returns the row count."""
    return write_text_csv(path, ["tagId", "tag"], ((i + 1, t) for i, t in enumerate(tags)))


def write_genome_scores(
    path: Path,
    rng_for: Callable[[int], np.random.Generator],
    catalog: Catalog,
    movies: np.ndarray,
    n_tags: int,
) -> int:
    """Write genome-scores.csv (movieId,tagId,relevance), movies x all tags, ordered by movieId, tagId.

    ``rng_for(i)`` gives the generator for chunk i (chunk 0 also draws the per-tag parameters), so the
    output does not depend on memory-driven choices. Returns the row count.
    """
    rng = rng_for(0)
    n_genres = catalog.genre_matrix.shape[1]
    baseline = rng.normal(-3.15, 0.9, n_tags)
    affinity = np.zeros((n_genres, n_tags))
    tied = rng.random(n_tags) < 0.6
    affinity[rng.integers(0, n_genres, tied.sum()), np.flatnonzero(tied)] = rng.uniform(1.5, 3.5, tied.sum())
    tag_factors = rng.normal(0.0, 0.55, (n_tags, RANK))
    log_pop = np.log(catalog.popularity)
    pop_z = (log_pop - log_pop.mean()) / log_pop.std()
    tag_ids = np.arange(1, n_tags + 1, dtype=np.int32)
    with NumericCsvWriter(
        path, {"movieId": np.int32, "tagId": np.int32, "relevance": relevance_strings()}
    ) as out:
        for c, start in enumerate(range(0, movies.size, CHUNK_MOVIES)):
            crng = rng if c == 0 else rng_for(c)
            idx = movies[start : start + CHUNK_MOVIES]
            g = catalog.genre_matrix[idx].astype(np.float64)
            offset = crng.normal(0.0, 0.3, idx.size) + 0.15 * pop_z[idx]
            logits = (
                baseline[None, :]
                + offset[:, None]
                + g @ affinity / np.maximum(g.sum(axis=1, keepdims=True), 1) ** 0.5
                + crng.normal(0.0, 0.55, (idx.size, RANK)) @ tag_factors.T
                + crng.normal(0.0, 0.7, (idx.size, n_tags))
            )
            steps = np.rint(RELEVANCE_STEPS / (1.0 + np.exp(-logits))).astype(np.int16)
            steps = np.clip(steps, 1, RELEVANCE_STEPS)
            noisy = crng.random(steps.shape) < NOISY_SHARE
            code = steps + noisy * (RELEVANCE_STEPS + 1)
            out.write(
                movieId=np.repeat(catalog.movie_ids[idx], n_tags).astype(np.int32),
                tagId=np.tile(tag_ids, idx.size),
                relevance=code.ravel(),
            )
        return out.rows
