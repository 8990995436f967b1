"""Contract enforcement on builds: the same checks on every engine, before anything is published.

A contracted build runs, in order:
1. the model's output against the contract (names, order, type families): a table or view build
   describes the SELECT without running it (``Engine.query_columns``); an incremental merge or
   snapshot update describes the scratch table its rows were staged in, and counts their NULLs in
   NOT NULL columns;
2. the build under the contract (``Engine.replace_table(..., contract=)``: declared types and NOT
   NULL constraints; a NULL there fails the statement, and is then counted to name the column);
3. the built table (or, before a merge, the existing target) against the contract exactly: names,
   order, normalised types and DESCRIBE's nullability.
Any difference raises :class:`~netflix_elt.contracts.ContractViolation` listing all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.contracts import Contract, ContractViolation
from netflix_elt.sql import ident

if TYPE_CHECKING:
    from netflix_elt.kinds.base import BuildJob


def check_output(job: BuildJob, contract: Contract, select_sql: str) -> None:
    """Compare what ``select_sql`` produces with the contract, without running it (a describe)."""
    raise_differences(
        job, "the model's output", contract.differences(job.engine.query_columns(select_sql), exact=False)
    )


def check_rows(job: BuildJob, contract: Contract, staged: str) -> None:
    """Compare a scratch table of model rows with the contract: columns, then NULLs in NOT NULL columns."""
    raise_differences(
        job, "the model's output", contract.differences(job.engine.columns(staged), exact=False)
    )
    raise_differences(job, "the model's output", null_problems(job, contract, staged))


def check_table(job: BuildJob, contract: Contract, relation: str, what: str, hint: str = "") -> None:
    """Compare a table built (or kept) under the contract with it exactly."""
    problems = contract.differences(job.engine.columns(relation), exact=True)
    raise_differences(job, what, problems, hint or FIX_MODEL)


def null_problems(job: BuildJob, contract: Contract, relation: str) -> list[str]:
    """One entry per NOT NULL column holding NULLs in ``relation`` (a table name or ``(SELECT ...)``)."""
    if not contract.not_null:
        return []
    counts = ", ".join(f"COUNT_IF({ident(name)} IS NULL) AS {ident(name)}" for name in contract.not_null)
    row = job.engine.execute(f"SELECT {counts} FROM {relation}")[0].as_dict()
    found = {name.upper(): int(value or 0) for name, value in row.items()}
    return [
        f"{name} has {found[name]} NULL value(s), the contract says NOT NULL"
        for name in contract.not_null
        if found.get(name)
    ]


FIX_MODEL = "change the model (cast where a type differs) or its columns=[...]; nothing was published"


def raise_differences(job: BuildJob, what: str, problems: list[str], hint: str = FIX_MODEL) -> None:
    """Raise one ContractViolation listing every problem (nothing when there is none)."""
    if problems:
        raise ContractViolation(
            f"{what} does not match its contract: {'; '.join(problems)}",
            where=f"model {job.model}",
            hint=hint,
        )
