"""The quickstart's main job (`netflix-elt demo`) end to end, twice on the same state directory."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netflix_elt.movielens.cli import app


def test_demo_runs_end_to_end_and_can_run_again(tmp_path: Path) -> None:
    state, data = tmp_path / "state", tmp_path / "data"
    arguments = ["--state-dir", str(state), "demo", "--out", str(data), "--ratings", "5000", "--days", "1"]
    runner = CliRunner()
    for _ in range(2):  # the second run replaces the raw data and starts the incremental models over
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
    report = (state / "report" / "index.html").read_text(encoding="utf-8")
    assert "18 of 18 sections built" in report
    validation = json.loads((state / "validation" / "validation_results.json").read_text())
    assert validation["success"] is True
    results = json.loads((state / "run_results.json").read_text())
    # the day's build: every node built, or left as it was (nothing it reads changed; a weekly analysis)
    counts = results["counts"]
    assert results["success"] and counts["error"] == counts["warn"] == counts["skipped"] == 0
    assert counts["success"] + counts["up_to_date"] + counts["not_due"] == len(results["results"])
    increment = json.loads((data / "increments" / "day-0001" / "_increment.json").read_text())
    ratings = next(r for r in results["results"] if r["name"] == "FCT_RATINGS")
    assert ratings["updated"] == increment["counts"]["re_ratings"]
