"""``netflix-elt diff``: prove two warehouses hold the same models, or show how they differ.

>>> report = Project.local(state_dir="dev").diff(Project.from_profile("snowflake"), select=["tag:mart"])
>>> report.equal, [m.model for m in report.different]

Modules: ``rules`` (which models, which key, which columns are run-dependent), ``types`` (Snowflake
types as classes, comparison types), ``load`` (reading a side into the comparison database),
``compare`` (the row comparison), ``report`` (the result and its JSON), ``target`` (``--against``),
``run`` (all of it, model by model).
"""

from netflix_elt.diff.report import ChangedRow, DiffReport, ModelDiff, RowDiff, SchemaDiff, Side
from netflix_elt.diff.rules import PUBLISHED_KINDS, ModelRules, models_to_compare, rules_for
from netflix_elt.diff.run import diff_projects
from netflix_elt.diff.target import target_project

__all__ = [
    "PUBLISHED_KINDS",
    "ChangedRow",
    "DiffReport",
    "ModelDiff",
    "ModelRules",
    "RowDiff",
    "SchemaDiff",
    "Side",
    "diff_projects",
    "models_to_compare",
    "rules_for",
    "target_project",
]
