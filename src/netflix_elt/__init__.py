"""netflix-elt: an ELT framework on the Snowpark DataFrame API.

Declare models with :func:`model`, :func:`seed` and :func:`source`; build them with :class:`Project`.
"""

from netflix_elt.kinds import Analysis, Ephemeral, Incremental, Snapshot, Table, View
from netflix_elt.model import ModelContext, model, seed, source
from netflix_elt.project import Project
from netflix_elt.registry import Registry

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Ephemeral",
    "Incremental",
    "ModelContext",
    "Project",
    "Registry",
    "Snapshot",
    "Table",
    "View",
    "model",
    "seed",
    "source",
]
