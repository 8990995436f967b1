"""Deterministic generator of synthetic MovieLens-shaped data (never real MovieLens content).

``generate_dataset`` writes the six ml-25m-format files for a requested number of ratings;
``generate_increment`` writes one day's delta on top of such a dataset (new ratings, re-ratings,
late-arriving rows, the full tag set, new movies). Both are pure functions of their arguments and seed.
"""

from netflix_elt.movielens.datagen.dataset import generate_dataset
from netflix_elt.movielens.datagen.increment import generate_increment
from netflix_elt.movielens.datagen.scale import Scale, scale_for
from netflix_elt.movielens.datagen.summary import GenerationSummary, IncrementSummary

__all__ = [
    "GenerationSummary",
    "IncrementSummary",
    "Scale",
    "generate_dataset",
    "generate_increment",
    "scale_for",
]
