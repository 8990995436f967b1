"""Benchmark (run by hand, not collected by pytest): what the original project's tests add to a full
``build`` of the MovieLens pipeline, as quality checks on the push-down route.

    .venv/bin/netflix-elt generate --out /tmp/gen5m --ratings 5000000
    .venv/bin/netflix-elt load --source /tmp/gen5m --state-dir /tmp/st5m
    .venv/bin/python tests/quality/bench_pipeline_checks.py /tmp/st5m

The loaded state directory is copied twice; one copy is built without checks, the other with the
original dbt project's 13 generic and 3 singular tests (plus the snapshot invariants) declared with
``netflix_elt.quality``. Both are first builds from the same raw data.
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from netflix_elt.quality import gxe, singular, snapshot_invariants

NOT_NULL = gxe.ExpectColumnValuesToNotBeNull
UNIQUE = gxe.ExpectColumnValuesToBeUnique
CHECKS = {
    "DIM_MOVIES": [UNIQUE(column="MOVIE_ID"), NOT_NULL(column="MOVIE_ID"), NOT_NULL(column="TITLE")],
    "DIM_USERS": [UNIQUE(column="USER_ID"), NOT_NULL(column="USER_ID")],
    "DIM_GENOME_TAGS": [UNIQUE(column="TAG_ID"), NOT_NULL(column="TAG")],
    "FCT_RATINGS": [
        NOT_NULL(column="USER_ID"),
        NOT_NULL(column="MOVIE_ID"),
        NOT_NULL(column="RATING"),
        NOT_NULL(column="RATED_AT"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["USER_ID", "MOVIE_ID"]),
    ],
    "FCT_GENOME_SCORES": [
        NOT_NULL(column="RELEVANCE"),
        singular("genome_relevance_not_positive", "SELECT * FROM {this} WHERE RELEVANCE <= 0"),
    ],
    "MART_CONTENT_METRICS": [
        singular(
            "average_rating_out_of_range", "SELECT * FROM {this} WHERE AVG_RATING < 0 OR AVG_RATING > 5"
        ),
        singular(
            "ratings_without_movie",
            "SELECT r.* FROM {fct_ratings} r LEFT JOIN {dim_movies} m ON r.MOVIE_ID = m.MOVIE_ID "
            "WHERE m.MOVIE_ID IS NULL",
        ),
    ],
    "SNAP_TAGS": [*snapshot_invariants()],
}


def with_checks(registry):
    from netflix_elt.registry import Registry

    return Registry(
        dataclasses.replace(spec, checks=tuple(CHECKS[spec.name])) if spec.name in CHECKS else spec
        for spec in registry
    )


def build(state_dir: Path, registry, checked: bool) -> tuple[float, float, int]:
    """Seconds of the whole build, seconds spent in checks, number of checks."""
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner

    with Project.local(state_dir, registry) as project:
        if checked:
            project.use_check_runner(default_check_runner(project))
        clock = time.perf_counter()
        run = project.build()
        seconds = time.perf_counter() - clock
        failed = [(r.name, r.message) for r in run.results if not r.passed]
        if failed:
            raise SystemExit(f"build failed: {failed}")
        checks = [c for r in run.results for c in r.checks]
        return seconds, sum(c["seconds"] for c in checks), len(checks)


def main(loaded: Path, rounds: int = 3) -> None:
    from netflix_elt.registry import Registry

    plain = Registry.from_package("netflix_elt.pipeline")
    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    plain_times, checked_times, inside, count = [], [], [], 0
    for round_number in range(rounds):  # interleaved, so a busy spell hits both variants
        for checked in (False, True):
            copy = work / f"round{round_number}_{checked}"
            shutil.copytree(loaded, copy)
            seconds, in_checks, count = build(copy, with_checks(plain) if checked else plain, checked)
            (checked_times if checked else plain_times).append(seconds)
            if checked:
                inside.append(in_checks)
            shutil.rmtree(copy)
    base, total, spent = (statistics.median(v) for v in (plain_times, checked_times, inside))
    print(
        f"pipeline build without checks (median of {rounds}): {base:7.2f} s  {[round(t, 1) for t in plain_times]}"
    )
    print(
        f"pipeline build with {count} checks (median):      {total:7.2f} s  {[round(t, 1) for t in checked_times]}"
    )
    print(
        f"time inside the checks (median):               {spent:7.2f} s  ({spent / base:.0%} of the plain build)"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
