"""Facts: ratings (incremental merge) and genome scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.declare import ModelContext, column, model
from netflix_elt.kinds import Incremental, Table
from netflix_elt.movielens.pipeline.checks import RATING_VALUES, not_null
from netflix_elt.movielens.pipeline.staging import staged_ratings
from netflix_elt.quality import gxe, relationship, row_count_reconciles, singular
from netflix_elt.snowpark import F

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

FACT: dict[str, Any] = {"tags": ["fact"]}


@model(
    Incremental(
        unique_key=("USER_ID", "MOVIE_ID"),
        strategy="merge",
        changes_of=("raw_ratings",),
        on_schema_change="fail",
        # A later batch wins a tie, as in SRC_RATINGS; an older rating of a pair never replaces a newer.
        update_if="source.RATED_AT >= target.RATED_AT",
    ),
    **FACT,
    checks=[
        *not_null("USER_ID", "MOVIE_ID", "RATING", "RATED_AT"),
        gxe.ExpectColumnValuesToBeInSet(column="RATING", value_set=RATING_VALUES),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID"]),
        relationship("MOVIE_ID", to="dim_movies"),
        # Every staged (user, movie) pair is in the table: reconciled weekly by DATA_COMPLETENESS
        # (fct_ratings_holds_every_staged_pair): counting the pairs of every raw batch is a full pass.
    ],
    columns=[
        column("USER_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RATING", "FLOAT", nullable=False),
        column("RATED_AT", "TIMESTAMP_NTZ", nullable=False),
    ],
)
def fct_ratings(raw_ratings: DataFrame, ctx: ModelContext) -> DataFrame:
    """One row per (user, movie), as SRC_RATINGS stages it: the newest rating. An incremental build
    reads only the raw batches loaded since the last one and keeps the newest row per pair among them;
    the merge applies it where it is at least as new as the table's (``update_if``): a re-rating
    updates the row, a late rating of a new pair is inserted however old it is."""
    source = ctx.inserted("raw_ratings") if ctx.is_incremental else raw_ratings
    return _fact_columns(staged_ratings(source))


def _fact_columns(ratings: DataFrame) -> DataFrame:
    return ratings.select(F.col("USER_ID"), F.col("MOVIE_ID"), F.col("RATING"), F.col("RATED_AT"))


@model(
    Table(),
    **FACT,
    checks=[
        *not_null("MOVIE_ID", "TAG_ID", "RELEVANCE"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["MOVIE_ID", "TAG_ID"]),
        singular("genome_relevance_not_positive", "SELECT * FROM {this} WHERE RELEVANCE <= 0"),
        gxe.ExpectColumnValuesToBeBetween(column="RELEVANCE", max_value=1.0),
        relationship("TAG_ID", to="dim_genome_tags"),
        relationship("MOVIE_ID", to="dim_movies"),
    ],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TAG_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("RELEVANCE", "FLOAT", nullable=False),
    ],
)
def fct_genome_scores(src_genome_scores: DataFrame) -> DataFrame:
    """Genome relevance rounded to 4 places, kept when above zero. The filter is on the rounded value, so
    a tiny relevance that rounds to 0 is dropped too (the relevance check requires it)."""
    rounded = src_genome_scores.select(
        F.col("MOVIE_ID"), F.col("TAG_ID"), F.round(F.col("RELEVANCE"), 4).alias("RELEVANCE")
    )
    return rounded.filter(F.col("RELEVANCE") > 0)


@model(
    Incremental(unique_key=("MOVIE_ID", "TAG_ID"), strategy="delete+insert", changes_of=("dim_movies",)),
    **FACT,
    # The inner joins to the dims drop no score (the relationships above make that hold).
    checks=[row_count_reconciles(to="fct_genome_scores")],
    columns=[
        column("MOVIE_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TITLE", "VARCHAR", nullable=False),
        column("TAG_ID", "NUMBER(38,0)", nullable=False, key=True),
        column("TAG", "VARCHAR", nullable=False),
        column("RELEVANCE", "FLOAT", nullable=False),
    ],
)
def ep_movie_with_tags(
    dim_movies_with_tags: DataFrame, dim_movies: DataFrame, ctx: ModelContext
) -> DataFrame:
    """The movie x genome tag matrix, materialised from the ephemeral DIM_MOVIES_WITH_TAGS. A day with
    new or changed movies recomputes their rows only (the framework deletes every row of those movies
    first); new genome scores or tags rebuild it in full."""
    if not ctx.is_incremental:
        return dim_movies_with_tags
    movie = F.col("MOVIE_ID")
    changed = movie.isin(ctx.inserted("dim_movies").select("MOVIE_ID")) | movie.isin(
        ctx.deleted("dim_movies").select("MOVIE_ID")
    )
    return dim_movies_with_tags.filter(changed)
