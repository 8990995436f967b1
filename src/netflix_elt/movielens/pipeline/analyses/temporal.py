"""Questions 2, 10, 11 and 12: when users rate (weekday x hour, months, seasons) and unusual months.

All times are UTC. Calendar grids are complete: every weekday x hour cell, every month between the
first and the last rating, every month of the year and every weekday appear, with 0 ratings (and a
NULL average) where there were none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.declare import column, model
from netflix_elt.kinds import Analysis
from netflix_elt.movielens.pipeline.analyses._common import (
    Parameter,
    day_name,
    global_stats,
    integer_spine,
    one_row,
    ratio,
)
from netflix_elt.movielens.pipeline.exact import exact_sum
from netflix_elt.snowpark import Column, F, Window

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

# ACTIVITY_ANOMALIES works on calendar months (UTC). The baseline of a month is the mean and the
# sample standard deviation of the BASELINE_PERIODS months before it (the month itself excluded).
ANOMALY_PERIOD = "month"
BASELINE_PERIODS = 12
# With fewer earlier months than this, no z-score is computed (the month is 'normal').
MIN_BASELINE_PERIODS = 6
# |z| at or above this marks an anomaly: 'spike' above the baseline, 'drop' below.
ANOMALY_Z = 3.0
RELEASES_SEPARATOR = "; "


def parameters() -> tuple[Parameter, ...]:
    """This module's method parameters with their current values, as ANALYSIS_PARAMETERS states them."""
    return (
        Parameter(
            "ACTIVITY_BY_WEEKDAY_HOUR", "TIMEZONE", "UTC", "DAY_OF_WEEK is ISO: 1 = Monday .. 7 = Sunday"
        ),
        Parameter(
            "SEASONALITY",
            "SEASONAL_INDEX",
            "mean count of that calendar month / mean monthly count",
            "over every month between the first and the last rating, months without ratings included",
        ),
        Parameter(
            "ACTIVITY_ANOMALIES", "PERIOD", ANOMALY_PERIOD, "calendar months, UTC; PERIOD_START is the 1st"
        ),
        Parameter(
            "ACTIVITY_ANOMALIES",
            "BASELINE_PERIODS",
            BASELINE_PERIODS,
            "EXPECTED_COUNT = mean ratings count of this many preceding months (the month itself excluded)",
        ),
        Parameter(
            "ACTIVITY_ANOMALIES",
            "MIN_BASELINE_PERIODS",
            MIN_BASELINE_PERIODS,
            "no z-score (and no anomaly) with fewer preceding months",
        ),
        Parameter(
            "ACTIVITY_ANOMALIES",
            "ANOMALY_Z",
            ANOMALY_Z,
            "Z_SCORE = (count - expected) / sample stddev of the baseline; |z| >= this is an anomaly",
        ),
        Parameter(
            "ACTIVITY_ANOMALIES",
            "RELEASES",
            "SEED_MOVIE_RELEASE_DATES",
            "titles whose release date falls in the month; NEW_MOVIES_RATED counts movies first rated then",
        ),
    )


def _month(timestamp: Column) -> Column:
    return F.to_date(F.date_trunc("month", timestamp))


