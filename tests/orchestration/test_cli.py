"""``netflix-elt flow run`` against the session's Prefect server, and the commands' light paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.cli import app

pytestmark = pytest.mark.usefixtures("prefect_server")

DAILY = ["--models", "projects.daily_models"]


def test_flow_run_builds_and_prints_the_summary(tmp_path: Path, test_profile: Path) -> None:
    state_dir = tmp_path / "state"
    result = CliRunner().invoke(
        app,
        [
            *("flow", "run", *DAILY, "--select", "+code_report", "--threads", "1"),
            *("--profile", str(test_profile), "--state-dir", str(state_dir)),
        ],
    )

    assert result.exit_code == 0, result.output
    assert "success flow run" in result.output
    assert "CODE_COUNT" in result.output and "COUNTRY_CODES" not in result.output
    run_results = json.loads((state_dir / "run_results.json").read_text(encoding="utf-8"))
    assert run_results["args"]["threads"] == 1
    assert {r["name"]: r["status"] for r in run_results["results"]} == {
        "ORCH_COUNTRIES": "success",
        "COUNTRY_LIST": "success",
        "CODE_COUNT": "success",
        "CODE_REPORT": "success",
    }


def test_global_options_apply_to_flow_run(tmp_path: Path, test_profile: Path) -> None:
    state_dir = tmp_path / "state"
    result = CliRunner().invoke(
        app,
        [
            *("--state-dir", str(state_dir), "--profile", str(test_profile), "--select", "+broken_model+"),
            *("flow", "run", *DAILY),
        ],
    )

    assert result.exit_code == 1, result.output
    assert "ERROR BROKEN_MODEL" in result.output
    run_results = json.loads((state_dir / "run_results.json").read_text(encoding="utf-8"))
    assert {r["name"]: r["status"] for r in run_results["results"]} == {
        "ORCH_COUNTRIES": "success",
        "BROKEN_MODEL": "error",
        "AFTER_BROKEN": "skipped",
    }


def test_flow_run_refuses_an_unknown_profile_before_starting_a_flow(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["flow", "run", "--profile", "no_such_profile", "--state-dir", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert "profile 'no_such_profile' not found" in result.output
    assert not (tmp_path / "run_results.json").exists()


def test_the_command_line_does_not_import_prefect_until_a_flow_command_runs() -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from netflix_elt.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(app, ['flow', '--help']).exit_code == 0\n"
        "assert CliRunner().invoke(app, ['deploy', '--help']).exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')))\n"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_flow_run_reports_a_source_directory_that_cannot_be_loaded(
    tmp_path: Path, test_profile: Path
) -> None:
    missing = tmp_path / "no-such-dir"
    result = CliRunner().invoke(
        app,
        [
            *("flow", "run", "--models", "projects.loaded_models", "--source", str(missing)),
            *("--profile", str(test_profile), "--state-dir", str(tmp_path / "state")),
        ],
    )

    assert result.exit_code == 2, result.output
    assert f"source directory {missing} does not exist" in " ".join(result.output.split())
    assert not (tmp_path / "state" / "run_results.json").exists()  # nothing was built
