"""Numbers, dates and lists written for people: thousands separators, 2-decimal ratings, percentages, UTC.

Every helper accepts None (and NaN) and then returns an en dash, so a NULL in a warehouse table never
breaks a sentence or a table cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

MISSING = "–"


def is_missing(value: Any) -> bool:
    """None, NaN or an empty string."""
    if value is None or value == "":
        return True
    return isinstance(value, float) and math.isnan(value)


def integer(value: Any) -> str:
    """``1,234,567``."""
    return MISSING if is_missing(value) else f"{round(float(value)):,}"


def number(value: Any, digits: int = 2) -> str:
    """``1,234.57`` (fixed decimals)."""
    return MISSING if is_missing(value) else f"{float(value):,.{digits}f}"


def rating(value: Any) -> str:
    """A star rating with two decimals: ``3.52``."""
    return number(value, 2)


def signed(value: Any, digits: int = 2) -> str:
    """``+0.42`` / ``−0.42`` (a real minus sign); a value that rounds to zero has no sign."""
    if is_missing(value):
        return MISSING
    rounded = round(float(value), digits)
    text = f"{abs(rounded):,.{digits}f}"
    if rounded == 0:
        return text
    return f"+{text}" if rounded > 0 else f"−{text}"


def percent(fraction: Any, digits: int = 1) -> str:
    """A fraction in [0, 1] as ``26.6%``; a small non-zero share keeps two significant digits
    (``0.023%``) instead of rounding to ``0.0%``."""
    if is_missing(fraction):
        return MISSING
    value = float(fraction) * 100
    while value != 0 and abs(value) < 10 ** (1 - digits) and digits < 6:
        digits += 1
    return f"{value:,.{digits}f}%"


def signed_percent(fraction: Any, digits: int = 1) -> str:
    """A relative change as ``+12.5%`` / ``−3.0%`` (no sign when it rounds to zero)."""
    if is_missing(fraction):
        return MISSING
    text = signed(float(fraction) * 100, digits)
    return f"{text}%"


def seconds(value: Any) -> str:
    """``0.42 s``, ``12.3 s``, ``2 min 05 s``."""
    if is_missing(value):
        return MISSING
    total = float(value)
    if total < 10:
        return f"{total:.2f} s"
    if total < 120:
        return f"{total:.1f} s"
    minutes, rest = divmod(round(total), 60)
    return f"{minutes} min {rest:02d} s"


def as_utc(value: Any) -> datetime | date | None:
    """A date, or a datetime in UTC (naive warehouse timestamps are UTC wall-clock times)."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date or timestamp: {value!r}")


def day(value: Any) -> str:
    """``2019-11-21``."""
    moment = as_utc(value)
    return MISSING if moment is None else moment.strftime("%Y-%m-%d")


def month(value: Any) -> str:
    """``Nov 2019``."""
    moment = as_utc(value)
    return MISSING if moment is None else moment.strftime("%b %Y")


def timestamp(value: Any) -> str:
    """``2019-11-21 10:05 UTC``."""
    moment = as_utc(value)
    if moment is None:
        return MISSING
    if not isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def plural(count: Any, word: str, words: str | None = None) -> str:
    """``1 movie`` / ``2,345 movies``."""
    amount = round(float(count or 0))
    return f"{amount:,} {word if amount == 1 else (words or word + 's')}"


def listing(items: Iterable[str], conjunction: str = "and") -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    parts = [str(item) for item in items]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def plain(value: Any) -> Any:
    """A warehouse value as a plain Python value: Decimal becomes int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def cell(value: Any) -> str:
    """A generic table cell: integers with separators, floats with 2 decimals, dates in UTC."""
    value = plain(value)
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, float):
        return number(value, 2)
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return day(value)
    return str(value)
