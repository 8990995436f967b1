"""Operations: data completeness (Q13), rating consistency (Q14), model timings (Q15)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netflix_elt.movielens.report import charts
from netflix_elt.movielens.report import format as fmt
from netflix_elt.movielens.report.data import movie_label
from netflix_elt.movielens.report.lineage import KIND_COLOURS
from netflix_elt.movielens.report.sections.base import Content, SectionSpec, TableColumn, table
from netflix_elt.movielens.report.svg import ACCENT, MUTED, SECOND

if TYPE_CHECKING:
    from netflix_elt.movielens.report.data import ReportData

BIAS_BINS_PER_STAR = 4  # histogram bins of a quarter star


def completeness(data: ReportData) -> Content:
    t = data.rel("DATA_COMPLETENESS")
    totals = data.row(f"SELECT COUNT(*) AS CHECKED, SUM(IFF(ROWS_MISSING = 0, 1, 0)) AS COMPLETE FROM {t}")
    worst = data.rows(
        f"SELECT TABLE_NAME, COLUMN_NAME, ROWS_TOTAL, ROWS_MISSING, SHARE_MISSING, NOTE FROM {t} "
        "ORDER BY SHARE_MISSING DESC NULLS LAST, ROWS_MISSING DESC, TABLE_NAME, COLUMN_NAME LIMIT 15"
    )
    answer = [
        f"{fmt.integer(totals['COMPLETE'])} of {fmt.plural(totals['CHECKED'], 'checked column')} have no missing values."
    ]
    first = worst[0]
    if float(first["ROWS_MISSING"] or 0) > 0:
        note = f" ({first['NOTE']})" if first["NOTE"] else ""
        answer.append(
            f"The least complete is {first['TABLE_NAME']}.{first['COLUMN_NAME']}: {fmt.integer(first['ROWS_MISSING'])} "
            f"of {fmt.plural(first['ROWS_TOTAL'], 'row')} ({fmt.percent(first['SHARE_MISSING'], 2)}) missing{note}."
        )
    else:
        answer.append("No checked column has a missing value.")
    return Content(
        answer,
        [
            charts.hbar_chart(
                [f"{r['TABLE_NAME']}.{r['COLUMN_NAME']}" for r in worst],
                [r["SHARE_MISSING"] for r in worst],
                "Share of rows missing, least complete columns",
                formatter=lambda v: fmt.percent(v, 2),
                colours=[SECOND if float(r["ROWS_MISSING"] or 0) > 0 else ACCENT for r in worst],
            )
        ],
        [
            table(
                [
                    TableColumn("Table", lambda r: str(r["TABLE_NAME"])),
                    TableColumn("TableColumn", lambda r: str(r["COLUMN_NAME"])),
                    TableColumn("Rows", lambda r: fmt.integer(r["ROWS_TOTAL"]), True),
                    TableColumn("Missing", lambda r: fmt.integer(r["ROWS_MISSING"]), True),
                    TableColumn("Share", lambda r: fmt.percent(r["SHARE_MISSING"], 2), True),
                    TableColumn("Note", lambda r: str(r["NOTE"] or "")),
                ],
                worst[:10],
                "Least complete columns",
            )
        ],
    )


def consistency(data: ReportData) -> Content:
    t = data.rel("RATING_CONSISTENCY")
    kinds = data.rows(
        "SELECT ENTITY_TYPE, COUNT(*) AS ENTITIES, SUM(IFF(IS_OUTLIER, 1, 0)) AS OUTLIERS, "
        f"MIN(MEAN_BIAS) AS LOWEST, MAX(MEAN_BIAS) AS HIGHEST FROM {t} GROUP BY ENTITY_TYPE ORDER BY ENTITY_TYPE"
    )
    bins = data.rows(
        f"SELECT ENTITY_TYPE, FLOOR(MEAN_BIAS * {BIAS_BINS_PER_STAR}) AS BIN, COUNT(*) AS ENTITIES FROM {t} "
        f"WHERE MEAN_BIAS IS NOT NULL GROUP BY ENTITY_TYPE, FLOOR(MEAN_BIAS * {BIAS_BINS_PER_STAR}) "
        "ORDER BY ENTITY_TYPE, BIN"
    )
    outliers = data.rows(
        "SELECT ENTITY_TYPE, ENTITY_ID, RATINGS_COUNT, AVG_RATING, STDDEV_RATING, MEAN_BIAS "
        f"FROM {t} WHERE IS_OUTLIER ORDER BY ABS(MEAN_BIAS) DESC, ENTITY_TYPE, ENTITY_ID LIMIT 10"
    )
    titles = data.titles(r["ENTITY_ID"] for r in outliers if r["ENTITY_TYPE"] == "movie")
    answer = [
        fmt.listing(
            f"{fmt.integer(k['OUTLIERS'])} of {fmt.plural(k['ENTITIES'], str(k['ENTITY_TYPE']))} "
            f"({fmt.percent(float(k['OUTLIERS'] or 0) / float(k['ENTITIES'] or 1))})"
            for k in kinds
        )
        + " rate (or are rated) out of line with everyone else and are flagged as outliers."
    ]
    users = next((k for k in kinds if k["ENTITY_TYPE"] == "user"), None)
    if users is not None:
        answer.append(
            f"User bias against the average runs from {fmt.signed(users['LOWEST'])} stars (the harshest) to "
            f"{fmt.signed(users['HIGHEST'])} (the most generous)."
        )
    charts_ = []
    for kind in kinds:
        rows = [b for b in bins if b["ENTITY_TYPE"] == kind["ENTITY_TYPE"]]
        if not rows:
            continue
        counts = {int(b["BIN"]): float(b["ENTITIES"]) for b in rows}
        span = range(min(counts), max(counts) + 1)
        charts_.append(
            charts.histogram(
                [fmt.signed(b / BIAS_BINS_PER_STAR) for b in span],
                [counts.get(b, 0.0) for b in span],
                f"Mean bias of each {kind['ENTITY_TYPE']} against the average (stars)",
                width=520,
            )
        )
    return Content(
        answer,
        charts_,
        [
            table(
                [
                    TableColumn("Type", lambda r: str(r["ENTITY_TYPE"])),
                    TableColumn("Who", lambda r: entity_label(r, titles)),
                    TableColumn("Ratings", lambda r: fmt.integer(r["RATINGS_COUNT"]), True),
                    TableColumn("Avg", lambda r: fmt.rating(r["AVG_RATING"]), True),
                    TableColumn("Std dev", lambda r: fmt.rating(r["STDDEV_RATING"]), True),
                    TableColumn("Bias", lambda r: fmt.signed(r["MEAN_BIAS"]), True),
                ],
                outliers,
                "Strongest outliers",
            )
        ],
    )


def entity_label(row: dict[str, Any], titles: dict[int, str]) -> str:
    if row["ENTITY_TYPE"] == "movie":
        return movie_label(titles, row["ENTITY_ID"])
    return f"{row['ENTITY_TYPE']} {row['ENTITY_ID']}"


def model_timings(data: ReportData) -> Content:
    t = data.rel("MODEL_TIMINGS")
    totals = data.row(
        "SELECT COUNT(*) AS MODELS, SUM(LAST_SECONDS) AS LAST_TOTAL, MAX(RUNS) AS RUNS, "
        f"SUM(IFF(LAST_STATUS = 'error', 1, 0)) AS ERRORS, MAX(LAST_RUN_AT) AS LAST_RUN_AT FROM {t}"
    )
    slowest = data.rows(
        "SELECT MODEL_NAME, KIND, RUNS, LAST_SECONDS, AVG_SECONDS, MAX_SECONDS, LAST_ROWS, LAST_STATUS, "
        f"LAST_RUN_AT FROM {t} ORDER BY LAST_SECONDS DESC NULLS LAST, MODEL_NAME LIMIT 15"
    )
    whole = float(totals["LAST_TOTAL"] or 0)
    top = slowest[0]
    top_three = sum(float(r["LAST_SECONDS"] or 0) for r in slowest[:3])
    answer = [
        f"{fmt.plural(totals['MODELS'], 'model')} timed over up to {fmt.plural(totals['RUNS'], 'run')} (latest "
        f"{fmt.timestamp(totals['LAST_RUN_AT'])}); their last builds add up to {fmt.seconds(whole)} of work.",
        f"The slowest is {top['MODEL_NAME']} ({top['KIND']}) at {fmt.seconds(top['LAST_SECONDS'])} "
        f"(average {fmt.seconds(top['AVG_SECONDS'])}, max {fmt.seconds(top['MAX_SECONDS'])}); the three slowest "
        f"take {fmt.percent(top_three / whole if whole else 0)} of the total. "
        + (
            f"{fmt.plural(totals['ERRORS'], 'model')} last ended in error."
            if totals["ERRORS"]
            else "No model last ended in error."
        ),
    ]
    kinds = list(dict.fromkeys(str(r["KIND"]) for r in slowest))
    return Content(
        answer,
        [
            charts.hbar_chart(
                [str(r["MODEL_NAME"]) for r in slowest],
                [r["LAST_SECONDS"] for r in slowest],
                "Slowest models, last build (seconds)",
                formatter=fmt.seconds,
                colours=[KIND_COLOURS.get(str(r["KIND"]), MUTED) for r in slowest],
                notes=[f"avg {fmt.seconds(r['AVG_SECONDS'])}" for r in slowest],
                legend_entries=[(k, KIND_COLOURS.get(k, MUTED)) for k in kinds],
            )
        ],
        [
            table(
                [
                    TableColumn("Model", lambda r: str(r["MODEL_NAME"])),
                    TableColumn("Kind", lambda r: str(r["KIND"])),
                    TableColumn("Runs", lambda r: fmt.integer(r["RUNS"]), True),
                    TableColumn("Last", lambda r: fmt.seconds(r["LAST_SECONDS"]), True),
                    TableColumn("Avg", lambda r: fmt.seconds(r["AVG_SECONDS"]), True),
                    TableColumn("Max", lambda r: fmt.seconds(r["MAX_SECONDS"]), True),
                    TableColumn("Rows", lambda r: fmt.integer(r["LAST_ROWS"]), True),
                    TableColumn("Status", lambda r: str(r["LAST_STATUS"] or fmt.MISSING)),
                ],
                slowest[:10],
                "Slowest models",
            )
        ],
    )


SECTIONS = (
    SectionSpec(
        13,
        "completeness",
        "Operations",
        "Data completeness",
        "How complete are the loaded data, column by column?",
        ("DATA_COMPLETENESS",),
        completeness,
        ("COMPLETE", "MISSING"),
    ),
    SectionSpec(
        14,
        "consistency",
        "Operations",
        "Rating consistency",
        "Which users and movies are rated out of line with the rest?",
        ("RATING_CONSISTENCY",),
        consistency,
        ("CONSISTEN", "OUTLIER", "BIAS"),
    ),
    SectionSpec(
        15,
        "model-timings",
        "Operations",
        "Model timings",
        "How long does each model take to build, and which are the bottlenecks?",
        ("MODEL_TIMINGS",),
        model_timings,
        ("TIMING",),
    ),
)
