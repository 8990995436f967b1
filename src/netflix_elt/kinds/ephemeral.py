"""``ephemeral``: never materialised; its DataFrame is inlined into each consumer's SQL."""

from __future__ import annotations

from typing import ClassVar

from netflix_elt.kinds.base import Kind


class Ephemeral(Kind):
    """Inlined into consumers as a subquery; not a node the runner builds, nor a Prefect task."""

    name: ClassVar[str] = "ephemeral"
    materialized: ClassVar[bool] = False
