"""The hand-written DuckDB baseline: the same pipeline as netflix_elt.movielens.pipeline, in plain DuckDB SQL.

It reads the MovieLens CSVs directly and builds the staging, dimension, fact and mart tables and the
tag snapshot's first version, one statement per model, with no framework in between. The benchmark
runs it in the same invocation as the framework so the two numbers are comparable. The analyses
are not mirrored here (the comparison covers load + the core models).

Loading does the framework's accounting with DuckDB's own means: each of the six files is read once
by ``read_csv`` with typed columns and ``store_rejects`` (a record DuckDB cannot parse or cast is kept
in a rejects table with its line and DuckDB's error message instead of failing the file); the
rejected records are copied into a persistent ``load_rejects`` table and one ``load_log`` row per
file records read = loaded + rejected. DuckDB's casts are its own (more lenient than the framework's
rules: it accepts ``+5``, `` 5``, ``5.0`` or ``1e3`` in an integer column and ``NaN`` in a double)
and the RAW tables have no load columns (source file, line number, load time, batch).
"""

from __future__ import annotations

import time
from pathlib import Path

SEED = (
    Path(__file__).resolve().parents[1]
    / "src/netflix_elt/movielens/pipeline/seeds/seed_movie_release_dates.csv"
)
YEAR_SUFFIX = r"\s*\((\d{4})(–\d{4})?\)\s*$"


# (step name, file, table, typed columns) of every file the framework loads, in its order.
LOADS = [
    (
        "LOAD_MOVIES",
        "movies.csv",
        "raw_movies",
        "{'movieId': 'BIGINT', 'title': 'VARCHAR', 'genres': 'VARCHAR'}",
    ),
    (
        "LOAD_RATINGS",
        "ratings.csv",
        "raw_ratings",
        "{'userId': 'BIGINT', 'movieId': 'BIGINT', 'rating': 'DOUBLE', 'timestamp': 'BIGINT'}",
    ),
    (
        "LOAD_TAGS",
        "tags.csv",
        "raw_tags",
        "{'userId': 'BIGINT', 'movieId': 'BIGINT', 'tag': 'VARCHAR', 'timestamp': 'BIGINT'}",
    ),
    (
        "LOAD_LINKS",
        "links.csv",
        "raw_links",
        "{'movieId': 'BIGINT', 'imdbId': 'VARCHAR', 'tmdbId': 'BIGINT'}",
    ),
    (
        "LOAD_GENOME_SCORES",
        "genome-scores.csv",
        "raw_genome_scores",
        "{'movieId': 'BIGINT', 'tagId': 'BIGINT', 'relevance': 'DOUBLE'}",
    ),
    ("LOAD_GENOME_TAGS", "genome-tags.csv", "raw_genome_tags", "{'tagId': 'BIGINT', 'tag': 'VARCHAR'}"),
]
ACCOUNTING = [
    "CREATE TABLE load_log (file VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT)",
    "CREATE TABLE load_rejects (file VARCHAR, line BIGINT, reason VARCHAR, raw_record VARCHAR)",
]


def load_steps(data_dir: Path) -> list[tuple[str, list[str]]]:
    """(step name, statements) loading each present file with DuckDB's reject tables and accounting."""
    options = "header=true, quote='\"', escape='\"', strict_mode=false"
    result = []
    for name, file_name, table, columns in LOADS:
        path = data_dir / file_name
        if not path.is_file():
            continue
        rejects = f"{table}_rejects"
        result.append(
            (
                name,
                [
                    f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', {options}, columns={columns}, "
                    f"store_rejects=true, rejects_table='{rejects}', rejects_scan='{table}_scans')",
                    f"INSERT INTO load_rejects SELECT '{file_name}', line, error_message, csv_line FROM {rejects}",
                    f"INSERT INTO load_log SELECT '{file_name}', loaded + rejected, loaded, rejected FROM "
                    f"(SELECT (SELECT count(*) FROM {table}) AS loaded, "
                    f"(SELECT count(DISTINCT line) FROM {rejects}) AS rejected)",
                ],
            )
        )
    return result


