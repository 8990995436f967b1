"""Column types for ``netflix-elt diff``: what a Snowflake type is, and how values of two types compare.

Each side describes its columns with Snowflake type text (``DESCRIBE TABLE``). Types are compared as
*classes*: Snowflake's synonyms are one type (INT, BIGINT and NUMBER(38,0); FLOAT and DOUBLE; TEXT and
VARCHAR; DATETIME and TIMESTAMP_NTZ), and precision and length are not part of the class: Snowflake infers
them per expression (COUNT(*) is NUMBER(18,0), a literal 'ab' is VARCHAR(2)) while the embedded engine
says NUMBER(38,0) and VARCHAR(16777216) for the same values. A NUMBER's scale is part of its class.

Values are compared in an in-process DuckDB after a cast to one *comparison type* per column: exact
numbers as DECIMAL(38, larger scale), a FLOAT on either side as DOUBLE (where ``--tolerance`` applies),
every timestamp as a UTC TIMESTAMP at microsecond precision, VARIANT / OBJECT / ARRAY as minified JSON
text. Columns whose classes cannot be compared (VARCHAR against NUMBER) are reported, not compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TYPE = re.compile(r"^\s*(?P<name>[A-Z_][A-Z0-9_ ]*?)\s*(?:\((?P<args>[^)]*)\))?\s*$")

# Snowflake's documented synonyms (docs.snowflake.com/en/sql-reference/intro-summary-data-types).
_FAMILIES = {
    **dict.fromkeys(
        ("NUMBER", "DECIMAL", "DEC", "NUMERIC", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT"),
        "NUMBER",
    ),
    **dict.fromkeys(("FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION", "REAL"), "FLOAT"),
    **dict.fromkeys(
        (
            "VARCHAR",
            "CHAR",
            "CHARACTER",
            "NCHAR",
            "STRING",
            "TEXT",
            "NVARCHAR",
            "NVARCHAR2",
            "CHAR VARYING",
            "NCHAR VARYING",
        ),
        "VARCHAR",
    ),
    **dict.fromkeys(("BINARY", "VARBINARY"), "BINARY"),
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIME": "TIME",
    # TIMESTAMP follows TIMESTAMP_TYPE_MAPPING, which the engines set to TIMESTAMP_NTZ.
    **dict.fromkeys(
        ("TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMPNTZ", "DATETIME", "TIMESTAMP WITHOUT TIME ZONE"),
        "TIMESTAMP_NTZ",
    ),
    **dict.fromkeys(("TIMESTAMP_LTZ", "TIMESTAMPLTZ", "TIMESTAMP WITH LOCAL TIME ZONE"), "TIMESTAMP_LTZ"),
    **dict.fromkeys(("TIMESTAMP_TZ", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"), "TIMESTAMP_TZ"),
    **dict.fromkeys(("VARIANT", "OBJECT", "ARRAY"), "SEMI_STRUCTURED"),
}
_SAME_TYPE = {
    "VARCHAR": "VARCHAR",
    "BINARY": "BLOB",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIME": "TIME",
}
_TIMESTAMPS = frozenset({"TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ"})
FLOAT_TYPE = "DOUBLE"
JSON_TYPE = "JSON"  # not a DuckDB column type: JSON text stored as VARCHAR, see load_expression


@dataclass(frozen=True)
class TypeClass:
    """A Snowflake type without precision or length: its family (and scale, for NUMBER)."""

    family: str
    scale: int = 0

    def __str__(self) -> str:
        return f"NUMBER(scale {self.scale})" if self.family == "NUMBER" else self.family


def classify(type_text: str) -> TypeClass:
    """The class of a Snowflake type as DESCRIBE prints it (``NUMBER(38,2)``, ``VARCHAR(16777216)``)."""
    text = type_text.strip().upper()
    match = _TYPE.match(text)
    if not match:
        return TypeClass(text)
    name = " ".join(match["name"].split())
    family = _FAMILIES.get(name, name)
    if family != "NUMBER":
        return TypeClass(family)
    args = [a.strip() for a in (match["args"] or "").split(",")]
    scale = int(args[1]) if len(args) == 2 and args[1].isdigit() else 0
    return TypeClass("NUMBER", scale)


def comparison_type(left: TypeClass, right: TypeClass) -> str | None:
    """The DuckDB type both sides' values are cast to, or None when the two classes cannot be compared."""
    families = {left.family, right.family}
    if families == {"NUMBER"}:
        return f"DECIMAL(38,{max(left.scale, right.scale)})"
    if families <= {"NUMBER", "FLOAT"}:
        return FLOAT_TYPE
    if families <= _TIMESTAMPS:
        return "TIMESTAMP"
    if left.family != right.family:
        return None
    if left.family == "SEMI_STRUCTURED":
        return JSON_TYPE
    return _SAME_TYPE.get(left.family, "VARCHAR")


def storage_type(comparison: str) -> str:
    """The DuckDB column type that holds values of a comparison type."""
    return "VARCHAR" if comparison == JSON_TYPE else comparison


def load_expression(column: str, comparison: str) -> str:
    """DuckDB expression casting a fetched Arrow column to its comparison type.

    Timestamps with a zone become UTC wall-clock times (the comparison database runs in UTC); JSON text
    is minified so that Snowflake's indented VARIANT text equals the embedded engine's compact one.
    """
    if comparison == JSON_TYPE:
        text = f"CAST({column} AS VARCHAR)"
        return f"CASE WHEN json_valid({text}) THEN CAST(json({text}) AS VARCHAR) ELSE {text} END"
    return f"CAST({column} AS {comparison})"
