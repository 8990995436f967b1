"""The ``netflix-elt`` command line, in-process with typer's CliRunner, against the test projects in
tests/projects (chosen with $NETFLIX_ELT_PROJECT) and a temporary state directory."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.cli import app, common
from netflix_elt.graph_text import to_dot, to_mermaid
from netflix_elt.project import PROJECT_ENV, Project
from netflix_elt.registry import Registry
from projects import long_names, shop

TESTS = Path(__file__).resolve().parents[1]
HEAVY_MODULES = ("snowflake.snowpark", "fakesnow", "pandas", "prefect", "great_expectations", "duckdb")


@pytest.fixture
def cli(tmp_state_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """``cli(*args, project='projects.shop')`` -> click Result; --state-dir is the test's."""
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    monkeypatch.delenv("NETFLIX_ELT_CONFIG_DIR", raising=False)
    # rich fixes a console's width when COLUMNS is set as it is created (pytest-xdist workers set it)
    for shared in (common.console, common.err_console):
        monkeypatch.setattr(shared, "_width", 200)
    runner = CliRunner()

    def invoke(*args: str, project: str = "projects.shop"):
        monkeypatch.setenv(PROJECT_ENV, project)
        return runner.invoke(app, ["--state-dir", str(tmp_state_dir), *args])

    return invoke


@pytest.fixture
def shop_loaded(tmp_state_dir: Path) -> Path:
    """The shop's raw tables loaded (just now, so the freshness rule passes) into the state directory's
    warehouse, closed again."""
    with Project.local(tmp_state_dir, Registry.from_modules(shop)) as project:
        shop.load_raw(project.engine)
        project.engine.execute(
            "UPDATE MOVIELENS.RAW.RAW_ORDERS SET LOADED_AT = CAST(CURRENT_TIMESTAMP() AS TIMESTAMP_NTZ)"
        )
    return tmp_state_dir


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_the_commands(cli) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("build", "run", "seed", "snapshot", "test", "ls", "show", "sql", "graph"):
        assert f" {command} " in result.output


