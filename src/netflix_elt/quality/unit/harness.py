"""Running a model unit test: an isolated local project with the model and stand-ins for its upstreams.

The model keeps its real kind, so an incremental model merges into the ``existing`` rows and a
snapshot records history over several runs; what is compared is the whole target table afterwards
(not just the rows the model returned). Usable straight from pytest::

    def test_fct_ratings(tmp_path):
        ModelUnitTest(registry, "fct_ratings", given={"src_ratings": [...]}, expect=[...]).run(tmp_path)
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from netflix_elt.declare import ModelSpec
from netflix_elt.engine import Column
from netflix_elt.errors import NetflixEltError
from netflix_elt.kinds import Source, Table
from netflix_elt.kinds.context import ModelContext
from netflix_elt.project import Project
from netflix_elt.quality.errors import UnitTestError
from netflix_elt.quality.unit.case import UnitTestCase, unit_test
from netflix_elt.quality.unit.compare import diff_rows
from netflix_elt.quality.unit.fixtures import records, table_columns, write_table
from netflix_elt.registry import Registry
from netflix_elt.sql import dataframe_sql

SNAPSHOT_META_TYPES = {
    "VALID_FROM": "TIMESTAMP_NTZ",
    "VALID_TO": "TIMESTAMP_NTZ",
    "IS_CURRENT": "BOOLEAN",
    "IS_DELETED": "BOOLEAN",
    "SNAPSHOT_RUN_AT": "TIMESTAMP_NTZ",
}


class UnitTestFailure(AssertionError):
    """The model's table differs from the expected rows; the message is the diff."""


@dataclass
class UnitTestOutcome:
    """What one unit test found: passed or not, the diff, and the table's rows."""

    name: str
    model: str
    passed: bool
    diff: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


