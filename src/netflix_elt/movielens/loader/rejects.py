"""Per-field rules that decide whether a landed record is loaded or rejected, as Snowflake SQL.

Every record lands as text (F1..Fn, plus F<n+1> to detect extra fields). One CASE expression gives
the first problem of a record, or NULL for a good one; the same rules, as casts, produce the typed
values. Both engines evaluate the identical SQL, so they reject identical records:

* too few or too many fields: ``3 fields, expected 4`` / ``more than 4 fields, expected 4``;
* an empty required number: ``userId is empty``;
* a malformed number: ``rating 'abc' is not a number``, ``timestamp '2015-03-01' is not an integer``;
* a number the column cannot hold: ``userId '99999999999999999999' is out of range`` (integer
  columns hold 64-bit integers on every engine; FLOAT columns hold finite doubles).

Integer columns accept ``-?[0-9]+`` within the 64-bit range and FLOAT columns plain decimal or exponent
notation (no 'NaN', no spaces), checked with REGEXP_LIKE (a whole-string match) so that engines that
differ in what TRY_CAST tolerates still agree. Text columns take any value, the empty string included.
An empty optional number (links' tmdbId) is NULL, not a reject.

The typed values (V1..Vn, one cast per field) are computed once, in the subquery the CASE reads, and
serve both the rules and the insert. Most records are good, so the CASE first tries a cheap test that
implies every rule (an integer field is the canonical text of its cast value: no sign, spaces or
leading zeros) and only evaluates the rules one by one, with their regular expressions, for the
records that fail it.
"""

from __future__ import annotations

from netflix_elt.movielens.loader.layout import RawFile
from netflix_elt.sql import literal

INTEGER_PATTERN = "-?[0-9]+"
INTEGER_MIN, INTEGER_MAX = -(2**63), 2**63 - 1
DOUBLE_MAX = "1.7976931348623157e308"
# The largest integer of 18 digits: the cheap test compares with it (a 64-bit literal on every engine).
_SAFE_INTEGER = 10**18 - 1
_SHOWN_CHARS = 100
NUMBER_PATTERN = "[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?"

# (RAW table, column) pairs whose field may be empty; the value is then NULL.
OPTIONAL_COLUMNS = frozenset({("RAW_LINKS", "TMDB_ID")})


def field_name(position: int) -> str:
    """Landing column for the 1-based field ``position``."""
    return f"F{position}"


def value_name(position: int) -> str:
    """Typed value of the 1-based field ``position`` (see ``typed_values_sql``)."""
    return f"V{position}"


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


def _shown(value: str) -> str:
    """SQL for the value as shown in a reason: at most ``_SHOWN_CHARS`` characters."""
    return f"IFF(LENGTH({value}) > {_SHOWN_CHARS}, LEFT({value}, {_SHOWN_CHARS}) || '...', {value})"


def _malformed(header_name: str, value: str, noun: str) -> str:
    """SQL for the message ``<header_name> '<value>' is <noun>``."""
    prefix, suffix = literal(header_name + " '"), literal("' is " + noun)
    return f"{prefix} || {_shown(value)} || {suffix}"


def _integer_fits(value: str) -> str:
    return f"COALESCE(TRY_TO_NUMBER({value}) BETWEEN {INTEGER_MIN} AND {INTEGER_MAX}, FALSE)"


def _double_fits(value: str) -> str:
    return f"COALESCE(ABS(TRY_TO_DOUBLE({value})) <= {DOUBLE_MAX}, FALSE)"


def _field_rules(spec: RawFile) -> list[tuple[str, str, str, str, bool]]:
    """``(header name, landing field, typed value, kind, optional)`` of every number column."""
    rules = []
    for position, (header_name, (column, sql_type)) in enumerate(
        zip(spec.header, spec.columns, strict=True), 1
    ):
        kind = _kind(sql_type)
        if kind != "text":
            optional = (spec.table, column) in OPTIONAL_COLUMNS
            rules.append((header_name, field_name(position), value_name(position), kind, optional))
    return rules


def _good_fast(spec: RawFile) -> str:
    """A condition that implies every rule, cheap for the common record (see the module docstring)."""
    expected = len(spec.header)
    terms = [f"{field_name(expected + 1)} IS NULL", f"{field_name(expected)} IS NOT NULL"]
    for _, text, typed, kind, optional in _field_rules(spec):
        if kind == "integer":
            test = f"{typed} BETWEEN -{_SAFE_INTEGER} AND {_SAFE_INTEGER} AND TO_VARCHAR({typed}) = {text}"
        else:
            test = (
                f"REGEXP_LIKE({text}, '{NUMBER_PATTERN}') AND COALESCE(ABS({typed}) <= {DOUBLE_MAX}, FALSE)"
            )
        terms.append(f"({text} = '' OR {test})" if optional else f"({test})")
    return " AND ".join(terms)


def reason_sql(spec: RawFile) -> str:
    """A CASE expression over F1..F<n+1> and V1..Vn: why the record is rejected, or NULL when it is good."""
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
    for header_name, value, _, kind, optional in _field_rules(spec):
        if kind == "integer":
            pattern, noun, fits = INTEGER_PATTERN, "an integer", _integer_fits(value)
            range_noun = "out of range for a 64-bit integer"
        else:
            pattern, noun, fits = NUMBER_PATTERN, "a number", _double_fits(value)
            range_noun = "out of range for a double"
        guard = f"{value} <> '' AND " if optional else ""
        if not optional:
            branches.append(f"WHEN {value} = '' THEN {literal(f'{header_name} is empty')}")
        branches.append(
            f"WHEN {guard}NOT REGEXP_LIKE({value}, '{pattern}') THEN "
            f"{_malformed(header_name, value, 'not ' + noun)}"
        )
        branches.append(f"WHEN {guard}NOT {fits} THEN {_malformed(header_name, value, range_noun)}")
    return f"CASE WHEN {_good_fast(spec)} THEN NULL ELSE CASE {' '.join(branches)} END END"


def typed_values_sql(spec: RawFile) -> list[str]:
    """One expression per RAW column turning a record's text field into the column's type (NULL when it
    cannot); selected as V1..Vn, read by ``reason_sql`` and inserted for the good records."""
    values = []
    for position, (column, sql_type) in enumerate(spec.columns, 1):
        value = field_name(position)
        if (spec.table, column) in OPTIONAL_COLUMNS:
            value = f"NULLIF({value}, '')"
        kind = _kind(sql_type)
        if kind == "integer":
            values.append(f"TRY_CAST({value} AS BIGINT)")
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
