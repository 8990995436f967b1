"""Known constructs where the embedded engine would silently differ from Snowflake, and what it does instead.

fakesnow translates Snowflake SQL to DuckDB with sqlglot. Some translations lose information without a
warning: the answer comes back, and it is not Snowflake's. Each such construct is listed in ``REGISTRY``
with the Snowflake documentation it follows and how the embedded engine handles it:

- ``translated``: rewritten (before fakesnow's own transforms) so DuckDB gives Snowflake's answer;
- ``refused``: the statement fails with :class:`UnsupportedSqlError` before it runs;
- ``refused when run``: the answer depends on a type only DuckDB knows, so the rewrite checks the type
  as the statement runs and fails with :class:`UnsupportedSqlError` when it would differ.

:func:`netflix_elt.engine.drift_rules.review` applies the rules to every statement the local engine
runs (``engine/translation.py`` hooks it into fakesnow); this module is the list, the error, and the
message a refusal carries through DuckDB when it happens while the statement runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from netflix_elt.errors import SqlError

Handling = Literal["translated", "refused", "refused when run"]


class UnsupportedSqlError(SqlError):
    """A statement the embedded engine cannot run with Snowflake's semantics; it names the construct."""

    def __init__(
        self, message: str, *, where: str | None = None, hint: str | None = None, construct: str = ""
    ) -> None:
        self.construct = construct
        super().__init__(message, where=where, hint=hint)


@dataclass(frozen=True)
class KnownConstruct:
    """One construct sqlglot/fakesnow would translate with a different answer than Snowflake's."""

    key: str
    title: str
    doc: str
    handling: Handling
    difference: str  # what the embedded engine would do without the rule
    hint: str = ""  # what to write instead (refusals)

    def refusal(self, construct: str) -> UnsupportedSqlError:
        """The error for ``construct`` (its SQL): what differs, what to write instead, where it is documented."""
        instead = f"{self.hint}, or run it" if self.hint else "run it"
        return UnsupportedSqlError(
            f"{construct}: {self.difference}",
            hint=f"{instead} with a snowflake profile; see {self.doc}",
            construct=construct,
        )


