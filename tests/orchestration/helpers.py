"""Waiting for the Prefect server and reading what flow runs left on it."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import pytest

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
TESTS_DIR = REPO / "tests"

# Offline and quiet, for the server and for every Prefect client process of the tests.
QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


@dataclass(frozen=True)
class PrefectServer:
    api_url: str
    client_home: Path
    log: Path

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a subprocess that talks to this server and can import the test models."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(QUIET)
        env.update(
            PREFECT_API_URL=self.api_url,
            PREFECT_HOME=str(self.client_home),
            PREFECT_RUNNER_POLL_FREQUENCY="1",
            PYTHONPATH=os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")])),
        )
        env.update(extra)
        return env


def prefect_executable() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else (shutil.which("prefect") or "prefect")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until(probe: Callable[[], T], timeout: float, what: str, interval: float = 0.3) -> T:
    """Poll ``probe`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def task_runs_by_name(client: Any, flow_run_id: UUID, expected: int, timeout: float = 30) -> dict[str, Any]:
    """The task runs of a flow run by name, once ``expected`` of them are recorded in a final state."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    def finished() -> dict[str, Any] | None:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        if len(runs) == expected and all(run.state is not None and run.state.is_final() for run in runs):
            return {run.name: run for run in runs}
        return None

    return wait_until(finished, timeout, f"{expected} finished task runs of flow run {flow_run_id}")


def artifacts_of(client: Any, flow_run_id: UUID) -> dict[str, Any]:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    artifacts = client.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
    )
    return {artifact.key: artifact for artifact in artifacts}


def next_daily_runs(cron: str, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` times of a daily cron 'M H * * *' after ``after``, in UTC."""
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"], "only daily crons are computed here"
    first = after.astimezone(UTC).replace(hour=int(hour), minute=int(minute), second=0, microsecond=0)
    if first <= after:
        first += timedelta(days=1)
    return [first + timedelta(days=day) for day in range(count)]
