"""Benchmark: the whole MovieLens pipeline on the embedded engine against a hand-written DuckDB baseline.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/benchmark.py --ratings 1000000
    .venv/bin/python benchmarks/benchmark.py --ratings 5000000 --work /tmp/bench
    .venv/bin/python benchmarks/benchmark.py --ratings 25000000 --work /tmp/bench --load-only

It generates the data once per (ratings, seed) under ``--work``, then runs each phase in its own child
process so peak memory (max RSS) belongs to one phase:

* ``framework``: load (replace) -> full build with every check (the reference) -> test (every check
  alone, so their share is known) -> the day-1 increment loaded and built again with every check, one
  day later (logical time) than the full build: per node its seconds and status (built / up_to_date /
  not_due), and the day (load + build) as a share of the full build;
* ``baseline``: ``duckdb_baseline.py``, the same core models in plain DuckDB SQL on the CSVs, after
  loading the six files with DuckDB's reject tables and the same accounting (see its docstring).

``--load-only`` runs only the two loads (framework ``load --mode replace`` of the six files against
the baseline's six ``read_csv`` statements with their accounting), with per-file seconds.

Results go to stdout and ``<work>/benchmark-<ratings>.json`` / ``.md``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/netflix-elt-bench"))
    parser.add_argument("--load-only", action="store_true", help="compare only the loads of the six files")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="after the day, rebuild a copy of the warehouse with --full-refresh and diff the two (untimed)",
    )
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
        "load_only": args.load_only,
        "generate": generated,
        **phases,
    }
    markdown = render_load(summary) if args.load_only else render(summary) + "\n" + render_load(summary)
    print(markdown)
    stem = f"benchmark-{args.ratings}" + ("-load" if args.load_only else "")
    (args.work / f"{stem}.json").write_text(json.dumps(summary, indent=2))
    (args.work / f"{stem}.md").write_text(markdown)


def ensure_data(data_dir: Path, ratings: int, seed: int) -> dict:
    from netflix_elt.movielens.datagen import generate_dataset, generate_increment

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
    command += ["--load-only"] if args.load_only else []
    command += ["--verify"] if args.verify else []
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_baseline_phase(args: argparse.Namespace, data_dir: Path) -> dict:
    sys.path.insert(0, str(HERE))
    from duckdb_baseline import run_baseline

    timings = run_baseline(data_dir, args.work / "baseline", only_load=args.load_only)
    return {"steps": {k: round(v, 3) for k, v in timings.items()}}


def full_build_time() -> datetime:
    """The logical time of the full build: the last Monday 07:00 UTC, just after the weekly slot of the
    weekly analyses, so the day (one day later) is an ordinary day for them: not due. It lies before
    the load, so the sources' freshness rules never warn."""
    now = datetime.now(UTC)
    monday = (now - timedelta(days=now.weekday())).replace(hour=7, minute=0, second=0, microsecond=0)
    return monday if monday <= now else monday - timedelta(days=7)


