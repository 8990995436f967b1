"""What every model kind shares: its configuration base class and the build job it is handed.

A kind is a pydantic class (its configuration, validated at declaration) with one job, ``build``:
turn the model's DataFrame into warehouse state and say how many rows that touched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from netflix_elt.config import describe_validation_error
from netflix_elt.errors import ProjectError
from netflix_elt.sql import dataframe_sql

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

    from netflix_elt.declare import ModelContext
    from netflix_elt.engine import Engine


class Kind(BaseModel):
    """Base of every kind. Unknown configuration keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ClassVar[str]
    default_layer: ClassVar[str] = "analytics"
    materialized: ClassVar[bool] = True
    has_function: ClassVar[bool] = True

    def __init__(self, **config: Any) -> None:
        try:
            super().__init__(**config)
        except ValidationError as exc:  # a declaration error: one line naming where it was declared
            raise ProjectError(
                f"invalid {type(self).name} configuration: {describe_validation_error(exc)}",
                where=_declaration_site(),
                hint=f"see the {type(self).__name__} docstring for its settings",
            ) from None

    def build(self, job: BuildJob) -> BuildOutcome:
        raise NotImplementedError(f"kind {self.name} is not built on its own")


def _declaration_site() -> str:
    """file:line of the first caller outside netflix_elt (the model module declaring the kind)."""
    package = str(Path(__file__).resolve().parents[1])
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


@dataclass(frozen=True)
class BuildOutcome:
    """Rows touched by one build (None where the warehouse does not say) and a status note."""

    rows: int | None = None
    inserted: int | None = None
    updated: int | None = None
    deleted: int | None = None
    status: str = "success"
    message: str = ""


@dataclass
class BuildJob:
    """One model about to be built: where it goes and how to get its DataFrame."""

    engine: Engine
    model: str
    target: str
    schema: str
    run_started_at: datetime
    full_refresh: bool
    dataframe_for: Callable[[ModelContext], DataFrame]
    context_for: Callable[..., ModelContext]
    # Write-audit-publish: kinds that build a table aside call this with it before publishing; it
    # raises to keep the previous table. Kinds that write in place leave it uncalled (checks run after).
    audit: Callable[[str], None] | None = None
    audited: bool = False

    def audit_before_publish(self) -> Callable[[str], None] | None:
        """The audit to pass to ``Engine.replace_table`` (marks the job audited when it runs)."""
        if self.audit is None:
            return None
        audit = self.audit

        def run(relation: str) -> None:
            self.audited = True
            audit(relation)

        return run

    def select_sql(self, context: ModelContext) -> str:
        """The model's SELECT for this context; statements it needs first (uploads) are run now."""
        before, select = dataframe_sql(self.dataframe_for(context))
        for statement in before:
            self.engine.execute(statement)
        return select

    def full_context(self) -> ModelContext:
        return self.context_for(is_incremental=False)

    def exists(self) -> bool:
        return self.engine.object_type(self.target) is not None

    def scalar(self, sql: str) -> Any:
        return self.engine.scalar(sql)