DOCS = "https://docs.snowflake.com/en/sql-reference"
REGISTRY: tuple[KnownConstruct, ...] = (
    KnownConstruct(
        "to_char_untyped",
        "TO_CHAR / TO_VARCHAR with a format, on a value the translator cannot type",
        f"{DOCS}/functions/to_char",
        "translated",
        "sqlglot drops the format when it cannot tell the argument's type",
    ),
    KnownConstruct(
        "to_char_not_datetime",
        "TO_CHAR / TO_VARCHAR with a format, on a number, a string or a timestamp with a time zone",
        f"{DOCS}/functions/to_char",
        "refused when run",
        "the embedded engine applies a format only to a DATE, TIME or TIMESTAMP_NTZ; it would drop the format",
        "format a DATE, TIME or TIMESTAMP_NTZ, or convert the value with TO_VARCHAR(value) and string functions",
    ),
    KnownConstruct(
        "datetime_format",
        "Date and time format elements the translator does not map",
        f"{DOCS}/functions-conversion#date-and-time-formats-in-conversion-functions",
        "refused",
        "the embedded engine would print or parse part of this format as literal text",
        "use upper-case format elements (YYYY, MM, MON, DD, DY, HH24, HH12, AM, MI, SS, FF3, TZH) "
        'and no quoted text other than "T"',
    ),
    KnownConstruct(
        "timestamp_to_varchar",
        "A timestamp converted to text without a format (CAST, TO_VARCHAR, CONCAT, ||)",
        f"{DOCS}/parameters#timestamp-output-format",
        "refused when run",
        "Snowflake formats it with the session's TIMESTAMP_OUTPUT_FORMAT; the embedded engine would not",
        "give the format, e.g. TO_VARCHAR(ts, 'YYYY-MM-DD HH24:MI:SS')",
    ),
    KnownConstruct(
        "time_to_varchar",
        "A TIME converted to text without a format",
        f"{DOCS}/parameters#time-output-format",
        "translated",
        "DuckDB prints fractional seconds that TIME_OUTPUT_FORMAT (HH24:MI:SS) leaves out",
    ),
    KnownConstruct(
        "date_trunc_date",
        "DATE_TRUNC / TRUNC of a DATE",
        f"{DOCS}/functions/date_trunc",
        "refused when run",
        "Snowflake returns a DATE, the embedded engine a TIMESTAMP",
        "convert the result back, e.g. TO_DATE(DATE_TRUNC('month', d))",
    ),
    KnownConstruct(
        "number_division",
        "Division of fixed-point numbers, and division by zero",
        f"{DOCS}/operators-arithmetic",
        "translated",
        "DuckDB divides in floating point (1/3 = 0.3333333333333333, not 0.333333) and returns inf or "
        "NULL for a division by zero that Snowflake rejects",
    ),
    KnownConstruct(
        "numeric_aggregate_double",
        "SUM and AVG of fixed-point numbers",
        f"{DOCS}/functions/sum",
        "translated",
        "fakesnow converts the argument to DOUBLE first (SUM of 0.1 and 0.2 is 0.30000000000000004, not "
        "0.3) and turns text that is not a number into NULL; the engine sums the numbers themselves",
    ),
    KnownConstruct(
        "avg_number",
        "AVG of fixed-point numbers",
        f"{DOCS}/functions/avg",
        "translated",
        "DuckDB averages in floating point (AVG(1, 2, 2) = 1.6666666666666667, not 1.666667)",
    ),
    KnownConstruct(
        "float_to_integer_tie",
        "A FLOAT exactly halfway between two integers converted to an integer",
        f"{DOCS}-data-types",
        "refused when run",
        "DuckDB rounds a value halfway between two integers to the even one (2.5 to 2); Snowflake documents rounding to the nearest integer, not that tie rule",
        "round explicitly first, e.g. ROUND(x) or ROUND(x, 0, 'HALF_TO_EVEN')",
    ),
    KnownConstruct(
        "regexp_multiline",
        "Regular expression parameter 'm' (multi-line mode)",
        f"{DOCS}/functions-regexp#specifying-the-parameters-for-the-regular-expression",
        "translated",
        "DuckDB's 'm' option does not make ^ and $ match at line breaks; the rewrite needs a literal pattern",
        "write the pattern as a string literal",
    ),
    KnownConstruct(
        "hash",
        "HASH and HASH_AGG",
        f"{DOCS}/functions/hash",
        "refused",
        "Snowflake's HASH values are its own; the embedded engine would return different numbers",
        "use MD5, SHA1 or SHA2, which give the same values on both engines",
    ),
    KnownConstruct(
        "seeded_random",
        "RANDOM(seed) and UNIFORM / NORMAL / ZIPF / RANDSTR with a constant generator",
        f"{DOCS}/functions/random",
        "refused",
        "Snowflake's seeded sequence cannot be reproduced; the embedded engine would return other values",
        "use RANDOM() without a seed where the values need not repeat, or compute the values in Python",
    ),
    KnownConstruct(
        "approximate_aggregate",
        "Approximate aggregates (APPROX_COUNT_DISTINCT, HLL, APPROX_PERCENTILE, APPROX_TOP_K)",
        f"{DOCS}/functions/approx_count_distinct",
        "refused",
        "the embedded engine's estimates are not Snowflake's (its APPROX_PERCENTILE(0.5) of 1, 2, 3, 4 is 2)",
        "use the exact aggregate (COUNT(DISTINCT ...), MEDIAN, PERCENTILE_CONT)",
    ),
)
KNOWN = {entry.key: entry for entry in REGISTRY}

# -- errors raised while a statement runs -------------------------------------------------------------
# A rewrite that can only decide when the statement runs makes DuckDB fail with one of these messages
# inside its own error text; :func:`runtime_error` turns it back into an error naming the construct.
_MARKER = re.compile(r"\[\[netflix-elt (?:refuses (?P<key>[a-z_]+): (?P<construct>.*?)|divides by zero)\]\]")


def runtime_refusal_message(key: str, construct: str) -> str:
    """The message a rewrite raises for a refusal of the construct ``key`` (which must be registered)."""
    if key not in KNOWN:
        raise KeyError(key)
    return f"[[netflix-elt refuses {key}: {construct}]]"


def division_by_zero() -> str:
    """The message a rewritten division raises when its divisor is 0 (Snowflake rejects it too)."""
    return "[[netflix-elt divides by zero]]"


def runtime_error(exc: BaseException) -> SqlError | None:
    """The error a DuckDB error stands for, if a rewrite of ``drift_rules`` raised it."""
    match = _MARKER.search(str(exc))
    if match is None:
        return None
    if match["key"] is None:
        return SqlError(
            "Division by zero",
            hint="Snowflake rejects it too; use DIV0(a, b), or a / NULLIF(b, 0) for NULL",
        )
    return KNOWN[match["key"]].refusal(match["construct"]) if match["key"] in KNOWN else None