def run_framework(args: argparse.Namespace, data_dir: Path) -> dict:
    import shutil

    from netflix_elt.movielens import PIPELINE
    from netflix_elt.movielens.loader import load_directory
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner

    state_dir = args.work / "state"
    shutil.rmtree(state_dir, ignore_errors=True)
    full_at = full_build_time()
    result: dict = {"full_build_at": full_at.isoformat()}
    with Project.local(project=PIPELINE, state_dir=state_dir) as project:
        project.use_check_runner(default_check_runner(project))
        began = time.perf_counter()
        loaded = load_directory(project.engine, data_dir, mode="replace")
        result["load_seconds"] = round(time.perf_counter() - began, 2)
        result["load_files"] = {
            f.table: {
                "seconds": f.seconds,
                "read": f.rows_read,
                "loaded": f.rows_loaded,
                "rejected": f.rows_rejected,
            }
            for f in loaded.files
        }
        if args.load_only:
            return result

        cpu = time.process_time()  # this process's CPU, DuckDB's threads included
        build = project.execute("build", threads=args.threads, run_started_at=full_at)
        result["build_seconds"] = round(build.seconds, 2)
        result["build_cpu_seconds"] = round(time.process_time() - cpu, 2)
        result["build_ok"] = build.success
        result["models"] = {
            r.name: {
                "kind": r.kind,
                "seconds": r.seconds,
                "checks_seconds": r.checks_seconds,
                "rows": r.rows,
                "status": r.status,
            }
            for r in build.results
        }

        checks = project.execute("test", threads=args.threads, run_started_at=full_at)
        result["checks_seconds"] = round(checks.seconds, 2)
        result["checks_failed"] = [r.name for r in checks.results if not r.passed]

        began, cpu = time.perf_counter(), time.process_time()
        load_directory(project.engine, data_dir / "increments" / "day-0001", mode="append")
        result["day_load_seconds"] = round(time.perf_counter() - began, 2)
        day = project.execute("build", threads=args.threads, run_started_at=full_at + timedelta(days=1))
        result["day_seconds"] = round(time.perf_counter() - began, 2)
        result["day_cpu_seconds"] = round(time.process_time() - cpu, 2)
        result["day_build_seconds"] = round(day.seconds, 2)
        result["day_ok"] = day.success
        result["day_models"] = {
            r.name: {
                "kind": r.kind,
                "seconds": r.seconds,
                "status": r.status,
                "rows": r.rows,
                "message": r.message,
            }
            for r in day.results
        }
        weekly = sorted(spec.name for spec in project.registry if spec.cron)
    # the timed phases' peak; --verify's untimed refresh and diff would otherwise count in peak_rss_mb
    result["timed_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.verify:
        result["verify"] = verify_day(state_dir, full_at + timedelta(days=1), weekly)
    return result


def verify_day(state_dir: Path, day_at: datetime, weekly: list[str]) -> dict:
    """Copy the warehouse after the day, rebuild the copy from its RAW tables with ``--full-refresh`` at
    the day's time and diff every published model (no tolerance). The weekly models were not due: they
    are as the full build left them (a full refresh of the inputs before the day) and are left out."""
    import shutil

    from netflix_elt.movielens import PIPELINE
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner

    copy = state_dir.with_name(state_dir.name + "-full-refresh")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(state_dir, copy)
    with (
        Project.local(project=PIPELINE, state_dir=copy) as refreshed,
        Project.local(project=PIPELINE, state_dir=state_dir) as daily,
    ):
        refreshed.use_check_runner(default_check_runner(refreshed))
        run = refreshed.execute("build", full_refresh=True, run_started_at=day_at)
        report = daily.diff(refreshed, exclude=[name.lower() for name in weekly])
    shutil.rmtree(copy, ignore_errors=True)
    return {
        "full_refresh_ok": run.success,
        "compared": len(report.models),
        "different": [m.model for m in report.different],
        "weekly_not_compared": weekly,
    }


DAY_STATUS = {"success": "built", "warn": "built (warn)", "error": "error", "skipped": "skipped"}


def render(summary: dict) -> str:
    framework, baseline = summary["framework"], summary["baseline"]
    steps = baseline["steps"]
    core = [name for name in steps if name in framework["models"]]
    framework_core = sum(framework["models"][name]["seconds"] for name in core)
    # the same models without the checks each build runs (the baseline runs none)
    framework_core_bare = framework_core - sum(
        framework["models"][name].get("checks_seconds", 0.0) for name in core
    )
    baseline_core = sum(steps[name] for name in core)
    baseline_load = sum(v for k, v in steps.items() if k.startswith("LOAD_"))
    full = framework["build_seconds"]
    checks_share = framework["checks_seconds"] / full if full else 0.0
    ratio = framework["day_seconds"] / full if full else 0.0
    day_models = framework["day_models"]
    statuses = {}
    for info in day_models.values():
        label = DAY_STATUS.get(info["status"], info["status"])
        statuses[label] = statuses.get(label, 0) + 1
    lines = [
        f"# Benchmark: {summary['ratings']:,} ratings (seed {summary['seed']}, {summary['threads']} threads)",
        "",
        "| measure | netflix-elt (embedded engine) | hand-written DuckDB |",
        "|---|---:|---:|",
        f"| load raw files | {framework['load_seconds']:.2f} s | {baseline_load:.2f} s |",
        f"| core models ({len(core)}), sum of model seconds | {framework_core:.2f} s | {baseline_core:.2f} s |",
        f"| the same without their checks (ratio) | {framework_core_bare:.2f} s "
        f"({framework_core_bare / baseline_core:.2f}x) | {baseline_core:.2f} s |",
        f"| full build with every check (all {len(framework['models'])} nodes, wall clock) | {full:.2f} s | "
        f"{steps['TOTAL']:.2f} s (core only, no checks) |",
        f"| checks alone (`test`) | {framework['checks_seconds']:.2f} s ({checks_share:.0%} of the build) | - |",
        f"| one day: load | {framework['day_load_seconds']:.2f} s | - |",
        f"| one day: build with every check | {framework['day_build_seconds']:.2f} s | - |",
        f"| **one day: load + build, share of the full build** | **{framework['day_seconds']:.2f} s = "
        f"{ratio:.1%}** | - |",
        *(
            [
                f"| the same in CPU seconds (the process's, DuckDB's threads included) | "
                f"{framework['day_cpu_seconds']:.2f} of {framework['build_cpu_seconds']:.2f} s = "
                f"{framework['day_cpu_seconds'] / framework['build_cpu_seconds']:.1%} | - |"
            ]
            if framework.get("build_cpu_seconds")
            else []
        ),
        f"| peak RSS (load, build, test, day) | {framework['timed_peak_rss_mb']:.0f} MB "
        f"({framework['timed_peak_rss_mb'] / baseline['peak_rss_mb']:.2f}x) | {baseline['peak_rss_mb']:.0f} MB |",
        *(
            [f"| peak RSS with `--verify`'s full refresh and diff | {framework['peak_rss_mb']:.0f} MB | - |"]
            if "verify" in framework
            else []
        ),
        "",
        "The day's nodes: " + ", ".join(f"{n} {label}" for label, n in sorted(statuses.items())) + ".",
        "",
        "| model | kind | rows | full build s | its checks s | DuckDB s | day s | day status |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    ordered = sorted(framework["models"].items(), key=lambda item: item[1]["seconds"], reverse=True)
    for name, info in ordered:
        rows = f"{info['rows']:,}" if info["rows"] is not None else ""
        base = f"{steps[name]:.3f}" if name in steps else ""
        day = day_models.get(name)
        day_cells = f"{day['seconds']:.3f} | {DAY_STATUS.get(day['status'], day['status'])}" if day else " | "
        checks = f"{info.get('checks_seconds', 0.0):.3f}"
        lines.append(
            f"| {name} | {info['kind']} | {rows} | {info['seconds']:.3f} | {checks} | {base} | {day_cells} |"
        )
    verify = framework.get("verify")
    if verify:
        verdict = (
            "**equal**" if not verify["different"] else f"**different**: {', '.join(verify['different'])}"
        )
        lines += [
            "",
            f"After the day, a copy rebuilt with `--full-refresh` (ok: {verify['full_refresh_ok']}) and "
            f"`diff` (no tolerance) over {verify['compared']} published models: {verdict}. The weekly "
            f"models ({', '.join(verify['weekly_not_compared'])}) were not due and are left out.",
        ]
    if framework["checks_failed"]:
        lines += ["", f"Checks that failed: {', '.join(framework['checks_failed'])}"]
    return "\n".join(lines) + "\n"


BASELINE_STEPS = {
    "RAW_MOVIES": "LOAD_MOVIES",
    "RAW_RATINGS": "LOAD_RATINGS",
    "RAW_TAGS": "LOAD_TAGS",
    "RAW_LINKS": "LOAD_LINKS",
    "RAW_GENOME_SCORES": "LOAD_GENOME_SCORES",
    "RAW_GENOME_TAGS": "LOAD_GENOME_TAGS",
}


def render_load(summary: dict) -> str:
    """The load comparison: per file and in total, framework against the baseline of the same invocation."""
    framework, steps = summary["framework"], summary["baseline"]["steps"]
    lines = [
        f"## Load: {summary['ratings']:,} ratings (seed {summary['seed']}), same invocation",
        "",
        "| file | rows read | rejected | netflix-elt s | DuckDB read_csv + rejects s | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for table, info in framework["load_files"].items():
        base = steps.get(BASELINE_STEPS[table])
        ratio = f"{info['seconds'] / base:.1f}x" if base else ""
        base_text = f"{base:.2f}" if base is not None else ""
        lines.append(
            f"| {table} | {info['read']:,} | {info['rejected']:,} | {info['seconds']:.2f} | {base_text} | {ratio} |"
        )
    total, base_total = framework["load_seconds"], steps["LOAD"]
    lines.append(
        f"| **all files (wall clock)** | | | {total:.2f} | {base_total:.2f} | {total / base_total:.1f}x |"
    )
    if "peak_rss_mb" in framework and summary.get("load_only"):
        lines += [
            "",
            f"Peak RSS: netflix-elt {framework['peak_rss_mb']:.0f} MB, DuckDB {summary['baseline']['peak_rss_mb']:.0f} MB",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
