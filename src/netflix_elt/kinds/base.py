"""What every model kind shares: its configuration base class and the build job it is handed.

A kind is a pydantic class (its configuration, validated at declaration) with one job, ``build``:
turn the model's DataFrame into warehouse state and say how many rows that touched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from netflix_elt.config import describe_validation_error
from netflix_elt.contracts import Contract, ContractColumn
from netflix_elt.errors import NetflixEltError, ProjectError
from netflix_elt.kinds import enforce
from netflix_elt.sql import dataframe_sql

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame, Row

    from netflix_elt.changes import ChangeLog, ChangeReader
    from netflix_elt.engine import Engine
    from netflix_elt.kinds.context import ModelContext


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

    def replaced_keys(self) -> tuple[str, ...]:
        """Columns on which a build replaces every row of a key it changes, so that no unchanged row
        shares a changed row's values on them (none: unknown)."""
        return ()

    # Whether builds of this kind record their changed rows (see netflix_elt.changes).
    @property
    def keeps_changes(self) -> bool:
        return False

    def change_inputs(self, read_tables: set[str]) -> tuple[str, ...]:
        """The inputs (upper-case names, among ``read_tables``) whose changes an incremental build of this
        kind reads; their producers keep change sets for it. None by default."""
        return ()

    def fingerprint_config(self) -> dict[str, Any]:
        """The configuration a model's fingerprint covers: all of it, unless a kind says otherwise."""
        return self.model_dump(mode="json")

    def row_key(self) -> tuple[str, ...]:
        """Columns that identify a row of the built table, as far as the kind knows (empty: it does not).

        ``netflix-elt diff`` matches rows on them when the model's contract names no key.
        """
        return ()

    def run_dependent_columns(self) -> tuple[str, ...]:
        """Columns whose values come from the run (build or load time, batch ids), not from the input data.

        ``netflix-elt diff`` leaves them out of the comparison of values.
        """
        return ()

    def contract_columns(self, declared: list[ContractColumn], owner: str) -> list[ContractColumn]:
        """The contract of a model of this kind from the columns it declares (a kind may refuse some
        or add its own); raises ProjectError naming ``owner``."""
        if not self.materialized:
            raise ProjectError(
                f"a {self.name} model is never published, so it takes no columns=",
                where=owner,
                hint="declare the contract on the models that read it",
            )
        return declared


def _declaration_site() -> str:
    """file:line of the first caller outside netflix_elt (the model module declaring the kind)."""
    package = str(Path(__file__).resolve().parents[1])
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class PublishSkipped(Exception):
    """Raised by a ``before_publish`` step to keep the published table: the build aside is dropped."""


@dataclass(frozen=True)
class BuildOutcome:
    """Rows touched by one build (None where the warehouse does not say) and a status note.

    ``changed`` says whether the content changed (None: assume it did), which decides whether the node
    gets a new data version; a source reports its ``mark`` (row count and newest ``loaded_at``).
    """

    rows: int | None = None
    inserted: int | None = None
    updated: int | None = None
    deleted: int | None = None
    status: Literal["success", "warn", "error"] = "success"  # warn, error: a source gone stale
    message: str = ""
    changed: bool | None = None
    mark: dict[str, Any] | None = None


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
    contract: Contract | None = None
    # Change propagation (see netflix_elt.changes): the changes of the inputs since this model last
    # consumed them, and where this model records its own changes (None when it keeps none).
    changes: ChangeReader | None = None
    change_log: ChangeLog | None = None
    # The statements that record the node's new data version; kinds that write in place run them inside
    # the transaction of their write (``commit_in``), so data and version cannot disagree.
    state_sql: Callable[[BuildOutcome], list[str]] | None = None
    state_committed: bool = False
    # States of other nodes the commit wrote along (queued ones): put back if the write rolls back.
    written_along: list[Any] = field(default_factory=list)
    row_key: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    scratch: list[str] = field(default_factory=list)  # tables to drop once the node is done
    # Steps on the table built aside, after the audit and before it is published (they may raise).
    before_publish: list[Callable[[str], None]] = field(default_factory=list)
    inputs: tuple[str, ...] = ()  # the materialised inputs, in the order of the model's parameters
    # 'TABLE', 'VIEW' or None as the run found the target at its start (only this node writes it, so
    # that still holds when it builds); UNKNOWN when the run did not look.
    found_as: str | None = "UNKNOWN"
    # Not known to be built by this very code (a different or no recorded fingerprint). Without data
    # versions (a `test` run, unit tests' helpers) nothing is known, hence True.
    code_changed: bool = True

    def audit_before_publish(self) -> Callable[[str], None] | None:
        """The audit to pass to ``Engine.replace_table`` (marks the job audited when it runs), followed
        by the kind's ``before_publish`` steps (e.g. recording what changed)."""
        if self.audit is None and not self.before_publish:
            return None
        audit, steps = self.audit, list(self.before_publish)

        def run(relation: str) -> None:
            if audit is not None:
                self.audited = True
                audit(relation)
            for step in steps:
                step(relation)

        return run

    def replace_target(self, select_sql: str) -> None:
        """Build ``select_sql`` aside and publish it as the target, after the audit (write-audit-publish)
        and, for a contracted model, under its contract: the output is checked before the build, the
        table is built with the declared types and NOT NULL constraints and checked again before the
        audit. Any failure keeps the previous table."""
        checks = self.audit_before_publish()
        contract = self.contract
        if contract is None:
            self.engine.replace_table(self.target, select_sql, audit=checks)
            return
        enforce.check_output(self, contract, select_sql)

        def audit(building: str) -> None:
            enforce.check_table(self, contract, building, "the table built aside")
            if checks is not None:
                checks(building)

        try:
            self.engine.replace_table(self.target, select_sql, audit=audit, contract=contract)
        except (NetflixEltError, PublishSkipped):
            raise
        except Exception:  # a NULL in a NOT NULL column fails the build: name the column(s)
            try:
                problems = enforce.null_problems(self, contract, f"({select_sql})")
            except Exception:  # the query itself fails: its own error says more
                problems = []
            enforce.raise_differences(self, "the model's output", problems)
            raise

    def select_sql(self, context: ModelContext) -> str:
        """The model's SELECT for this context; statements it needs first (uploads) are run now."""
        before, select = dataframe_sql(self.dataframe_for(context))
        for statement in before:
            self.engine.execute(statement)
        return select

    def full_context(self) -> ModelContext:
        return self.context_for(is_incremental=False)

    def commit_in_transaction(self, outcome: BuildOutcome) -> None:
        """Run the statements that record ``outcome``'s data version (call inside the write's transaction)."""
        if self.state_sql is None:
            return
        for statement in self.state_sql(outcome):
            self.engine.execute(statement)
        self.state_committed = True

    def target_type(self) -> str | None:
        """'TABLE', 'VIEW' or None: what the target is before this build."""
        if self.found_as != "UNKNOWN":
            return self.found_as
        return self.engine.object_type(self.target)

    def exists(self) -> bool:
        return self.target_type() is not None

    def scalar(self, sql: str) -> Any:
        return self.engine.scalar(sql)


def affected_rows(rows: Sequence[Row]) -> int:
    """The count a DML statement returns in its first column (rows inserted, updated, deleted)."""
    return int(rows[0][0]) if rows else 0