class ModelUnitTest:
    """Given rows for a model's upstreams (and optionally its current rows), expect its table after the run(s)."""

    def __init__(
        self,
        registry: Registry,
        model: str,
        *,
        given: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        expect: Any,
        existing: Any = None,
        run_started_at: datetime | Sequence[datetime] | None = None,
        types: Mapping[str, Mapping[str, str]] | None = None,
        vars: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.registry = registry
        self.case = unit_test(
            model,
            given=given,
            expect=expect,
            existing=existing,
            run_started_at=run_started_at,
            types=types,
            vars=vars,
            name=name,
        )

    @classmethod
    def from_case(cls, registry: Registry, case: UnitTestCase) -> ModelUnitTest:
        test = cls.__new__(cls)
        test.registry, test.case = registry, case
        return test

    def run(self, work_dir: str | Path) -> UnitTestOutcome:
        """Run the test under ``work_dir`` (e.g. pytest's tmp_path); raise UnitTestFailure on a mismatch."""
        outcome = self.evaluate(work_dir)
        if not outcome.passed:
            raise UnitTestFailure(outcome.diff)
        return outcome

    def evaluate(self, work_dir: str | Path) -> UnitTestOutcome:
        """Run the test and report the outcome without raising for a mismatch (errors still raise)."""
        case, clock = self.case, time.perf_counter()
        try:
            spec = self._spec_under_test()
            project = Project.local(state_dir=self._state_dir(Path(work_dir)), registry=self._isolated(spec))
            try:
                rows, columns = self._execute(project, spec)
            finally:
                project.close()
            expected = records(case.expect, f"expect of {case.label}")
        except UnitTestError as exc:
            if exc.where:
                raise
            raise UnitTestError(
                exc.message, where=f"unit test {case.label} ({case.location})", hint=exc.hint
            ) from None
        title = f"unit test {case.label} ({case.location}): {case.model} after {case.runs} run(s)"
        diff = diff_rows(expected, rows, columns, title)
        return UnitTestOutcome(
            case.label, case.model, diff is None, diff or "", rows, round(time.perf_counter() - clock, 3)
        )

    # -- the isolated project -----------------------------------------------------------------
    def _spec_under_test(self) -> ModelSpec:
        case = self.case
        if case.model not in self.registry:
            raise UnitTestError(f"model '{case.model.lower()}' is not in the registry")
        spec = self.registry[case.model]
        if spec.func is None:
            raise UnitTestError(
                f"{spec.name} is a {spec.kind_name}; only models with a function can be unit tested"
            )
        return dataclasses.replace(spec, kind=Table()) if not spec.materialized else spec

    def _isolated(self, spec: ModelSpec) -> Registry:
        """The model, stand-ins for the upstreams with given rows, and the ephemeral models in between."""
        given = {name for run in self.case.given for name in run}
        # A unit test compares the model's output; its checks (and the models they read) stay out.
        specs: dict[str, ModelSpec] = {spec.name: dataclasses.replace(spec, checks=())}
        pending = list(spec.depends_on)
        while pending:
            name = pending.pop()
            if name in specs:
                continue
            original = self.registry[name]
            if name in given:
                # A source keeps its loaded_at, so a model reading its new rows (changes_of) can.
                loaded_at = (
                    getattr(original.kind, "loaded_at", None) if original.kind_name == "source" else None
                )
                specs[name] = ModelSpec(
                    name=name,
                    kind=Source(loaded_at=loaded_at),
                    func=None,
                    depends_on=(),
                    layer=original.layer,
                    location=f"unit-test stand-in for {name}",
                )
            elif not original.materialized:
                specs[name] = original
                pending.extend(original.depends_on)
            else:
                raise UnitTestError(
                    f"{spec.name} reads {name.lower()}, but no rows were given for it",
                    hint=f"add given={{'{name.lower()}': [...]}} (an empty list needs types=)",
                )
        unused = sorted(given - specs.keys())
        if unused:
            raise UnitTestError(
                f"rows given for {', '.join(n.lower() for n in unused)}, which {spec.name} does not read",
                hint=f"{spec.name} reads {', '.join(n.lower() for n in spec.depends_on) or 'nothing'}",
            )
        return Registry(specs.values())

    def _state_dir(self, work_dir: Path) -> Path:
        folder = work_dir / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"unit_{self.case.label}")
        if folder.exists():
            shutil.rmtree(folder)
        return folder

    def _execute(self, project: Project, spec: ModelSpec) -> tuple[list[dict[str, Any]], list[str]]:
        case, engine = self.case, project.engine
        target = project.relation(spec.name)
        for number, (inputs, moment) in enumerate(zip(case.given, case.run_started_at, strict=True)):
            for name, rows in inputs.items():
                data = records(rows, name.lower())
                columns = table_columns(data, case.types.get(name, {}), name.lower())
                write_table(engine, project.relation(name), columns, data)
            if number == 0 and case.existing is not None:
                self._write_existing(project, spec, target, moment)
            # The stand-ins are built too, so the model sees their data versions (and new rows).
            stand_ins = [n for n in project.registry.names if project.registry[n].kind_name == "source"]
            run = project.execute(
                "build", select=[*stand_ins, spec.name], run_started_at=moment, vars=dict(case.vars)
            )
            result = run.by_name().get(spec.name)
            if result is None or not result.passed:
                message = result.message if result is not None else "it was not run"
                raise UnitTestError(f"run {number + 1} of {spec.name} failed: {message}")
        rows = [row.as_dict() for row in engine.execute(f"SELECT * FROM {target}")]
        return rows, [c.name for c in engine.columns(target)]

    def _write_existing(self, project: Project, spec: ModelSpec, target: str, moment: datetime) -> None:
        """The target's rows before the first run, in the table a build would have left: its contract's
        columns (with NOT NULL), else typed like the model's output (plus snapshot columns)."""
        data = records(self.case.existing, f"existing rows of {spec.name.lower()}")
        if spec.contract is not None:
            known = [Column(c.name, c.type, c.nullable) for c in spec.contract.columns]
        else:
            known = output_columns(project, spec, moment, dict(self.case.vars))
            if spec.kind_name == "snapshot":
                known += [Column(name, kind) for name, kind in SNAPSHOT_META_TYPES.items()]
        columns = table_columns(data, self.case.types.get(spec.name, {}), spec.name, known)
        write_table(project.engine, target, columns, data)


def output_columns(project: Project, spec: ModelSpec, moment: datetime, vars: dict[str, Any]) -> list[Column]:
    """The columns (and types) the model returns on a full build, from a zero-row scratch table."""
    engine = project.engine
    executor = project.executor("build", run_started_at=moment, vars=vars)
    try:
        df = executor.dataframe_for(spec, ModelContext(model=spec.name, run_started_at=moment, vars=vars))
        before, select = dataframe_sql(df)
        for statement in before:
            engine.execute(statement)
        schema = project.registry.schema_of(spec.name, engine.profile.schemas)
        scratch = engine.create_scratch_table(schema, spec.name, f"SELECT * FROM ({select}) LIMIT 0")
    except NetflixEltError:
        raise
    except Exception as exc:
        raise UnitTestError(f"{spec.name} fails on the given rows: {str(exc).splitlines()[0]}") from None
    try:
        return engine.columns(scratch)
    finally:
        engine.drop_scratch_table(scratch)
