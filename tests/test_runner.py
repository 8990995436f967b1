"""Running a plan: threads, failures and skips, the executor's refusals, checks, artifacts and state."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
import snowflake.snowpark.functions as F

from netflix_elt import Table, model, source
from netflix_elt.artifacts import RUN_HISTORY_COLUMNS, StateStore
from netflix_elt.dag import DAG
from netflix_elt.declare import spec_of
from netflix_elt.engine.worktables import find_work_tables
from netflix_elt.plan import Plan
from netflix_elt.registry import Registry
from netflix_elt.results import NodeResult
from netflix_elt.runner import run_plan
from projects import failing, parallel, shop, undeclared_read
from projects.helpers import registry_of
from projects.versions import v1, v2

# What a build of projects.failing ends with.
FAILING_COUNTS = {
    "success": 3,
    "warn": 0,
    "error": 3,
    "skipped": 2,
    "up_to_date": 0,
    "not_due": 0,
    "cancelled": 0,
}


def statuses(run) -> dict[str, str]:
    return {r.name: r.status for r in run.results}


# -- threads ------------------------------------------------------------------------------------
def test_independent_nodes_run_at_the_same_time_on_their_own_sessions(make_project) -> None:
    parallel.reset()
    project = make_project(parallel)
    run = project.build(threads=2)
    assert statuses(run) == {"NUMBERS": "success", "WEST": "success", "EAST": "success", "BOTH": "success"}
    (west_thread, west_session), (east_thread, east_session) = parallel.SEEN["WEST"], parallel.SEEN["EAST"]
    assert west_thread != east_thread
    assert west_thread.startswith("netflix-elt") and east_thread.startswith("netflix-elt")
    assert west_session != east_session
    assert project.table("both").count() == 6


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_never_more_nodes_run_at_once_than_threads(make_project, threads: int) -> None:
    project = make_project(failing)
    lock = threading.Lock()
    running: set[str] = set()
    most = 0
    events: list[tuple[str, str]] = []

    def on_event(event: str, name: str, result) -> None:
        nonlocal most
        with lock:
            events.append((event, name))
            if event == "start":
                running.add(name)
                most = max(most, len(running))
            else:
                running.discard(name)

    run = project.build(threads=threads, on_event=on_event)
    assert most <= threads
    if threads == 1:
        assert most == 1
    started = [name for event, name in events if event == "start"]
    finished = [name for event, name in events if event == "finish"]
    assert sorted(finished) == sorted(r.name for r in run.results)
    assert set(started) == {r.name for r in run.results if r.status != "skipped"}  # skipped never start
    for event, name in events:  # a node starts only after its upstream nodes finished
        if event == "start":
            done = {n for e, n in events[: events.index((event, name))] if e == "finish"}
            assert project.plan("build").dag.upstream(name) <= done


# -- failures -----------------------------------------------------------------------------------
def test_a_failure_skips_everything_downstream_while_other_branches_go_on(make_project) -> None:
    project = make_project(failing)
    run = project.build()
    assert statuses(run) == {
        "NUMBERS": "success",
        "BAD_CAST": "error",
        "AFTER_BAD": "skipped",
        "AFTER_AFTER": "skipped",
        "NOT_A_FRAME": "error",
        "RAISES": "error",
        "DOUBLED": "success",
        "DOUBLED_SUM": "success",
    }
    results = run.by_name()
    assert results["BAD_CAST"].message.startswith("model BAD_CAST: ")
    assert results["AFTER_BAD"].message == "skipped: upstream BAD_CAST did not succeed"
    assert results["AFTER_AFTER"].message == "skipped: upstream AFTER_BAD did not succeed"
    assert "returned int, not a Snowpark DataFrame" in results["NOT_A_FRAME"].message
    assert results["NOT_A_FRAME"].message.startswith("model NOT_A_FRAME (")
    assert results["RAISES"].message == "model RAISES: boom: the model's own bug"
    assert run.counts() == FAILING_COUNTS
    assert not run.success
    assert project.engine.object_type(project.relation("after_bad")) is None
    assert project.table("doubled_sum").collect()[0]["TOTAL"] == 12


def test_the_executor_builds_one_node_and_never_raises_for_a_model_failure(make_project) -> None:
    project = make_project(failing)
    executor = project.executor("build")
    assert executor.execute("NUMBERS").status == "success"
    result = executor.execute("raises")
    assert (result.name, result.status) == ("RAISES", "error")
    assert result.started_at is not None and result.ended_at is not None and result.seconds >= 0
    assert result.fingerprint == project.registry["raises"].fingerprint()


def test_reading_an_undeclared_table_by_name_is_refused(make_project) -> None:
    project = make_project(undeclared_read)
    run = project.build()
    results = run.by_name()
    assert results["HONEST"].status == "success"
    assert results["SNEAKY_TABLE"].status == "error"
    assert (
        "reads MOVIELENS.RAW.COUNTRY_NAMES, which is not one of its declared inputs"
        in results["SNEAKY_TABLE"].message
    )
    assert undeclared_read.__file__ in results["SNEAKY_TABLE"].message
    assert "take the upstream model as a parameter" in results["SNEAKY_TABLE"].message
    assert "reads RAW.COUNTRY_NAMES" in results["SNEAKY_SQL"].message
    assert project.engine.object_type("MOVIELENS.ANALYTICS.SNEAKY_TABLE") is None


# -- checks -------------------------------------------------------------------------------------
def checked_registry() -> Registry:
    @model(Table(), checks=["error-check"])
    def strict(numbers):
        return numbers

    @model(Table(), checks=["warn-check"])
    def lenient(numbers):
        return numbers

    @model(Table())
    def after_strict(strict):
        return strict

    @model(Table())
    def after_lenient(lenient):
        return lenient

    return registry_of(failing.numbers, strict, lenient, after_strict, after_lenient)


def fake_checks(failing_severities: set[str]):
    """A check runner whose checks fail for the given severities; records every call."""
    calls: list[tuple[str, str]] = []

    def run_checks(spec, target: str) -> list[dict]:
        calls.append((spec.name, target))
        severity = "error" if "error-check" in spec.checks else "warn"
        return [
            {
                "name": f"{spec.name.lower()}_check",
                "severity": severity,
                "success": severity not in failing_severities,
            }
        ]

    return run_checks, calls


def test_a_failed_error_check_fails_the_node_and_skips_downstream(make_project) -> None:
    project = make_project(checked_registry())
    runner, calls = fake_checks({"error", "warn"})
    project.use_check_runner(runner)
    run = project.build()
    assert statuses(run) == {
        "NUMBERS": "success",
        "STRICT": "error",
        "AFTER_STRICT": "skipped",
        "LENIENT": "warn",
        "AFTER_LENIENT": "success",
    }
    results = run.by_name()
    assert results["STRICT"].message == (
        "1 blocking check(s) failed: strict_check; no table was published (there was no previous one)"
    )
    assert results["LENIENT"].message == "1 check(s) warned"
    assert results["STRICT"].checks == [{"name": "strict_check", "severity": "error", "success": False}]
    # Tables are checked while built aside (write-audit-publish): STRICT was never published.
    owner = project.engine.owner
    assert sorted(calls) == [
        ("LENIENT", f"MOVIELENS.ANALYTICS.LENIENT__BUILD_{owner}"),
        ("STRICT", f"MOVIELENS.ANALYTICS.STRICT__BUILD_{owner}"),
    ]
    assert project.engine.object_type("MOVIELENS.ANALYTICS.STRICT") is None
    assert find_work_tables(project.engine) == []
    assert project.engine.object_type("MOVIELENS.ANALYTICS.LENIENT") == "TABLE"


def test_a_table_failing_its_checks_keeps_the_previous_build(make_project) -> None:
    project = make_project(checked_registry())
    passing, _ = fake_checks(set())
    project.use_check_runner(passing)
    assert project.build().success
    strict = project.relation("strict")
    built = project.engine.row_count(strict)
    # Mark the published table: a rebuild would drop the marker row, a refused one keeps it.
    project.engine.execute(f"INSERT INTO {strict} SELECT N + 1000, 'marker' FROM {strict} LIMIT 1")
    failing_runner, _ = fake_checks({"error"})
    project.use_check_runner(failing_runner)
    run = project.build(full_refresh=True)  # nothing changed: without it STRICT would be up to date
    assert statuses(run)["STRICT"] == "error" and statuses(run)["AFTER_STRICT"] == "skipped"
    assert run.by_name()["STRICT"].rows == built  # what was built aside and refused
    assert run.by_name()["STRICT"].message.endswith("; not published, the previous table is kept")
    assert project.engine.row_count(strict) == built + 1  # what readers still see: the previous table
    assert find_work_tables(project.engine) == []


def test_checks_run_in_build_and_test_but_not_in_run(make_project) -> None:
    project = make_project(checked_registry())
    runner, calls = fake_checks(set())
    project.use_check_runner(runner)
    assert project.seed().success and project.run().success and calls == []
    test_run = project.test()
    assert test_run.success and len(calls) == 2
    assert all(r.rows is None for r in test_run.results)  # nothing was built
    assert project.build().success and len(calls) == 4


def test_test_command_builds_nothing(make_project) -> None:
    project = make_project(failing)
    run = project.test(select=["doubled"])
    assert statuses(run) == {"DOUBLED": "success"}
    assert project.engine.object_type(project.relation("doubled")) is None


# -- scheduler and events -----------------------------------------------------------------------
def test_execute_uses_the_given_scheduler(make_project) -> None:
    project = make_project(failing)
    seen = []

    def sequential(plan, registry, execute, threads, on_event):
        seen.append((plan.command, threads))
        return run_plan(plan, registry, execute, 1, on_event)

    run = project.execute("build", select=["+doubled_sum"], threads=3, scheduler=sequential)
    assert seen == [("build", 3)]
    assert statuses(run) == {"NUMBERS": "success", "DOUBLED": "success", "DOUBLED_SUM": "success"}


def test_the_ready_node_with_the_longest_chain_behind_it_starts_first() -> None:
    # A and B come first in plan order, but X starts a chain of three nodes: it must start first.
    dag = DAG({"A": [], "B": [], "X": [], "Y": ["X"], "Z": ["Y"]})
    plan = Plan(command="build", dag=dag, order=dag.sorted())
    assert plan.order == ["A", "B", "X", "Y", "Z"]
    weighted = plan.with_durations({"A": 2.0, "B": 1.0, "X": 1.0, "Y": 1.0, "Z": 1.0})
    assert weighted.priority == {"A": 2.0, "B": 1.0, "X": 3.0, "Y": 2.0, "Z": 1.0}

    def started(plan: Plan, threads: int) -> list[str]:
        order: list[str] = []
        run_plan(
            plan,
            Registry([]),
            lambda name: NodeResult(name=name, kind="table", status="success"),
            threads,
            lambda event, name, result: order.append(name) if event == "start" else None,
        )
        return order

    assert started(plan, 1) == ["A", "B", "X", "Y", "Z"]  # no durations: plan order
    assert started(weighted, 1) == ["X", "A", "Y", "B", "Z"]  # A (2 s) before Y (2 s): plan order
    assert started(weighted, 2)[:2] == ["X", "A"]


def test_a_build_weighs_its_nodes_by_their_seconds_in_the_last_build(make_project) -> None:
    project = make_project(failing)
    plans: list[Plan] = []

    def recording(plan, registry, execute, threads, on_event):
        plans.append(plan)
        return run_plan(plan, registry, execute, threads, on_event)

    first = project.execute("build", select=["+doubled_sum"], threads=2, scheduler=recording)
    # Nothing ran before: every node counts 1, so a node's priority is the length of its chain.
    assert plans[0].priority == {"NUMBERS": 3.0, "DOUBLED": 2.0, "DOUBLED_SUM": 1.0}
    project.execute("build", select=["+doubled_sum"], threads=2, scheduler=recording)
    seconds = {r.name: r.seconds for r in first.results}  # as RUN_HISTORY recorded them
    chain = seconds["DOUBLED_SUM"], seconds["DOUBLED"] + seconds["DOUBLED_SUM"]
    assert plans[1].priority["DOUBLED_SUM"] == pytest.approx(chain[0])
    assert plans[1].priority["DOUBLED"] == pytest.approx(chain[1])
    assert plans[1].priority["NUMBERS"] == pytest.approx(seconds["NUMBERS"] + chain[1])
    # One thread: the order cannot change the run's length, so no weights are looked up.
    project.execute("build", select=["+doubled_sum"], threads=1, scheduler=recording)
    assert plans[2].priority == {}


# -- artifacts ----------------------------------------------------------------------------------
def test_artifacts_describe_the_project_and_the_run(make_project, tmp_state_dir) -> None:
    project = make_project(failing)
    run = project.build(run_started_at=datetime(2024, 1, 1, tzinfo=UTC))

    manifest = json.loads((tmp_state_dir / "manifest.json").read_text())
    assert manifest["database"] == "MOVIELENS"
    assert set(manifest["nodes"]) == set(project.registry.names)
    node = manifest["nodes"]["AFTER_BAD"]
    assert node["kind"] == "table" and node["relation"] == "MOVIELENS.ANALYTICS.AFTER_BAD"
    assert node["depends_on"] == ["BAD_CAST"]
    assert node["fingerprint"] == project.registry["after_bad"].fingerprint()
    assert node["location"].startswith(failing.__file__)

    results = json.loads((tmp_state_dir / "run_results.json").read_text())
    assert results["run_id"] == run.run_id and results["command"] == "build"
    assert results["success"] is False
    assert results["counts"] == FAILING_COUNTS
    assert results["args"]["run_started_at"] == "2024-01-01T00:00:00+00:00"
    assert 0 <= results["elapsed_seconds"] < 3600  # wall-clock time, not time since run_started_at
    by_name = {r["name"]: r for r in results["results"]}
    assert by_name["DOUBLED"]["status"] == "success" and by_name["DOUBLED"]["rows"] == 3
    assert any(sql.startswith("CREATE OR REPLACE TABLE") for sql in by_name["DOUBLED"]["sql"])
    assert by_name["AFTER_BAD"]["status"] == "skipped"

    state = json.loads((tmp_state_dir / "state.json").read_text())
    assert set(state["fingerprints"]) == {"NUMBERS", "DOUBLED", "DOUBLED_SUM"}


def test_run_history_gets_one_row_per_node_per_run(make_project) -> None:
    project = make_project(failing)
    first = project.build()
    second = project.build(select=["doubled"])
    rows = project.engine.execute(
        "SELECT RUN_ID, COMMAND, MODEL_NAME, KIND, STATUS, ROWS_AFFECTED, MESSAGE, STARTED_AT, SECONDS "
        "FROM MOVIELENS.ELT_META.RUN_HISTORY"
    )
    assert [c.name for c in project.engine.columns("MOVIELENS.ELT_META.RUN_HISTORY")] == list(
        RUN_HISTORY_COLUMNS
    )
    assert len(rows) == len(first.results) + len(second.results)
    mine = {r["MODEL_NAME"]: r for r in rows if r["RUN_ID"] == first.run_id}
    assert {name: r["STATUS"] for name, r in mine.items()} == statuses(first)
    assert mine["DOUBLED"]["ROWS_AFFECTED"] == 3 and mine["DOUBLED"]["KIND"] == "table"
    assert mine["DOUBLED"]["STARTED_AT"] is not None and mine["DOUBLED"]["SECONDS"] >= 0
    assert mine["AFTER_BAD"]["MESSAGE"] == "skipped: upstream BAD_CAST did not succeed"
    assert [r["MODEL_NAME"] for r in rows if r["RUN_ID"] == second.run_id] == ["DOUBLED"]


# -- state:modified -----------------------------------------------------------------------------
def test_a_runs_last_node_sees_the_whole_run_in_run_history(make_project) -> None:
    """A ``runs_last`` model reading RUN_HISTORY starts after every other node, even with threads to
    spare and although it reads only a source; failed and skipped nodes do not skip it, and their rows
    (skipped ones too) are there when it runs."""
    run_history = source("RUN_HISTORY", layer="meta")

    @model(Table(), runs_last=True)
    def run_report(run_history):
        return run_history.group_by("RUN_ID").agg(F.count(F.lit(1)).alias("NODES"))

    failing_nodes = [spec_of(v) for v in vars(failing).values() if spec_of(v) is not None]
    project = make_project(Registry([*failing_nodes, spec_of(run_history), spec_of(run_report)]))
    plan = project.plan("build")
    assert plan.order[-1] == "RUN_REPORT" and plan.dag.upstream("RUN_REPORT") == set(plan.order[:-1])
    run = project.build(threads=3)
    assert statuses(run)["RUN_REPORT"] == "success"
    assert {"error", "skipped"} <= set(statuses(run).values())
    assert run.results[-1].name == "RUN_REPORT"
    counted = project.table("run_report").filter(F.col("RUN_ID") == run.run_id).collect()
    assert counted[0]["NODES"] == len(run.results) - 1  # every node of the run but itself


def test_state_modified_finds_edited_models(make_project, tmp_state_dir) -> None:
    first = make_project(v1)
    assert first.plan("build", ["state:modified"]).order == [
        "NUMBERS",
        "BASE",
        "CHILD",
        "GRANDCHILD",
        "OTHER",
    ]
    assert first.build().success
    assert first.plan("build", ["state:modified"]).order == []

    second = make_project(v2)
    assert second.plan("build", ["state:modified"]).order == ["CHILD"]
    assert second.plan("build", ["state:modified+"]).order == ["CHILD", "GRANDCHILD"]
    assert StateStore(tmp_state_dir).modified(second.registry) == {"CHILD"}
    run = second.build(select=["state:modified+"])
    assert statuses(run) == {"CHILD": "success", "GRANDCHILD": "success"}
    assert second.table("child").count() == 2
    assert second.plan("build", ["state:modified"]).order == []
    assert first.plan("build", ["state:modified"]).order == ["CHILD"]  # v1's code is now the edited one


def test_failed_nodes_stay_modified_and_test_runs_record_nothing(make_project, tmp_state_dir) -> None:
    project = make_project(failing)
    project.build()
    assert StateStore(tmp_state_dir).modified(project.registry) == {
        "BAD_CAST",
        "AFTER_BAD",
        "AFTER_AFTER",
        "NOT_A_FRAME",
        "RAISES",
    }
    before = (tmp_state_dir / "state.json").read_text()
    project.test()
    assert (
        json.loads((tmp_state_dir / "state.json").read_text())["fingerprints"]
        == json.loads(before)["fingerprints"]
    )


def test_a_whole_project_builds_end_to_end(make_project) -> None:
    project = make_project(shop)
    shop.load_raw(project.engine)
    run = project.build(run_started_at=datetime(2024, 3, 2, 6, tzinfo=UTC), threads=4)
    assert run.success, [(r.name, r.message) for r in run.results if not r.passed]
    assert len(run.results) == len(project.registry) - 1  # every node but the ephemeral one
    revenue = {r["NAME"]: float(r["REVENUE"]) for r in project.table("customer_revenue").collect()}
    assert revenue == {"Ann": 155.5, "Bob": 349.99}
    assert project.sql("SELECT COUNT(*) AS N FROM ANALYTICS.DIM_CUSTOMERS").collect()[0]["N"] == 3
