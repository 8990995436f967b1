"""Deployments on the session's Prefect server: served by ``netflix-elt deploy --serve``, deployed to a
process work pool (from code and from flows/prefect.yaml) and run by a real worker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from netflix_elt.cli import app
from orchestration.helpers import REPO, PrefectServer, next_daily_runs, prefect_executable, wait_until

NETFLIX_ELT = str(Path(sys.executable).with_name("netflix-elt"))


def scheduled_start_times(client: Any, deployment_id: Any, minimum: int = 3) -> list[datetime]:
    """The expected start times (UTC) of a deployment's scheduled runs, once the server made some."""
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    def scheduled() -> list[datetime] | None:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
        )
        auto = sorted(run.expected_start_time for run in runs if run.auto_scheduled)
        return auto if len(auto) >= minimum else None

    return wait_until(scheduled, 30, "the scheduler to create the deployment's runs")


def create_process_work_pool(client: Any, name: str) -> None:
    """What ``prefect work-pool create NAME --type process`` does, through the API."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    template = ProcessWorker.get_default_base_job_template()
    client.create_work_pool(WorkPoolCreate(name=name, type="process", base_job_template=template))


def assert_daily_at(times: list[datetime], cron: str, created_before: datetime) -> None:
    assert all(t.utcoffset() is not None and t.utcoffset().total_seconds() == 0 for t in times)
    assert [t.astimezone(UTC) for t in times] == next_daily_runs(cron, created_before, len(times))


def wait_for_final_state(client: Any, flow_run_id: Any, timeout: float) -> Any:
    def final() -> Any:
        run = client.read_flow_run(flow_run_id)
        return run if run.state is not None and run.state.is_final() else None

    return wait_until(final, timeout, f"flow run {flow_run_id} to finish")


def test_served_flow_runs_now_and_is_scheduled_daily_at_the_cron_time(
    prefect_server: PrefectServer, prefect_client: Any, tmp_path: Path, test_profile: Path
) -> None:
    from prefect.deployments import run_deployment

    cron = "17 5 * * *"
    before = datetime.now(UTC)
    log = tmp_path / "serve.log"
    with log.open("wb") as log_file:
        serving = subprocess.Popen(
            [
                *(NETFLIX_ELT, "deploy", "--serve", "--cron", cron, "--name", "served-test"),
                *("--models", "projects.daily_models", "--exclude", "broken_model+"),
                *("--profile", str(test_profile), "--state-dir", str(tmp_path / "state")),
            ],
            env=prefect_server.env(),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        deployment = wait_until(
            lambda: (
                _deployment_or_none(prefect_client, "netflix-elt/served-test") or serving.poll() is not None
            ),
            60,
            "the served deployment",
        )
        assert serving.poll() is None, log.read_text(errors="replace")
        assert [s.schedule.cron for s in deployment.schedules] == [cron]
        assert [s.schedule.timezone for s in deployment.schedules] == ["UTC"]
        assert deployment.parameters["models"] == "projects.daily_models"

        flow_run = run_deployment("netflix-elt/served-test", timeout=120)
        assert flow_run.state.is_completed(), log.read_text(errors="replace")[-3000:]
        assert_daily_at(scheduled_start_times(prefect_client, deployment.id), cron, before)
    finally:
        serving.terminate()
        serving.wait(timeout=30)


def test_work_pool_deployment_runs_on_a_process_worker(
    prefect_server: PrefectServer, prefect_client: Any, tmp_path: Path, test_profile: Path
) -> None:
    from prefect.deployments import run_deployment

    pool = "orchestration-test-pool"
    create_process_work_pool(prefect_client, pool)
    cron = "45 7 * * *"
    before = datetime.now(UTC)
    result = CliRunner().invoke(
        app,
        [
            *(
                "deploy",
                "--work-pool",
                pool,
                "--cron",
                cron,
                "--name",
                "pool-test",
                "--project-dir",
                str(REPO),
            ),
            *("--models", "projects.daily_models", "--select", "+code_report"),
            *("--profile", str(test_profile), "--state-dir", str(tmp_path / "state")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "netflix-elt/pool-test" in result.output

    deployment = prefect_client.read_deployment_by_name("netflix-elt/pool-test")
    assert deployment.work_pool_name == pool
    assert deployment.entrypoint == "flows/build_warehouse.py:build_warehouse"
    assert deployment.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}
    ]
    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [(cron, "UTC")]
    assert_daily_at(scheduled_start_times(prefect_client, deployment.id), cron, before)

    flow_run = run_deployment("netflix-elt/pool-test", timeout=0)
    worker = subprocess.run(
        [prefect_executable(), "worker", "start", "--pool", pool, "--run-once"],
        env=prefect_server.env(),
        cwd=tmp_path,  # the pull step moves the flow run to the project directory
        capture_output=True,
        text=True,
        timeout=180,
    )
    finished = wait_for_final_state(prefect_client, flow_run.id, timeout=60)
    assert finished.state.is_completed(), worker.stdout[-3000:] + worker.stderr[-3000:]
    assert (tmp_path / "state" / "run_results.json").is_file()


def test_prefect_yaml_deploys_the_daily_deployment_at_06_utc(
    prefect_server: PrefectServer, prefect_client: Any
) -> None:
    import yaml

    spec = yaml.safe_load((REPO / "flows" / "prefect.yaml").read_text(encoding="utf-8"))
    pool = spec["deployments"][0]["work_pool"]["name"]
    create_process_work_pool(prefect_client, pool)
    before = datetime.now(UTC)
    deployed = subprocess.run(
        [prefect_executable(), "--no-prompt", "deploy", "--all", "--prefect-file", "flows/prefect.yaml"],
        env=prefect_server.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]

    deployment = prefect_client.read_deployment_by_name("netflix-elt/daily")
    assert deployment.work_pool_name == pool
    assert deployment.entrypoint == "flows/build_warehouse.py:build_warehouse"
    assert deployment.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}
    ]
    assert deployment.parameters == {"profile": "local", "models": "netflix_elt.movielens.pipeline"}
    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [("0 6 * * *", "UTC")]
    assert deployment.global_concurrency_limit is not None and deployment.global_concurrency_limit.limit == 1
    assert_daily_at(scheduled_start_times(prefect_client, deployment.id), "0 6 * * *", before)


def plain_text(output: str) -> str:
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def _deployment_or_none(client: Any, name: str) -> Any:
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_deployment_by_name(name)
    except ObjectNotFound:
        return None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--serve", "--cron", "61 6 * * *"], "invalid cron expression '61 6 * * *'"),
        (["--work-pool", "p", "--cron", "every day"], "invalid cron expression 'every day'"),
        (["--cron", "0 6 * * *"], "choose one of --serve or --work-pool NAME"),
        (["--serve", "--work-pool", "p"], "choose one of --serve or --work-pool NAME"),
    ],
)
def test_deploy_refuses_a_bad_cron_or_mode_before_creating_anything(
    arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["deploy", *arguments])
    assert result.exit_code == 2
    assert message in plain_text(result.output)


def test_deploy_names_a_missing_work_pool(prefect_server: PrefectServer) -> None:
    result = CliRunner().invoke(app, ["deploy", "--work-pool", "no-such-pool", "--project-dir", str(REPO)])
    assert result.exit_code == 2
    output = plain_text(result.output)
    assert "work pool 'no-such-pool' does not exist" in output
    assert "prefect work-pool create no-such-pool --type process" in output


def test_a_work_pool_deployment_needs_a_prefect_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # no profile with an API URL either
    result = subprocess.run(
        [NETFLIX_ELT, "deploy", "--work-pool", "any", "--project-dir", str(REPO)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "needs a Prefect server that workers can reach" in plain_text(result.stderr)
    assert "PREFECT_API_URL" in plain_text(result.stderr)
