"""Recommendation prep: similar users and their clusters (Q7), movies rated together (Q8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.data import movie_label
from netflix_elt.movielens.report.sections.base import Content, SectionSpec, TableColumn, table
from netflix_elt.movielens.report.svg import PALETTE

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

EXAMPLE_MOVIES = 4


def similar_users(data: ReportData) -> Content:
    sim, clusters = data.rel("USER_SIMILARITY"), data.rel("USER_CLUSTERS")
    totals = data.row(
        "SELECT COUNT(DISTINCT USER_ID) AS USERS, COUNT(*) AS LINKS, AVG(SIMILARITY) AS AVG_SIMILARITY, "
        f"AVG(CO_RATED_COUNT) AS AVG_CO_RATED FROM {sim}"
    )
    candidates = data.rows(
        f"SELECT USER_ID, SIMILAR_USER_ID, SIMILARITY, CO_RATED_COUNT FROM {sim} "
        "ORDER BY SIMILARITY DESC, CO_RATED_COUNT DESC, USER_ID, SIMILAR_USER_ID LIMIT 40"
    )
    pairs, seen = [], set()
    for r in candidates:  # each pair may be stored in both directions
        key = frozenset((r["USER_ID"], r["SIMILAR_USER_ID"]))
        if key not in seen:
            seen.add(key)
            pairs.append(r)
    anchor = pairs[0]["USER_ID"]
    neighbours = data.rows(
        f"SELECT SIMILAR_USER_ID, SIMILARITY, CO_RATED_COUNT, SIMILARITY_RANK FROM {sim} "
        f"WHERE USER_ID = {int(anchor)} ORDER BY SIMILARITY_RANK, SIMILAR_USER_ID LIMIT 10"
    )
    groups = data.rows(
        "SELECT CLUSTER_ID, MAX(CLUSTER_LABEL) AS CLUSTER_LABEL, COUNT(*) AS USERS "
        f"FROM {clusters} GROUP BY CLUSTER_ID ORDER BY USERS DESC, CLUSTER_ID LIMIT 12"
    )
    clustered = data.row(f"SELECT COUNT(*) AS USERS, COUNT(DISTINCT CLUSTER_ID) AS CLUSTERS FROM {clusters}")
    best = pairs[0]
    answer = [
        f"{fmt.plural(totals['USERS'], 'user')} have at least one similar neighbour "
        f"({fmt.plural(totals['LINKS'], 'neighbour link')}, average similarity "
        f"{fmt.number(totals['AVG_SIMILARITY'], 3)} over {fmt.number(totals['AVG_CO_RATED'], 1)} co-rated movies). "
        f"The closest pair is users {best['USER_ID']} and {best['SIMILAR_USER_ID']} (similarity "
        f"{fmt.number(best['SIMILARITY'], 3)}, {fmt.plural(best['CO_RATED_COUNT'], 'movie')} in common)."
    ]
    charts_ = [
        charts.hbar_chart(
            [f"user {r['SIMILAR_USER_ID']}" for r in neighbours],
            [r["SIMILARITY"] for r in neighbours],
            f"Users most similar to user {anchor}",
            formatter=lambda v: fmt.number(v, 3),
            notes=[f"{fmt.integer(r['CO_RATED_COUNT'])} co-rated" for r in neighbours],
        )
    ]
    if groups:
        largest = groups[0]
        answer.append(
            f"{fmt.plural(clustered['USERS'], 'user')} fall into {fmt.plural(clustered['CLUSTERS'], 'cluster')}; "
            f"the largest, {cluster_name(largest)}, holds {fmt.plural(largest['USERS'], 'user')} "
            f"({fmt.percent(float(largest['USERS']) / float(clustered['USERS'] or 1))})."
        )
        charts_.append(
            charts.hbar_chart(
                [cluster_name(g) for g in groups],
                [g["USERS"] for g in groups],
                "Users per cluster",
                formatter=fmt.integer,
                colours=[PALETTE[i % len(PALETTE)] for i in range(len(groups))],
            )
        )
    return Content(
        answer,
        charts_,
        [
            table(
                [
                    TableColumn("User", lambda r: str(r["USER_ID"])),
                    TableColumn("Similar user", lambda r: str(r["SIMILAR_USER_ID"])),
                    TableColumn("Similarity", lambda r: fmt.number(r["SIMILARITY"], 3), True),
                    TableColumn("Co-rated movies", lambda r: fmt.integer(r["CO_RATED_COUNT"]), True),
                ],
                pairs[:10],
                "Most similar pairs of users",
            )
        ],
    )


def cluster_name(row: dict[str, Any]) -> str:
    label = row.get("CLUSTER_LABEL")
    return f"{label} (#{row['CLUSTER_ID']})" if label else f"cluster {row['CLUSTER_ID']}"


def co_ratings(data: ReportData) -> Content:
    co, stats_table = data.rel("MOVIE_CO_RATINGS"), data.rel("RECOMMENDATION_PAIR_STATS")
    stats = data.rows(f"SELECT * FROM {stats_table} ORDER BY ANALYSIS")
    totals = data.row(f"SELECT COUNT(*) AS PAIRS, COUNT(DISTINCT MOVIE_ID) AS MOVIES FROM {co}")
    anchors = data.rows(
        f"SELECT MOVIE_ID, CO_RATERS FROM {co} WHERE RELATED_RANK = 1 "
        f"ORDER BY CO_RATERS DESC, MOVIE_ID LIMIT {EXAMPLE_MOVIES}"
    )
    ids = [int(a["MOVIE_ID"]) for a in anchors]
    related = (
        data.rows(
            f"SELECT MOVIE_ID, RELATED_MOVIE_ID, CO_RATERS, SCORE, RELATED_RANK FROM {co} "
            f"WHERE MOVIE_ID IN ({', '.join(map(str, ids))}) AND RELATED_RANK <= 10 "
            "ORDER BY MOVIE_ID, RELATED_RANK, RELATED_MOVIE_ID"
        )
        if ids
        else []
    )
    titles = data.titles([*ids, *(r["RELATED_MOVIE_ID"] for r in related)])
    answer = [
        f"{fmt.plural(totals['PAIRS'], 'related-movie pair')} cover {fmt.plural(totals['MOVIES'], 'movie')}."
    ]
    for s in stats:
        kept = float(s["KEPT_PAIRS"] or 0)
        answer.append(
            f"{s['ANALYSIS']}: from {fmt.plural(s['INPUT_ROWS'], 'input row')}, "
            f"{fmt.plural(s['CANDIDATE_PAIRS'], 'candidate pair')} were scored and {fmt.integer(kept)} kept "
            f"({fmt.percent(kept / float(s['CANDIDATE_PAIRS'] or 1))})."
        )
    charts_ = []
    if ids:
        first = [r for r in related if int(r["MOVIE_ID"]) == ids[0]]
        names = [movie_label(titles, r["RELATED_MOVIE_ID"]) for r in first]
        answer.append(
            f"People who rated {movie_label(titles, ids[0])} also rated {fmt.listing(names[:3])} "
            f"({fmt.integer(first[0]['CO_RATERS'])} co-raters for the first)."
        )
        charts_.append(
            charts.hbar_chart(
                names,
                [r["SCORE"] for r in first],
                f"Movies rated together with {movie_label(titles, ids[0])} (score)",
                formatter=lambda v: fmt.number(v, 3),
                notes=[f"{fmt.integer(r['CO_RATERS'])} co-raters" for r in first],
            )
        )
    funnel = [(str(s["ANALYSIS"]), s) for s in stats]
    if funnel:
        charts_.append(
            charts.hbar_chart(
                [f"{name}: {step.lower().replace('_', ' ')}" for name, _ in funnel for step in STEPS],
                [s[step] for _, s in funnel for step in STEPS],
                "Pair bounds: input rows, candidate pairs and kept pairs",
                formatter=fmt.integer,
                colours=[PALETTE[i % len(STEPS)] for i in range(len(funnel) * len(STEPS))],
            )
        )
    examples = sorted(
        (r for r in related if int(r["RELATED_RANK"]) <= 3),
        key=lambda r: (ids.index(int(r["MOVIE_ID"])), int(r["RELATED_RANK"])),
    )
    tables = [
        table(
            [
                TableColumn("Movie", lambda r: movie_label(titles, r["MOVIE_ID"])),
                TableColumn("#", lambda r: fmt.integer(r["RELATED_RANK"]), True),
                TableColumn("Also rated", lambda r: movie_label(titles, r["RELATED_MOVIE_ID"])),
                TableColumn("Co-raters", lambda r: fmt.integer(r["CO_RATERS"]), True),
                TableColumn("Score", lambda r: fmt.number(r["SCORE"], 3), True),
            ],
            examples,
            "Examples: the three most related movies of the most co-rated titles",
        )
    ]
    if stats:
        columns = [
            TableColumn(name.replace("_", " ").lower(), cell_of(name), name != "ANALYSIS")
            for name in stats[0]
        ]
        tables.append(table(columns, stats, "Pair statistics and bounds"))
    return Content(answer, charts_, tables)


STEPS = ("INPUT_ROWS", "CANDIDATE_PAIRS", "KEPT_PAIRS")


def cell_of(column: str) -> Any:
    return lambda row: fmt.cell(row[column])


SECTIONS = (
    SectionSpec(
        7,
        "similar-users",
        "Recommendation prep",
        "Similar users and clusters",
        "Which users rate alike, and what groups do they form?",
        ("USER_SIMILARITY", "USER_CLUSTERS"),
        similar_users,
        ("SIMILAR", "CLUSTER"),
    ),
    SectionSpec(
        8,
        "co-ratings",
        "Recommendation prep",
        "Movies rated together",
        "Which movies are rated by the same people (“people who rated X also rated Y”)?",
        ("MOVIE_CO_RATINGS", "RECOMMENDATION_PAIR_STATS"),
        co_ratings,
        ("CO_RATING", "PAIR", "RECOMMEND"),
    ),
)
