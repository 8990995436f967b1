"""Dimensions: movies (title and year parsed), genres, users, genome tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.declare import column, model
from netflix_elt.engine.functions import regexp_replace
from netflix_elt.kinds import Ephemeral, Table
from netflix_elt.movielens.pipeline.checks import RELEASE_YEARS, not_blank, not_null, sum_reconciles
from netflix_elt.movielens.pipeline.exact import exact_sum
from netflix_elt.quality import check, gxe, relationship, row_count_reconciles, singular
from netflix_elt.snowpark import F

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

DIM: dict[str, Any] = {"tags": ["dim"]}
NO_GENRES = "(no genres listed)"
# "Name (1995)", "Name (2006–2007)" (en dash) or "Name (a.k.a. Other) (1995)"; the year is the last group.
YEAR_SUFFIX = r"\s*\((\d{4})(–\d{4})?\)\s*$"


@model(
    # Tracked: new movies are its daily change set, so readers of its changes stay incremental.
    Table(track_changes=True),
    **DIM,
    checks=[
        # Titles are not unique: MovieLens lists a few films under two movieIds.
        *not_null("MOVIE_ID", "TITLE"),
        gxe.ExpectColumnValuesToBeUnique(column="MOVIE_ID"),
        *not_blank("TITLE"),
        # One row per staged movie: the title parsing neither drops nor repeats movies.
        row_count_reconciles(to="src_movies"),
        # A year outside the range means the title parser took a number that is not a year; the
        # movie is still usable, so this only reports it.
        check(
            gxe.ExpectColumnValuesToBeBetween(
                column="RELEASE_YEAR", min_value=RELEASE_YEARS[0], max_value=RELEASE_YEARS[1]
            ),
            severity="warn",
        ),
    ],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TITLE", "VARCHAR", nullable=False),
        column("RELEASE_YEAR", "NUMBER(38,0)"),
        column("GENRES", "VARCHAR", nullable=False),
    ],
)
def dim_movies(src_movies: DataFrame) -> DataFrame:
    """One row per movie: title without its year, release year from the title (NULL when absent)."""
    title = F.col("TITLE")
    year = F.regexp_extract(title, YEAR_SUFFIX, 1)
    return src_movies.select(
        F.col("MOVIE_ID"),
        F.trim(regexp_replace(title, YEAR_SUFFIX)).alias("TITLE"),
        F.iff(year == "", F.lit(None), year).cast("int").alias("RELEASE_YEAR"),
        F.col("GENRES"),
    )


@model(
    # Tracked: AGG_USER_GENRE_RATINGS folds in the genres of new movies from its change set.
    Table(track_changes=True),
    **DIM,
    checks=[
        *not_null("MOVIE_ID", "GENRE"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["MOVIE_ID", "GENRE"]),
        relationship("MOVIE_ID", to="dim_movies"),
        # Warn only: a genre the seed does not know (MovieLens added IMAX once) is reported so the
        # seed gets updated; the analyses treat an unknown genre as a group of its own meanwhile.
        relationship("GENRE", to="seed_genres", severity="warn", name="genre_in_seed_genres"),
    ],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("GENRE", "VARCHAR", nullable=False, key=True),
    ],
)
def dim_movie_genres(src_movies: DataFrame) -> DataFrame:
    """One row per (movie, genre); movies with '(no genres listed)' have none."""
    exploded = src_movies.join_table_function("flatten", F.split(F.col("GENRES"), F.lit("|")))
    genre = F.trim(F.col("VALUE").cast("string"))
    return (
        exploded.select(F.col("MOVIE_ID"), genre.alias("GENRE"))
        .filter((F.col("GENRE") != NO_GENRES) & (F.col("GENRE") != ""))
        .distinct()
    )


@model(
    # Its changes (a day's active users) are what MART_USER_BEHAVIOR recomputes.
    Table(track_changes=True),
    **DIM,
    checks=[
        *not_null("USER_ID", "FIRST_ACTIVITY_AT", "LAST_ACTIVITY_AT"),
        gxe.ExpectColumnValuesToBeUnique(column="USER_ID"),
        # The facts' foreign keys, checked here because this table is built from the facts:
        # every user who rated or tagged has a row.
        singular(
            "fct_ratings_user_in_dim_users",
            "SELECT DISTINCT r.USER_ID FROM {fct_ratings} r LEFT JOIN {this} u ON r.USER_ID = u.USER_ID "
            "WHERE u.USER_ID IS NULL",
        ),
        singular(
            "src_tags_user_in_dim_users",
            "SELECT DISTINCT t.USER_ID FROM {src_tags} t LEFT JOIN {this} u ON t.USER_ID = u.USER_ID "
            "WHERE u.USER_ID IS NULL",
        ),
        sum_reconciles("RATINGS_COUNT", to="fct_ratings"),
    ],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("FIRST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("LAST_ACTIVITY_AT", "TIMESTAMP_NTZ", nullable=False),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("TAGS_COUNT", "NUMBER(38,0)", nullable=False),
    ],
)
def dim_users(agg_user_ratings: DataFrame, src_tags: DataFrame) -> DataFrame:
    """Every user seen in ratings or tags, with first/last activity and counts of each. The ratings side
    comes from the per-user partials (one row per rating user), the tags side from the current tags."""
    events = agg_user_ratings.select(
        F.col("USER_ID"),
        F.col("FIRST_RATED_AT").alias("FIRST_AT"),
        F.col("LAST_RATED_AT").alias("LAST_AT"),
        F.col("RATINGS_COUNT").alias("RATINGS"),
        F.lit(0).alias("TAGS"),
    ).union_all(
        src_tags.select(
            F.col("USER_ID"),
            F.col("TAGGED_AT").alias("FIRST_AT"),
            F.col("TAGGED_AT").alias("LAST_AT"),
            F.lit(0).alias("RATINGS"),
            F.lit(1).alias("TAGS"),
        )
    )
    return events.group_by("USER_ID").agg(
        F.min("FIRST_AT").alias("FIRST_ACTIVITY_AT"),
        F.max("LAST_AT").alias("LAST_ACTIVITY_AT"),
        exact_sum("RATINGS", 0).cast("int").alias("RATINGS_COUNT"),
        exact_sum("TAGS", 0).cast("int").alias("TAGS_COUNT"),
    )


@model(
    Table(),
    **DIM,
    checks=[
        *not_null("TAG_ID", "TAG"),
        gxe.ExpectColumnValuesToBeUnique(column="TAG_ID"),
    ],
    columns=[
        column("TAG_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TAG", "VARCHAR", nullable=False),
    ],
)
def dim_genome_tags(src_genome_tags: DataFrame) -> DataFrame:
    return src_genome_tags.select(F.col("TAG_ID"), F.col("TAG"))


@model(Ephemeral(), **DIM)
def dim_movies_with_tags(
    dim_movies: DataFrame, fct_genome_scores: DataFrame, dim_genome_tags: DataFrame
) -> DataFrame:
    """Movies x genome scores x genome tags; inlined into its consumers, never stored."""
    scored = fct_genome_scores.join(dim_movies, "MOVIE_ID").join(dim_genome_tags, "TAG_ID")
    return scored.select(F.col("MOVIE_ID"), F.col("TITLE"), F.col("TAG_ID"), F.col("TAG"), F.col("RELEVANCE"))
