"""Dimensions: movies (title and year parsed), genres, users, genome tags."""

from __future__ import annotations

from snowflake.snowpark import DataFrame
from snowflake.snowpark import functions as F

from netflix_elt.declare import model
from netflix_elt.engine.functions import regexp_replace
from netflix_elt.kinds import Ephemeral, Table
from netflix_elt.pipeline.checks import RELEASE_YEARS, not_blank, not_null, sum_reconciles
from netflix_elt.quality import check, gxe, relationship, row_count_reconciles, singular

DIM = {"tags": ["dim"]}
NO_GENRES = "(no genres listed)"
# "Name (1995)", "Name (2006–2007)" (en dash) or "Name (a.k.a. Other) (1995)"; the year is the last group.
YEAR_SUFFIX = r"\s*\((\d{4})(–\d{4})?\)\s*$"


@model(
    Table(),
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
    Table(),
    **DIM,
    checks=[
        *not_null("MOVIE_ID", "GENRE"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["MOVIE_ID", "GENRE"]),
        relationship("MOVIE_ID", to="dim_movies"),
        # Warn only: a genre the seed does not know (MovieLens added IMAX once) is reported so the
        # seed gets updated; the analyses treat an unknown genre as a group of its own meanwhile.
        relationship("GENRE", to="seed_genres", severity="warn", name="genre_in_seed_genres"),
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
    Table(),
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
)
def dim_users(fct_ratings: DataFrame, src_tags: DataFrame) -> DataFrame:
    """Every user seen in ratings or tags, with first/last activity and counts of each."""
    events = fct_ratings.select(
        F.col("USER_ID"), F.col("RATED_AT").alias("AT"), F.lit(1).alias("IS_RATING"), F.lit(0).alias("IS_TAG")
    ).union_all(
        src_tags.select(
            F.col("USER_ID"),
            F.col("TAGGED_AT").alias("AT"),
            F.lit(0).alias("IS_RATING"),
            F.lit(1).alias("IS_TAG"),
        )
    )
    return events.group_by("USER_ID").agg(
        F.min("AT").alias("FIRST_ACTIVITY_AT"),
        F.max("AT").alias("LAST_ACTIVITY_AT"),
        F.sum("IS_RATING").cast("int").alias("RATINGS_COUNT"),
        F.sum("IS_TAG").cast("int").alias("TAGS_COUNT"),
    )


@model(
    Table(),
    **DIM,
    checks=[
        *not_null("TAG_ID", "TAG"),
        gxe.ExpectColumnValuesToBeUnique(column="TAG_ID"),
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
