"""The MovieLens application built on the framework: its pipeline of models (``pipeline``), the loader of
MovieLens files (``loader``), the generator of MovieLens-shaped data (``datagen``), the insight report
(``report``) and the commands that run them (``cli``).

The framework (everything in ``netflix_elt`` outside this package) imports nothing from here.
"""

from __future__ import annotations

from netflix_elt.movielens.loader.recovery import INTERRUPTED_LOADS
from netflix_elt.recovery import register_bookkeeping

PIPELINE = "netflix_elt.movielens.pipeline"  # the package of models; the command line's default project

register_bookkeeping(INTERRUPTED_LOADS)  # every run that opens the warehouse finalises dead loads' rows
