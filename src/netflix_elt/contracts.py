"""Model contracts: the columns a published model promises, with Snowflake types and nullability.

A model declares its contract with ``@model(..., columns=[column("MOVIE_ID", "NUMBER(38,0)",
nullable=False, key=True), ...])``, like dbt's enforced model contracts. Besides names, types and
nullability, a contract says which columns form the row key (``netflix-elt diff`` matches rows on it)
and which hold run-dependent values (load batch, run timestamps), which ``diff`` leaves out.

Types are the Snowflake types both engines store alike: ``NUMBER(p,s)`` (and its integer synonyms,
all NUMBER(38,0)), ``FLOAT`` (DOUBLE, REAL, ...), ``VARCHAR`` (STRING, TEXT; no length: the embedded
engine cannot enforce one), ``BOOLEAN``, ``DATE`` and ``TIMESTAMP_NTZ`` (DATETIME). A declared type
is kept in its canonical spelling (``int`` becomes ``NUMBER(38,0)``).

This module only declares and compares; ``netflix_elt.kinds.enforce`` applies contracts to builds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlglot
from sqlglot import exp

from netflix_elt.errors import ModelError, ProjectError
from netflix_elt.sql import ident, is_plain_identifier

SUPPORTED_TYPES = "NUMBER(p,s), FLOAT, VARCHAR, BOOLEAN, DATE, TIMESTAMP_NTZ"
_TYPE_TEXT = re.compile(r"^[A-Z_][A-Z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$")
_INTEGERS = {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT"}
_NUMBERS = {"NUMBER", "DECIMAL", "NUMERIC"}
_FLOATS = {"FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION", "REAL"}
_TEXTS = {"VARCHAR", "STRING", "TEXT"}
_OTHERS = {
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP_NTZ": "TIMESTAMP_NTZ",
    "DATETIME": "TIMESTAMP_NTZ",
}
# How sqlglot's Snowflake parser reads the types an engine's DESCRIBE may report.
_FAMILY_OF = {
    **dict.fromkeys(
        (
            exp.DataType.Type.INT,
            exp.DataType.Type.BIGINT,
            exp.DataType.Type.SMALLINT,
            exp.DataType.Type.TINYINT,
        ),
        "INTEGER",
    ),
    exp.DataType.Type.DECIMAL: "NUMBER",
    exp.DataType.Type.DOUBLE: "FLOAT",
    exp.DataType.Type.FLOAT: "FLOAT",
    exp.DataType.Type.VARCHAR: "VARCHAR",
    exp.DataType.Type.TEXT: "VARCHAR",
    exp.DataType.Type.CHAR: "VARCHAR",
    exp.DataType.Type.BOOLEAN: "BOOLEAN",
    exp.DataType.Type.DATE: "DATE",
    exp.DataType.Type.TIMESTAMPNTZ: "TIMESTAMP_NTZ",
    exp.DataType.Type.DATETIME: "TIMESTAMP_NTZ",
}


@dataclass(frozen=True)
class ContractColumn:
    """One promised column: upper-case name and Snowflake type text (``NUMBER(38,0)``, ``FLOAT``,
    ``VARCHAR``, ``BOOLEAN``, ``DATE``, ``TIMESTAMP_NTZ``)."""

    name: str
    type: str
    nullable: bool = True
    key: bool = False
    run_dependent: bool = False
    description: str = ""

    @property
    def definition(self) -> str:
        """The column as a CREATE TABLE column definition: ``NAME TYPE [NOT NULL]``."""
        return f"{ident(self.name)} {self.type}{'' if self.nullable else ' NOT NULL'}"


def column(
    name: str,
    type: str,
    *,
    nullable: bool = True,
    key: bool = False,
    run_dependent: bool = False,
    description: str = "",
) -> ContractColumn:
    """Declare a contract column (the name is upper-cased; the type is checked when the model is declared)."""
    return ContractColumn(name.upper(), type.strip().upper(), nullable, key, run_dependent, description)


class DescribedColumn(Protocol):
    """A column as an engine describes it (``netflix_elt.engine.Column``); read only."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def nullable(self) -> bool: ...


