"""Small synthetic ANALYSIS tables with the columns the report reads (padded with NULL columns to the
analyses' contracts), so the report is tested without building the analyses. Values are chosen so every sentence has a known answer (user 1 is the most active,
Monday 20:00 the busiest hour, 'Film-Noir' the best-rated genre, ...). Titles carry quotes, an
ampersand, angle brackets, a script element and non-ASCII letters to exercise escaping."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from netflix_elt.engine import Engine
from netflix_elt.registry import Registry
from netflix_elt.sql import literal

Rows = list[Sequence[Any]]
TRICKY_TITLE = 'Amélie & "Friends" <Director\'s Cut><script>alert(1)</script>'
GENRES = ("Drama", "Comedy", "Film-Noir", "Horror", "Sci-Fi", "Documentary")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TITLES = {
    1: "Forrest Gump",
    2: "Pulp Fiction",
    3: TRICKY_TITLE,
    4: "The Matrix",
    5: "Fight Club",
    6: "Titanic",
    7: "Batman & Robin",
    8: "Spirited Away",
}


def columns(spec: str) -> dict[str, str]:
    """``"A NUMBER, B VARCHAR"`` as {column: type}."""
    return dict(part.split() for part in spec.split(", "))


def _months(count: int, start: date = date(2017, 1, 1)) -> list[date]:
    out, year, month = [], start.year, start.month
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def synthetic_tables() -> dict[str, tuple[dict[str, str], Rows]]:
    """{table: (column types, rows)} for every table the report reads."""
    t: dict[str, tuple[dict[str, str], Rows]] = {}
    t["USER_ACTIVITY"] = (
        columns(
            "USER_ID NUMBER, RATINGS_COUNT NUMBER, TAGS_COUNT NUMBER, ACTIVITY_RANK NUMBER, FIRST_ACTIVITY_AT TIMESTAMP_NTZ, LAST_ACTIVITY_AT TIMESTAMP_NTZ, AVG_RATING FLOAT"
        ),
        [
            [
                u,
                20 + (30 - u) * 7,
                u % 3,
                u,
                datetime(2015, 1, u, 8),
                datetime(2019, 6, u, 20),
                3.0 + (u % 5) * 0.2,
            ]
            for u in range(1, 31)
        ],
    )
    t["ACTIVITY_BY_WEEKDAY_HOUR"] = (
        columns(
            "DAY_OF_WEEK NUMBER, HOUR_OF_DAY NUMBER, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, DAY_NAME VARCHAR"
        ),
        [
            [d, h, 900 if (d, h) == (1, 20) else 100 + 10 * h + 3 * d, 3.5, DAY_NAMES[d - 1]]
            for d in range(1, 8)
            for h in range(24)
        ],
    )
    genre_avgs = dict(zip(GENRES, (3.7, 3.4, 3.95, 3.1, 3.5, 3.8), strict=True))
    t["RATINGS_BY_GENRE"] = (
        columns(
            "GENRE VARCHAR, MOVIES_COUNT NUMBER, CATALOG_MOVIES NUMBER, RATINGS_COUNT NUMBER, AVG_RATING FLOAT"
        ),
        [[g, 50 - i * 5, 60 - i * 5, 4000 - i * 500, genre_avgs[g]] for i, g in enumerate(GENRES)],
    )
    t["RATINGS_BY_RELEASE_YEAR"] = (
        columns("RELEASE_YEAR NUMBER, MOVIES_COUNT NUMBER, RATINGS_COUNT NUMBER, AVG_RATING FLOAT"),
        [
            [y, 10 + (y - 1990), 100 * (1 + (y == 1995) * 5), 3.3 + (1999 - y) * 0.04]
            for y in range(1990, 2000)
        ],
    )
    popularity = []
    for segment, order in (
        ("ALL", GENRES),
        ("casual", GENRES),
        ("enthusiast", ("Comedy", *GENRES[:1], *GENRES[2:])),
    ):
        for rank, genre in enumerate(order, start=1):
            popularity.append([segment, genre, 1000 // rank, round(0.4 / rank, 4), rank])
    t["GENRE_POPULARITY"] = (
        columns(
            "SEGMENT VARCHAR, GENRE VARCHAR, RATINGS_COUNT NUMBER, SHARE_OF_SEGMENT FLOAT, GENRE_RANK NUMBER"
        ),
        popularity,
    )
    t["MOVIE_RATING_DISTRIBUTION"] = (
        columns(
            "MOVIE_ID NUMBER, TITLE VARCHAR, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, STDDEV_RATING FLOAT, SHARE_LOW FLOAT, SHARE_HIGH FLOAT, IS_POLARIZED BOOLEAN"
        ),
        [
            [
                m,
                title,
                300 - m * 20,
                2.5 + m * 0.15,
                1.6 if m in (3, 7) else 0.6 + m * 0.05,
                0.35,
                0.4,
                m in (3, 7),
            ]
            for m, title in TITLES.items()
        ],
    )
    values = [0.5 * k for k in range(1, 11)]
    counts = [14, 18, 28, 75, 55, 199, 130, 266, 85, 131]
    t["RATING_VALUE_DISTRIBUTION"] = (
        columns("RATING FLOAT, RATINGS_COUNT NUMBER, SHARE FLOAT"),
        [[v, c, c / sum(counts)] for v, c in zip(values, counts, strict=True)],
    )
    t["HIGH_ENGAGEMENT_LOW_RATING"] = (
        columns(
            "MOVIE_ID NUMBER, TITLE VARCHAR, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, ENGAGEMENT_PERCENTILE FLOAT, RATING_GAP FLOAT, RANK NUMBER"
        ),
        [[7, TITLES[7], 240, 2.4, 0.99, 1.1, 1], [6, TITLES[6], 180, 3.0, 0.95, 0.5, 2]],
    )
    similarity = []
    for a, b, s, c in (
        (1, 2, 0.91, 40),
        (1, 3, 0.8, 33),
        (2, 4, 0.75, 21),
        (3, 5, 0.6, 18),
        (4, 6, 0.55, 12),
    ):
        similarity += [[a, b, s, c, 0], [b, a, s, c, 0]]
    for user in {r[0] for r in similarity}:
        mine = sorted((r for r in similarity if r[0] == user), key=lambda r: -r[2])
        for rank, r in enumerate(mine, start=1):
            r[4] = rank
    t["USER_SIMILARITY"] = (
        columns(
            "USER_ID NUMBER, SIMILAR_USER_ID NUMBER, SIMILARITY FLOAT, CO_RATED_COUNT NUMBER, SIMILARITY_RANK NUMBER"
        ),
        similarity,
    )
    labels = {0: "blockbuster fans", 1: "cinephiles", 2: "genre explorers"}
    t["USER_CLUSTERS"] = (
        columns("USER_ID NUMBER, CLUSTER_ID NUMBER, CLUSTER_LABEL VARCHAR"),
        [[u, min(2, (u - 1) // 12), labels[min(2, (u - 1) // 12)]] for u in range(1, 31)],
    )
    co = []
    for movie in (1, 2, 3):
        related = [m for m in TITLES if m != movie][:4]
        for rank, other in enumerate(related, start=1):
            co.append(
                [movie, other, 60 - movie * 10 - rank * 5, round(0.9 - rank * 0.1 - movie * 0.05, 3), rank]
            )
    t["MOVIE_CO_RATINGS"] = (
        columns(
            "MOVIE_ID NUMBER, RELATED_MOVIE_ID NUMBER, CO_RATERS NUMBER, SCORE FLOAT, RELATED_RANK NUMBER"
        ),
        co,
    )
    t["RECOMMENDATION_PAIR_STATS"] = (
        columns(
            "ANALYSIS VARCHAR, INPUT_ROWS NUMBER, CANDIDATE_PAIRS NUMBER, KEPT_PAIRS NUMBER, MIN_CO_RATERS NUMBER"
        ),
        [["MOVIE_CO_RATINGS", 100836, 52000, 12, 5], ["USER_SIMILARITY", 100836, 185745, 10, 10]],
    )
    gaps = []
    for segment in ("ALL", "casual"):
        for rank, (genre, demand, supply) in enumerate(
            (("Sci-Fi", 0.18, 0.08), ("Film-Noir", 0.05, 0.02), ("Comedy", 0.2, 0.19), ("Drama", 0.3, 0.45)),
            1,
        ):
            gaps.append([segment, genre, demand, supply, round(demand - supply, 4), rank])
    t["CONTENT_COVERAGE_GAPS"] = (
        columns(
            "SEGMENT VARCHAR, GENRE VARCHAR, DEMAND_SHARE FLOAT, SUPPLY_SHARE FLOAT, GAP FLOAT, GAP_RANK NUMBER"
        ),
        gaps,
    )
    months = _months(30)
    t["RATINGS_OVER_TIME"] = (
        columns("MONTH_START DATE, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, ACTIVE_USERS NUMBER"),
        [[m, 1000 + i * 20 + (2500 if i == 7 else 0), 3.4 + i * 0.005, 50 + i] for i, m in enumerate(months)],
    )
    t["SEASONALITY"] = (
        columns(
            "MONTH_OF_YEAR NUMBER, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, SHARE_OF_RATINGS FLOAT, SEASONAL_INDEX FLOAT"
        ),
        [[m, 800 + (400 if m == 11 else 0) - (200 if m == 2 else 0), 3.5, 0.0, 0.0] for m in range(1, 13)],
    )
    total = sum(r[1] for r in t["SEASONALITY"][1])
    for r in t["SEASONALITY"][1]:
        r[3], r[4] = r[1] / total, r[1] / (total / 12)
    weekday_counts = (1500, 1200, 1100, 900, 1000, 1300, 1400)
    t["SEASONALITY_WEEKDAY"] = (
        columns("DAY_OF_WEEK NUMBER, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, SHARE_OF_RATINGS FLOAT"),
        [[d, c, 3.5, c / sum(weekday_counts)] for d, c in enumerate(weekday_counts, start=1)],
    )
    anomalies = []
    for i, m in enumerate(months):
        count, expected = 1000 + i * 20 + (2500 if i == 7 else 0) - (700 if i == 20 else 0), 1000 + i * 20
        z = (count - expected) / 250
        direction = "spike" if z > 3 else "drop" if z < -2.5 else "normal"
        releases = "Avengers: Endgame & Toy Story 4" if i == 7 else None
        anomalies.append([m, count, expected, z, direction, direction != "normal", releases])
    t["ACTIVITY_ANOMALIES"] = (
        columns(
            "PERIOD_START DATE, RATINGS_COUNT NUMBER, EXPECTED_COUNT FLOAT, Z_SCORE FLOAT, DIRECTION VARCHAR, IS_ANOMALY BOOLEAN, RELEASES VARCHAR"
        ),
        anomalies,
    )
    t["DATA_COMPLETENESS"] = (
        columns(
            "TABLE_NAME VARCHAR, COLUMN_NAME VARCHAR, ROWS_TOTAL NUMBER, ROWS_MISSING NUMBER, SHARE_MISSING FLOAT, NOTE VARCHAR"
        ),
        [
            ["SRC_LINKS", "TMDB_ID", 9742, 8, 8 / 9742, "TMDb has no entry"],
            ["DIM_MOVIES", "RELEASE_YEAR", 9742, 13, 13 / 9742, "no year in the title"],
            ["FCT_RATINGS", "RATING", 100836, 0, 0.0, None],
            ["SRC_TAGS", "TAG", 3683, 0, 0.0, None],
        ],
    )
    consistency = [
        ["user", u, 20 + u, 3.5 + (u - 15) * 0.1, 1.0, (u - 15) * 0.1, abs(u - 15) > 12] for u in range(1, 31)
    ]
    consistency += [["movie", m, 50, 3.0, 1.2, (m - 4) * 0.3, m == 8] for m in TITLES]
    t["RATING_CONSISTENCY"] = (
        columns(
            "ENTITY_TYPE VARCHAR, ENTITY_ID NUMBER, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, STDDEV_RATING FLOAT, MEAN_BIAS FLOAT, IS_OUTLIER BOOLEAN"
        ),
        consistency,
    )
    models = [
        ("FCT_RATINGS", "incremental", 4.2),
        ("MOVIE_CO_RATINGS", "analysis", 9.5),
        ("USER_SIMILARITY", "analysis", 7.25),
        ("DIM_MOVIES", "table", 0.8),
        ("SRC_RATINGS", "view", 0.1),
        ("USER_SEGMENTS", "analysis", 1.1),
    ]
    t["MODEL_TIMINGS"] = (
        columns(
            "MODEL_NAME VARCHAR, KIND VARCHAR, RUNS NUMBER, LAST_SECONDS FLOAT, AVG_SECONDS FLOAT, MAX_SECONDS FLOAT, LAST_ROWS NUMBER, LAST_STATUS VARCHAR, LAST_RUN_AT TIMESTAMP_NTZ"
        ),
        [
            [
                name,
                kind,
                3,
                s,
                s * 1.1,
                s * 1.5,
                1000 * (i + 1),
                "success",
                datetime(2024, 5, 1, 6, 0) + timedelta(seconds=i),
            ]
            for i, (name, kind, s) in enumerate(models)
        ],
    )
    t["PROMOTION_CANDIDATES"] = (
        columns(
            "MOVIE_ID NUMBER, TITLE VARCHAR, SCORE FLOAT, BAYESIAN_AVG FLOAT, RATINGS_COUNT NUMBER, RECENT_RATINGS NUMBER, PROMOTION_RANK NUMBER"
        ),
        [
            [m, TITLES[m], 0.95 - r * 0.07, 4.3 - r * 0.1, 200 - r * 10, 40 - r * 5, r]
            for r, m in enumerate((8, 3, 4, 1), 1)
        ],
    )
    t["GENRE_GROWTH_POTENTIAL"] = (
        columns(
            "GENRE VARCHAR, CATALOG_SHARE FLOAT, RATING_SHARE FLOAT, AVG_RATING FLOAT, RECENT_GROWTH FLOAT, POTENTIAL_SCORE FLOAT, POTENTIAL_RANK NUMBER"
        ),
        [
            [g, 0.05 + i * 0.03, 0.12 - i * 0.01, genre_avgs[g], 0.3 - i * 0.1, 0.9 - i * 0.1, i + 1]
            for i, g in enumerate(("Sci-Fi", "Film-Noir", "Documentary", "Comedy", "Drama"))
        ],
    )
    segment_of = {u: "heavy" if u <= 5 else "regular" if u <= 15 else "casual" for u in range(1, 31)}
    t["USER_SEGMENTS"] = (
        columns(
            "USER_ID NUMBER, SEGMENT VARCHAR, RATINGS_COUNT NUMBER, AVG_RATING FLOAT, TENURE_DAYS NUMBER"
        ),
        [[u, segment_of[u], 20 + (30 - u) * 7, 3.5, 100 + u * 10] for u in range(1, 31)],
    )
    t["USER_SEGMENT_SUMMARY"] = (
        columns(
            "SEGMENT VARCHAR, DESCRIPTION VARCHAR, USERS NUMBER, SHARE_OF_USERS FLOAT, AVG_RATINGS_PER_USER FLOAT, AVG_RATING FLOAT"
        ),
        [
            ["heavy", "at least 200 ratings", 5, 5 / 30, 210.0, 3.3],
            ["regular", "50 to 199 ratings", 10, 10 / 30, 140.0, 3.6],
            ["casual", "fewer than 50 ratings", 15, 15 / 30, 60.0, 3.9],
        ],
    )
    t["ANALYSIS_PARAMETERS"] = (
        columns("ANALYSIS VARCHAR, PARAMETER VARCHAR, VALUE VARCHAR, DESCRIPTION VARCHAR"),
        [
            [
                "MOVIE_RATING_DISTRIBUTION",
                "MIN_STDDEV",
                "1.5",
                "polarised when the standard deviation is at least this",
            ],
            ["ACTIVITY_ANOMALIES", "Z_THRESHOLD", "3", "a period is anomalous when |z| exceeds this"],
            ["PROMOTION_CANDIDATES", "PRIOR_WEIGHT", "25", "Bayesian prior weight (ratings)"],
            ["MOVIE_CO_RATINGS", "MIN_CO_RATERS", "5", "pairs need at least this many co-raters"],
            ["user_segments", "HEAVY_MIN_RATINGS", "200", "heavy users rate at least this many movies"],
            ["WATCHLIST_EXPERIMENT", "ENABLED", "false", "a parameter no section claims"],
        ],
    )
    return t


def load_table(engine: Engine, relation: str, types: dict[str, str], rows: Iterable[Sequence[Any]]) -> None:
    """CREATE OR REPLACE the table and INSERT the rows (one statement; the column types convert)."""
    engine.execute(f"CREATE OR REPLACE TABLE {relation} ({', '.join(f'{c} {k}' for c, k in types.items())})")
    values = [
        "("
        + ", ".join(
            "NULL" if v is None else f"CAST({literal(v)} AS {k})"
            for v, k in zip(r, types.values(), strict=True)
        )
        + ")"
        for r in rows
    ]
    if values:
        engine.execute(f"INSERT INTO {relation} ({', '.join(types)}) VALUES {', '.join(values)}")


def with_contract_columns(name: str, types: dict[str, str], rows: Rows) -> tuple[dict[str, str], Rows]:
    """The table padded to the MovieLens analysis contract: columns the report never reads, NULL."""
    spec = Registry.from_package("netflix_elt.movielens.pipeline")[name]
    assert spec.contract is not None, name
    missing = {c.name: c.type for c in spec.contract.columns if c.name not in types}
    return {**types, **missing}, [[*row, *(None for _ in missing)] for row in rows]


def create_synthetic_analyses(
    engine: Engine, schema: str = "ANALYSIS", skip: Iterable[str] = ()
) -> list[str]:
    """Create every synthetic table except ``skip``; returns the names created."""
    created = []
    for name, (types, rows) in synthetic_tables().items():
        if name not in set(skip):
            load_table(engine, engine.fqn(schema, name), *with_contract_columns(name, types, rows))
            created.append(name)
    return created
