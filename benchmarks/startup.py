"""Start-up of the netflix-elt commands (issue 10, goal 2), run by hand: wall and CPU time per command.

    .venv/bin/python benchmarks/startup.py [--runs 7] [--work /tmp/bench-startup]

Prepares a small warehouse once (``demo --ratings 20000 --days 0`` on the embedded engine), then runs
each command ``--runs`` times in a fresh process and reports the median wall time, the median CPU time
(user + system of the child: what the command costs when the machine is shared) and whether it imported
Snowpark. Goals: ``--help``, ``ls``, ``graph`` at most 0.5 s; ``sql "select 1"``, ``show`` and a build
with nothing to do at most 2 s. Prints markdown and writes ``<work>/startup.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "netflix-elt"
COMMANDS: list[tuple[str, list[str], float]] = [
    ("--help", ["--help"], 0.5),
    ("ls", ["ls"], 0.5),
    ("graph", ["graph"], 0.5),
    ('sql "select 1"', ["sql", "select 1"], 2.0),
    ("show dim_movies", ["show", "dim_movies"], 2.0),
    ("build (no input changed)", ["build"], 2.0),
]
IMPORT_PROBE = "import sys; from netflix_elt.movielens.cli import main; sys.argv = ['netflix-elt', *sys.argv[1:]]; main()"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one command in a child process (the CPU of that child alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(BIN), *args], env=env, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imports_snowpark(args: list[str], env: dict[str, str]) -> bool:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", IMPORT_PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return "snowflake.snowpark" in done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-startup"))
    options = parser.parse_args()
    state = options.work / "state"
    env = {**os.environ, "NETFLIX_ELT_STATE_DIR": str(state)}
    if not (state / "run_results.json").is_file():
        subprocess.run(
            [str(BIN), "demo", "--ratings", "20000", "--days", "0", "--out", str(options.work / "data")],
            env=env,
            capture_output=True,
            check=True,
        )
    rows = []
    for label, args, goal in COMMANDS:
        timed(args, env)  # warm the file cache
        samples = [timed(args, env) for _ in range(options.runs)]
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        snowpark = "yes" if imports_snowpark(args, env) else "no"
        verdict = "met" if wall <= goal else "missed"
        rows.append(f"| `{label}` | {wall:.2f} | {cpu:.2f} | {goal:g} | {verdict} | {snowpark} |")
    load = os.getloadavg()[0]
    table = "\n".join(
        [
            f"median of {options.runs} runs; load average {load:.1f} on {os.cpu_count()} cores",
            "",
            "| command | wall s | CPU s | goal s | goal | imports Snowpark |",
            "|---|---:|---:|---:|---|---|",
            *rows,
        ]
    )
    print(table)
    (options.work / "startup.md").write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