@pytest.mark.parametrize("module", ["netflix_elt.cli", "netflix_elt.movielens.cli"])
def test_importing_the_cli_stays_light(module: str) -> None:
    """`netflix-elt --help` must not pay for Snowpark, fakesnow, pandas, Prefect or GX."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines() if "|" in line}
    heavy = sorted(m for m in imported if any(m == h or m.startswith(f"{h}.") for h in HEAVY_MODULES))
    assert heavy == []


def test_ls_lists_models_with_kind_and_relation(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = cli("ls")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()[:1].isupper()}
    assert set(Registry.from_modules(shop).names) <= set(lines)
    assert "MOVIELENS.ANALYTICS.CUSTOMER_REVENUE" in lines["CUSTOMER_REVENUE"]
    assert "incremental" in lines["FCT_ORDERS"]
    assert "(inlined)" in lines["LARGE_ORDERS"]


def test_ls_and_graph_do_not_open_the_warehouse(cli, tmp_state_dir: Path) -> None:
    """Listing needs only the registry and the profile, so it works while a build holds the warehouse."""
    assert cli("ls").exit_code == 0
    assert cli("graph").exit_code == 0
    assert not (tmp_state_dir / "warehouse").exists()


def test_ls_selects_with_global_or_command_options(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    for args in (("ls", "--select", "tag:mart"), ("--select", "tag:mart", "ls")):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        listed = {line.split()[0] for line in result.output.splitlines() if line.strip()[:1].isupper()}
        assert {"CUSTOMER_REVENUE", "LARGE_ORDER_COUNTS"} <= listed
        assert "DIM_CUSTOMERS" not in listed and "STG_ORDERS" not in listed


def test_seed_run_snapshot_then_show(cli, shop_loaded: Path) -> None:
    seed = cli("seed")
    assert seed.exit_code == 0, seed.output
    assert "COUNTRY_NAMES" in seed.output and "STG_ORDERS" not in seed.output

    run = cli("run")
    assert run.exit_code == 0, run.output
    assert "CUSTOMER_REVENUE" in run.output and "CUSTOMERS_SNAPSHOT" not in run.output

    snapshot = cli("snapshot")
    assert snapshot.exit_code == 0, snapshot.output
    assert "CUSTOMERS_SNAPSHOT" in snapshot.output

    as_csv = cli("show", "customer_revenue", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {(r["NAME"], float(r["REVENUE"])) for r in rows} == {("Ann", 155.5), ("Bob", 349.99)}

    as_json = cli("show", "dim_customers", "--format", "json", "--limit", "2")
    assert as_json.exit_code == 0, as_json.output
    records = json.loads(as_json.stdout)
    assert len(records) == 2 and set(records[0]) == {
        "CUSTOMER_ID",
        "NAME",
        "COUNTRY_CODE",
        "COUNTRY_NAME",
        "TIER",
    }

    history = cli("show", "customers_snapshot", "--format", "csv")
    assert history.exit_code == 0, history.output
    assert history.stdout.splitlines()[0].endswith(
        "VALID_FROM,VALID_TO,IS_CURRENT,IS_DELETED,SNAPSHOT_RUN_AT"
    )
    assert len(history.stdout.splitlines()) == 4

    table = cli("show", "dim_customers")
    assert table.exit_code == 0 and "Netherlands" in table.output


def test_build_exits_0_and_writes_artifacts(cli, shop_loaded: Path) -> None:
    result = cli("build", "--threads", "3")
    assert result.exit_code == 0, result.output
    assert "success" in result.output
    for artifact in ("manifest.json", "run_results.json", "state.json"):
        assert (shop_loaded / artifact).is_file()
    run_results = json.loads((shop_loaded / "run_results.json").read_text())
    assert run_results["success"] is True and run_results["args"]["threads"] == 3
    again = cli("build", "--select", "state:modified")
    assert again.exit_code == 0  # nothing modified is a state of the project, not bad input
    assert "warning: nothing to do: --select 'state:modified' matches" in again.stderr
    assert json.loads((shop_loaded / "run_results.json").read_text())["results"] == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("build", "--select", "tag:no_such_tag"), "--select 'tag:no_such_tag' matches no node"),
        (("build", "--select", "tag:nope nothing_*"), "'tag:nope', 'nothing_*' matched nothing"),
        (("ls", "--select", "dim_*,tag:staging"), "its comma-joined terms have no node in common"),
        (("build", "-s", "stg_orders", "--exclude", "stg_orders"), "minus --exclude 'stg_orders'"),
        (("run", "--select", "country_names"), "matches 1 node(s), none of which `run` runs"),
        (("graph", "--select", "kind:snapshot,tag:mart"), "--select 'kind:snapshot,tag:mart'"),
        (("unit-test", "--select", "layer:raw,tag:mart"), "--select 'layer:raw,tag:mart'"),
    ],
)
def test_a_selection_that_matches_nothing_is_bad_input(cli, args: tuple[str, ...], named: str) -> None:
    """Not a silent exit 0: one line naming the selector, exit 2, and nothing was run."""
    assert_one_line_error(cli(*args), named)


def test_build_exits_1_when_a_model_fails(cli) -> None:
    result = cli("build", project="projects.failing")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "ERROR BAD_CAST: model BAD_CAST:" in " ".join(result.output.split())
    assert "skipped" in result.output


def test_sql_runs_a_query(cli, shop_loaded: Path) -> None:
    result = cli("sql", "SELECT COUNT(*) AS N, MAX(AMOUNT) AS TOP FROM RAW.RAW_ORDERS", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"N": 5, "TOP": 250.0}]
    as_csv = cli(
        "sql", "SELECT CUSTOMER_ID FROM RAW.RAW_CUSTOMERS ORDER BY 1", "--format", "csv", "--limit", "2"
    )
    assert as_csv.stdout.splitlines() == ["CUSTOMER_ID", "1", "2"]


def test_sql_runs_statements_that_are_not_queries(cli, shop_loaded: Path) -> None:
    """DESCRIBE cannot be wrapped in a LIMIT (on Snowflake either): its rows are fetched, then cut."""
    described = cli("sql", "DESCRIBE TABLE RAW.RAW_ORDERS", "--format", "json")
    assert described.exit_code == 0, described.output
    rows = json.loads(described.stdout)
    assert "AMOUNT" in {row["name"] for row in rows}
    cut = cli("sql", "DESCRIBE TABLE RAW.RAW_ORDERS", "--format", "json", "--limit", "1")
    assert cut.exit_code == 0, cut.output
    assert json.loads(cut.stdout) == rows[:1] and "showing the first 1 rows" in cut.stderr


def test_sql_and_show_say_when_the_limit_cuts_the_result(cli, shop_loaded: Path) -> None:
    """The default limit (100) or a given one never cuts silently: stderr says how many rows were shown
    and how to get them all; --limit 0 returns every row; a result of exactly the limit is not cut."""
    product = "SELECT a.ORDER_ID FROM RAW.RAW_ORDERS a, RAW.RAW_ORDERS b, RAW.RAW_ORDERS c"  # 125 rows
    cut = cli("sql", product, "--format", "csv")
    assert cut.exit_code == 0, cut.output
    assert len(cut.stdout.splitlines()) == 1 + 100
    assert "showing the first 100 rows" in cut.stderr and "--limit 0" in cut.stderr
    every = cli("sql", product, "--format", "csv", "--limit", "0")
    assert every.exit_code == 0, every.output
    assert len(every.stdout.splitlines()) == 1 + 125 and every.stderr == ""
    exact = cli("sql", "SELECT ORDER_ID FROM RAW.RAW_ORDERS", "--format", "json", "--limit", "5")
    assert len(json.loads(exact.stdout)) == 5 and exact.stderr == ""

    assert cli("build").exit_code == 0
    shown = cli("show", "stg_orders", "--format", "csv", "--limit", "2")
    assert shown.exit_code == 0, shown.output
    assert len(shown.stdout.splitlines()) == 1 + 2
    assert "showing the first 2 rows" in shown.stderr
    whole = cli("show", "stg_orders", "--format", "csv", "--limit", "0")
    assert len(whole.stdout.splitlines()) == 1 + 5 and whole.stderr == ""


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph_prints_the_whole_graph_unwrapped(cli, fmt: str) -> None:
    result = cli("graph", "--format", fmt, project="projects.long_names")
    assert result.exit_code == 0, result.output
    render = to_mermaid if fmt == "mermaid" else to_dot
    assert result.stdout.rstrip("\n") == render(Registry.from_modules(long_names))


def test_graph_of_a_selection(cli) -> None:
    result = cli("graph", "--select", "+dim_customers")
    assert result.exit_code == 0
    assert "COUNTRY_NAMES --> DIM_CUSTOMERS" in result.stdout
    assert "FCT_ORDERS" not in result.stdout


def test_unknown_model_is_one_red_line_with_a_suggestion(cli) -> None:
    assert_one_line_error(
        cli("show", "dim_customer"), "unknown model 'dim_customer'", "did you mean DIM_CUSTOMERS?"
    )


def test_an_unbuilt_model_says_to_build_first(cli) -> None:
    assert_one_line_error(cli("show", "dim_customers"), "has not been built yet", "netflix-elt build")


def test_bad_sql_is_one_line(cli) -> None:
    assert_one_line_error(
        cli("sql", "SELEC nonsense FROM nowhere_at_all_in_this_warehouse"), "error: query: "
    )


def test_bad_selector_and_unknown_profile_are_one_line(cli) -> None:
    assert_one_line_error(cli("build", "--select", "a+b"), "cannot parse selector 'a+b'")
    assert_one_line_error(cli("--profile", "nope", "ls"), "profile 'nope' not found")


def test_project_errors_are_one_line(cli) -> None:
    assert_one_line_error(cli("ls", project="projects.cyclic"), "dependency cycle: A -> B -> C -> A")
    assert_one_line_error(cli("build", project="projects.unknown_ref"), "did you mean 'numbers'?")


def test_a_long_error_stays_on_one_line(cli) -> None:
    name = "a_model_name_that_is_long_enough_to_make_the_message_wider_than_eighty_columns"
    assert_one_line_error(cli("show", name), f"unknown model '{name}'")


def test_brackets_in_a_message_are_printed_as_written(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sf.toml").write_text('engine = "snowflake"\n', encoding="utf-8")
    monkeypatch.setenv("NETFLIX_ELT_CONFIG_DIR", str(tmp_path))
    assert_one_line_error(
        cli("--profile", "sf", "ls"), "the [snowflake] table is missing", "add [snowflake] with"
    )


def test_profile_by_name_from_the_config_dir(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "dev.toml").write_text(
        'database = "SHOP_DEV"\n[schemas]\nanalytics = "MARTS"\n', encoding="utf-8"
    )
    monkeypatch.setenv("NETFLIX_ELT_CONFIG_DIR", str(configs))
    result = cli("--profile", "dev", "ls", "--select", "dim_customers")
    assert result.exit_code == 0, result.output
    assert "SHOP_DEV.MARTS.DIM_CUSTOMERS" in result.output
    (configs / "broken.toml").write_text("threds = 3\n", encoding="utf-8")
    assert_one_line_error(cli("--profile", "broken", "ls"), "broken.toml: unknown key 'threds'")


def test_the_project_package_comes_from_the_environment_the_profile_or_the_application(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The framework's command line has no project of its own; the MovieLens one defaults to its pipeline."""
    from netflix_elt.movielens.cli import app as movielens_app

    monkeypatch.setenv("COLUMNS", "200")
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "shop.toml").write_text('project = "projects.shop"\n', encoding="utf-8")
    (configs / "bad.toml").write_text('project = "framework/shop"\n', encoding="utf-8")
    monkeypatch.setenv("NETFLIX_ELT_CONFIG_DIR", str(configs))
    cli("--help")  # sets $NETFLIX_ELT_PROJECT (to the shop); this test wants it unset
    monkeypatch.delenv(PROJECT_ENV)
    state = ["--state-dir", str(tmp_path / "state")]

    def invoke(target, *args: str):
        return CliRunner().invoke(target, [*state, *args])

    assert_one_line_error(invoke(app, "ls"), "no project package", PROJECT_ENV, "profile")
    assert "DIM_CUSTOMERS" in invoke(app, "--profile", "shop", "ls").output
    assert "DIM_CUSTOMERS" in invoke(movielens_app, "--profile", "shop", "ls").output  # over its default
    assert "DIM_MOVIES" in invoke(movielens_app, "ls").output
    monkeypatch.setenv(PROJECT_ENV, "projects.seeds")
    assert "DIM_CUSTOMERS" not in invoke(app, "--profile", "shop", "ls").output  # the environment wins
    assert_one_line_error(invoke(app, "--profile", "bad", "ls"), "bad.toml", "project")


def test_errors_from_a_real_process_are_red_and_without_traceback(tmp_state_dir: Path) -> None:
    executable = Path(sys.executable).parent / "netflix-elt"
    completed = subprocess.run(
        [str(executable), "--state-dir", str(tmp_state_dir), "show", "nosuch"],
        capture_output=True,
        text=True,
        # projects.seeds declares only seeds, so the process imports no Snowpark and starts fast
        env={**os.environ, "PYTHONPATH": str(TESTS), PROJECT_ENV: "projects.seeds", "FORCE_COLOR": "1"},
        timeout=120,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "\x1b[31m" in lines[0] and "unknown model 'nosuch'" in lines[0]
