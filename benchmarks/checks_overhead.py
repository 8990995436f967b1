"""Benchmark (run by hand): what the pipeline's declared checks add to a full
``build`` of the MovieLens pipeline, and what ``test`` (the checks alone) costs.

    .venv/bin/netflix-elt generate --out /tmp/q5m --ratings 5000000
    .venv/bin/netflix-elt --state-dir /tmp/q5m_state load --source /tmp/q5m --mode replace
    .venv/bin/python benchmarks/checks_overhead.py /tmp/q5m_state [rounds]

Each round copies the loaded state directory twice and builds one copy without checks (the library
facade installs no check runner) and the other with the check runner the CLI installs; then runs
``test`` on the checked copy. Rounds alternate, so a busy spell on the machine hits both variants.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def timed_build(state_dir: Path, checked: bool) -> tuple[float, float, dict[str, float]]:
    """Seconds of the build, seconds of ``test`` (checked only), seconds per check in the build."""
    from netflix_elt.movielens import PIPELINE
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner

    with Project.local(state_dir, project=PIPELINE) as project:
        if checked:
            project.use_check_runner(default_check_runner(project))
        clock = time.perf_counter()
        run = project.build()
        seconds = time.perf_counter() - clock
        failed = [(r.name, r.message) for r in run.results if not r.passed]
        if failed:
            raise SystemExit(f"build failed: {failed}")
        per_check = {f"{r.name}: {c['name']}": c["seconds"] for r in run.results for c in r.checks}
        test_seconds = 0.0
        if checked:
            clock = time.perf_counter()
            if not project.test().success:
                raise SystemExit("test failed")
            test_seconds = time.perf_counter() - clock
        return seconds, test_seconds, per_check


def main(loaded: Path, rounds: int = 3) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-gates-"))
    plain, checked, tests, per_check = [], [], [], defaultdict(list)
    try:
        for number in range(rounds):
            for with_checks in (False, True):
                copy = work / f"round{number}_{with_checks}"
                shutil.copytree(loaded, copy)
                seconds, test_seconds, checks = timed_build(copy, with_checks)
                (checked if with_checks else plain).append(seconds)
                if with_checks:
                    tests.append(test_seconds)
                    for name, spent in checks.items():
                        per_check[name].append(spent)
                shutil.rmtree(copy)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base, total, alone = (statistics.median(v) for v in (plain, checked, tests))
    inside = statistics.median([sum(v[i] for v in per_check.values()) for i in range(rounds)])
    print(f"build without checks (median of {rounds}): {base:7.2f} s  {[round(t, 1) for t in plain]}")
    print(
        f"build with {len(per_check)} checks (median):     {total:7.2f} s  {[round(t, 1) for t in checked]}"
    )
    print(f"overhead on the build:                  {total - base:7.2f} s  ({(total - base) / base:+.0%})")
    print(f"netflix-elt test (checks alone):        {alone:7.2f} s  ({alone / base:.0%} of the plain build)")
    print(f"time inside checks during the build:    {inside:7.2f} s (summed over both threads)")
    print("costliest checks (median seconds):")
    ranked = sorted(per_check.items(), key=lambda item: -statistics.median(item[1]))
    for name, spent in ranked[:10]:
        print(f"  {statistics.median(spent):6.2f}  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