@model(
    Analysis(question="When during the week do users rate (UTC weekday x hour)?"),
    tags=["analysis", "temporal"],
    columns=[
        column("DAY_OF_WEEK", "NUMBER(38,0)", nullable=False, key=True),
        column("DAY_NAME", "VARCHAR", nullable=False),
        column("HOUR_OF_DAY", "NUMBER(38,0)", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("SHARE_OF_RATINGS", "FLOAT", nullable=False),
    ],
)
def activity_by_weekday_hour(agg_rating_hours: DataFrame) -> DataFrame:
    """All 168 (ISO weekday, hour) cells with ratings count, mean rating and share of all ratings."""
    observed = (
        agg_rating_hours.group_by("DAY_OF_WEEK", "HOUR_OF_DAY")
        .agg(
            exact_sum("RATINGS_COUNT", 0).alias("_N"),
            exact_sum(F.col("RATING") * F.col("RATINGS_COUNT"), 1).alias("_SUM"),
        )
        .select(
            F.col("DAY_OF_WEEK"),
            F.col("HOUR_OF_DAY"),
            F.col("_N").alias("RATINGS_COUNT"),
            ratio(F.col("_SUM"), F.col("_N")).alias("AVG_RATING"),
        )
    )
    cells = integer_spine(one_row(agg_rating_hours), 7 * 24).select(
        (F.floor(F.col("N") / 24) + 1).cast("int").alias("DAY_OF_WEEK"),
        (F.col("N") % 24).cast("int").alias("HOUR_OF_DAY"),
    )
    joined = cells.join(observed, ["DAY_OF_WEEK", "HOUR_OF_DAY"], how="left")
    count = F.coalesce(F.col("RATINGS_COUNT"), F.lit(0))
    return joined.select(
        F.col("DAY_OF_WEEK"),
        day_name(F.col("DAY_OF_WEEK")).alias("DAY_NAME"),
        F.col("HOUR_OF_DAY"),
        count.alias("RATINGS_COUNT"),
        F.col("AVG_RATING"),
        F.coalesce(ratio(count, F.sum(count).over()), F.lit(0.0)).alias("SHARE_OF_RATINGS"),
    )


@model(
    Analysis(question="How does rating activity change month by month?"),
    tags=["analysis", "temporal"],
    columns=[
        column("MONTH_START", "DATE", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("ACTIVE_USERS", "NUMBER(38,0)", nullable=False),
        column("NEW_USERS", "NUMBER(38,0)", nullable=False),
        column("CUMULATIVE_RATINGS", "NUMBER(38,0)", nullable=False),
    ],
)
def ratings_over_time(agg_user_ratings: DataFrame, mart_temporal_trends: DataFrame) -> DataFrame:
    """Every calendar month (UTC) from the first rating to the last: ratings, mean rating, active users,
    users rating for the first time (NEW_USERS) and the running total of ratings."""
    bounds = global_stats(agg_user_ratings).select(
        _month(F.col("FIRST_RATED_AT")).alias("FIRST_MONTH"),
        F.datediff("month", F.col("FIRST_RATED_AT"), F.col("LAST_RATED_AT")).alias("SPAN"),
    )
    months = integer_spine(bounds, F.col("SPAN") + 1, name="I").cross_join(bounds.select("FIRST_MONTH"))
    months = months.select(
        F.to_date(F.dateadd("month", F.col("I"), F.col("FIRST_MONTH"))).alias("MONTH_START")
    )
    trends = mart_temporal_trends.select(
        _month(F.col("MONTH_START")).alias("MONTH_START"),
        F.col("RATINGS_COUNT"),
        F.col("AVG_RATING"),
        F.col("ACTIVE_USERS"),
    )
    newcomers = agg_user_ratings.group_by(_month(F.col("FIRST_RATED_AT")).alias("MONTH_START")).agg(
        F.count(F.lit(1)).alias("NEW_USERS")
    )
    joined = months.join(trends, "MONTH_START", how="left").join(newcomers, "MONTH_START", how="left")
    count = F.coalesce(F.col("RATINGS_COUNT"), F.lit(0))
    running = Window.order_by("MONTH_START").rows_between(Window.UNBOUNDED_PRECEDING, Window.CURRENT_ROW)
    return joined.select(
        F.col("MONTH_START"),
        count.alias("RATINGS_COUNT"),
        F.col("AVG_RATING"),
        F.coalesce(F.col("ACTIVE_USERS"), F.lit(0)).alias("ACTIVE_USERS"),
        F.coalesce(F.col("NEW_USERS"), F.lit(0)).alias("NEW_USERS"),
        F.sum(count).over(running).cast("bigint").alias("CUMULATIVE_RATINGS"),
    )


@model(
    Analysis(question="Is there seasonality by month of the year?"),
    tags=["analysis", "temporal"],
    columns=[
        column("MONTH_OF_YEAR", "NUMBER(38,0)", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("SHARE_OF_RATINGS", "FLOAT", nullable=False),
        column("MONTHS_OBSERVED", "NUMBER(38,0)", nullable=False),
        column("MEAN_MONTHLY_COUNT", "FLOAT"),
        column("SEASONAL_INDEX", "FLOAT"),
    ],
)
def seasonality(ratings_over_time: DataFrame) -> DataFrame:
    """Months of the year 1..12: ratings, mean rating, share of all ratings, months observed and
    SEASONAL_INDEX = (mean count of that calendar month) / (mean count of all months)."""
    per_month = ratings_over_time.group_by(F.month(F.col("MONTH_START")).alias("MONTH_OF_YEAR")).agg(
        F.sum("RATINGS_COUNT").cast("bigint").alias("RATINGS_COUNT"),
        exact_sum(F.col("AVG_RATING") * F.col("RATINGS_COUNT")).alias("RATING_SUM"),
        F.count(F.lit(1)).alias("MONTHS_OBSERVED"),
    )
    calendar = integer_spine(one_row(ratings_over_time), 12, name="MONTH_OF_YEAR", start=1)
    joined = calendar.join(per_month, "MONTH_OF_YEAR", how="left")
    count = F.coalesce(F.col("RATINGS_COUNT"), F.lit(0))
    months = F.coalesce(F.col("MONTHS_OBSERVED"), F.lit(0))
    mean_all = ratio(F.sum(count).over(), F.sum(months).over())
    return joined.select(
        F.col("MONTH_OF_YEAR"),
        count.alias("RATINGS_COUNT"),
        ratio(F.col("RATING_SUM"), count).alias("AVG_RATING"),
        F.coalesce(ratio(count, F.sum(count).over()), F.lit(0.0)).alias("SHARE_OF_RATINGS"),
        months.alias("MONTHS_OBSERVED"),
        ratio(count, months).alias("MEAN_MONTHLY_COUNT"),
        ratio(ratio(count, months), mean_all).alias("SEASONAL_INDEX"),
    )


@model(
    Analysis(question="Is there seasonality by day of the week?"),
    tags=["analysis", "temporal"],
    columns=[
        column("DAY_OF_WEEK", "NUMBER(38,0)", nullable=False, key=True),
        column("DAY_NAME", "VARCHAR", nullable=False),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("AVG_RATING", "FLOAT"),
        column("SHARE_OF_RATINGS", "FLOAT", nullable=False),
    ],
)
def seasonality_weekday(activity_by_weekday_hour: DataFrame) -> DataFrame:
    """ISO weekdays 1..7: ratings, mean rating and share of all ratings (UTC)."""
    per_day = activity_by_weekday_hour.group_by("DAY_OF_WEEK", "DAY_NAME").agg(
        F.sum("RATINGS_COUNT").cast("bigint").alias("RATINGS_COUNT"),
        exact_sum(F.col("AVG_RATING") * F.col("RATINGS_COUNT")).alias("RATING_SUM"),
    )
    return per_day.select(
        F.col("DAY_OF_WEEK"),
        F.col("DAY_NAME"),
        F.col("RATINGS_COUNT"),
        ratio(F.col("RATING_SUM"), F.col("RATINGS_COUNT")).alias("AVG_RATING"),
        F.coalesce(ratio(F.col("RATINGS_COUNT"), F.sum("RATINGS_COUNT").over()), F.lit(0.0)).alias(
            "SHARE_OF_RATINGS"
        ),
    )


@model(
    Analysis(question="Are there unusual spikes or drops in activity, and do they line up with releases?"),
    tags=["analysis", "temporal"],
    columns=[
        column("PERIOD_START", "DATE", nullable=False, key=True),
        column("RATINGS_COUNT", "NUMBER(38,0)", nullable=False),
        column("EXPECTED_COUNT", "FLOAT"),
        column("BASELINE_STDDEV", "FLOAT"),
        column("BASELINE_PERIODS", "NUMBER(38,0)", nullable=False),
        column("Z_SCORE", "FLOAT"),
        column("DIRECTION", "VARCHAR", nullable=False),
        column("IS_ANOMALY", "BOOLEAN", nullable=False),
        column("RELEASES", "VARCHAR"),
        column("NEW_MOVIES_RATED", "NUMBER(38,0)", nullable=False),
    ],
)
def activity_anomalies(
    ratings_over_time: DataFrame,
    agg_movie_ratings: DataFrame,
    seed_movie_release_dates: DataFrame,
    dim_movies: DataFrame,
) -> DataFrame:
    """Every month of RATINGS_OVER_TIME with its trailing baseline, z-score, DIRECTION and IS_ANOMALY,
    the seed's releases of that month and the number of movies rated for the first time."""
    baseline = Window.order_by("MONTH_START").rows_between(-BASELINE_PERIODS, -1)
    scored = ratings_over_time.select(
        F.col("MONTH_START").alias("PERIOD_START"),
        F.col("RATINGS_COUNT"),
        F.avg("RATINGS_COUNT").over(baseline).cast("double").alias("EXPECTED_COUNT"),
        F.stddev_samp("RATINGS_COUNT").over(baseline).cast("double").alias("BASELINE_STDDEV"),
        F.count("RATINGS_COUNT").over(baseline).alias("BASELINE_PERIODS"),
    )
    z_score = F.iff(
        F.col("BASELINE_PERIODS") >= MIN_BASELINE_PERIODS,
        ratio(F.col("RATINGS_COUNT") - F.col("EXPECTED_COUNT"), F.col("BASELINE_STDDEV")),
        F.lit(None).cast("double"),
    )
    scored = scored.with_column("Z_SCORE", z_score)
    direction = (
        F.when(F.col("Z_SCORE") >= ANOMALY_Z, F.lit("spike"))
        .when(F.col("Z_SCORE") <= -ANOMALY_Z, F.lit("drop"))
        .otherwise(F.lit("normal"))
    )
    releases = (
        seed_movie_release_dates.join(dim_movies.select("MOVIE_ID", "TITLE"), "MOVIE_ID")
        .group_by(_month(F.col("RELEASE_DATE")).alias("PERIOD_START"))
        .agg(
            F.listagg(F.col("TITLE"), RELEASES_SEPARATOR)
            .within_group(F.col("RELEASE_DATE"), F.col("TITLE"))
            .alias("RELEASES")
        )
    )
    debuts = agg_movie_ratings.group_by(_month(F.col("FIRST_RATED_AT")).alias("PERIOD_START")).agg(
        F.count(F.lit(1)).alias("NEW_MOVIES_RATED")
    )
    joined = scored.join(releases, "PERIOD_START", how="left").join(debuts, "PERIOD_START", how="left")
    return joined.select(
        F.col("PERIOD_START"),
        F.col("RATINGS_COUNT"),
        F.col("EXPECTED_COUNT"),
        F.col("BASELINE_STDDEV"),
        F.col("BASELINE_PERIODS"),
        F.col("Z_SCORE"),
        direction.alias("DIRECTION"),
        (direction != "normal").alias("IS_ANOMALY"),
        F.col("RELEASES"),
        F.coalesce(F.col("NEW_MOVIES_RATED"), F.lit(0)).alias("NEW_MOVIES_RATED"),
    )
