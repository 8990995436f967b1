"""``netflix-elt report``: writes the file, prints its path, warns about missing tables but exits 0, and
keeps its heavy imports out of ``--help``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from netflix_elt.movielens.cli import app
from netflix_elt.movielens.report.sections import SPECS

from .conftest import open_synthetic_project
from .synthetic import create_synthetic_analyses


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_report_is_a_command_with_its_options() -> None:
    result = invoke("report", "--help")
    assert result.exit_code == 0
    for option in ("--out", "--profile", "--state-dir"):
        assert option in result.stdout


def test_cli_warns_about_missing_tables_and_still_succeeds(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with open_synthetic_project(state_dir) as project:
        create_synthetic_analyses(project.engine, skip=("USER_CLUSTERS", "MODEL_TIMINGS"))
    out = tmp_path / "out" / "insights.html"
    result = invoke("report", "--state-dir", str(state_dir), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out.resolve())
    assert "warning" in result.stderr and "MODEL_TIMINGS, USER_CLUSTERS" in result.stderr
    assert "netflix-elt build" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.count('data-state="missing"') == 2 and html.count('data-state="built"') == 16


def test_cli_writes_to_the_state_dir_by_default(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    result = invoke("--state-dir", str(state_dir), "report")
    assert result.exit_code == 0, result.output
    default = state_dir.resolve() / "report" / "index.html"
    assert result.stdout.strip() == str(default) and default.is_file()
    every_table = {t for spec in SPECS for t in spec.tables}
    assert f"{len(every_table)} analysis table(s) not built yet" in result.stderr
    assert "0 of 18 sections built" in default.read_text(encoding="utf-8")


def test_command_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, netflix_elt.movielens.cli.report as r; "
        "heavy = [m for m in ('pandas', 'snowflake.snowpark', 'playwright', 'duckdb', 'fakesnow') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == ""
