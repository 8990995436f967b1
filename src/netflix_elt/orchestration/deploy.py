"""Putting the flow on a daily schedule: served by this process, or deployed to a work pool.

Both produce the deployment ``netflix-elt/<name>`` (``daily`` by default) with a cron schedule in
UTC (default: the profile's ``orchestration.cron``, 06:00 UTC), at most one run at a time (two runs
must not write the same warehouse together), and the flow parameters given at deploy time.

- :func:`serve_daily`: no infrastructure; this process polls the API and runs each flow run in a
  subprocess, until it is stopped (Prefect then pauses the schedule).
- :func:`deploy_to_work_pool`: a deployment on a process work pool whose runs start in the project
  directory (a ``set_working_directory`` pull step) from ``flows/build_warehouse.py`` — the same
  deployment ``prefect deploy --prefect-file flows/prefect.yaml`` creates. A worker
  (``prefect worker start --pool NAME``) runs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from netflix_elt.config import find_profile_file, load_profile
from netflix_elt.errors import ConfigError
from netflix_elt.orchestration import DEFAULT_DEPLOYMENT, FLOW_NAME

if TYPE_CHECKING:
    from prefect.client.schemas.schedules import CronSchedule

ENTRYPOINT = "flows/build_warehouse.py:build_warehouse"
TAGS = ["netflix-elt"]
CRON_HINT = (
    "five fields: minute hour day-of-month month day-of-week, in UTC; e.g. '0 6 * * *' runs daily at 06:00"
)


def validate_cron(expression: str, where: str = "--cron") -> str:
    """Return ``expression`` if Prefect accepts it as a cron schedule, else raise ConfigError."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=expression, timezone="UTC")
    except (ValidationError, ValueError):
        raise ConfigError(f"invalid cron expression '{expression}'", where=where, hint=CRON_HINT) from None
    return expression


def daily_schedule(cron: str | None, profile: str = "local") -> CronSchedule:
    """The cron schedule (UTC) of ``cron``, or of the profile's ``orchestration.cron``."""
    from prefect.client.schemas.schedules import CronSchedule

    if cron is None:
        where = str(find_profile_file(profile) or f"profile {profile}") + ": orchestration.cron"
        cron = validate_cron(load_profile(profile).orchestration.cron, where=where)
    else:
        validate_cron(cron)
    return CronSchedule(cron=cron, timezone="UTC")


def flow_parameters(**given: Any) -> dict[str, Any]:
    """The flow parameters that were given (None and empty values left to the flow's defaults)."""
    return {name: value for name, value in given.items() if value not in (None, [], (), {})}


def serve_daily(
    name: str = DEFAULT_DEPLOYMENT,
    cron: str | None = None,
    parameters: dict[str, Any] | None = None,
) -> None:
    """Serve the flow on its schedule from this process; blocks until interrupted."""
    from prefect import serve
    from prefect.deployments.runner import RunnerDeployment
    from prefect.types.entrypoint import EntrypointType

    from netflix_elt.orchestration.flow import build_warehouse

    parameters = parameters or {}
    deployment = build_warehouse.to_deployment(
        name=name,
        schedules=[daily_schedule(cron, parameters.get("profile", "local"))],
        parameters=parameters,
        concurrency_limit=1,
        tags=TAGS,
        # The runner imports netflix_elt.orchestration.flow by module path: no file path to keep valid.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    assert isinstance(deployment, RunnerDeployment)  # Prefect's sync/async dispatch: no event loop here
    serve(deployment)


def deploy_to_work_pool(
    work_pool: str,
    name: str = DEFAULT_DEPLOYMENT,
    cron: str | None = None,
    parameters: dict[str, Any] | None = None,
    project_dir: str | Path = ".",
) -> UUID:
    """Create or update the deployment on ``work_pool`` (which must exist); return its id."""
    from prefect.deployments.runner import RunnerDeployment
    from prefect.runner.storage import LocalStorage

    from netflix_elt.orchestration.flow import build_warehouse

    project = Path(project_dir).expanduser().resolve()
    entry_file = project / ENTRYPOINT.split(":")[0]
    if not entry_file.is_file():
        raise ConfigError(
            f"{entry_file} not found",
            where="--project-dir",
            hint="run from the netflix-elt project directory (the one holding flows/) or pass --project-dir",
        )
    parameters = parameters or {}
    schedule = daily_schedule(cron, parameters.get("profile", "local"))
    ensure_work_pool_exists(work_pool)
    # The flow object is already imported; LocalStorage gives the deployment its pull step
    # (set_working_directory: the project directory) and the entrypoint is relative to it.
    deployment = build_warehouse.to_deployment(
        name=name,
        schedules=[schedule],
        parameters=parameters,
        concurrency_limit=1,
        tags=TAGS,
        work_pool_name=work_pool,
    )
    assert isinstance(deployment, RunnerDeployment)  # Prefect's sync/async dispatch: no event loop here
    deployment.storage = LocalStorage(str(project))
    deployment.entrypoint = ENTRYPOINT
    deployment_id = deployment.apply()
    assert isinstance(deployment_id, UUID)
    return deployment_id


def ensure_work_pool_exists(work_pool: str) -> None:
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(work_pool)
        except ObjectNotFound:
            raise ConfigError(
                f"work pool '{work_pool}' does not exist",
                where="--work-pool",
                hint=f"create it first: prefect work-pool create {work_pool} --type process",
            ) from None


def deployment_name(name: str = DEFAULT_DEPLOYMENT) -> str:
    """The full name ``prefect deployment run`` takes."""
    return f"{FLOW_NAME}/{name}"
