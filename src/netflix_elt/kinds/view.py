"""``view``: CREATE OR REPLACE VIEW from the DataFrame's SQL."""

from __future__ import annotations

from typing import ClassVar

from netflix_elt.contracts import ContractColumn
from netflix_elt.errors import ProjectError
from netflix_elt.kinds import enforce
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind


class View(Kind):
    """A view over its upstreams; nothing is stored, so no row count is taken. A contract is checked on
    the view's columns (names, order, types) before it is replaced; NOT NULL cannot be declared, as
    checking it would scan the view's whole query on every build."""

    name: ClassVar[str] = "view"

    def contract_columns(self, declared: list[ContractColumn], owner: str) -> list[ContractColumn]:
        not_null = [c.name for c in declared if not c.nullable]
        if not_null:
            raise ProjectError(
                f"a view cannot promise NOT NULL ({', '.join(not_null)}): checking it would scan the view",
                where=owner,
                hint="declare these columns nullable here and NOT NULL on the tables built from the view",
            )
        return declared

    def build(self, job: BuildJob) -> BuildOutcome:
        """CREATE OR REPLACE VIEW; a view that exists with unchanged code already shows its inputs' new
        data, so only its data version moves (and its checks run)."""
        existing = job.target_type()
        if existing == "VIEW" and not job.code_changed and not job.full_refresh:
            return BuildOutcome(message="unchanged view over changed inputs")
        select = job.select_sql(job.full_context())
        if job.contract is not None:
            enforce.check_output(job, job.contract, select)
        if existing == "TABLE":
            job.engine.execute(f"DROP TABLE {job.target}")
        job.engine.execute(f"CREATE OR REPLACE VIEW {job.target} AS {select}")
        return BuildOutcome()
