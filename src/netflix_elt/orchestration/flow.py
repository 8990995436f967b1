"""The ``netflix-elt`` Prefect flow: load new raw files (if a source directory is configured), then
build the graph with one task per materialised model, each followed by its checks.

The build is ``Project.execute("build", scheduler=PrefectScheduler(...))``: the same planning,
executor and artifacts (manifest.json, run_results.json, state.json, ELT_META.RUN_HISTORY) as
``netflix-elt build``. The flow returns the run summary, logs it and publishes it as artifacts. When
a node failed (or a file failed to load) the flow run ends Failed, with the summary as its data.

Every parameter is JSON, so deployments can set them; relative paths resolve against the working
directory of the run (the project directory in the shipped deployments).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.states import Failed

from netflix_elt.config import load_profile
from netflix_elt.errors import ConfigError, NetflixEltError
from netflix_elt.orchestration import FLOW_NAME
from netflix_elt.orchestration.scheduler import PrefectScheduler, retry_if_transient
from netflix_elt.orchestration.summary import publish_artifacts, run_summary, summary_lines
from netflix_elt.project import Project

if TYPE_CHECKING:
    from netflix_elt.engine import Engine
    from netflix_elt.executor import CheckRunner
    from netflix_elt.results import RunResult

# What a project's package defines to load raw files before the build: (engine, source_dir) -> summary
LOAD_STEP = "load_new_files"
LoadStep = Callable[["Engine", Path], Any]


@flow(
    name=FLOW_NAME,
    description="Load new raw files, then build and check the warehouse, model by model.",
    persist_result=False,
)
def build_warehouse(
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    source_dir: str | None = None,
    profile: str = "local",
    state_dir: str | None = None,
    threads: int | None = None,
    full_refresh: bool = False,
    models: str | None = None,
    vars: dict[str, Any] | None = None,
) -> dict[str, Any] | State:
    """Load, then build.

    ``select``/``exclude``: dbt-style selectors; ``source_dir``: directory of raw files to load first
    (default: the profile's ``orchestration.source_dir``; nothing is loaded when neither is set);
    ``profile``: profile name or path; ``state_dir``: state directory; ``threads``: models built at once
    (default: the profile's); ``models``: package or module of the models (default: $NETFLIX_ELT_PROJECT,
    else the profile's ``project``); ``vars``: values the models see as ``ctx.vars``.
    """
    logger = get_run_logger()
    try:
        run, attempts, load, report = load_and_build(
            select, exclude, source_dir, profile, state_dir, threads, full_refresh, models, vars
        )
    except NetflixEltError as exc:  # bad input: one clear line, no traceback
        logger.error(exc.render())
        return Failed(message=exc.render(), data=exc)
    summary = run_summary(run, attempts, load)
    summary["validation_report"] = report
    headline, *details = summary_lines(summary)
    logger.info(headline)
    for line in details:
        if line.startswith("ERROR"):
            logger.error(line)
        else:
            logger.info(line)
    publish_artifacts(summary)
    if summary["status"] != "success":
        return Failed(message=headline, data=summary)
    return summary


def load_and_build(
    select: list[str] | None,
    exclude: list[str] | None,
    source_dir: str | None,
    profile: str,
    state_dir: str | None,
    threads: int | None,
    full_refresh: bool,
    models: str | None,
    vars: dict[str, Any] | None,
) -> tuple[RunResult, dict[str, int], dict[str, Any] | None, str]:
    """The flow's work: (run, attempts per node, load summary or None, validation report path)."""
    with open_flow_project(profile, state_dir, models) as project:
        project.use_check_runner(check_runner_for(project))
        settings = project.profile.orchestration
        source = source_dir or settings.source_dir
        load = None
        if source:
            step = load_step_of(project.package)
            loaded = load_new_files.with_options(
                retries=settings.retries, retry_delay_seconds=settings.retry_delay_seconds
            )(project.engine, source, step, return_state=True)
            # raises what the load raised (a LoadError stays a LoadError): a result is the summary
            load = cast("dict[str, Any]", loaded.result())
        else:
            get_run_logger().info("no source directory configured: nothing to load")
        scheduler = PrefectScheduler(settings.retries, settings.retry_delay_seconds)
        run = project.execute(
            "build",
            select=select,
            exclude=exclude,
            threads=threads,
            full_refresh=full_refresh,
            vars=vars,
            scheduler=scheduler,
        )
        return run, scheduler.attempts, load, publish_validation(project, run)


@task(
    name="load-new-files",
    task_run_name="load-new-files",
    cache_policy=NO_CACHE,
    persist_result=False,
    retry_condition_fn=retry_if_transient,
)
def load_new_files(engine: Engine, source_dir: str, step: LoadStep) -> dict[str, Any] | State:
    """Append the raw files of ``source_dir`` not loaded yet with the project's load step.

    A directory or file that cannot be loaded ends the task Failed with the LoadError as its data (no
    retry, no traceback); any other exception is raised, so a transient one is retried.
    """
    try:
        summary = step(engine, Path(source_dir))
    except NetflixEltError as exc:
        get_run_logger().error(exc.render())
        return Failed(message=exc.render(), data=exc)
    totals = summary.to_dict()["totals"]
    get_run_logger().info(
        "loaded %s of %s file(s) from %s: %s rows, %s rejected, %s failed file(s)",
        totals["files_loaded"],
        totals["files"],
        source_dir,
        totals["rows_loaded"],
        totals["rows_rejected"],
        totals["files_failed"],
    )
    return summary.to_dict()


def load_step_of(package: str) -> LoadStep:
    """The load step of a project: the ``load_new_files(engine, source_dir)`` its package of models
    defines (returning a summary with ``to_dict()`` and ``totals``, as the MovieLens loader's)."""
    step = getattr(importlib.import_module(package), LOAD_STEP, None)
    if not callable(step):
        raise ConfigError(
            f"a source directory was given, but the project package '{package}' defines no {LOAD_STEP}()",
            hint=f"define {LOAD_STEP}(engine, source_dir) in '{package}', or run the flow without a source",
        )
    return step


def open_flow_project(
    profile: str = "local", state_dir: str | None = None, models: str | None = None
) -> Project:
    """The project the flow builds: ``models`` (a package or module name), else the package
    $NETFLIX_ELT_PROJECT or the profile names."""
    return Project(profile=load_profile(profile), state_dir=state_dir, project=models)


def check_runner_for(project: Project) -> CheckRunner:
    """The data-quality check runner, as ``netflix-elt build`` installs it."""
    from netflix_elt.quality import default_check_runner

    return default_check_runner(project)


def publish_validation(project: Project, run: RunResult) -> str:
    """What ``netflix-elt build`` does after a run: the validation reports in the state directory and
    the ELT_META.CHECK_RESULTS rows. Returns the HTML report's path."""
    from netflix_elt.quality import publish_validation as publish

    _, html = publish(project, run)
    return str(html)
