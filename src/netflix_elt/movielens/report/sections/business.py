"""Business: content coverage gaps (Q9), promotion candidates (Q16), genre growth potential (Q17) and
user segments (Q18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.sections.base import Content, SectionSpec, TableColumn, table
from netflix_elt.movielens.report.svg import ACCENT, HIGHLIGHT, PALETTE, SECOND
from netflix_elt.sql import literal

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

ALL_SEGMENT = "ALL"


def points(share_difference: Any) -> str:
    """A difference of two shares in percentage points: ``+4.2 pp``."""
    return (
        fmt.MISSING
        if fmt.is_missing(share_difference)
        else f"{fmt.signed(float(share_difference) * 100, 1)} pp"
    )


def coverage_gaps(data: ReportData) -> Content:
    t = data.rel("CONTENT_COVERAGE_GAPS")
    segments = [str(r["SEGMENT"]) for r in data.rows(f"SELECT DISTINCT SEGMENT FROM {t} ORDER BY SEGMENT")]
    focus = ALL_SEGMENT if ALL_SEGMENT in segments else segments[0]
    genres = data.rows(
        f"SELECT GENRE, DEMAND_SHARE, SUPPLY_SHARE, GAP FROM {t} WHERE SEGMENT = {literal(focus)} "
        "ORDER BY GAP DESC, GENRE"
    )
    leaders = data.rows(
        f"SELECT SEGMENT, GENRE, DEMAND_SHARE, SUPPLY_SHARE, GAP, GAP_RANK FROM {t} WHERE GAP_RANK <= 3 "
        "ORDER BY SEGMENT, GAP_RANK, GENRE LIMIT 30"
    )
    under, over = genres[0], genres[-1]
    scope = "Across all users" if focus == ALL_SEGMENT else f"In the {focus} segment"
    answer = [
        f"{scope}, {under['GENRE']} is the most under-supplied genre: {fmt.percent(under['DEMAND_SHARE'])} of "
        f"ratings but {fmt.percent(under['SUPPLY_SHARE'])} of the catalogue (gap {points(under['GAP'])})."
    ]
    if len(genres) > 1 and float(over["GAP"] or 0) < 0:
        answer.append(
            f"{over['GENRE']} is the most over-supplied ({fmt.percent(over['SUPPLY_SHARE'])} of the catalogue for "
            f"{fmt.percent(over['DEMAND_SHARE'])} of ratings)."
        )
    firsts = {str(r["SEGMENT"]): str(r["GENRE"]) for r in leaders if int(r["GAP_RANK"]) == 1}
    others = {s: g for s, g in firsts.items() if s != focus}
    if others:
        common = max(sorted(set(others.values())), key=list(others.values()).count)
        answer.append(
            f"The biggest gap is {common} in {list(others.values()).count(common)} of {len(others)} user segments."
        )
    return Content(
        answer,
        [
            charts.hbar_chart(
                [str(g["GENRE"]) for g in genres],
                [None if g["GAP"] is None else float(g["GAP"]) * 100 for g in genres],
                f"Demand minus supply share by genre ({focus}), percentage points",
                formatter=lambda v: f"{fmt.signed(v, 1)} pp",
                colours=[HIGHLIGHT if float(g["GAP"] or 0) > 0 else ACCENT for g in genres],
                notes=[
                    f"demand {fmt.percent(g['DEMAND_SHARE'])} · supply {fmt.percent(g['SUPPLY_SHARE'])}"
                    for g in genres
                ],
            )
        ],
        [
            table(
                [
                    TableColumn("Segment", lambda r: str(r["SEGMENT"])),
                    TableColumn("#", lambda r: fmt.integer(r["GAP_RANK"]), True),
                    TableColumn("Genre", lambda r: str(r["GENRE"])),
                    TableColumn("Demand", lambda r: fmt.percent(r["DEMAND_SHARE"]), True),
                    TableColumn("Supply", lambda r: fmt.percent(r["SUPPLY_SHARE"]), True),
                    TableColumn("Gap", lambda r: points(r["GAP"]), True),
                ],
                leaders[:15],
                "Largest gaps per segment",
            )
        ],
    )


def promotion(data: ReportData) -> Content:
    t = data.rel("PROMOTION_CANDIDATES")
    listed = data.row(f"SELECT COUNT(*) AS MOVIES FROM {t}")
    top = data.rows(
        "SELECT MOVIE_ID, TITLE, SCORE, BAYESIAN_AVG, RATINGS_COUNT, RECENT_RATINGS, PROMOTION_RANK "
        f"FROM {t} ORDER BY PROMOTION_RANK, MOVIE_ID LIMIT 10"
    )
    lead = top[0]
    answer = [
        f"The best promotion candidate of {fmt.plural(listed['MOVIES'], 'movie')} is {lead['TITLE']}: score "
        f"{fmt.number(lead['SCORE'], 3)}, Bayesian average {fmt.rating(lead['BAYESIAN_AVG'])} over "
        f"{fmt.plural(lead['RATINGS_COUNT'], 'rating')}, {fmt.integer(lead['RECENT_RATINGS'])} of them recent."
    ]
    if len(top) > 1:
        answer.append(f"Next come {fmt.listing(str(r['TITLE']) for r in top[1:3])}.")
    return Content(
        answer,
        [
            charts.hbar_chart(
                [str(r["TITLE"]) for r in top],
                [r["SCORE"] for r in top],
                "Promotion score of the top candidates",
                formatter=lambda v: fmt.number(v, 3),
                notes=[
                    f"bayes {fmt.rating(r['BAYESIAN_AVG'])} · {fmt.integer(r['RECENT_RATINGS'])} recent"
                    for r in top
                ],
            )
        ],
        [
            table(
                [
                    TableColumn("#", lambda r: fmt.integer(r["PROMOTION_RANK"]), True),
                    TableColumn("Movie", lambda r: str(r["TITLE"])),
                    TableColumn("Score", lambda r: fmt.number(r["SCORE"], 3), True),
                    TableColumn("Bayesian avg", lambda r: fmt.rating(r["BAYESIAN_AVG"]), True),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Recent", lambda r: fmt.integer(r["RECENT_RATINGS"]), True),
                ],
                top,
                "Promotion candidates",
            )
        ],
    )


def growth_potential(data: ReportData) -> Content:
    genres = data.rows(
        "SELECT GENRE, CATALOG_SHARE, RATING_SHARE, AVG_RATING, RECENT_GROWTH, POTENTIAL_SCORE, POTENTIAL_RANK "
        f"FROM {data.rel('GENRE_GROWTH_POTENTIAL')} ORDER BY POTENTIAL_RANK, GENRE"
    )
    lead = genres[0]
    answer = [
        f"{lead['GENRE']} has the most growth potential (score {fmt.number(lead['POTENTIAL_SCORE'], 3)}): it holds "
        f"{fmt.percent(lead['CATALOG_SHARE'])} of the catalogue and {fmt.percent(lead['RATING_SHARE'])} of ratings, "
        f"averages {fmt.rating(lead['AVG_RATING'])} and its recent volume changed by "
        f"{fmt.signed_percent(lead['RECENT_GROWTH'])}."
    ]
    if len(genres) > 1:
        answer.append(f"Next come {fmt.listing(str(g['GENRE']) for g in genres[1:3])}.")
    shown = genres[:15]
    return Content(
        answer,
        [
            charts.hbar_chart(
                [str(g["GENRE"]) for g in shown],
                [g["POTENTIAL_SCORE"] for g in shown],
                "Growth potential score by genre",
                formatter=lambda v: fmt.number(v, 3),
                colours=[SECOND if i < 3 else ACCENT for i in range(len(shown))],
                notes=[f"growth {fmt.signed_percent(g['RECENT_GROWTH'])}" for g in shown],
            ),
            charts.scatter(
                [
                    charts.Point(
                        float(g["CATALOG_SHARE"] or 0) * 100,
                        float(g["RATING_SHARE"] or 0) * 100,
                        str(g["GENRE"]),
                        "top 3 potential" if i < 3 else "other genres",
                    )
                    for i, g in enumerate(genres)
                ],
                "Catalogue share vs rating share by genre (%)",
                x_label="catalogue share %",
                y_label="rating share %",
                x_formatter=lambda v: fmt.number(v, 1),
                y_formatter=lambda v: fmt.number(v, 1),
                colours={"top 3 potential": SECOND, "other genres": ACCENT},
            ),
        ],
        [
            table(
                [
                    TableColumn("#", lambda r: fmt.integer(r["POTENTIAL_RANK"]), True),
                    TableColumn("Genre", lambda r: str(r["GENRE"])),
                    TableColumn("Catalogue", lambda r: fmt.percent(r["CATALOG_SHARE"]), True),
                    TableColumn("Ratings", lambda r: fmt.percent(r["RATING_SHARE"]), True),
                    TableColumn("Avg", lambda r: fmt.rating(r["AVG_RATING"]), True),
                    TableColumn("Growth", lambda r: fmt.signed_percent(r["RECENT_GROWTH"]), True),
                    TableColumn("Score", lambda r: fmt.number(r["POTENTIAL_SCORE"], 3), True),
                ],
                genres[:10],
                "Genres by growth potential",
            )
        ],
    )


def segments(data: ReportData) -> Content:
    summary = data.rows(
        "SELECT SEGMENT, DESCRIPTION, USERS, SHARE_OF_USERS, AVG_RATINGS_PER_USER, AVG_RATING "
        f"FROM {data.rel('USER_SEGMENT_SUMMARY')} ORDER BY USERS DESC, SEGMENT"
    )
    members = data.row(
        "SELECT COUNT(*) AS USERS, COUNT(DISTINCT SEGMENT) AS SEGMENTS, MEDIAN(TENURE_DAYS) AS TENURE "
        f"FROM {data.rel('USER_SEGMENTS')}"
    )
    largest = summary[0]
    engaged = max(summary, key=lambda s: (float(s["AVG_RATINGS_PER_USER"] or 0), str(s["SEGMENT"])))
    generous = max(summary, key=lambda s: (float(s["AVG_RATING"] or 0), str(s["SEGMENT"])))
    answer = [
        f"{fmt.plural(members['USERS'], 'user')} fall into {fmt.plural(members['SEGMENTS'], 'segment')} "
        f"(median tenure {fmt.plural(members['TENURE'], 'day')}). The largest segment, {largest['SEGMENT']}, "
        f"holds {fmt.percent(largest['SHARE_OF_USERS'])} of users ({largest['DESCRIPTION']}).",
        f"The {engaged['SEGMENT']} segment is the most engaged ({fmt.number(engaged['AVG_RATINGS_PER_USER'], 1)} "
        f"ratings per user) and the {generous['SEGMENT']} segment rates most generously "
        f"(average {fmt.rating(generous['AVG_RATING'])}).",
    ]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(summary))]
    labels = [str(s["SEGMENT"]) for s in summary]
    return Content(
        answer,
        [
            charts.hbar_chart(
                labels,
                [s["USERS"] for s in summary],
                "Users per segment",
                formatter=fmt.integer,
                colours=colours,
                notes=[fmt.percent(s["SHARE_OF_USERS"]) for s in summary],
            ),
            charts.hbar_chart(
                labels,
                [s["AVG_RATINGS_PER_USER"] for s in summary],
                "Ratings per user by segment",
                formatter=lambda v: fmt.number(v, 1),
                colours=colours,
                notes=[f"avg {fmt.rating(s['AVG_RATING'])}" for s in summary],
            ),
        ],
        [
            table(
                [
                    TableColumn("Segment", lambda r: str(r["SEGMENT"])),
                    TableColumn("Rule", lambda r: str(r["DESCRIPTION"] or "")),
                    TableColumn("Users", lambda r: fmt.integer(r["USERS"]), True),
                    TableColumn("Share", lambda r: fmt.percent(r["SHARE_OF_USERS"]), True),
                    TableColumn("Ratings/user", lambda r: fmt.number(r["AVG_RATINGS_PER_USER"], 1), True),
                    TableColumn("Avg rating", lambda r: fmt.rating(r["AVG_RATING"]), True),
                ],
                summary,
                "Segments",
            )
        ],
    )


SECTIONS = (
    SectionSpec(
        9,
        "coverage-gaps",
        "Business",
        "Content coverage gaps",
        "Where does demand for a genre outrun the catalogue we offer?",
        ("CONTENT_COVERAGE_GAPS",),
        coverage_gaps,
        ("COVERAGE", "GAP"),
    ),
    SectionSpec(
        16,
        "promotion",
        "Business",
        "Promotion candidates",
        "Which movies should we promote?",
        ("PROMOTION_CANDIDATES",),
        promotion,
        ("PROMOT",),
    ),
    SectionSpec(
        17,
        "growth-potential",
        "Business",
        "Genre growth potential",
        "Which genres have the most room to grow?",
        ("GENRE_GROWTH_POTENTIAL",),
        growth_potential,
        ("GROWTH", "POTENTIAL"),
    ),
    SectionSpec(
        18,
        "segments",
        "Business",
        "User segments",
        "How do users divide into segments, and how do the segments behave?",
        ("USER_SEGMENTS", "USER_SEGMENT_SUMMARY"),
        segments,
        ("SEGMENT",),
    ),
)
