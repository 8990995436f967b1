"""Benchmark (run by hand): what checks add to a build, per route.

    .venv/bin/python benchmarks/check_routes.py [ROWS]     # default 5,000,000

A synthetic ratings-like raw table (user_id, movie_id, rating, rated_at as epoch seconds) is turned into
a fact table by one Table model with 8 expectations. Reported: the model's build time without checks,
the time of its checks on the push-down route (alone and inside a build), on GX-over-pandas with only
the named columns fetched, and GX-over-pandas on the whole table; the GX import; peak memory.
"""

from __future__ import annotations

import gc
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import snowflake.snowpark.functions as F

from netflix_elt import Table, model, source
from netflix_elt.quality import check, gxe

raw_ratings = source("RAW_RATINGS")

CHECKS = [
    gxe.ExpectColumnValuesToNotBeNull(column="USER_ID"),
    gxe.ExpectColumnValuesToNotBeNull(column="MOVIE_ID"),
    gxe.ExpectColumnValuesToNotBeNull(column="RATING"),
    gxe.ExpectColumnValuesToNotBeNull(column="RATED_AT"),
    gxe.ExpectColumnValuesToBeBetween(column="RATING", min_value=0.5, max_value=5.0),
    gxe.ExpectColumnValuesToBeInSet(column="RATING", value_set=[x / 2 for x in range(1, 11)]),
    check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID"]), severity="warn"),
    gxe.ExpectTableRowCountToBeBetween(min_value=1),
]


@model(Table(), checks=CHECKS)
def fct_ratings(raw_ratings):
    return raw_ratings.select(
        F.col("USER_ID"),
        F.col("MOVIE_ID"),
        F.col("RATING").cast("NUMBER(2,1)").alias("RATING"),
        F.to_timestamp(F.col("TS")).alias("RATED_AT"),
    )


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def timed(action: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        clock = time.perf_counter()
        action()
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def main(rows: int) -> None:
    import numpy as np
    import pandas as pd

    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner
    from netflix_elt.registry import Registry

    state = Path(tempfile.mkdtemp(prefix="bench-checks-"))
    project = Project.local(state, Registry.from_modules(sys.modules[__name__]))
    engine = project.engine
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "USER_ID": rng.integers(1, 160_000, rows),
            "MOVIE_ID": rng.integers(1, 60_000, rows),
            "RATING": rng.integers(1, 11, rows) / 2.0,
            "TS": rng.integers(789_652_009, 1_427_784_002, rows),
        }
    )
    engine.session().create_dataframe(frame).write.save_as_table(
        project.relation("raw_ratings"), mode="overwrite"
    )
    del frame
    gc.collect()
    spec, target = project.registry["FCT_RATINGS"], project.relation("fct_ratings")

    def build_seconds(with_checks: bool) -> float:
        project.use_check_runner(default_check_runner(project, "pushdown") if with_checks else None)
        run = project.build(select=["fct_ratings"])
        return run.by_name()["FCT_RATINGS"].seconds

    build = statistics.median(build_seconds(False) for _ in range(3))
    build_checked = statistics.median(build_seconds(True) for _ in range(3))
    pushdown = timed(lambda: default_check_runner(project, "pushdown")(spec, target))
    results = default_check_runner(project, "pushdown")(spec, target)
    peak_pushdown = peak_gb()

    clock = time.perf_counter()
    from netflix_elt.quality.gx_route import import_gx

    import_gx()
    gx_import = time.perf_counter() - clock
    projected = timed(lambda: default_check_runner(project, "gx-pandas")(spec, target), repeat=1)
    peak_projected = peak_gb()

    def gx_whole_table() -> None:
        from netflix_elt.quality.check_runner import declared_checks
        from netflix_elt.quality.gx_route import GxValidator

        whole = engine.session().table(target).to_pandas()
        calls = [(i, c.expectation) for i, (_, c) in enumerate(declared_checks(spec, "bench"))]
        GxValidator().validate_frame(whole, calls, "bench")

    whole = timed(gx_whole_table, repeat=1)
    peak_whole = peak_gb()
    project.close()
    shutil.rmtree(state)

    print(f"rows: {rows:,}; 8 expectations on FCT_RATINGS")
    print(f"build of the model, no checks (median of 3):      {build:7.2f} s")
    print(f"build of the model + push-down checks (median):   {build_checked:7.2f} s")
    print(
        f"push-down checks alone (median of 3):             {pushdown:7.2f} s  ({pushdown / build:.0%} of the build)"
        f"  peak RSS {peak_pushdown:.2f} GB"
    )
    print(f"GX import (once per process):                     {gx_import:7.2f} s")
    print(
        f"GX pandas, named columns fetched:                 {projected:7.2f} s  peak RSS {peak_projected:.2f} GB"
    )
    print(f"GX pandas, whole table fetched:                   {whole:7.2f} s  peak RSS {peak_whole:.2f} GB")
    for result in results:
        print(
            f"  {result['name']:58} {result['success']!s:5} unexpected={result['unexpected_count']}"
            f" observed={result['observed_value']} {result['seconds']:.3f}s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)
