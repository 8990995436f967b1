"""Questions 13 and 15: how complete the data is, and how long each model takes to build.

LOAD_REJECTS is the loader's table of rejected records (ELT_META.LOAD_REJECTS, created IF NOT EXISTS
by ``netflix-elt load``); an empty table simply means nothing was rejected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model, source
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.loader.layout import MOVIELENS_FILES, RawFile
from netflix_elt.movielens.pipeline.analyses._common import WEEKLY, Parameter, ratio, rows_from, union_all
from netflix_elt.quality import singular
from netflix_elt.snowpark import Column, F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

load_rejects = source(
    "LOAD_REJECTS", layer="meta", tags=["meta"], description="records the loader rejected, with a reason"
)

# RUN_HISTORY rows of these commands are builds; 'test' runs only time checks and are left out.
TIMED_COMMANDS = ("build", "run", "seed", "snapshot")


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(
            "DATA_COMPLETENESS",
            "RAW_NULLS",
            "NULL (or blank text) per column of every RAW table",
            "over every loaded batch; LOAD_REJECTS rows count rejected records per RAW table",
        ),
        Parameter(
            "MODEL_TIMINGS",
            "COMMANDS",
            ", ".join(TIMED_COMMANDS),
            "RUN_HISTORY rows of these commands that built the model (skipped nodes are counted apart)",
        ),
    )


COMPLETENESS_COLUMNS = {
    "CHECK_NAME": "varchar",
    "TABLE_NAME": "varchar",
    "COLUMN_NAME": "varchar",
    "ROWS_TOTAL": "bigint",
    "ROWS_MISSING": "bigint",
    "NOTE": "varchar",
}


def _count_if(condition: Column) -> Column:
    return F.coalesce(F.sum(F.iff(condition, F.lit(1), F.lit(0))), F.lit(0))


def _blank(column: str, sql_type: str) -> Column:
    value = F.col(column)
    return value.is_null() | (F.trim(value) == "") if sql_type == "VARCHAR" else value.is_null()


def _raw_checks(raw: DataFrame, spec: RawFile, rejected: DataFrame) -> DataFrame:
    """Per column of one RAW table: rows loaded with a NULL (or blank text); plus the records of its
    file the loader rejected, out of all records read (loaded + rejected)."""
    counts = raw.agg(
        F.count(F.lit(1)).alias("_TOTAL"), *[_count_if(_blank(c, t)).alias(c) for c, t in spec.columns]
    )
    rejects = rejected.filter(F.col("TARGET_TABLE") == spec.table).agg(F.count(F.lit(1)).alias("_REJECTED"))
    rows: list[tuple[object, ...]] = [
        (
            "RAW_NULLS",
            spec.table,
            column,
            F.col("_TOTAL"),
            F.col(column),
            f"NULL or blank {column} among the rows loaded from {spec.file_name} (every batch)",
        )
        for column, _ in spec.columns
    ]
    rows.append(
        (
            "LOAD_REJECTS",
            spec.table,
            "(record)",
            F.col("_TOTAL") + F.col("_REJECTED"),
            F.col("_REJECTED"),
            f"records of {spec.file_name} rejected by the loader (ELT_META.LOAD_REJECTS) among those read",
        )
    )
    return rows_from(counts.cross_join(rejects), COMPLETENESS_COLUMNS, rows)


def _movie_checks(
    dim_movies: DataFrame, fct_ratings: DataFrame, dim_movie_genres: DataFrame, fct_genome_scores: DataFrame
) -> DataFrame:
    """Catalog movies without a release year, a rating, a genre or a genome score."""

    def present(frame: DataFrame, flag: str) -> DataFrame:
        return frame.select("MOVIE_ID").distinct().with_column(flag, F.lit(1))

    counts = (
        dim_movies.select("MOVIE_ID", "RELEASE_YEAR")
        .join(present(fct_ratings, "_RATED"), "MOVIE_ID", how="left")
        .join(present(dim_movie_genres, "_GENRED"), "MOVIE_ID", how="left")
        .join(present(fct_genome_scores, "_GENOME"), "MOVIE_ID", how="left")
        .agg(
            F.count(F.lit(1)).alias("_TOTAL"),
            _count_if(F.col("RELEASE_YEAR").is_null()).alias("_NO_YEAR"),
            _count_if(F.col("_RATED").is_null()).alias("_UNRATED"),
            _count_if(F.col("_GENRED").is_null()).alias("_NO_GENRE"),
            _count_if(F.col("_GENOME").is_null()).alias("_NO_GENOME"),
            F.count("_GENOME").alias("_WITH_GENOME"),
        )
    )
    genome_note = F.iff(
        F.col("_WITH_GENOME") == 0,
        F.lit("no genome scores loaded (the genome files are optional)"),
        F.lit("catalog movies without any genome relevance score"),
    )
    total = F.col("_TOTAL")
    rows = [
        (
            "MISSING_RELEASE_YEAR",
            "DIM_MOVIES",
            "RELEASE_YEAR",
            total,
            F.col("_NO_YEAR"),
            "no (YYYY) at the end of the title; left out of RATINGS_BY_RELEASE_YEAR",
        ),
        ("MOVIE_NEVER_RATED", "DIM_MOVIES", "MOVIE_ID", total, F.col("_UNRATED"), "no rating in FCT_RATINGS"),
        ("MOVIE_WITHOUT_GENRES", "DIM_MOVIES", "GENRES", total, F.col("_NO_GENRE"), "(no genres listed)"),
        ("MOVIE_WITHOUT_GENOME", "FCT_GENOME_SCORES", "MOVIE_ID", total, F.col("_NO_GENOME"), genome_note),
    ]
    return rows_from(counts, COMPLETENESS_COLUMNS, rows)


def _user_and_rating_checks(dim_users: DataFrame, fct_ratings: DataFrame, dim_movies: DataFrame) -> DataFrame:
    """Users without tags or ratings; ratings of movies missing from DIM_MOVIES."""
    users = dim_users.agg(
        F.count(F.lit(1)).alias("_USERS"),
        _count_if(F.col("TAGS_COUNT") == 0).alias("_NO_TAGS"),
        _count_if(F.col("RATINGS_COUNT") == 0).alias("_NO_RATINGS"),
    )
    orphans = (
        fct_ratings.select("MOVIE_ID")
        .join(dim_movies.select("MOVIE_ID").with_column("_KNOWN", F.lit(1)), "MOVIE_ID", how="left")
        .agg(F.count(F.lit(1)).alias("_RATINGS"), _count_if(F.col("_KNOWN").is_null()).alias("_UNKNOWN"))
    )
    users_total = F.col("_USERS")
    rows = [
        ("USER_WITHOUT_TAGS", "DIM_USERS", "TAGS_COUNT", users_total, F.col("_NO_TAGS"), "no current tag"),
        (
            "USER_WITHOUT_RATINGS",
            "DIM_USERS",
            "RATINGS_COUNT",
            users_total,
            F.col("_NO_RATINGS"),
            "users who only tagged",
        ),
        (
            "RATING_OF_UNKNOWN_MOVIE",
            "FCT_RATINGS",
            "MOVIE_ID",
            F.col("_RATINGS"),
            F.col("_UNKNOWN"),
            "ratings whose movie is not in DIM_MOVIES",
        ),
    ]
    return rows_from(users.cross_join(orphans), COMPLETENESS_COLUMNS, rows)


@model(
    Analysis(question="How complete is the data, raw and modelled?"),
    tags=["analysis", "operations"],
    columns=[
        column("CHECK_NAME", "VARCHAR", nullable=False, key=True),
        column("TABLE_NAME", "VARCHAR", nullable=False, key=True),
        column("COLUMN_NAME", "VARCHAR", nullable=False, key=True),
        column("ROWS_TOTAL", "NUMBER(38,0)", nullable=False),
        column("ROWS_MISSING", "NUMBER(38,0)", nullable=False),
        column("NOTE", "VARCHAR", nullable=False),
        column("SHARE_MISSING", "FLOAT", nullable=False),
    ],
    cron=WEEKLY,
    checks=[
        # FCT_RATINGS holds every staged (user, movie) pair. Counting the pairs of every raw batch is a
        # full pass, so this reconciliation runs with the weekly completeness audit, not every day.
        singular(
            "fct_ratings_holds_every_staged_pair",
            "SELECT f.FCT_ROWS, s.STAGED_PAIRS FROM (SELECT COUNT(*) AS FCT_ROWS FROM {fct_ratings}) f "
            "CROSS JOIN (SELECT COUNT(*) AS STAGED_PAIRS FROM {src_ratings}) s "
            "WHERE f.FCT_ROWS <> s.STAGED_PAIRS",
            severity="warn",
        )
    ],
)
def data_completeness(
    raw_movies: DataFrame,
    raw_ratings: DataFrame,
    raw_tags: DataFrame,
    raw_links: DataFrame,
    raw_genome_scores: DataFrame,
    raw_genome_tags: DataFrame,
    load_rejects: DataFrame,
    dim_movies: DataFrame,
    dim_movie_genres: DataFrame,
    dim_users: DataFrame,
    fct_ratings: DataFrame,
    fct_genome_scores: DataFrame,
) -> DataFrame:
    """One row per check: CHECK_NAME, TABLE_NAME, COLUMN_NAME, ROWS_TOTAL, ROWS_MISSING, SHARE_MISSING, NOTE.

    Checks: NULL/blank values per RAW column; loader rejects per RAW table; movies without a release
    year, a rating, a genre or genome scores; users without tags or ratings; ratings of unknown movies."""
    raw = {
        "RAW_MOVIES": raw_movies,
        "RAW_RATINGS": raw_ratings,
        "RAW_TAGS": raw_tags,
        "RAW_LINKS": raw_links,
        "RAW_GENOME_SCORES": raw_genome_scores,
        "RAW_GENOME_TAGS": raw_genome_tags,
    }
    checks = [_raw_checks(raw[spec.table], spec, load_rejects) for spec in MOVIELENS_FILES]
    checks.append(_movie_checks(dim_movies, fct_ratings, dim_movie_genres, fct_genome_scores))
    checks.append(_user_and_rating_checks(dim_users, fct_ratings, dim_movies))
    combined = union_all(*checks)
    return combined.select(
        *COMPLETENESS_COLUMNS.keys(),
        F.coalesce(ratio(F.col("ROWS_MISSING"), F.col("ROWS_TOTAL")), F.lit(0.0)).alias("SHARE_MISSING"),
    )


@model(
    Analysis(question="How long does each model take to build?"),
    tags=["analysis", "operations"],
    runs_last=True,  # after every other node of the build, so that its RUN_HISTORY rows are there
    columns=[
        column("MODEL_NAME", "VARCHAR", nullable=False, key=True),
        column("KIND", "VARCHAR"),
        column("RUNS", "NUMBER(38,0)", nullable=False, run_dependent=True),
        column("LAST_SECONDS", "FLOAT", run_dependent=True),
        column("AVG_SECONDS", "FLOAT", run_dependent=True),
        column("MAX_SECONDS", "FLOAT", run_dependent=True),
        column("LAST_ROWS", "NUMBER(38,0)", run_dependent=True),
        column("LAST_STATUS", "VARCHAR", run_dependent=True),
        column("LAST_RUN_AT", "TIMESTAMP_NTZ", run_dependent=True),
        column("ERRORS", "NUMBER(38,0)", nullable=False, run_dependent=True),
        column("SKIPPED", "NUMBER(38,0)", nullable=False, run_dependent=True),
        column("LAST_RUN_ID", "VARCHAR", run_dependent=True),
        column("LAST_COMMAND", "VARCHAR", run_dependent=True),
    ],
)
def model_timings(run_history: DataFrame) -> DataFrame:
    """Per model from ELT_META.RUN_HISTORY (build-type commands): executions, last / average / maximum
    seconds, last row count, status and time, and how often it was skipped. Built last in its run, it
    covers that run's other nodes too (its own row of the run is written after it)."""
    history = run_history.filter(F.col("COMMAND").isin(*TIMED_COMMANDS))
    executed = history.filter(~F.col("STATUS").isin("skipped", "cancelled"))  # cancelled: cut short
    newest = Window.partition_by("MODEL_NAME").order_by(
        F.col("ENDED_AT").desc_nulls_last(), F.col("STARTED_AT").desc_nulls_last(), F.col("RUN_ID").desc()
    )
    last = (
        executed.with_column("_NEWEST", F.row_number().over(newest))
        .filter(F.col("_NEWEST") == 1)
        .select(
            F.col("MODEL_NAME"),
            F.col("KIND"),
            F.col("SECONDS").alias("LAST_SECONDS"),
            F.col("ROWS_AFFECTED").alias("LAST_ROWS"),
            F.col("STATUS").alias("LAST_STATUS"),
            F.col("ENDED_AT").alias("LAST_RUN_AT"),
            F.col("RUN_ID").alias("LAST_RUN_ID"),
            F.col("COMMAND").alias("LAST_COMMAND"),
        )
    )
    totals = executed.group_by("MODEL_NAME").agg(
        F.count(F.lit(1)).alias("RUNS"),
        F.avg("SECONDS").alias("AVG_SECONDS"),
        F.max("SECONDS").alias("MAX_SECONDS"),
        F.sum(F.iff(F.col("STATUS") == "error", F.lit(1), F.lit(0))).cast("bigint").alias("ERRORS"),
    )
    skips = (
        history.filter(F.col("STATUS") == "skipped")
        .group_by("MODEL_NAME")
        .agg(F.count(F.lit(1)).alias("SKIPPED"))
    )
    return (
        last.join(totals, "MODEL_NAME")
        .join(skips, "MODEL_NAME", how="left")
        .select(
            F.col("MODEL_NAME"),
            F.col("KIND"),
            F.col("RUNS"),
            F.col("LAST_SECONDS"),
            F.col("AVG_SECONDS"),
            F.col("MAX_SECONDS"),
            F.col("LAST_ROWS"),
            F.col("LAST_STATUS"),
            F.col("LAST_RUN_AT"),
            F.col("ERRORS"),
            F.coalesce(F.col("SKIPPED"), F.lit(0)).alias("SKIPPED"),
            F.col("LAST_RUN_ID"),
            F.col("LAST_COMMAND"),
        )
    )
