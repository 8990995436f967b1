"""The result of ``netflix-elt diff``: per model, its schema differences and row differences.

"Left" is the project the command runs on (``--profile`` / ``--state-dir``), "right" the ``--against``
target. ``DiffReport.to_dict()`` is the ``--format json`` document; its shape is stable:

    {"equal": bool, "left": {...side}, "right": {...side}, "tolerance": float,
     "summary": {"models": n, "equal": n, "different": n},
     "models": [{"model", "kind", "status": "equal" | "different" | "missing",
                 "relation": {"left", "right"}, "missing": ["left" | "right", ...],
                 "key": [...], "key_source": str, "compared_columns": [...],
                 "left_out": [...run-dependent], "not_compared": [...incomparable types],
                 "schema": {"left": [{"name", "type"}], "right": [...], "only_left": [...],
                            "only_right": [...], "type_changes": [{"column", "left", "right"}],
                            "order_changed": bool},
                 "rows": {"left", "right", "only_left", "only_right", "changed", "matched"},
                 "column_mismatches": {column: count},
                 "examples": {"only_left": [row], "only_right": [row],
                              "changed": [{"key": {...}, "columns": {column: {"left", "right"}}}]},
                 "notes": [...]}]}

``matched`` and ``changed`` are null when rows are compared whole (no key): a row then is either on
both sides or only on one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from netflix_elt.engine import Column


@dataclass(frozen=True)
class Side:
    """One warehouse being compared."""

    profile: str
    engine: str
    state_dir: str

    def describe(self) -> str:
        if self.engine == "local":
            return f"local engine on {self.state_dir}"
        return f"profile {self.profile} ({self.engine} engine)"


@dataclass
class SchemaDiff:
    """Columns of the two tables as each side describes them, and how they differ."""

    left: list[Column]
    right: list[Column]
    only_left: list[str] = field(default_factory=list)
    only_right: list[str] = field(default_factory=list)
    type_changes: list[tuple[str, str, str]] = field(default_factory=list)  # column, left type, right type
    order_changed: bool = False

    @property
    def differs(self) -> bool:
        return bool(self.only_left or self.only_right or self.type_changes or self.order_changed)


@dataclass
class ChangedRow:
    """A row matched by key whose values differ: the key and, per differing column, both values."""

    key: dict[str, Any]
    columns: dict[str, tuple[Any, Any]]


@dataclass
class RowDiff:
    """Row counts and the rows that differ (with a few examples of each)."""

    left: int
    right: int
    only_left: int = 0
    only_right: int = 0
    changed: int | None = None  # None: compared as whole rows, no key to match on
    matched: int | None = None
    column_mismatches: dict[str, int] = field(default_factory=dict)
    examples_only_left: list[dict[str, Any]] = field(default_factory=list)
    examples_only_right: list[dict[str, Any]] = field(default_factory=list)
    examples_changed: list[ChangedRow] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.left != self.right or self.only_left or self.only_right or self.changed)


@dataclass
class ModelDiff:
    """One model compared on both sides."""

    model: str
    kind: str
    left_relation: str
    right_relation: str
    missing: list[str] = field(default_factory=list)  # "left" and/or "right": no table there
    key: tuple[str, ...] = ()
    key_source: str = ""
    compared: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)
    schema: SchemaDiff | None = None
    rows: RowDiff | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return (
            not self.missing
            and not (self.schema and self.schema.differs)
            and not (self.rows and self.rows.differs)
        )

    @property
    def status(self) -> str:
        if self.missing:
            return "missing"
        return "equal" if self.equal else "different"

    def to_dict(self) -> dict[str, Any]:
        schema = self.schema
        rows = self.rows
        return {
            "model": self.model,
            "kind": self.kind,
            "status": self.status,
            "relation": {"left": self.left_relation, "right": self.right_relation},
            "missing": list(self.missing),
            "key": list(self.key),
            "key_source": self.key_source,
            "compared_columns": list(self.compared),
            "left_out": list(self.left_out),
            "not_compared": list(self.not_compared),
            "schema": None
            if schema is None
            else {
                "left": [{"name": c.name, "type": c.type} for c in schema.left],
                "right": [{"name": c.name, "type": c.type} for c in schema.right],
                "only_left": schema.only_left,
                "only_right": schema.only_right,
                "type_changes": [{"column": c, "left": lt, "right": rt} for c, lt, rt in schema.type_changes],
                "order_changed": schema.order_changed,
            },
            "rows": None
            if rows is None
            else {
                "left": rows.left,
                "right": rows.right,
                "only_left": rows.only_left,
                "only_right": rows.only_right,
                "changed": rows.changed,
                "matched": rows.matched,
            },
            "column_mismatches": dict(rows.column_mismatches) if rows else {},
            "examples": {
                "only_left": [_json_row(r) for r in rows.examples_only_left] if rows else [],
                "only_right": [_json_row(r) for r in rows.examples_only_right] if rows else [],
                "changed": [
                    {
                        "key": _json_row(change.key),
                        "columns": {
                            c: {"left": json_value(lv), "right": json_value(rv)}
                            for c, (lv, rv) in change.columns.items()
                        },
                    }
                    for change in (rows.examples_changed if rows else [])
                ],
            },
            "notes": list(self.notes),
        }


@dataclass
class DiffReport:
    """Every compared model; ``equal`` when each one is."""

    left: Side
    right: Side
    tolerance: float
    models: list[ModelDiff]

    @property
    def equal(self) -> bool:
        return all(m.equal for m in self.models)

    @property
    def different(self) -> list[ModelDiff]:
        return [m for m in self.models if not m.equal]

    def __getitem__(self, model: str) -> ModelDiff:
        for diff in self.models:
            if diff.model == model.upper():
                return diff
        raise KeyError(model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "left": vars(self.left),
            "right": vars(self.right),
            "tolerance": self.tolerance,
            "summary": {
                "models": len(self.models),
                "equal": len(self.models) - len(self.different),
                "different": len(self.different),
            },
            "models": [m.to_dict() for m in self.models],
        }


def json_value(value: Any) -> Any:
    """A value as JSON can carry it: exact decimals as text (integers as numbers), times as ISO text,
    NaN and infinities as text, bytes as hex."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # a letter for NaN and the infinities
        return int(value) if isinstance(exponent, int) and exponent >= 0 else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return value


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: json_value(value) for name, value in row.items()}
