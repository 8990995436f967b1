"""A check that references a model nobody declared: the registry refuses the project."""

from __future__ import annotations

from netflix_elt import Table, model, source
from netflix_elt.quality import relationship

raw_items = source("RAW_ITEMS")


@model(Table(), checks=[relationship("PARENT_ID", to="nowhere")])
def unknown_reference(raw_items):
    return raw_items
