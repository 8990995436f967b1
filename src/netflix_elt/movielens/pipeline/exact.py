"""Aggregates that give the same bits in every build, whatever order the warehouse adds rows in.

Floating-point addition is not associative, and a parallel warehouse (DuckDB's threads, Snowflake's
nodes) combines partial sums in no fixed order: a SUM, AVG or STDDEV over DOUBLE values that are not
small multiples of a power of two (a deviation from a mean, a share) can differ in its last digits
between two builds of the same input, and a ranking on such a value can swap tied rows. These helpers
round each value once to NUMBER(38, ``DECIMALS``), add exactly (decimal sums are exact on both engines)
and turn the exact totals into a DOUBLE only at the end. Sums of ratings, counts and other exact
inputs need none of this.

Every argument of a SUM here is an explicit CAST: the embedded engine (fakesnow) wraps any other
argument of SUM/AVG/STDDEV in ``TRY_CAST(... AS DOUBLE)``, which would make a decimal sum a float one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.snowpark import F

if TYPE_CHECKING:
    from snowflake.snowpark import Column
    from snowflake.snowpark.window import WindowSpec

DECIMALS = 9  # decimal places kept of each value before it is summed


def exact(value: Column | str, decimals: int = DECIMALS) -> Column:
    """``value`` rounded to a NUMBER(38, decimals), so that sums of it are exact."""
    column = F.col(value) if isinstance(value, str) else value
    return column.cast(f"number(38,{decimals})")


def exact_product(left: Column, right: Column, decimals: int = DECIMALS) -> Column:
    """``left * right`` of two :func:`exact` values, as a NUMBER with every digit of the product."""
    return (left * right).cast(f"number(38,{2 * decimals})")


def _aggregate(column: Column, over: WindowSpec | None) -> Column:
    return column.over(over) if over is not None else column


def exact_sum(value: Column | str, decimals: int = DECIMALS, over: WindowSpec | None = None) -> Column:
    """SUM of ``value`` rounded to ``decimals`` places, added exactly (a NUMBER)."""
    return _aggregate(F.sum(exact(value, decimals)), over)


def exact_mean(value: Column | str, decimals: int = DECIMALS, over: WindowSpec | None = None) -> Column:
    """AVG of ``value`` (NULLs left out) as a DOUBLE computed from an exact sum; NULL over no rows."""
    count = _aggregate(F.count(exact(value, decimals)), over)
    return ratio(exact_sum(value, decimals, over), count)


def exact_stddev(
    value: Column | str,
    *,
    population: bool = False,
    decimals: int = DECIMALS,
    over: WindowSpec | None = None,
) -> Column:
    """STDDEV_SAMP (or STDDEV_POP) of ``value`` as a DOUBLE, from exact sums:
    sqrt((n * sum(x^2) - sum(x)^2) / (n * (n - 1))); NULL where the standard deviation is undefined.

    Each aggregate appears once in the SQL (the expression is inlined wherever it is used, so a
    repeated one multiplies the text the warehouse compiles)."""
    x = exact(value, decimals)
    n = _aggregate(F.count(x), over)
    total = _aggregate(F.sum(x), over)
    squares = _aggregate(F.sum(exact_product(x, x, decimals)), over)
    spread = n * squares - total * total  # exact, and >= 0: so is the variance, and its SQRT is defined
    pairs = n * n if population else n * (n - F.lit(1))
    return F.sqrt(ratio(spread, pairs))


def ratio(numerator: Column, denominator: Column) -> Column:
    """``numerator / denominator`` as a DOUBLE, NULL when the denominator is 0 or NULL (each written
    once in the SQL)."""
    return numerator.cast("double") / F.nullif(denominator, F.lit(0)).cast("double")
