"""The flow, run in this process against the session's Prefect server, on small test projects."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from netflix_elt.config import load_profile
from netflix_elt.orchestration.summary import MODELS_ARTIFACT_KEY, SUMMARY_ARTIFACT_KEY
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from orchestration.helpers import artifacts_of, task_runs_by_name

pytestmark = pytest.mark.usefixtures("prefect_server")

DAILY = "projects.daily_models"
MOVIES_CSV = 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,Jumanji (1995),Adventure\n3,"Heat, The (1995)",Action\n'


def run_flow(state_dir: Path, profile: Path, models: str = DAILY, **parameters: Any) -> tuple[Any, Any]:
    from netflix_elt.orchestration.flow import build_warehouse

    state = build_warehouse(
        profile=str(profile), state_dir=str(state_dir), models=models, **parameters, return_state=True
    )
    return state, state.result(raise_on_failure=False)


def upstream_task_names(task_runs: dict[str, Any], name: str) -> set[str]:
    by_id = {run.id: task_name for task_name, run in task_runs.items()}
    return {by_id[ref.id] for ref in task_runs[name].task_inputs.get("wait_for", [])}


def test_one_task_per_materialised_model_and_a_transient_failure_is_retried(
    tmp_path: Path, test_profile: Path, prefect_client: Any
) -> None:
    marker = tmp_path / "flaky-failed-once"
    state, summary = run_flow(
        tmp_path / "state", test_profile, exclude=["broken_model+"], vars={"flaky_marker": str(marker)}
    )

    assert state.is_completed(), state.message
    assert marker.exists(), "FLAKY_COPY's first attempt did not fail"
    assert summary["status"] == "success"
    models = summary["models"]
    assert models["FLAKY_COPY"] == {
        "kind": "table",
        "status": "success",
        "rows": 3,
        "seconds": models["FLAKY_COPY"]["seconds"],
        "attempts": 2,
        "message": "",
    }
    assert {
        name: (m["status"], m["rows"], m["attempts"]) for name, m in models.items() if name != "FLAKY_COPY"
    } == {
        "ORCH_COUNTRIES": ("success", 3, 1),
        "COUNTRY_LIST": ("success", 3, 1),
        "CODE_COUNT": ("success", 1, 1),
        "CODE_REPORT": ("success", None, 1),
    }

    task_runs = task_runs_by_name(prefect_client, state.state_details.flow_run_id, expected=5)
    assert set(task_runs) == {"orch_countries", "country_list", "code_count", "code_report", "flaky_copy"}
    assert task_runs["flaky_copy"].run_count == 2 and task_runs["flaky_copy"].state.is_completed()
    assert all(run.run_count == 1 for name, run in task_runs.items() if name != "flaky_copy")
    # Dependencies come from the registry; the ephemeral country_codes is inlined, not a task.
    assert upstream_task_names(task_runs, "code_count") == {"country_list"}
    assert upstream_task_names(task_runs, "code_report") == {"code_count"}
    assert upstream_task_names(task_runs, "flaky_copy") == {"orch_countries"}
    assert upstream_task_names(task_runs, "orch_countries") == set()


def test_the_flow_writes_the_same_run_artifacts_as_netflix_elt_build(
    tmp_path: Path, test_profile: Path, prefect_client: Any
) -> None:
    state_dir = tmp_path / "state"
    state, summary = run_flow(state_dir, test_profile, select=["+code_report"], threads=1)
    assert state.is_completed(), state.message

    run_results = json.loads((state_dir / "run_results.json").read_text(encoding="utf-8"))
    assert run_results["run_id"] == summary["run_id"] and run_results["success"] is True
    assert [r["name"] for r in run_results["results"]] == [
        "ORCH_COUNTRIES",
        "COUNTRY_LIST",
        "CODE_COUNT",
        "CODE_REPORT",
    ]
    # threads=1: one model at a time.
    spans = sorted((r["started_at"], r["ended_at"]) for r in run_results["results"])
    assert all(previous[1] <= current[0] for previous, current in itertools.pairwise(spans))
    manifest = json.loads((state_dir / "manifest.json").read_text(encoding="utf-8"))
    assert "COUNTRY_CODES" in manifest["nodes"]

    registry = Registry.from_package(DAILY)
    with Project(registry=registry, profile=load_profile(str(test_profile)), state_dir=state_dir) as project:
        history = project.sql(
            f"SELECT MODEL_NAME, STATUS FROM {project.engine.fqn('ELT_META', 'RUN_HISTORY')} "
            f"WHERE RUN_ID = '{summary['run_id']}' ORDER BY MODEL_NAME"
        ).collect()
        assert [(row[0], row[1]) for row in history] == [
            ("CODE_COUNT", "success"),
            ("CODE_REPORT", "success"),
            ("COUNTRY_LIST", "success"),
            ("ORCH_COUNTRIES", "success"),
        ]
        plain = project.build(select=["+code_report"], full_refresh=True)  # everything again, by hand
    assert {r.name: (r.status, r.rows) for r in plain.results} == {
        name: (m["status"], m["rows"]) for name, m in summary["models"].items()
    }

    artifacts = artifacts_of(prefect_client, state.state_details.flow_run_id)
    markdown = artifacts[SUMMARY_ARTIFACT_KEY].data
    assert f"`{summary['run_id']}`: **success**" in markdown
    assert "| CODE_COUNT | table | success | 1 |" in markdown
    table = artifacts[MODELS_ARTIFACT_KEY].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert [(row["model"], row["status"], row["rows"]) for row in rows] == [
        ("ORCH_COUNTRIES", "success", 3),
        ("COUNTRY_LIST", "success", 3),
        ("CODE_COUNT", "success", 1),
        ("CODE_REPORT", "success", None),
    ]


def test_a_second_flow_run_leaves_unchanged_models_up_to_date_and_weekly_ones_not_due(
    tmp_path: Path, test_profile: Path, prefect_client: Any
) -> None:
    state_dir = tmp_path / "state"
    first, summary = run_flow(state_dir, test_profile, models="projects.weekly_models")
    assert first.is_completed(), first.message
    assert {n: m["status"] for n, m in summary["models"].items()} == dict.fromkeys(
        ("WEEKLY_COUNTRIES", "DAILY_COUNT", "WEEKLY_COUNT"), "success"
    )
    second, summary = run_flow(state_dir, test_profile, models="projects.weekly_models")
    assert second.is_completed(), second.message
    assert {n: m["status"] for n, m in summary["models"].items()} == {
        "WEEKLY_COUNTRIES": "up_to_date",
        "DAILY_COUNT": "up_to_date",
        "WEEKLY_COUNT": "not_due",
    }
    assert summary["models"]["WEEKLY_COUNT"]["message"].startswith("not due (cron '0 6 * * 1')")
    task_runs = task_runs_by_name(prefect_client, second.state_details.flow_run_id, expected=3)
    assert {name: run.state.name for name, run in task_runs.items()} == {
        "weekly_countries": "UpToDate",
        "daily_count": "UpToDate",
        "weekly_count": "NotDue",
    }
    forced, summary = run_flow(
        state_dir, test_profile, models="projects.weekly_models", select=["weekly_count"]
    )
    assert forced.is_completed() and summary["models"]["WEEKLY_COUNT"]["status"] == "success"


def test_a_failing_model_is_not_retried_and_its_downstream_is_skipped(
    tmp_path: Path, test_profile: Path, prefect_client: Any
) -> None:
    state, summary = run_flow(tmp_path / "state", test_profile, select=["+broken_model+"])

    assert state.is_failed()
    assert "1 error" in state.message and "1 skipped" in state.message
    assert summary["status"] == "error"
    assert summary["models"]["BROKEN_MODEL"]["status"] == "error"
    assert "NO_SUCH_COLUMN" in summary["models"]["BROKEN_MODEL"]["message"]
    assert summary["models"]["AFTER_BROKEN"]["status"] == "skipped"
    assert summary["models"]["AFTER_BROKEN"]["attempts"] == 0

    task_runs = task_runs_by_name(prefect_client, state.state_details.flow_run_id, expected=3)
    broken = task_runs["broken_model"]
    assert broken.state.is_failed() and broken.run_count == 1  # the profile allows 2 retries
    assert task_runs["after_broken"].state.is_completed()
    assert task_runs["after_broken"].state.name == "Skipped"


def test_a_failing_blocking_check_skips_the_downstream_models(
    tmp_path: Path, test_profile: Path, prefect_client: Any
) -> None:
    state_dir = tmp_path / "state"
    state, summary = run_flow(state_dir, test_profile, models="projects.checked_models")

    assert state.is_failed()
    models = summary["models"]
    gated = models["GATED_LIST"]
    assert (gated["status"], gated["rows"], gated["attempts"]) == ("error", 3, 1)
    assert gated["message"].startswith("1 blocking check(s) failed: ")
    assert "row_count" in gated["message"] and gated["message"].endswith(
        "no table was published (there was no previous one)"
    )
    assert (models["GATED_COUNT"]["status"], models["GATED_REPORT"]["status"]) == ("skipped", "skipped")
    # A failed 'warn' check lets its downstream run.
    assert models["WARNED_LIST"]["status"] == "warn"
    assert models["WARNED_COUNT"]["status"] == "success"

    task_runs = task_runs_by_name(prefect_client, state.state_details.flow_run_id, expected=6)
    assert task_runs["gated_list"].state.is_failed() and task_runs["gated_list"].run_count == 1
    assert task_runs["gated_count"].state.name == "Skipped"
    assert task_runs["gated_report"].state.name == "Skipped"
    assert task_runs["warned_list"].state.name == "Warned"
    assert task_runs["warned_count"].state.is_completed()

    # The checks ran right after their model, and were published as by `netflix-elt build`.
    run_results = json.loads((state_dir / "run_results.json").read_text(encoding="utf-8"))
    checks = {r["name"]: [(c["severity"], c["success"]) for c in r["checks"]] for r in run_results["results"]}
    assert checks["GATED_LIST"] == [("error", True), ("error", False)]
    assert checks["WARNED_LIST"] == [("warn", False)]
    assert summary["validation_report"] and Path(summary["validation_report"]).is_file()


def test_new_raw_files_are_loaded_before_the_build(
    tmp_path: Path, test_profile: Path, prefect_client: Any
) -> None:
    source = tmp_path / "incoming"
    source.mkdir()
    (source / "movies.csv").write_text(MOVIES_CSV, encoding="utf-8")
    profile = tmp_path / "with_source.toml"
    profile.write_text(
        test_profile.read_text(encoding="utf-8") + f"source_dir = {json.dumps(str(source))}\n",
        encoding="utf-8",
    )
    state_dir = tmp_path / "state"

    # The profile's orchestration.source_dir, when no parameter is given.
    state, summary = run_flow(state_dir, profile, models="projects.loaded_models")
    assert state.is_completed(), state.message
    assert summary["load"]["totals"]["files_loaded"] == 1
    assert summary["load"]["totals"]["rows_loaded"] == 3
    assert summary["models"]["RAW_MOVIES"]["status"] == "success"
    assert summary["models"]["MOVIE_COUNT"]["status"] == "success"
    task_runs = task_runs_by_name(prefect_client, state.state_details.flow_run_id, expected=3)
    assert task_runs["load-new-files"].state.is_completed()

    # Loaded files are not loaded again.
    state, summary = run_flow(
        state_dir, test_profile, models="projects.loaded_models", source_dir=str(source)
    )
    assert state.is_completed(), state.message
    assert summary["load"]["totals"]["files_loaded"] == 0
    assert summary["load"]["totals"]["files_skipped"] == 1
    with Project(registry=Registry.from_package("projects.loaded_models"), state_dir=state_dir) as project:
        assert project.table("movie_count").collect()[0][0] == 3
