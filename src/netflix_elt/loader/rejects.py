"""Per-field rules that decide whether a landed record is loaded or rejected, as Snowflake SQL.

Every record lands as text (F1..Fn, plus F<n+1> to detect extra fields). One CASE expression gives
the first problem of a record, or NULL for a good one; the same rules, as TRY_TO_* casts, produce
the typed values. Both engines evaluate the identical SQL, so they reject identical records:

* too few or too many fields: ``3 fields, expected 4`` / ``more than 4 fields, expected 4``;
* an empty required number: ``userId is empty``;
* a malformed number: ``rating 'abc' is not a number``, ``timestamp '2015-03-01' is not an integer``.

NUMBER(38,0) columns accept ``-?[0-9]{1,38}`` and FLOAT columns plain decimal or exponent notation
(no 'NaN', no spaces), checked with REGEXP_LIKE (a whole-string match) so that engines that differ in
what TRY_CAST tolerates still agree. Text columns take any value, the empty string included. An empty
optional number (links' tmdbId) is NULL, not a reject.
"""

from __future__ import annotations

from netflix_elt.loader.layout import RawFile
from netflix_elt.sql import literal

INTEGER_PATTERN = "-?[0-9]{1,38}"
NUMBER_PATTERN = "[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?"

# (RAW table, column) pairs whose field may be empty; the value is then NULL.
OPTIONAL_COLUMNS = frozenset({("RAW_LINKS", "TMDB_ID")})


def field_name(position: int) -> str:
    """Landing column for the 1-based field ``position``."""
    return f"F{position}"


def landing_width(spec: RawFile) -> int:
    """Fields landed per record: the expected ones plus one that is non-NULL only for long records."""
    return len(spec.header) + 1


def _kind(sql_type: str) -> str:
    upper = sql_type.upper()
    if upper.startswith("NUMBER"):
        return "integer"
    if upper.startswith(("FLOAT", "DOUBLE", "REAL")):
        return "number"
    return "text"


def _malformed(header_name: str, value: str, noun: str) -> str:
    """SQL for the message ``<header_name> '<value>' is not <noun>``."""
    prefix, suffix = literal(header_name + " '"), literal("' is not " + noun)
    return f"{prefix} || {value} || {suffix}"


def reason_sql(spec: RawFile) -> str:
    """A CASE expression over F1..F<n+1>: why the record is rejected, or NULL when it is good."""
    expected = len(spec.header)
    branches = [
        f"WHEN {field_name(expected + 1)} IS NOT NULL THEN "
        f"{literal(f'more than {expected} fields, expected {expected}')}"
    ]
    for present in range(1, expected):
        noun = "field" if present == 1 else "fields"
        branches.append(
            f"WHEN {field_name(present + 1)} IS NULL THEN {literal(f'{present} {noun}, expected {expected}')}"
        )
    for position, (header_name, (column, sql_type)) in enumerate(
        zip(spec.header, spec.columns, strict=True), 1
    ):
        kind = _kind(sql_type)
        if kind == "text":
            continue
        value = field_name(position)
        pattern, noun = (INTEGER_PATTERN, "an integer") if kind == "integer" else (NUMBER_PATTERN, "a number")
        if (spec.table, column) in OPTIONAL_COLUMNS:
            branches.append(
                f"WHEN {value} <> '' AND NOT REGEXP_LIKE({value}, '{pattern}') THEN "
                f"{_malformed(header_name, value, noun)}"
            )
            continue
        branches.append(f"WHEN {value} = '' THEN {literal(f'{header_name} is empty')}")
        branches.append(
            f"WHEN NOT REGEXP_LIKE({value}, '{pattern}') THEN {_malformed(header_name, value, noun)}"
        )
    return "CASE " + " ".join(branches) + " END"


def typed_values_sql(spec: RawFile) -> list[str]:
    """One expression per RAW column turning a good record's text fields into the column's type."""
    values = []
    for position, (column, sql_type) in enumerate(spec.columns, 1):
        value = field_name(position)
        if (spec.table, column) in OPTIONAL_COLUMNS:
            value = f"NULLIF({value}, '')"
        kind = _kind(sql_type)
        if kind == "integer":
            values.append(f"TRY_TO_NUMBER({value})")
        elif kind == "number":
            values.append(f"TRY_TO_DOUBLE({value})")
        else:
            values.append(value)
    return values


def raw_record_sql(spec: RawFile) -> str:
    """The record re-serialised as CSV from its landed fields.

    Fields are quoted when they contain a comma, a quote or a line break (quotes doubled), which
    reproduces the original text of files written with minimal quoting, as MovieLens files are.
    Fields beyond ``landing_width`` were not landed and are not shown.
    """
    parts = []
    for position in range(1, landing_width(spec) + 1):
        value = field_name(position)
        quoted = (
            f"IFF(CONTAINS({value}, '\"') OR CONTAINS({value}, ',') OR CONTAINS({value}, CHR(10)) "
            f"OR CONTAINS({value}, CHR(13)), '\"' || REPLACE({value}, '\"', '\"\"') || '\"', {value})"
        )
        parts.append(quoted if position == 1 else f"COALESCE(',' || {quoted}, '')")
    return " || ".join(parts)
