"""Check declarations the pipeline's modules share: the MovieLens value domains and a few builders.

Every check here runs on the push-down route (SQL in the warehouse, no Great Expectations import):
column-map expectations of one model share one aggregate scan; a uniqueness expectation adds one
GROUP BY; a singular check adds one filtered COUNT.
"""

from __future__ import annotations

from typing import Any

from netflix_elt.quality import check, gxe, singular

# Half stars from 0.5 to 5.0, as MovieLens records them.
RATING_VALUES = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
# 1995-01-01 00:00:00 UTC: MovieLens started in 1995; anything earlier is a unit or parsing error.
EARLIEST_EPOCH_SECONDS = 788_918_400
# Release years parsed from titles: the first films (1874) to well past any plausible release date.
RELEASE_YEARS = (1874, 2100)


def not_null(*columns: str, severity: str = "error") -> list[Any]:
    """One not-null expectation per column (they share the model's one aggregate scan)."""
    return [check(gxe.ExpectColumnValuesToNotBeNull(column=c), severity=severity) for c in columns]


def not_blank(*columns: str, severity: str = "error") -> list[Any]:
    """Text columns hold at least one character: the loader keeps an empty CSV field as '' (not NULL)."""
    return [
        check(gxe.ExpectColumnValueLengthsToBeBetween(column=c, min_value=1), severity=severity)
        for c in columns
    ]


def epoch_within_range(column: str = "EPOCH_SECONDS", severity: str = "error") -> Any:
    """Unix seconds between 1995-01-01 and one day after now (the warehouse's clock, UTC).

    A singular check because "now" must be evaluated when the check runs: a bound computed at import
    time would change the model's fingerprint on every run. The failing rows name their file and line.
    It judges each row alone, so after a load it runs on the new batches only (delta-safe).
    """
    return singular(
        f"{column.lower()}_within_1995_and_tomorrow",
        f"SELECT {column}, _SOURCE_FILE, _FILE_ROW_NUMBER, _BATCH_ID FROM {{this}} "
        f"WHERE {column} < {EARLIEST_EPOCH_SECONDS} "
        f"OR {column} > DATE_PART(EPOCH_SECOND, DATEADD(DAY, 1, CURRENT_TIMESTAMP()))",
        severity=severity,
        delta_safe=True,
    )


def unique_per_batch(*key: str, severity: str = "error") -> Any:
    """The key is unique within each load batch (RAW tables keep every batch, so ids repeat across them).
    _LOADED_AT (one per load, like the batch id) is in the key too: a day's check then reads only the
    rows it loaded (a key with a newer _LOADED_AT is on no older row, see quality.delta)."""
    return check(
        gxe.ExpectCompoundColumnsToBeUnique(column_list=[*key, "_BATCH_ID", "_LOADED_AT"]),
        severity=severity,
        name=f"unique_per_batch({','.join(key)})",
    )


def sum_reconciles(column: str, to: str, severity: str = "error") -> Any:
    """SUM(``column``) of this model equals the rows of model ``to`` (one failing row when it does not):
    an aggregate counted every row of its input exactly once."""
    return singular(
        f"{column.lower()}_sums_to_{to.lower()}_rows",
        f"SELECT s.TOTAL, f.ROWS_OF_{to.upper()} "
        f"FROM (SELECT COALESCE(SUM({column}), 0) AS TOTAL FROM {{this}}) s "
        f"CROSS JOIN (SELECT COUNT(*) AS ROWS_OF_{to.upper()} FROM {{{to.lower()}}}) f "
        f"WHERE s.TOTAL <> f.ROWS_OF_{to.upper()}",
        severity=severity,
    )
