"""Content: ratings by genre and release year (Q3), genre popularity by segment (Q4), rating
distributions and polarising movies (Q5), heavily watched but poorly rated movies (Q6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.sections.base import Content, SectionSpec, TableColumn, table
from netflix_elt.movielens.report.svg import ACCENT, HIGHLIGHT, SECOND
from netflix_elt.sql import literal

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

ALL_SEGMENT = "ALL"


def weighted_average(
    rows: list[dict[str, Any]], value: str = "AVG_RATING", weight: str = "RATINGS_COUNT"
) -> float:
    """The average of ``value`` weighted by ``weight`` (None when there is no weight)."""
    pairs = [(float(r[value]), float(r[weight] or 0)) for r in rows if r[value] is not None]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else float("nan")


def genre_and_year(data: ReportData) -> Content:
    genres = data.rows(
        "SELECT GENRE, MOVIES_COUNT, CATALOG_MOVIES, RATINGS_COUNT, AVG_RATING "
        f"FROM {data.rel('RATINGS_BY_GENRE')} ORDER BY AVG_RATING DESC NULLS LAST, GENRE"
    )
    years = data.rows(
        "SELECT RELEASE_YEAR, MOVIES_COUNT, RATINGS_COUNT, AVG_RATING "
        f"FROM {data.rel('RATINGS_BY_RELEASE_YEAR')} WHERE RELEASE_YEAR IS NOT NULL ORDER BY RELEASE_YEAR"
    )
    overall = weighted_average(genres)
    best, worst = genres[0], genres[-1]
    answer = [
        f"{best['GENRE']} is the best-rated genre (average {fmt.rating(best['AVG_RATING'])} over "
        f"{fmt.plural(best['RATINGS_COUNT'], 'rating')}) and {worst['GENRE']} the lowest "
        f"({fmt.rating(worst['AVG_RATING'])}), against {fmt.rating(overall)} across all genre-tagged ratings."
    ]
    charts_ = [
        charts.hbar_chart(
            [str(g["GENRE"]) for g in genres],
            [None if g["AVG_RATING"] is None else float(g["AVG_RATING"]) - overall for g in genres],
            f"Average rating by genre, relative to the overall {fmt.rating(overall)}",
            formatter=fmt.signed,
            colours=[ACCENT if (g["AVG_RATING"] or 0) >= overall else SECOND for g in genres],
            notes=[
                f"avg {fmt.rating(g['AVG_RATING'])} · {fmt.integer(g['RATINGS_COUNT'])} ratings"
                for g in genres
            ],
        )
    ]
    if years:
        total = sum(float(y["RATINGS_COUNT"] or 0) for y in years)
        running, split = 0.0, years[-1]
        for y in years:
            running += float(y["RATINGS_COUNT"] or 0)
            if running >= total / 2:
                split = y
                break
        older = [y for y in years if y["RELEASE_YEAR"] <= split["RELEASE_YEAR"]]
        newer = [y for y in years if y["RELEASE_YEAR"] > split["RELEASE_YEAR"]]
        busiest = max(years, key=lambda y: (float(y["RATINGS_COUNT"] or 0), -int(y["RELEASE_YEAR"])))
        sentence = (
            f"Half of all ratings go to films released in or before {split['RELEASE_YEAR']}; those average "
            f"{fmt.rating(weighted_average(older))}"
        )
        if newer:
            sentence += f", newer films {fmt.rating(weighted_average(newer))}"
        answer.append(
            f"{sentence}. The most rated release year is {busiest['RELEASE_YEAR']} "
            f"({fmt.plural(busiest['RATINGS_COUNT'], 'rating')} of {fmt.plural(busiest['MOVIES_COUNT'], 'movie')})."
        )
        charts_.append(
            charts.line_chart(
                [str(y["RELEASE_YEAR"]) for y in years],
                [charts.Series("average rating", [y["AVG_RATING"] for y in years])],
                "Average rating by release year",
                formatter=fmt.rating,
                zero_based=False,
                marks=[
                    charts.Mark(
                        years.index(busiest), float(busiest["AVG_RATING"] or 0), "most rated year", SECOND
                    )
                ],
            )
        )
    by_ratings = sorted(genres, key=lambda g: -float(g["RATINGS_COUNT"] or 0))
    return Content(
        answer,
        charts_,
        [
            table(
                [
                    TableColumn("Genre", lambda r: str(r["GENRE"])),
                    TableColumn("Movies rated", lambda r: fmt.integer(r["MOVIES_COUNT"]), True),
                    TableColumn("In catalogue", lambda r: fmt.integer(r["CATALOG_MOVIES"]), True),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Avg rating", lambda r: fmt.rating(r["AVG_RATING"]), True),
                ],
                by_ratings[:10],
                "Most rated genres",
            )
        ],
    )


def genre_popularity(data: ReportData) -> Content:
    t = data.rel("GENRE_POPULARITY")
    segments = [
        str(r["SEGMENT"])
        for r in data.rows(
            f"SELECT SEGMENT, SUM(RATINGS_COUNT) AS RATINGS FROM {t} GROUP BY SEGMENT ORDER BY RATINGS DESC, SEGMENT"
        )
    ]
    focus = ALL_SEGMENT if ALL_SEGMENT in segments else segments[0]
    leaders = data.rows(
        f"SELECT GENRE, RATINGS_COUNT, SHARE_OF_SEGMENT, GENRE_RANK FROM {t} "
        f"WHERE SEGMENT = {literal(focus)} ORDER BY GENRE_RANK, GENRE LIMIT 10"
    )
    podium = data.rows(
        f"SELECT SEGMENT, GENRE, SHARE_OF_SEGMENT, GENRE_RANK FROM {t} WHERE GENRE_RANK <= 3 "
        "ORDER BY SEGMENT, GENRE_RANK, GENRE"
    )
    genres = [str(r["GENRE"]) for r in leaders]
    in_list = ", ".join(literal(g) for g in genres)
    cells = data.rows(f"SELECT SEGMENT, GENRE, SHARE_OF_SEGMENT FROM {t} WHERE GENRE IN ({in_list})")
    share = {(str(r["SEGMENT"]), str(r["GENRE"])): r["SHARE_OF_SEGMENT"] for r in cells}
    firsts = {str(r["SEGMENT"]): str(r["GENRE"]) for r in podium if r["GENRE_RANK"] == 1}
    top = leaders[0]
    others = [s for s in segments if s != focus]
    differing = [f"{s} ({firsts[s]})" for s in others if s in firsts and firsts[s] != top["GENRE"]]
    scope = "overall" if focus == ALL_SEGMENT else f"in the {focus} segment"
    runners_up = f", followed by {fmt.listing(genres[1:3])}" if len(genres) > 1 else ""
    answer = [
        f"{top['GENRE']} is the most rated genre {scope} ({fmt.percent(top['SHARE_OF_SEGMENT'])} of ratings)"
        f"{runners_up}."
    ]
    if others:
        leading = sum(1 for s in others if firsts.get(s) == top["GENRE"])
        tail = f"; elsewhere the favourite differs: {fmt.listing(differing)}" if differing else ""
        answer.append(f"It also leads {leading} of {len(others)} user segments{tail}.")
    podium_by_segment: dict[str, list[dict[str, Any]]] = {}
    for r in podium:
        podium_by_segment.setdefault(str(r["SEGMENT"]), []).append(r)

    def place(rank: int) -> TableColumn:
        def cell(row: dict[str, Any]) -> str:
            entries = row["ENTRIES"]
            if len(entries) < rank:
                return fmt.MISSING
            return f"{entries[rank - 1]['GENRE']} ({fmt.percent(entries[rank - 1]['SHARE_OF_SEGMENT'])})"

        return TableColumn(f"#{rank}", cell)

    return Content(
        answer,
        [
            charts.hbar_chart(
                genres,
                [r["SHARE_OF_SEGMENT"] for r in leaders],
                f"Share of ratings by genre ({focus})",
                formatter=fmt.percent,
            ),
            charts.heatmap(
                segments,
                genres,
                [[share.get((s, g)) for g in genres] for s in segments],
                "Genre share of ratings by user segment",
                formatter=fmt.percent,
            ),
        ],
        [
            table(
                [TableColumn("Segment", lambda r: r["SEGMENT"]), place(1), place(2), place(3)],
                [{"SEGMENT": s, "ENTRIES": podium_by_segment.get(s, [])} for s in segments],
                "Top three genres per segment",
            )
        ],
    )


def rating_distribution(data: ReportData) -> Content:
    values = data.rows(
        f"SELECT RATING, RATINGS_COUNT, SHARE FROM {data.rel('RATING_VALUE_DISTRIBUTION')} ORDER BY RATING"
    )
    t = data.rel("MOVIE_RATING_DISTRIBUTION")
    counts = data.row(f"SELECT COUNT(*) AS MOVIES, SUM(IFF(IS_POLARIZED, 1, 0)) AS POLARIZED FROM {t}")
    polarised = data.rows(
        "SELECT MOVIE_ID, TITLE, RATINGS_COUNT, AVG_RATING, STDDEV_RATING, SHARE_LOW, SHARE_HIGH "
        f"FROM {t} WHERE IS_POLARIZED ORDER BY RATINGS_COUNT DESC, STDDEV_RATING DESC, MOVIE_ID LIMIT 10"
    )
    spread = data.rows(
        f"SELECT TITLE, AVG_RATING, STDDEV_RATING, IS_POLARIZED FROM {t} "
        "WHERE STDDEV_RATING IS NOT NULL AND AVG_RATING IS NOT NULL ORDER BY RATINGS_COUNT DESC, MOVIE_ID LIMIT 400"
    )
    answer = []
    if values:
        mode = max(values, key=lambda v: (float(v["RATINGS_COUNT"] or 0), float(v["RATING"])))
        total = sum(float(v["RATINGS_COUNT"] or 0) for v in values)
        running, median = 0.0, values[-1]["RATING"]
        for v in values:
            running += float(v["RATINGS_COUNT"] or 0)
            if running >= total / 2:
                median = v["RATING"]
                break
        mean = sum(float(v["RATING"]) * float(v["RATINGS_COUNT"] or 0) for v in values) / (total or 1)
        answer.append(
            f"{fmt.number(mode['RATING'], 1)} stars is the most common rating ({fmt.percent(mode['SHARE'])} of "
            f"{fmt.plural(total, 'rating')}); the median rating is {fmt.number(median, 1)} and the mean "
            f"{fmt.rating(mean)}."
        )
    sentence = (
        f"{fmt.integer(counts['POLARIZED'])} of {fmt.plural(counts['MOVIES'], 'movie')} "
        f"({fmt.percent((counts['POLARIZED'] or 0) / (counts['MOVIES'] or 1))}) are polarising"
    )
    if polarised:
        p = polarised[0]
        sentence += (
            f"; the most rated of them is {p['TITLE']} ({fmt.plural(p['RATINGS_COUNT'], 'rating')}, "
            f"{fmt.percent(p['SHARE_LOW'])} low and {fmt.percent(p['SHARE_HIGH'])} high, "
            f"standard deviation {fmt.rating(p['STDDEV_RATING'])})"
        )
    answer.append(sentence + ".")
    return Content(
        answer,
        [
            charts.bar_chart(
                [fmt.number(v["RATING"], 1) for v in values],
                [v["SHARE"] for v in values],
                "Share of ratings by star value",
                formatter=fmt.percent,
            ),
            charts.scatter(
                [
                    charts.Point(
                        float(r["AVG_RATING"]),
                        float(r["STDDEV_RATING"]),
                        str(r["TITLE"]),
                        "polarising" if r["IS_POLARIZED"] else "other movies",
                    )
                    for r in spread
                ],
                f"Average vs spread of ratings, the {len(spread)} most rated movies",
                x_label="average rating",
                y_label="standard deviation",
                colours={"polarising": HIGHLIGHT, "other movies": ACCENT},
            ),
        ],
        [
            table(
                [
                    TableColumn("Movie", lambda r: str(r["TITLE"])),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Avg", lambda r: fmt.rating(r["AVG_RATING"]), True),
                    TableColumn("Std dev", lambda r: fmt.rating(r["STDDEV_RATING"]), True),
                    TableColumn("Low share", lambda r: fmt.percent(r["SHARE_LOW"]), True),
                    TableColumn("High share", lambda r: fmt.percent(r["SHARE_HIGH"]), True),
                ],
                polarised,
                "Most rated polarising movies",
            )
        ],
    )


def as_fraction(value: Any) -> float:
    """A percentile given either as a fraction (0.97) or on a 0-100 scale (97)."""
    number = float(value or 0)
    return number / 100 if number > 1 else number


def engagement_gap(data: ReportData) -> Content:
    t = data.rel("HIGH_ENGAGEMENT_LOW_RATING")
    listed = data.row(f"SELECT COUNT(*) AS MOVIES, MIN(ENGAGEMENT_PERCENTILE) AS FLOOR_PCT FROM {t}")
    top = data.rows(
        "SELECT MOVIE_ID, TITLE, RATINGS_COUNT, AVG_RATING, ENGAGEMENT_PERCENTILE, RATING_GAP, RANK "
        f"FROM {t} ORDER BY RANK, MOVIE_ID LIMIT 10"
    )
    lead = top[0]
    answer = [
        f"{fmt.plural(listed['MOVIES'], 'movie')} draw many ratings (each in the top "
        f"{fmt.percent(1 - as_fraction(listed['FLOOR_PCT']))} by engagement) yet rate poorly.",
        f"{lead['TITLE']} leads: {fmt.plural(lead['RATINGS_COUNT'], 'rating')} (more than "
        f"{fmt.percent(as_fraction(lead['ENGAGEMENT_PERCENTILE']))} of movies) but an average of "
        f"{fmt.rating(lead['AVG_RATING'])}, {fmt.rating(abs(float(lead['RATING_GAP'] or 0)))} stars below the "
        "average rating.",
    ]
    return Content(
        answer,
        [
            charts.hbar_chart(
                [str(r["TITLE"]) for r in top],
                [r["RATINGS_COUNT"] for r in top],
                "Heavily rated, poorly rated: ratings received",
                formatter=fmt.integer,
                colours=[SECOND] * len(top),
                notes=[f"avg {fmt.rating(r['AVG_RATING'])}" for r in top],
            )
        ],
        [
            table(
                [
                    TableColumn("Rank", lambda r: fmt.integer(r["RANK"]), True),
                    TableColumn("Movie", lambda r: str(r["TITLE"])),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn(
                        "Engagement pct.",
                        lambda r: fmt.percent(as_fraction(r["ENGAGEMENT_PERCENTILE"])),
                        True,
                    ),
                    TableColumn("Avg", lambda r: fmt.rating(r["AVG_RATING"]), True),
                    TableColumn("Gap", lambda r: fmt.signed(r["RATING_GAP"]), True),
                ],
                top,
                "High engagement, low rating",
            )
        ],
    )


SECTIONS = (
    SectionSpec(
        3,
        "genre-and-year",
        "Content",
        "Ratings by genre and release year",
        "How do ratings differ by genre and by release year?",
        ("RATINGS_BY_GENRE", "RATINGS_BY_RELEASE_YEAR"),
        genre_and_year,
        ("BY_GENRE", "RELEASE_YEAR"),
    ),
    SectionSpec(
        4,
        "genre-popularity",
        "Content",
        "Genre popularity",
        "Which genres are most popular, overall and in each user segment?",
        ("GENRE_POPULARITY",),
        genre_popularity,
        ("POPULARITY",),
    ),
    SectionSpec(
        5,
        "rating-distribution",
        "Content",
        "Rating distributions and polarising movies",
        "How are ratings distributed, and which movies split their audience?",
        ("MOVIE_RATING_DISTRIBUTION", "RATING_VALUE_DISTRIBUTION"),
        rating_distribution,
        ("POLARI", "DISTRIBUTION"),
    ),
    SectionSpec(
        6,
        "engagement-gap",
        "Content",
        "High engagement, low rating",
        "Which movies are watched a lot but rated poorly?",
        ("HIGH_ENGAGEMENT_LOW_RATING",),
        engagement_gap,
        ("ENGAGEMENT",),
    ),
)