def steps(data_dir: Path) -> list[tuple[str, str]]:
    """(model name, DuckDB statement) in dependency order, after the loads."""
    genome = data_dir / "genome-scores.csv"
    result = [
        (
            "SRC_RATINGS",
            "CREATE TABLE src_ratings AS SELECT userId AS user_id, movieId AS movie_id, rating, "
            "to_timestamp(timestamp)::TIMESTAMP AS rated_at FROM raw_ratings "
            "QUALIFY row_number() OVER (PARTITION BY userId, movieId ORDER BY timestamp DESC) = 1",
        ),
        (
            "SRC_TAGS",
            "CREATE TABLE src_tags AS SELECT userId AS user_id, movieId AS movie_id, trim(tag) AS tag, "
            "to_timestamp(timestamp)::TIMESTAMP AS tagged_at FROM raw_tags "
            "QUALIFY row_number() OVER (PARTITION BY userId, movieId, trim(tag) ORDER BY timestamp DESC) = 1",
        ),
        (
            "DIM_MOVIES",
            "CREATE TABLE dim_movies AS SELECT movieId AS movie_id, "
            f"trim(regexp_replace(trim(title), '{YEAR_SUFFIX}', '')) AS title, "
            f"nullif(regexp_extract(trim(title), '{YEAR_SUFFIX}', 1), '')::INT AS release_year, genres FROM raw_movies",
        ),
        (
            "DIM_MOVIE_GENRES",
            "CREATE TABLE dim_movie_genres AS SELECT DISTINCT movie_id, trim(g) AS genre FROM "
            "(SELECT movieId AS movie_id, unnest(string_split(genres, '|')) AS g FROM raw_movies) "
            "WHERE trim(g) <> '(no genres listed)' AND trim(g) <> ''",
        ),
        (
            "FCT_RATINGS",
            "CREATE TABLE fct_ratings AS SELECT user_id, movie_id, rating, rated_at FROM src_ratings",
        ),
        (
            "DIM_USERS",
            "CREATE TABLE dim_users AS SELECT user_id, min(event_at) AS first_activity_at, "
            "max(event_at) AS last_activity_at, sum(is_rating)::BIGINT AS ratings_count, sum(is_tag)::BIGINT AS tags_count "
            "FROM (SELECT user_id, rated_at AS event_at, 1 AS is_rating, 0 AS is_tag FROM fct_ratings UNION ALL "
            "SELECT user_id, tagged_at, 0, 1 FROM src_tags) GROUP BY user_id",
        ),
        (
            "SEED_MOVIE_RELEASE_DATES",
            f"CREATE TABLE seed_movie_release_dates AS SELECT * FROM read_csv('{SEED}', "
            "header=true, columns={'movie_id': 'BIGINT', 'release_date': 'DATE'})",
        ),
        (
            "MART_MOVIE_RELEASES",
            "CREATE TABLE mart_movie_releases AS SELECT f.user_id, f.movie_id, f.rating, f.rated_at, "
            "s.release_date, CASE WHEN s.release_date IS NULL THEN 'unknown' ELSE 'known' END AS release_info "
            "FROM fct_ratings f LEFT JOIN seed_movie_release_dates s USING (movie_id)",
        ),
        (
            "MART_CONTENT_METRICS",
            "CREATE TABLE mart_content_metrics AS SELECT f.movie_id, count(*) AS ratings_count, "
            "avg(rating) AS avg_rating, stddev_samp(rating) AS stddev_rating, "
            "avg(CASE WHEN rating <= 2 THEN 1.0 ELSE 0.0 END) AS share_low, "
            "avg(CASE WHEN rating >= 4 THEN 1.0 ELSE 0.0 END) AS share_high, any_value(d.title) AS title "
            "FROM fct_ratings f LEFT JOIN dim_movies d USING (movie_id) GROUP BY f.movie_id",
        ),
        (
            "MART_TEMPORAL_TRENDS",
            "CREATE TABLE mart_temporal_trends AS SELECT date_trunc('month', rated_at) AS "
            "month_start, count(*) AS ratings_count, avg(rating) AS avg_rating, count(DISTINCT user_id) AS active_users "
            "FROM fct_ratings GROUP BY 1",
        ),
        (
            "MART_USER_BEHAVIOR",
            "CREATE TABLE mart_user_behavior AS WITH g AS (SELECT user_id, genre, count(*) n, "
            "avg(rating) a FROM fct_ratings JOIN dim_movie_genres USING (movie_id) GROUP BY ALL), fav AS ("
            "SELECT user_id, genre AS favorite_genre FROM g QUALIFY row_number() OVER (PARTITION BY user_id "
            "ORDER BY n DESC, a DESC, genre) = 1), av AS (SELECT user_id, avg(rating) avg_rating FROM fct_ratings "
            "GROUP BY 1) SELECT u.*, av.avg_rating, fav.favorite_genre FROM dim_users u LEFT JOIN av USING (user_id) "
            "LEFT JOIN fav USING (user_id)",
        ),
        (
            "SNAP_TAGS",
            "CREATE TABLE snap_tags AS SELECT *, tagged_at AS valid_from, NULL::TIMESTAMP AS valid_to, "
            "TRUE AS is_current, FALSE AS is_deleted FROM src_tags",
        ),
    ]
    if genome.is_file():
        result.append(
            (
                "FCT_GENOME_SCORES",
                "CREATE TABLE fct_genome_scores AS SELECT movieId AS movie_id, "
                "tagId AS tag_id, round(relevance, 4) AS relevance FROM raw_genome_scores WHERE relevance > 0",
            )
        )
    return result


def run_baseline(data_dir: Path, work_dir: Path, *, only_load: bool = False) -> dict[str, float]:
    """Run every step (only the loads with ``only_load``) on a fresh DuckDB file; return seconds per step,
    plus LOAD (all loads with their accounting) and TOTAL."""
    import duckdb

    work_dir.mkdir(parents=True, exist_ok=True)
    database = work_dir / "baseline.duckdb"
    database.unlink(missing_ok=True)
    connection = duckdb.connect(str(database))
    connection.execute("SET TimeZone = 'UTC'")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    for statement in ACCOUNTING:
        connection.execute(statement)
    for name, statements in load_steps(data_dir):
        began = time.perf_counter()
        for statement in statements:
            connection.execute(statement)
        timings[name] = time.perf_counter() - began
    timings["LOAD"] = time.perf_counter() - start
    if not only_load:
        for name, statement in steps(data_dir):
            began = time.perf_counter()
            connection.execute(statement)
            timings[name] = time.perf_counter() - began
    timings["TOTAL"] = time.perf_counter() - start
    connection.close()
    return timings
