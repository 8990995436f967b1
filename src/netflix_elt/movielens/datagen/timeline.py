"""Time span and the daily/weekly activity rhythm of the synthetic users (all times are UTC Unix seconds)."""

from __future__ import annotations

import calendar

import numpy as np

DAY = 86_400
HOUR = 3_600
# Fixed span modelled on ml-25m (1995-01-09 .. 2019-11-21).
SPAN_START = calendar.timegm((1995, 1, 9, 0, 0, 0))
SPAN_END = calendar.timegm((2019, 11, 21, 23, 59, 59))
# MovieLens-like diurnal rhythm: evenings (17-21 UTC) busiest, 05-13 UTC quietest.
HOUR_WEIGHTS = np.array(
    [44, 48, 50, 42, 34, 26, 22, 27, 26, 23, 24, 26, 28, 31, 37, 42, 51, 62, 59, 62, 65, 62, 53, 42],
    dtype=np.float64,
)
HOUR_WEIGHTS /= HOUR_WEIGHTS.sum()
# Monday .. Sunday; Monday busiest, Thursday quietest.
WEEKDAY_WEIGHTS = np.array([174, 163, 139, 106, 143, 114, 161], dtype=np.float64)
WEEKDAY_WEIGHTS /= WEEKDAY_WEIGHTS.sum()
# Relative number of users whose first rating falls in each year 1995..2019 (early boom, quiet 2000s,
# a second wave from 2015).
SIGNUP_YEAR_WEIGHTS = np.array(
    [0.4, 6, 2.5, 1.2, 2.2, 4.5, 2.5, 1.8, 2, 1.5, 2.2, 2.2, 2, 2.2, 2, 1.6, 2, 2, 1.5, 1.2, 4.5, 4.5, 4.5,
     4.5, 3.5],
    dtype=np.float64,
)  # fmt: skip
_HOUR_CDF = np.cumsum(HOUR_WEIGHTS)
_WEEKDAY_CDF = np.cumsum(WEEKDAY_WEIGHTS)


def _year_bounds() -> tuple[np.ndarray, np.ndarray]:
    years = np.arange(1995, 2020)
    lo = np.array([max(SPAN_START, calendar.timegm((int(y), 1, 1, 0, 0, 0))) for y in years], dtype=np.int64)
    hi = np.array(
        [min(SPAN_END, calendar.timegm((int(y) + 1, 1, 1, 0, 0, 0)) - 1) for y in years], dtype=np.int64
    )
    return lo, hi


_YEAR_LO, _YEAR_HI = _year_bounds()


def year_of(ts: np.ndarray) -> np.ndarray:
    """Calendar year (UTC) of each Unix timestamp in the span (vectorised, no datetime objects)."""
    return 1995 + np.searchsorted(_YEAR_LO, ts, side="right") - 1


def _categories(rng: np.random.Generator, cdf: np.ndarray, n: int, weights: np.ndarray | None) -> np.ndarray:
    """``n`` category indices with probabilities given by ``cdf``.

    With ``weights`` (e.g. ratings per session), the weighted histogram is matched closely: elements are
    placed largest first, each into a category drawn in proportion to that category's remaining deficit.
    Without it, a few huge sessions would make a small dataset's weekly rhythm mostly noise.
    """
    if weights is None or n == 0 or weights.sum() <= 0:
        u = rng.random(n)
        return np.minimum(np.searchsorted(cdf, u, side="right"), cdf.size - 1)
    probs = np.diff(np.r_[0.0, cdf])
    deficit = (probs * float(weights.sum())).tolist()
    w = weights.astype(np.float64)
    out = np.empty(n, dtype=np.int64)
    draws = rng.random(n).tolist()
    for i in np.argsort(-w, kind="stable").tolist():
        positive = [d if d > 0 else 0.0 for d in deficit]
        total = sum(positive)
        c = 0
        if total > 0:
            x = draws[i] * total
            while c < len(positive) - 1 and x >= positive[c]:
                x -= positive[c]
                c += 1
        else:
            c = int(np.searchsorted(cdf, draws[i], side="right"))
        out[i] = c
        deficit[c] -= w[i]
    return out


def seconds_of_day(rng: np.random.Generator, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """``n`` times of day in seconds, hours distributed by HOUR_WEIGHTS (uniform within the hour)."""
    hours = _categories(rng, _HOUR_CDF, n, weights)
    return hours.astype(np.int64) * HOUR + rng.integers(0, HOUR, n)


def weekday_days(rng: np.random.Generator, days: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Move each day index (days since 1970-01-01) forward 0-6 days so weekdays follow WEEKDAY_WEIGHTS."""
    target = _categories(rng, _WEEKDAY_CDF, days.size, weights)
    current = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday == 0
    return days + (target - current) % 7


def rhythmic_times(
    rng: np.random.Generator, approx: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """Timestamps near ``approx`` (within a week) whose weekday and hour follow the activity rhythm,
    weighting each element by ``weights`` (e.g. the ratings in a session) if given.

    The result stays inside [SPAN_START, SPAN_END]: a time past the end is moved back by whole weeks,
    which keeps its weekday and hour.
    """
    days = weekday_days(rng, approx // DAY, weights)
    ts = days * DAY + seconds_of_day(rng, approx.size, weights)
    over = ts > SPAN_END
    if over.any():
        weeks = (ts[over] - SPAN_END) // (7 * DAY) + 1
        ts[over] -= weeks * 7 * DAY
    return np.clip(ts, SPAN_START, SPAN_END)


def signup_times(rng: np.random.Generator, n: int) -> np.ndarray:
    """First-activity time of ``n`` users: a year by SIGNUP_YEAR_WEIGHTS, then uniform within it."""
    w = SIGNUP_YEAR_WEIGHTS * (_YEAR_HI - _YEAR_LO + 1) / (365.0 * DAY)
    year = np.searchsorted(np.cumsum(w / w.sum()), rng.random(n), side="right")
    year = np.minimum(year, len(w) - 1)
    lo, hi = _YEAR_LO[year], _YEAR_HI[year]
    return lo + (rng.random(n) * (hi - lo)).astype(np.int64)


def window_times(rng: np.random.Generator, n: int, start: int) -> np.ndarray:
    """``n`` timestamps in the 24-hour window (start, start + DAY], hours following HOUR_WEIGHTS."""
    tod = seconds_of_day(rng, n)
    return start + 1 + (tod - (start + 1)) % DAY


def squeeze_into_span(rng: np.random.Generator, ts: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """``ts`` with every value past SPAN_END redrawn uniformly in [lower, SPAN_END] (no pile-up at the end)."""
    out = ts.copy()
    over = np.flatnonzero(out > SPAN_END)
    lo = np.minimum(lower[over], SPAN_END)
    out[over] = lo + (rng.random(over.size) * (SPAN_END - lo)).astype(np.int64)
    return out
