"""Benchmark: the whole MovieLens pipeline on the embedded engine against a hand-written DuckDB baseline.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/benchmark.py --ratings 1000000
    .venv/bin/python benchmarks/benchmark.py --ratings 5000000 --work /tmp/bench

It generates the data once per (ratings, seed) under ``--work``, then runs each phase in its own child
process so peak memory (max RSS) belongs to one phase:

* ``framework``: load (replace) -> build without checks -> test (every check alone) -> one daily
  increment loaded and built incrementally; per-model seconds and rows from the run results;
* ``baseline``: ``duckdb_baseline.py``, the same core models in plain DuckDB SQL on the CSVs.

Results go to stdout and ``<work>/benchmark-<ratings>.json`` / ``.md``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/netflix-elt-bench"))
    parser.add_argument("--phase", choices=["framework", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = args.work / f"data-{args.ratings}-{args.seed}"
    if args.phase:
        result = (
            run_framework(args, data_dir) if args.phase == "framework" else run_baseline_phase(args, data_dir)
        )
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    generated = ensure_data(data_dir, args.ratings, args.seed)
    phases = {phase: run_child(phase, args) for phase in ("baseline", "framework")}
    summary = {
        "ratings": args.ratings,
        "seed": args.seed,
        "threads": args.threads,
        "generate": generated,
        **phases,
    }
    markdown = render(summary)
    print(markdown)
    (args.work / f"benchmark-{args.ratings}.json").write_text(json.dumps(summary, indent=2))
    (args.work / f"benchmark-{args.ratings}.md").write_text(markdown)


def ensure_data(data_dir: Path, ratings: int, seed: int) -> dict:
    from netflix_elt.datagen import generate_dataset, generate_increment

    if not (data_dir / "ratings.csv").is_file():
        began = time.perf_counter()
        generate_dataset(data_dir, ratings, seed)
        generate_increment(data_dir, 1, seed)
        return {"seconds": round(time.perf_counter() - began, 2), "cached": False}
    return {"seconds": 0.0, "cached": True}


def run_child(phase: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        phase,
        "--ratings",
        str(args.ratings),
    ]
    command += ["--seed", str(args.seed), "--threads", str(args.threads), "--work", str(args.work)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_baseline_phase(args: argparse.Namespace, data_dir: Path) -> dict:
    sys.path.insert(0, str(HERE))
    from duckdb_baseline import run_baseline

    timings = run_baseline(data_dir, args.work / "baseline")
    return {"steps": {k: round(v, 3) for k, v in timings.items()}}


def run_framework(args: argparse.Namespace, data_dir: Path) -> dict:
    import shutil

    from netflix_elt.loader import load_directory
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner

    state_dir = args.work / "state"
    shutil.rmtree(state_dir, ignore_errors=True)
    result: dict = {}
    with Project.local(state_dir=state_dir) as project:
        began = time.perf_counter()
        load_directory(project.engine, data_dir, mode="replace")
        result["load_seconds"] = round(time.perf_counter() - began, 2)

        build = project.execute("build", threads=args.threads)  # no check runner installed: no checks
        result["build_seconds"] = round(build.seconds, 2)
        result["build_ok"] = build.success
        result["models"] = {
            r.name: {"kind": r.kind, "seconds": r.seconds, "rows": r.rows} for r in build.results
        }

        project.use_check_runner(default_check_runner(project))
        checks = project.execute("test", threads=args.threads)
        result["checks_seconds"] = round(checks.seconds, 2)
        result["checks_failed"] = [r.name for r in checks.results if not r.passed]

        began = time.perf_counter()
        load_directory(project.engine, data_dir / "increments" / "day-0001", mode="append")
        incremental = project.execute("build", threads=args.threads)
        result["increment_seconds"] = round(time.perf_counter() - began, 2)
        result["increment_build_seconds"] = round(incremental.seconds, 2)
        result["increment_models"] = {r.name: r.seconds for r in incremental.results}
    return result


def render(summary: dict) -> str:
    framework, baseline = summary["framework"], summary["baseline"]
    steps = baseline["steps"]
    core = [name for name in steps if name in framework["models"]]
    framework_core = sum(framework["models"][name]["seconds"] for name in core)
    baseline_core = sum(steps[name] for name in core)
    baseline_load = sum(v for k, v in steps.items() if k.startswith("LOAD_"))
    overhead = framework["checks_seconds"] / framework["build_seconds"] if framework["build_seconds"] else 0.0
    lines = [
        f"# Benchmark: {summary['ratings']:,} ratings (seed {summary['seed']}, {summary['threads']} threads)",
        "",
        "| measure | netflix-elt (embedded engine) | hand-written DuckDB |",
        "|---|---:|---:|",
        f"| load raw files | {framework['load_seconds']:.2f} s | {baseline_load:.2f} s |",
        f"| core models ({len(core)}), sum of model seconds | {framework_core:.2f} s | {baseline_core:.2f} s |",
        f"| whole build (all {len(framework['models'])} nodes, wall clock) | {framework['build_seconds']:.2f} s | "
        f"{steps['TOTAL']:.2f} s (core only) |",
        f"| checks alone (`test`) | {framework['checks_seconds']:.2f} s ({overhead:.0%} of the build) | - |",
        f"| daily increment: load + incremental build | {framework['increment_seconds']:.2f} s | - |",
        f"| peak RSS | {framework['peak_rss_mb']:.0f} MB | {baseline['peak_rss_mb']:.0f} MB |",
        "",
        "| model | kind | rows | netflix-elt s | DuckDB s | increment s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    ordered = sorted(framework["models"].items(), key=lambda item: item[1]["seconds"], reverse=True)
    for name, info in ordered:
        rows = f"{info['rows']:,}" if info["rows"] is not None else ""
        base = f"{steps[name]:.3f}" if name in steps else ""
        incremental = framework["increment_models"].get(name)
        lines.append(
            f"| {name} | {info['kind']} | {rows} | {info['seconds']:.3f} | {base} | {incremental:.3f} |"
            if incremental is not None
            else f"| {name} | {info['kind']} | {rows} | {info['seconds']:.3f} | {base} | |"
        )
    if framework["checks_failed"]:
        lines += ["", f"Checks that failed: {', '.join(framework['checks_failed'])}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