@dataclass(frozen=True)
class Contract:
    """The ordered columns of a model's contract (build one with :meth:`of`, which validates them)."""

    columns: tuple[ContractColumn, ...]

    @classmethod
    def of(cls, columns: Iterable[ContractColumn], *, owner: str = "contract") -> Contract:
        """Validate the columns (plain names, no duplicates, supported types, a key column never
        run-dependent) and keep each type in its canonical spelling; ``owner`` names the model."""
        checked: list[ContractColumn] = []
        seen: set[str] = set()
        for declared in columns:
            if not isinstance(declared, ContractColumn):
                raise ProjectError(
                    f"columns= holds {type(declared).__name__}, not a column(...)",
                    where=owner,
                    hint="declare each column with netflix_elt.column(name, type, ...)",
                )
            if not is_plain_identifier(declared.name):
                raise ProjectError(
                    f"contract column {declared.name!r} cannot be used unquoted in Snowflake",
                    where=owner,
                    hint="use letters, digits and _ (no leading digit) and no reserved word",
                )
            if declared.name in seen:
                raise ProjectError(
                    f"contract column {declared.name} is declared twice", where=owner, hint="remove one"
                )
            if declared.key and declared.run_dependent:
                raise ProjectError(
                    f"contract column {declared.name} is both a key and run-dependent",
                    where=owner,
                    hint="a row key must not change from one run to the next; drop one of the two flags",
                )
            seen.add(declared.name)
            try:
                canonical = declared_type(declared.type)
            except ValueError as exc:
                raise ProjectError(
                    f"contract column {declared.name}: {exc}",
                    where=owner,
                    hint=f"use one of {SUPPORTED_TYPES}",
                ) from None
            checked.append(
                ContractColumn(
                    declared.name,
                    canonical,
                    declared.nullable,
                    declared.key,
                    declared.run_dependent,
                    declared.description,
                )
            )
        if not checked:
            raise ProjectError("columns= is empty", where=owner, hint="declare at least one column")
        return cls(tuple(checked))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def key(self) -> tuple[str, ...]:
        """The columns that identify a row (empty when the contract names none)."""
        return tuple(c.name for c in self.columns if c.key)

    @property
    def run_dependent(self) -> tuple[str, ...]:
        """Columns whose values depend on the run rather than the input data."""
        return tuple(c.name for c in self.columns if c.run_dependent)

    @property
    def not_null(self) -> tuple[str, ...]:
        """Columns declared NOT NULL."""
        return tuple(c.name for c in self.columns if not c.nullable)

    def without(self, names: Iterable[str]) -> Contract:
        """The contract minus some columns (e.g. a snapshot's own metadata columns)."""
        dropped = set(names)
        return Contract(tuple(c for c in self.columns if c.name not in dropped))

    def column_definitions(self) -> str:
        """``A NUMBER(38,0) NOT NULL, B VARCHAR, ...`` for CREATE TABLE."""
        return ", ".join(c.definition for c in self.columns)

    def differences(self, actual: Sequence[DescribedColumn], *, exact: bool) -> list[str]:
        """What ``actual`` (described columns, in order) lacks or has beyond this contract.

        ``exact`` compares a table built under the contract: same names in the same order, the same
        type (spellings normalised: VARCHAR(16777216) is VARCHAR, TIMESTAMP_NTZ(9) TIMESTAMP_NTZ,
        INTEGER NUMBER(38,0)) and the same nullability. Otherwise ``actual`` is what a model's query
        produces before the build casts it: names and order must match and each type must be of the
        declared family with the declared scale (any integer NUMBER fits NUMBER(38,0); FLOAT never
        fits NUMBER, nor NUMBER(38,6) NUMBER(38,0)); nullability is checked on the rows instead.
        """
        found = {c.name.upper(): c for c in actual}
        expected = {c.name: c for c in self.columns}
        problems = [f"missing {c.name} {c.type}" for c in self.columns if c.name not in found]
        problems += [
            f"extra {c.name.upper()} {normalised_type(c.type)}"
            for c in actual
            if c.name.upper() not in expected
        ]
        common_expected = [n for n in self.names if n in found]
        common_actual = [c.name.upper() for c in actual if c.name.upper() in expected]
        if common_expected != common_actual:
            problems.append(
                f"column order is ({', '.join(common_actual)}), the contract's ({', '.join(common_expected)})"
            )
        for name in common_expected:
            declared, described = expected[name], found[name]
            actual_type = normalised_type(described.type)
            fits = actual_type == declared.type if exact else type_fits(actual_type, declared.type)
            if not fits:
                problems.append(f"{name} is {actual_type}, the contract says {declared.type}")
            if exact and described.nullable != declared.nullable:
                said = "nullable" if declared.nullable else "NOT NULL"
                problems.append(
                    f"{name} is {'nullable' if described.nullable else 'NOT NULL'}, the contract says {said}"
                )
        return problems


