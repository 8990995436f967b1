"""``diff_projects``: compare every selected model of two warehouses, table by table.

Per model: is the table there on each side; its columns (names, order, type classes); then the rows,
on the columns both sides have minus the run-dependent ones, matched by key when one is known (see
:mod:`netflix_elt.diff.rules`). Without a declared key, a table with FLOAT columns is matched on all its
other columns when those identify a row on both sides (so ``--tolerance`` can apply); else rows are
compared whole. Both warehouses are only read: the engines are opened without bootstrapping anything.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netflix_elt.diff.compare import Layout, compare_by_key, compare_whole_rows, duplicate_keys
from netflix_elt.diff.load import comparison_database, load_side
from netflix_elt.diff.report import DiffReport, ModelDiff, RowDiff, SchemaDiff, Side
from netflix_elt.diff.rules import ModelRules, models_to_compare, rules_for
from netflix_elt.diff.types import FLOAT_TYPE, classify, comparison_type
from netflix_elt.engine import Column, Engine, open_engine
from netflix_elt.errors import NetflixEltError

if TYPE_CHECKING:
    from netflix_elt.declare import ModelSpec
    from netflix_elt.project import Project

IMPLICIT_KEY = "non-FLOAT columns"


@dataclass(frozen=True)
class Relation:
    """One side of one model: the engine and the table's qualified name there."""

    engine: Engine
    name: str


def diff_projects(
    left: Project,
    right: Project,
    select: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    tolerance: float = 0.0,
    examples: int = 5,
) -> DiffReport:
    """Compare the selected models of ``left`` (its registry decides what they are) with ``right``'s."""
    if not math.isfinite(tolerance) or tolerance < 0:
        raise NetflixEltError(
            f"tolerance {tolerance} is not a number >= 0", hint="pass 0 (exact) or e.g. 1e-9"
        )
    examples = max(0, examples)
    names = models_to_compare(left.registry, select, exclude, left.modified)
    models: list[ModelDiff] = []
    with contextlib.ExitStack() as stack:
        engines = [stack.enter_context(open_engine(p.profile, p.state_dir)) for p in (left, right)]
        db = stack.enter_context(comparison_database(left.profile.local.memory_limit))
        for name in names:
            sides = [
                Relation(engine, project.relation(name))
                for engine, project in zip(engines, (left, right), strict=True)
            ]
            models.append(compare_model(db, left.registry[name], sides[0], sides[1], tolerance, examples))
    return DiffReport(_side(left), _side(right), tolerance, models)


def compare_model(
    db: Any, spec: ModelSpec, left: Relation, right: Relation, tolerance: float, examples: int
) -> ModelDiff:
    """Schema and rows of one model on both sides."""
    rules = rules_for(spec)
    result = ModelDiff(spec.name, spec.kind_name, left.name, right.name)
    result.missing = [side for side, r in (("left", left), ("right", right)) if not _exists(r, result)]
    if result.missing:
        result.key, result.key_source = rules.key, rules.key_source
        return result
    left_columns, right_columns = left.engine.columns(left.name), right.engine.columns(right.name)
    result.schema = schema_diff(left_columns, right_columns)
    right_types = {c.name: c.type for c in right_columns}
    types: list[str] = []
    for column in left_columns:
        if column.name not in right_types:
            continue
        if column.name in rules.run_dependent:
            result.left_out.append(column.name)
            continue
        common = comparison_type(classify(column.type), classify(right_types[column.name]))
        if common is None:
            result.not_compared.append(column.name)
            continue
        result.compared.append(column.name)
        types.append(common)
    if result.not_compared:
        result.notes.append(f"values of {', '.join(result.not_compared)} not compared: their types cannot be")
    if not result.compared:
        result.rows = RowDiff(left.engine.row_count(left.name), right.engine.row_count(right.name))
        result.notes.append("no column to compare values on: only row counts compared")
        return result
    try:
        counts = (
            load_side(db, "l", left.engine, left.name, result.compared, types),
            load_side(db, "r", right.engine, right.name, result.compared, types),
        )
        floats = frozenset(i for i, t in enumerate(types) if t == FLOAT_TYPE)
        layout = Layout(result.compared, floats, _choose_key(db, result, rules, floats))
        if layout.key:
            result.rows = compare_by_key(db, layout, counts, tolerance, examples)
        else:
            if floats and tolerance > 0:
                result.notes.append("FLOAT columns compared exactly: no key to match rows on")
            result.rows = compare_whole_rows(db, layout, counts, examples)
    finally:
        db.execute("DROP TABLE IF EXISTS l")
        db.execute("DROP TABLE IF EXISTS r")
    return result


def schema_diff(left: list[Column], right: list[Column]) -> SchemaDiff:
    """Columns only on one side, type classes that differ, and whether the shared columns' order differs."""
    left_names, right_names = [c.name for c in left], [c.name for c in right]
    right_types = {c.name: c.type for c in right}
    shared_left = [n for n in left_names if n in right_types]
    return SchemaDiff(
        left=left,
        right=right,
        only_left=[n for n in left_names if n not in right_types],
        only_right=[n for n in right_names if n not in set(left_names)],
        type_changes=[
            (c.name, c.type, right_types[c.name])
            for c in left
            if c.name in right_types and classify(c.type) != classify(right_types[c.name])
        ],
        order_changed=shared_left != [n for n in right_names if n in set(left_names)],
    )


def _choose_key(db: Any, result: ModelDiff, rules: ModelRules, floats: frozenset[int]) -> tuple[int, ...]:
    """Positions of the key to match rows on (empty: compare whole rows); records the choice on ``result``."""
    key = rules.key
    if key:
        absent = [k for k in key if k not in result.compared]
        if absent:
            result.notes.append(
                f"key column(s) {', '.join(absent)} not on both sides: no key to match rows on"
            )
            key = ()
        else:
            positions = tuple(result.compared.index(k) for k in key)
            duplicated = {
                side: duplicate_keys(db, table, positions) for side, table in (("left", "l"), ("right", "r"))
            }
            if not any(duplicated.values()):
                result.key, result.key_source = key, rules.key_source
                return positions
            where = ", ".join(f"{n} on the {side}" for side, n in duplicated.items() if n)
            result.notes.append(f"key ({', '.join(key)}) is not unique ({where} duplicated values)")
    others = tuple(i for i in range(len(result.compared)) if i not in floats)
    if floats and others and not any(duplicate_keys(db, t, others) for t in ("l", "r")):
        result.key, result.key_source = tuple(result.compared[i] for i in others), IMPLICIT_KEY
        return others
    return ()


def _exists(relation: Relation, result: ModelDiff) -> bool:
    """Whether the table (or view) is there; a schema the warehouse does not know means it is not."""
    try:
        return relation.engine.object_type(relation.name) is not None
    except NetflixEltError:
        raise
    except Exception as exc:  # Snowflake refuses SHOW OBJECTS in a schema that does not exist
        result.notes.append(f"{relation.name}: {str(exc).strip().splitlines()[0]}")
        return False


def _side(project: Project) -> Side:
    return Side(project.profile.name, project.profile.engine, str(project.state_dir))
