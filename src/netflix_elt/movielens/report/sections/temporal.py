"""Temporal: ratings over time (Q10), seasonality by month and weekday (Q11), anomalies (Q12)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.sections.base import Content, SectionSpec, TableColumn, table
from netflix_elt.movielens.report.svg import ACCENT, HIGHLIGHT, MUTED

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DROP_COLOUR = "#7c3aed"


def total(rows: list[dict[str, Any]], column: str = "RATINGS_COUNT") -> float:
    return sum(float(r[column] or 0) for r in rows)


def ratings_over_time(data: ReportData) -> Content:
    months = data.rows(
        "SELECT MONTH_START, RATINGS_COUNT, AVG_RATING, ACTIVE_USERS "
        f"FROM {data.rel('RATINGS_OVER_TIME')} ORDER BY MONTH_START"
    )
    peak = max(months, key=lambda m: (float(m["RATINGS_COUNT"] or 0), str(m["MONTH_START"])))
    answer = [
        f"Ratings span {fmt.month(months[0]['MONTH_START'])} to {fmt.month(months[-1]['MONTH_START'])} "
        f"({fmt.plural(len(months), 'month')}). The busiest month was {fmt.month(peak['MONTH_START'])} with "
        f"{fmt.plural(peak['RATINGS_COUNT'], 'rating')} from {fmt.plural(peak['ACTIVE_USERS'], 'active user')}."
    ]
    window = 12 if len(months) >= 24 else len(months) // 2
    if window:
        recent, before = months[-window:], months[-2 * window : -window]
        change = total(recent) / total(before) - 1 if total(before) else None
        period = "12 months" if window == 12 else f"{fmt.plural(window, 'month')}"
        trend = f"In the last {period}, volume changed by {fmt.signed_percent(change)} on the {period} before"
        answer.append(
            f"{trend}; the average rating moved from {fmt.rating(weighted(before))} to "
            f"{fmt.rating(weighted(recent))}."
        )
    index = months.index(peak)
    return Content(
        answer,
        [
            charts.line_chart(
                [fmt.month(m["MONTH_START"]) for m in months],
                [charts.Series("ratings", [m["RATINGS_COUNT"] for m in months])],
                "Ratings per month (UTC)",
                marks=[
                    charts.Mark(
                        index,
                        float(peak["RATINGS_COUNT"]),
                        f"busiest month {fmt.month(peak['MONTH_START'])}",
                        HIGHLIGHT,
                        "busiest month",
                    )
                ],
            )
        ],
        [
            table(
                [
                    TableColumn("Month", lambda r: fmt.month(r["MONTH_START"])),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Active users", lambda r: fmt.integer(r["ACTIVE_USERS"]), True),
                    TableColumn("Avg rating", lambda r: fmt.rating(r["AVG_RATING"]), True),
                ],
                list(reversed(months[-12:])),
                "Most recent months",
            )
        ],
    )


def weighted(rows: list[dict[str, Any]]) -> float | None:
    weights = total(rows)
    if not weights:
        return None
    return sum(float(r["AVG_RATING"] or 0) * float(r["RATINGS_COUNT"] or 0) for r in rows) / weights


def seasonality(data: ReportData) -> Content:
    months = data.rows(
        "SELECT MONTH_OF_YEAR, RATINGS_COUNT, AVG_RATING, SHARE_OF_RATINGS, SEASONAL_INDEX "
        f"FROM {data.rel('SEASONALITY')} ORDER BY MONTH_OF_YEAR"
    )
    days = data.rows(
        "SELECT DAY_OF_WEEK, RATINGS_COUNT, AVG_RATING, SHARE_OF_RATINGS "
        f"FROM {data.rel('SEASONALITY_WEEKDAY')} ORDER BY DAY_OF_WEEK"
    )
    high = max(months, key=lambda m: (float(m["SEASONAL_INDEX"] or 0), -int(m["MONTH_OF_YEAR"])))
    low = min(months, key=lambda m: (float(m["SEASONAL_INDEX"] or 0), int(m["MONTH_OF_YEAR"])))
    answer = [
        f"{month_name(high)} is the busiest calendar month (seasonal index {fmt.number(high['SEASONAL_INDEX'])}, "
        f"{fmt.percent(high['SHARE_OF_RATINGS'])} of ratings) and {month_name(low)} the quietest "
        f"(index {fmt.number(low['SEASONAL_INDEX'])}, {fmt.percent(low['SHARE_OF_RATINGS'])})."
    ]
    charts_ = [
        charts.bar_chart(
            [month_name(m)[:3] for m in months],
            [m["SEASONAL_INDEX"] for m in months],
            "Seasonal index by calendar month (1 = an average month)",
            highlight=[months.index(high)],
        )
    ]
    if days:
        top = max(days, key=lambda d: (float(d["SHARE_OF_RATINGS"] or 0), -int(d["DAY_OF_WEEK"])))
        quiet = min(days, key=lambda d: (float(d["SHARE_OF_RATINGS"] or 0), int(d["DAY_OF_WEEK"])))
        answer.append(
            f"By weekday, {day_name(top)} leads with {fmt.percent(top['SHARE_OF_RATINGS'])} of ratings and "
            f"{day_name(quiet)} is the quietest ({fmt.percent(quiet['SHARE_OF_RATINGS'])})."
        )
        charts_.append(
            charts.bar_chart(
                [day_name(d)[:3] for d in days],
                [d["SHARE_OF_RATINGS"] for d in days],
                "Share of ratings by weekday (UTC)",
                formatter=fmt.percent,
                highlight=[days.index(top)],
                width=420,
            )
        )
    return Content(
        answer,
        charts_,
        [
            table(
                [
                    TableColumn("Month", month_name),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Share", lambda r: fmt.percent(r["SHARE_OF_RATINGS"]), True),
                    TableColumn("Seasonal index", lambda r: fmt.number(r["SEASONAL_INDEX"]), True),
                    TableColumn("Avg rating", lambda r: fmt.rating(r["AVG_RATING"]), True),
                ],
                months,
                "Ratings by calendar month",
            )
        ],
    )


def month_name(row: dict[str, Any]) -> str:
    return MONTHS[int(row["MONTH_OF_YEAR"]) - 1]


def day_name(row: dict[str, Any]) -> str:
    return WEEKDAYS[int(row["DAY_OF_WEEK"]) - 1]


def period_label(value: Any, monthly: bool) -> str:
    return fmt.month(value) if monthly else fmt.day(value)


def is_month_start(value: Any) -> bool:
    return isinstance(value, date | datetime) and value.day == 1


def anomalies(data: ReportData) -> Content:
    t = data.rel("ACTIVITY_ANOMALIES")
    periods = data.rows(
        f"SELECT PERIOD_START, RATINGS_COUNT, EXPECTED_COUNT, Z_SCORE, DIRECTION, IS_ANOMALY FROM {t} "
        "ORDER BY PERIOD_START"
    )
    flagged = data.rows(
        f"SELECT PERIOD_START, RATINGS_COUNT, EXPECTED_COUNT, Z_SCORE, DIRECTION, RELEASES FROM {t} "
        "WHERE IS_ANOMALY ORDER BY ABS(Z_SCORE) DESC, PERIOD_START LIMIT 10"
    )
    monthly = all(is_month_start(p["PERIOD_START"]) for p in periods)
    spikes = sum(1 for p in periods if p["IS_ANOMALY"] and p["DIRECTION"] == "spike")
    drops = sum(1 for p in periods if p["IS_ANOMALY"] and p["DIRECTION"] == "drop")
    answer = [
        f"{fmt.integer(spikes + drops)} of {fmt.plural(len(periods), 'period')} are anomalous: "
        f"{fmt.plural(spikes, 'spike')} and {fmt.plural(drops, 'drop')}."
    ]
    if flagged:
        big = flagged[0]
        sentence = (
            f"The largest, {period_label(big['PERIOD_START'], monthly)}, saw {fmt.plural(big['RATINGS_COUNT'], 'rating')} "
            f"against {fmt.integer(big['EXPECTED_COUNT'])} expected (z = {fmt.signed(big['Z_SCORE'])})"
        )
        releases = str(big["RELEASES"] or "").strip()
        answer.append(sentence + (f", when {releases} came out." if releases else "."))
    marks = [
        charts.Mark(
            i,
            float(p["RATINGS_COUNT"] or 0),
            f"{p['DIRECTION']} {period_label(p['PERIOD_START'], monthly)}: {fmt.integer(p['RATINGS_COUNT'])} "
            f"(z = {fmt.signed(p['Z_SCORE'])})",
            HIGHLIGHT if p["DIRECTION"] == "spike" else DROP_COLOUR,
            str(p["DIRECTION"]),
        )
        for i, p in enumerate(periods)
        if p["IS_ANOMALY"]
    ]
    return Content(
        answer,
        [
            charts.line_chart(
                [period_label(p["PERIOD_START"], monthly) for p in periods],
                [
                    charts.Series("ratings", [p["RATINGS_COUNT"] for p in periods], ACCENT),
                    charts.Series("expected", [p["EXPECTED_COUNT"] for p in periods], MUTED, dashed=True),
                ],
                "Ratings per period with anomalies marked",
                marks=marks,
            )
        ],
        [
            table(
                [
                    TableColumn("Period", lambda r: period_label(r["PERIOD_START"], monthly)),
                    TableColumn("Direction", lambda r: str(r["DIRECTION"])),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Expected", lambda r: fmt.integer(r["EXPECTED_COUNT"]), True),
                    TableColumn("z", lambda r: fmt.signed(r["Z_SCORE"]), True),
                    TableColumn("Releases", lambda r: str(r["RELEASES"] or fmt.MISSING)),
                ],
                flagged,
                "Largest anomalies",
            )
        ],
    )


SECTIONS = (
    SectionSpec(
        10,
        "ratings-over-time",
        "Temporal",
        "Ratings over time",
        "How has rating volume (and the average rating) changed month by month?",
        ("RATINGS_OVER_TIME",),
        ratings_over_time,
        ("OVER_TIME", "TREND"),
    ),
    SectionSpec(
        11,
        "seasonality",
        "Temporal",
        "Seasonality",
        "Which months of the year and days of the week see the most ratings?",
        ("SEASONALITY", "SEASONALITY_WEEKDAY"),
        seasonality,
        ("SEASON",),
    ),
    SectionSpec(
        12,
        "anomalies",
        "Temporal",
        "Activity anomalies",
        "When did activity spike or drop unexpectedly, and did releases coincide?",
        ("ACTIVITY_ANOMALIES",),
        anomalies,
        ("ANOMAL",),
    ),
)
