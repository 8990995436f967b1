"""Building blocks the analyses share: rating thresholds, parameter records, spines and small expressions.

Everything here builds Snowpark expressions or DataFrames; nothing computes results in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netflix_elt.movielens.pipeline.exact import exact_sum, ratio
from netflix_elt.movielens.pipeline.marts import HIGH_RATING, LOW_RATING
from netflix_elt.snowpark import Column, F

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

__all__ = [
    "DAY_NAMES",
    "HIGH_RATING",
    "LOW_RATING",
    "WEEKLY",
    "Parameter",
    "constant_rows",
    "day_name",
    "global_stats",
    "integer_spine",
    "iso_day_of_week",
    "one_row",
    "ratio",
    "rows_from",
    "union_all",
]

# The cadence of the analyses that need a full pass over the ratings whatever changed (pairwise
# similarities, clusters, consistency against every movie's mean, completeness of every table): Mondays
# 06:00 UTC, the daily flow's own slot. The report shows when each was last computed.
WEEKLY = "0 6 * * 1"
# ISO weekday numbers (1 = Monday .. 7 = Sunday) and their English names.
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Parameter:
    """One method parameter as ANALYSIS_PARAMETERS states it: the analysis (table) it governs, its name,
    its value (written as text) and what it means."""

    analysis: str
    parameter: str
    value: object
    description: str

    @property
    def text(self) -> str:
        return str(self.value)


def one_row(df: DataFrame) -> DataFrame:
    """A DataFrame with exactly one row (an aggregate without GROUP BY), whatever ``df`` holds."""
    return df.agg(F.count(F.lit(1)).alias("_SOURCE_ROWS"))


def integer_spine(base: DataFrame, count: Column | int, name: str = "N", start: int = 0) -> DataFrame:
    """One row per integer ``start .. start + count - 1`` (``count`` may be a column of the one-row
    ``base``): ``FLATTEN(ARRAY_GENERATE_RANGE(...))``, valid on Snowflake and on the embedded engine."""
    size = count if isinstance(count, Column) else F.lit(count)
    bounds = F.call_function("ARRAY_GENERATE_RANGE", F.lit(start), F.lit(start) + size)
    return base.join_table_function("flatten", bounds).select(F.col("VALUE").cast("int").alias(name))


def constant_rows(base: DataFrame, columns: dict[str, str], rows: Sequence[Sequence[object]]) -> DataFrame:
    """A small literal table: ``rows`` (values in ``columns`` order, each cast to its Snowflake type),
    built over the one-row ``base`` (no VALUES clause, which the embedded engine cannot run as
    Snowpark writes it)."""
    return rows_from(one_row(base), columns, rows)


def rows_from(frame: DataFrame, columns: dict[str, str], rows: Sequence[Sequence[object]]) -> DataFrame:
    """``len(rows)`` output rows per row of ``frame``: row i has the values ``rows[i]`` (literals or
    expressions over ``frame``'s columns), cast to the types of ``columns``. An unpivot written as
    FLATTEN(ARRAY_GENERATE_RANGE) plus one CASE per column, so its SQL stays small (the row number is
    cast from FLATTEN's VARIANT once, not in every branch: a 52-row table was 37 KB of SQL)."""
    index = F.col("_ROW_INDEX")
    spread = frame.join_table_function(
        "flatten", F.call_function("ARRAY_GENERATE_RANGE", F.lit(0), F.lit(len(rows)))
    ).with_column("_ROW_INDEX", F.col("VALUE").cast("int"))
    selected = []
    for position, (name, kind) in enumerate(columns.items()):
        value = F.when(index == 0, _expression(rows[0][position]))
        for number, row in enumerate(rows[1:], start=1):
            value = value.when(index == number, _expression(row[position]))
        selected.append(value.cast(kind).alias(name))
    return spread.select(*selected)


def _expression(value: object) -> Column:
    return value if isinstance(value, Column) else F.lit(value)


def union_all(*frames: DataFrame) -> DataFrame:
    """UNION ALL by position, wrapped in a SELECT of its columns: the embedded engine cannot DESCRIBE a
    bare parenthesised union, which Snowpark does when the result is joined or collected."""
    combined = frames[0]
    for frame in frames[1:]:
        combined = combined.union_all(frame)
    return combined.select(*frames[0].columns)


def global_stats(agg_user_ratings: DataFrame) -> DataFrame:
    """One row: GLOBAL_AVG_RATING (mean of every rating), TOTAL_RATINGS, FIRST_RATED_AT, LAST_RATED_AT,
    summed up from the per-user partials (AGG_USER_RATINGS: exact sums, so the mean is too)."""
    totals = agg_user_ratings.agg(
        exact_sum("RATING_SUM", 1).alias("_SUM"),
        F.coalesce(exact_sum("RATINGS_COUNT", 0), F.lit(0)).cast("bigint").alias("TOTAL_RATINGS"),
        F.min("FIRST_RATED_AT").alias("FIRST_RATED_AT"),
        F.max("LAST_RATED_AT").alias("LAST_RATED_AT"),
    )
    return totals.select(
        ratio(F.col("_SUM"), F.col("TOTAL_RATINGS")).alias("GLOBAL_AVG_RATING"),
        F.col("TOTAL_RATINGS"),
        F.col("FIRST_RATED_AT"),
        F.col("LAST_RATED_AT"),
    )


def iso_day_of_week(timestamp: Column) -> Column:
    """``DAYOFWEEKISO``: 1 = Monday .. 7 = Sunday, independent of the WEEK_START session parameter."""
    return F.call_function("DAYOFWEEKISO", timestamp)


def day_name(iso_day: Column) -> Column:
    """The English name of an ISO weekday number."""
    names = F.when(iso_day == 1, F.lit(DAY_NAMES[0]))
    for number, name in enumerate(DAY_NAMES[1:], start=2):
        names = names.when(iso_day == number, F.lit(name))
    return names
