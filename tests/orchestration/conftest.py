"""A real Prefect server for the orchestration tests, one per session, on 127.0.0.1.

``prefect server start`` runs as a subprocess with its own PREFECT_HOME in a temp dir, offline and
quiet; the test process talks to it through ``temporary_settings`` (Prefect reads its environment
once, at import) and subprocesses (serve, worker, ``prefect deploy``) get ``server.env()``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestration.helpers import QUIET, PrefectServer, free_port, healthy, prefect_executable

SERVER_START_TIMEOUT = 120.0


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    # Importing prefect.main sets up Prefect's logging; do it here, not first inside a CliRunner
    # whose captured stderr is closed after the command (later logs would hit a closed file).
    import prefect.main  # noqa: F401
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    server_home = tmp_path_factory.mktemp("prefect-server-home")
    client_home = tmp_path_factory.mktemp("prefect-client-home")
    api_url = f"http://127.0.0.1:{free_port()}/api"
    log = server_home / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        QUIET,
        PREFECT_HOME=str(server_home),
        # New deployments get their scheduled runs within a second or so.
        PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS="1",
    )
    port = api_url.rsplit(":", 1)[1].split("/")[0]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port", port],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=server_home,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not healthy(api_url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Prefect server did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        for name, value in QUIET.items():
            os.environ.setdefault(name, value)
        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_HOME: client_home}):
            yield PrefectServer(api_url=api_url, client_home=client_home, log=log)
    finally:
        try:
            flush_api_logs()
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def test_profile(tmp_path: Path) -> Path:
    """A profile with fast retries: two retries, no delay between attempts."""
    path = tmp_path / "orchestration_test.toml"
    path.write_text(
        "threads = 2\n\n[orchestration]\nretries = 2\nretry_delay_seconds = 0\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def prefect_client(prefect_server: PrefectServer) -> Iterator[Any]:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        yield client


def flush_api_logs() -> None:
    """Send the logs and events Prefect still buffers while the server is up (else its background
    workers retry them against a stopped server when the test process exits)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)
