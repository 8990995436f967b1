"""One check's result as a plain, JSON-safe dict with the fields of a GX validation result.

Every route (SQL push-down, GX on pandas, GX in the warehouse, custom SQL checks) returns these dicts,
so the executor, the reports and the CHECK_RESULTS table never care which route ran a check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

SAMPLE_SIZE = 10  # failing values kept in ``sample``
PARTIAL_SIZE = 20  # GX's own partial_unexpected_list length


@dataclass
class Outcome:
    """What evaluating one check found (before it is tied to a model, a name and a severity)."""

    success: bool
    unexpected_count: int | None = None
    element_count: int | None = None
    missing_count: int | None = None
    unexpected_percent: float | None = None
    partial_unexpected_list: list[Any] = field(default_factory=list)
    observed_value: Any = None
    exception: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def failed(cls, message: str) -> Outcome:
        return cls(success=False, exception=message)


def map_outcome(
    unexpected: int, elements: int, missing: int, mostly: float = 1.0, values: list[Any] | None = None
) -> Outcome:
    """GX's column-map semantics: missing values are ignored, percentages are of the non-missing ones."""
    nonmissing = elements - missing
    percent = unexpected / nonmissing * 100 if nonmissing else None
    success = nonmissing == 0 or (1 - unexpected / nonmissing) >= mostly
    return Outcome(
        success=success,
        unexpected_count=unexpected,
        element_count=elements,
        missing_count=missing,
        unexpected_percent=percent,
        partial_unexpected_list=list(values or []),
    )


def result_dict(
    model: str,
    name: str,
    expectation: str,
    severity: str,
    outcome: Outcome,
    *,
    route: str,
    seconds: float,
    arguments: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The dict the executor and the reports read (see ``netflix_elt.executor.CheckRunner``)."""
    partial = [json_safe(v) for v in outcome.partial_unexpected_list[:PARTIAL_SIZE]]
    return {
        "model": model,
        "name": name,
        "expectation": expectation,
        "severity": severity,
        "success": bool(outcome.success),
        "unexpected_count": _int(outcome.unexpected_count),
        "element_count": _int(outcome.element_count),
        "missing_count": _int(outcome.missing_count),
        "unexpected_percent": _float(outcome.unexpected_percent),
        "sample": partial[:SAMPLE_SIZE],
        "partial_unexpected_list": partial,
        "observed_value": json_safe(outcome.observed_value),
        "exception": outcome.exception,
        "details": json_safe(outcome.details),
        "arguments": json_safe(arguments or {}),
        "route": route,
        "seconds": round(seconds, 4),
        "checked_at": datetime.now(UTC).isoformat(),
    }


def json_safe(value: Any) -> Any:
    """Plain JSON types: numpy and Decimal numbers, timestamps as ISO text, NaN as None."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float | Decimal):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return None
        whole = isinstance(value, Decimal) and value.as_tuple().exponent == 0
        return int(value) if whole else number
    if isinstance(value, datetime | date | time):
        return None if _is_missing(value) else value.isoformat()
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return json_safe(tolist())
    if _is_missing(value):  # pandas NA / NaT
        return None
    isoformat = getattr(value, "isoformat", None)  # pandas Timestamp
    if callable(isoformat):
        return isoformat()
    return str(value)


def _is_missing(value: Any) -> bool:
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True  # pandas.NA refuses to be a bool


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number