class ContractViolation(ModelError):
    """A model's output or table does not match its contract; nothing was published."""


def declared_type(text: str) -> str:
    """The canonical spelling of a declared contract type; ValueError when it is not one of the
    supported Snowflake types (checked with sqlglot's Snowflake type parser)."""
    upper = " ".join(text.strip().upper().split())
    if not _TYPE_TEXT.match(upper):
        raise ValueError(f"{text!r} is not a Snowflake type")
    base = upper.split("(")[0].strip()
    try:
        parsed = exp.DataType.build(upper, dialect="snowflake")
    except (sqlglot.errors.ParseError, ValueError):
        raise ValueError(f"unknown type {text!r}") from None
    params = [int(p.name) for p in parsed.expressions]
    if base in _INTEGERS and not params:
        return "NUMBER(38,0)"
    if base in _NUMBERS:
        precision = params[0] if params else 38
        scale = params[1] if len(params) > 1 else 0
        if not 1 <= precision <= 38 or not 0 <= scale <= precision:
            raise ValueError(f"{text!r} needs 1 <= precision <= 38 and 0 <= scale <= precision")
        return f"NUMBER({precision},{scale})"
    if base in _FLOATS and not params:
        return "FLOAT"
    if base in _TEXTS:
        if params:
            raise ValueError(
                f"{text!r} has a length, which the embedded engine does not enforce; declare VARCHAR"
            )
        return "VARCHAR"
    if base in _OTHERS and (not params or (base == "TIMESTAMP_NTZ" and params == [9])):
        return _OTHERS[base]
    if base == "TIMESTAMP":
        raise ValueError("TIMESTAMP depends on TIMESTAMP_TYPE_MAPPING; declare TIMESTAMP_NTZ")
    raise ValueError(f"unsupported type {text!r}")


def normalised_type(text: str) -> str:
    """A described type in the canonical spelling of :func:`declared_type` when it is one of the
    supported families (whatever length or precision the engine reports), else its own upper-case text."""
    upper = " ".join(text.strip().upper().split())
    try:
        parsed = exp.DataType.build(upper, dialect="snowflake")
    except (sqlglot.errors.ParseError, ValueError):
        return upper
    family = _FAMILY_OF.get(parsed.this)
    if family is None:
        return upper
    if family == "INTEGER":
        return "NUMBER(38,0)"
    if family == "NUMBER":
        params = [int(p.name) for p in parsed.expressions]
        precision = params[0] if params else 38
        scale = params[1] if len(params) > 1 else 0
        return f"NUMBER({precision},{scale})"
    return family


def type_fits(actual: str, declared: str) -> bool:
    """Whether a value of the (normalised) ``actual`` type keeps its meaning cast to ``declared``:
    the same type, or a NUMBER of the same scale (the precision may differ: Snowflake's COUNT is
    NUMBER(18,0), the embedded engine's NUMBER(38,0))."""
    if actual == declared:
        return True
    number = re.compile(r"^NUMBER\((\d+),(\d+)\)$")
    actual_number, declared_number = number.match(actual), number.match(declared)
    return bool(actual_number and declared_number and actual_number.group(2) == declared_number.group(2))
