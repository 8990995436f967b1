"""User behaviour: who is most active (Q1) and when people rate (Q2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, SupportsInt

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.sections.base import Content, SectionSpec, TableColumn, table

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

TOP_USERS = 15
ISO_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def activity_bins(low: int, high: int) -> list[tuple[int, int]]:
    """[start, end) bins on a 1-2-5 ladder covering [low, high], e.g. (20, 50), (50, 100), ..."""
    ladder, step = [], 1
    while step <= max(high, 1):
        ladder += [step, 2 * step, 5 * step]
        step *= 10
    edges = [e for e in ladder if low < e <= high]
    starts = [max(low, 0), *edges]
    return [(a, b) for a, b in zip(starts, [*edges, high + 1], strict=True) if b > a]


def bin_label(start: int, end: int, last: bool) -> str:
    """``20–49`` for [20, 50); ``7`` for a one-value bin; ``2,000+`` for the open last bin."""
    if end - start == 1:
        return f"{start:,}"
    return f"{start:,}+" if last else f"{start:,}–{end - 1:,}"


def user_activity(data: ReportData) -> Content:
    t = data.rel("USER_ACTIVITY")
    totals = data.row(
        "SELECT COUNT(*) AS USERS, SUM(RATINGS_COUNT) AS RATINGS, SUM(TAGS_COUNT) AS TAGS, "
        "MEDIAN(RATINGS_COUNT) AS MEDIAN_RATINGS, MIN(RATINGS_COUNT) AS MIN_RATINGS, "
        f"MAX(RATINGS_COUNT) AS MAX_RATINGS, SUM(IFF(TAGS_COUNT > 0, 1, 0)) AS TAGGERS FROM {t}"
    )
    top = data.rows(
        "SELECT USER_ID, RATINGS_COUNT, TAGS_COUNT, AVG_RATING, FIRST_ACTIVITY_AT, LAST_ACTIVITY_AT, "
        f"ACTIVITY_RANK FROM {t} ORDER BY ACTIVITY_RANK, USER_ID LIMIT {TOP_USERS}"
    )
    bins = activity_bins(int(totals["MIN_RATINGS"] or 0), int(totals["MAX_RATINGS"] or 0))
    counts = data.row(
        "SELECT "
        + ", ".join(
            f"SUM(IFF(RATINGS_COUNT >= {a} AND RATINGS_COUNT < {b}, 1, 0)) AS B{i}"
            for i, (a, b) in enumerate(bins)
        )
        + f" FROM {t}"
    )
    ratings = float(totals["RATINGS"] or 0)
    leaders = top[:10]
    share_top = sum(float(r["RATINGS_COUNT"] or 0) for r in leaders) / ratings if ratings else 0.0
    first = top[0]
    answer = [
        f"{fmt.plural(totals['USERS'], 'user')} gave {fmt.plural(ratings, 'rating')} and "
        f"{fmt.plural(totals['TAGS'], 'tag')} ({fmt.plural(totals['TAGGERS'], 'user')} tagged at least once).",
        f"Activity is concentrated: the {len(leaders)} most active users account for {fmt.percent(share_top)} "
        f"of all ratings, while the median user gave {fmt.integer(totals['MEDIAN_RATINGS'])}. "
        f"The most active, user {first['USER_ID']}, rated {fmt.plural(first['RATINGS_COUNT'], 'movie')} "
        f"between {fmt.day(first['FIRST_ACTIVITY_AT'])} and {fmt.day(first['LAST_ACTIVITY_AT'])} "
        f"(average {fmt.rating(first['AVG_RATING'])}).",
    ]
    labels = [bin_label(a, b, last=i == len(bins) - 1) for i, (a, b) in enumerate(bins)]
    return Content(
        answer=answer,
        charts=[
            charts.hbar_chart(
                [f"user {r['USER_ID']}" for r in top],
                [r["RATINGS_COUNT"] for r in top],
                f"The {len(top)} most active users by ratings given",
                formatter=fmt.integer,
                notes=[f"avg {fmt.rating(r['AVG_RATING'])}" for r in top],
            ),
            charts.histogram(
                labels,
                [counts[f"B{i}"] or 0 for i in range(len(bins))],
                "Users by number of ratings given",
            ),
        ],
        tables=[
            table(
                [
                    TableColumn("Rank", lambda r: fmt.integer(r["ACTIVITY_RANK"]), True),
                    TableColumn("User", lambda r: str(r["USER_ID"])),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Tags", lambda r: fmt.integer(r["TAGS_COUNT"]), True),
                    TableColumn("Avg rating", lambda r: fmt.rating(r["AVG_RATING"]), True),
                    TableColumn("First activity", lambda r: fmt.day(r["FIRST_ACTIVITY_AT"])),
                    TableColumn("Last activity", lambda r: fmt.day(r["LAST_ACTIVITY_AT"])),
                ],
                top[:10],
                "Most active users",
            )
        ],
    )


def hour_range(hour: SupportsInt | str) -> str:
    start = int(hour)
    return f"{start:02d}:00–{(start + 1) % 24:02d}:00 UTC"


def weekday_hour(data: ReportData) -> Content:
    cells = data.rows(
        "SELECT DAY_OF_WEEK, HOUR_OF_DAY, RATINGS_COUNT, AVG_RATING, DAY_NAME "
        f"FROM {data.rel('ACTIVITY_BY_WEEKDAY_HOUR')} ORDER BY DAY_OF_WEEK, HOUR_OF_DAY"
    )
    names = {int(r["DAY_OF_WEEK"]): str(r["DAY_NAME"] or ISO_DAYS[int(r["DAY_OF_WEEK"]) - 1]) for r in cells}
    days = sorted(names)
    matrix: list[list[float | None]] = [[None] * 24 for _ in days]
    for r in cells:
        matrix[days.index(int(r["DAY_OF_WEEK"]))][int(r["HOUR_OF_DAY"])] = r["RATINGS_COUNT"]
    total = sum(float(r["RATINGS_COUNT"] or 0) for r in cells) or 1.0
    ranked = sorted(
        cells, key=lambda r: (-float(r["RATINGS_COUNT"] or 0), r["DAY_OF_WEEK"], r["HOUR_OF_DAY"])
    )
    busiest, quietest = ranked[0], ranked[-1]
    by_day = {d: sum(float(v or 0) for v in matrix[i]) for i, d in enumerate(days)}
    by_hour = {h: sum(float(row[h] or 0) for row in matrix) for h in range(24)}
    top_day = max(by_day, key=lambda d: (by_day[d], -d))
    top_hour = max(by_hour, key=lambda h: (by_hour[h], -h))
    low_hour = min(by_hour, key=lambda h: (by_hour[h], h))
    answer = [
        f"The busiest hour of the week is {names[int(busiest['DAY_OF_WEEK'])]} {hour_range(busiest['HOUR_OF_DAY'])} "
        f"with {fmt.plural(busiest['RATINGS_COUNT'], 'rating')} ({fmt.percent(float(busiest['RATINGS_COUNT']) / total, 2)} "
        f"of all); the quietest is {names[int(quietest['DAY_OF_WEEK'])]} {hour_range(quietest['HOUR_OF_DAY'])}.",
        f"Across the week, {hour_range(top_hour)} is the peak hour and {hour_range(low_hour)} the quietest; "
        f"{names[top_day]} is the busiest day ({fmt.percent(by_day[top_day] / total)} of ratings).",
    ]
    return Content(
        answer=answer,
        charts=[
            charts.heatmap(
                [names[d] for d in days],
                [str(h) for h in range(24)],
                matrix,
                "Ratings by weekday and hour of day (UTC)",
            )
        ],
        tables=[
            table(
                [
                    TableColumn("Day", lambda r: names[int(r["DAY_OF_WEEK"])]),
                    TableColumn("Hour (UTC)", lambda r: hour_range(r["HOUR_OF_DAY"])),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn(
                        "Share", lambda r: fmt.percent(float(r["RATINGS_COUNT"] or 0) / total, 2), True
                    ),
                    TableColumn("Avg rating", lambda r: fmt.rating(r["AVG_RATING"]), True),
                ],
                ranked[:5],
                "Busiest weekday-hours",
            )
        ],
    )


SECTIONS = (
    SectionSpec(
        1,
        "user-activity",
        "User behaviour",
        "Most active users",
        "Which users are the most active, and how concentrated is activity?",
        ("USER_ACTIVITY",),
        user_activity,
        ("ACTIVITY_RANK",),
    ),
    SectionSpec(
        2,
        "weekday-hour",
        "User behaviour",
        "When people rate",
        "On which days and at which hours (UTC) are users most active?",
        ("ACTIVITY_BY_WEEKDAY_HOUR",),
        weekday_hour,
        ("WEEKDAY_HOUR",),
    ),
)
