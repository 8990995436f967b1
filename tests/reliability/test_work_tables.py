"""Work tables: a run leaves none behind, and the next run (or ``netflix-elt clean``) clears the ones a
dead run left, without touching those of a run that is still alive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from netflix_elt import Snapshot
from netflix_elt.cli import app
from netflix_elt.declare import spec_of
from netflix_elt.engine import worktables
from netflix_elt.engine.worktables import find_work_tables
from netflix_elt.movielens.loader import load_directory
from netflix_elt.project import PROJECT_ENV, Project
from netflix_elt.registry import Registry
from projects import incremental, seeds, shop, snapshots
from projects.helpers import create_table, insert_rows, with_kinds

T0 = datetime(2024, 1, 1)
DEAD = "DEADBEEF"
ODD = "X; DROP TABLE MOVIELENS.RAW.Y__BUILD_DEADBEEF"


def merged_registry() -> Registry:
    """A seed, an incremental merge and a check snapshot that invalidates deletions (three scratch tables)."""
    models = with_kinds(
        Registry.from_modules(incremental, snapshots),
        customers_history=Snapshot(
            unique_key=("CUSTOMER_ID",), strategy="check", check_cols=("TIER",), hard_deletes="invalidate"
        ),
    )
    return Registry([*models, spec_of(seeds.releases)])


def load_raw(project: Project, day: int) -> None:
    engine = project.engine
    if day == 0:
        create_table(engine, "MOVIELENS.RAW.RAW_EVENTS", incremental.EVENT_TYPES)
        create_table(engine, "MOVIELENS.RAW.RAW_CUSTOMERS", snapshots.CUSTOMER_TYPES)
    moment = T0 + timedelta(days=day)
    insert_rows(engine, "MOVIELENS.RAW.RAW_EVENTS", incremental.EVENT_TYPES, [[day, 1, "1.5", moment]])
    engine.execute("DELETE FROM MOVIELENS.RAW.RAW_CUSTOMERS")
    customers = [[1, "ann", f"tier{day}", moment], [2 + day, "bob", "gold", moment]]
    insert_rows(engine, "MOVIELENS.RAW.RAW_CUSTOMERS", snapshots.CUSTOMER_TYPES, customers)


def test_builds_leave_no_work_table_and_no_snowpark_upload(make_project) -> None:
    project = make_project(merged_registry())
    for day in range(3):  # a first build, then merges and snapshot updates
        load_raw(project, day)
        run = project.build()
        assert run.success, [r.message for r in run.results]
        statements = [s for result in run.results for s in result.sql]
        assert any("__SCRATCH_" in s for s in statements) == (day > 0)
        assert not any("SNOWPARK_TEMP_TABLE_" in s for s in statements)  # seeds upload nothing
        assert find_work_tables(project.engine) == []


def leave_dead_run_behind(project: Project) -> list[str]:
    """Work tables and an IN_PROGRESS load as a run killed half-way leaves them."""
    engine = project.engine
    tables = [
        worktables.build_name("MOVIELENS.ANALYTICS.ORDERS", DEAD),
        f"MOVIELENS.SNAPSHOTS.{worktables.scratch_name('CUSTOMERS_HISTORY', DEAD)}",
        f"MOVIELENS.ELT_META.{worktables.scratch_name('LANDING_RAW_RATINGS', DEAD)}",
        "MOVIELENS.RAW.SNOWPARK_TEMP_TABLE_0123456789",
    ]
    for table in tables:
        engine.execute(f"CREATE TABLE {table} AS SELECT 1 AS A")
    return tables


def write_in_progress_row(project: Project, data_dir: Path, batch_id: str) -> None:
    """The LOAD_LOG of a finished load, then an IN_PROGRESS row as a killed load of ``batch_id`` leaves it."""
    load_directory(project.engine, data_dir, batch_id="finished")
    log = "MOVIELENS.ELT_META.LOAD_LOG"
    project.engine.execute(
        f"INSERT INTO {log} SELECT '{batch_id}', SOURCE_FILE, FILE_NAME, SHA256, SIZE_BYTES, TARGET_TABLE, "
        "MODE, 'IN_PROGRESS', 0, 0, 0, STARTED_AT, ENDED_AT, SECONDS, 'loading', NULL FROM "
        f"{log} WHERE BATCH_ID = 'finished'"
    )


def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir(exist_ok=True)
    (directory / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    return directory


def statuses(project: Project) -> dict[str, str]:
    rows = project.engine.execute("SELECT BATCH_ID, STATUS FROM MOVIELENS.ELT_META.LOAD_LOG")
    return {str(batch): str(status) for batch, status in (tuple(r) for r in rows)}


def test_the_next_run_clears_what_a_dead_run_left(tmp_state_dir: Path, tmp_path: Path) -> None:
    registry = Registry.from_modules(shop)
    with Project.local(tmp_state_dir, registry) as project:
        left = leave_dead_run_behind(project)
        write_in_progress_row(project, data_dir(tmp_path), "killed")
        assert statuses(project) == {"finished": "LOADED", "killed": "IN_PROGRESS"}
        # A quoted name that merely looks like a work table is not ours, and never goes into a DROP.
        project.engine.execute(f'CREATE TABLE MOVIELENS.ANALYTICS."{ODD}" (A INT)')
    with Project.local(tmp_state_dir, registry) as project:
        assert find_work_tables(project.engine) == []
        assert statuses(project) == {"finished": "LOADED", "killed": "INTERRUPTED"}
        assert project.engine.row_count(f'MOVIELENS.ANALYTICS."{ODD}"') == 0
        message = project.engine.scalar(
            "SELECT MESSAGE FROM MOVIELENS.ELT_META.LOAD_LOG WHERE BATCH_ID = 'killed'"
        )
        assert "nothing of it reached RAW" in message
        # The same content loads again: an interrupted row does not count as loaded.
        summary = load_directory(project.engine, data_dir(tmp_path), batch_id="again")
        assert [f.status for f in summary.files] == ["skipped"]  # 'finished' holds it
    assert len(left) == 4


def test_a_live_run_keeps_its_work_tables(tmp_state_dir: Path, tmp_path: Path) -> None:
    registry = Registry.from_modules(shop)
    with Project.local(tmp_state_dir, registry) as alive:
        own = worktables.build_name("MOVIELENS.ANALYTICS.ORDERS", alive.engine.owner)
        alive.engine.execute(f"CREATE TABLE {own} AS SELECT 1 AS A")
        upload = "MOVIELENS.RAW.SNOWPARK_TEMP_TABLE_9876543210"
        alive.engine.execute(f"CREATE TABLE {upload} AS SELECT 1 AS A")
        worktables.register("loading-now", alive.engine.warehouse_key)
        try:
            write_in_progress_row(alive, data_dir(tmp_path), "loading-now")
            with Project.local(tmp_state_dir, registry) as second:  # opening clears leftovers
                names = [t.qualified for t in find_work_tables(second.engine)]
                assert sorted(names) == sorted([upload, own])
                assert statuses(second)["loading-now"] == "IN_PROGRESS"
        finally:
            worktables.unregister("loading-now")
        alive.engine.execute(f"DROP TABLE {own}")


def test_clean_lists_with_dry_run_then_clears(tmp_state_dir: Path, tmp_path: Path, monkeypatch) -> None:
    registry = Registry.from_modules(shop)
    with Project.local(tmp_state_dir, registry) as project:
        left = leave_dead_run_behind(project)
        write_in_progress_row(project, data_dir(tmp_path), "killed")
    monkeypatch.setenv(PROJECT_ENV, "projects.shop")
    runner = CliRunner()
    dry = runner.invoke(app, ["--state-dir", str(tmp_state_dir), "clean", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    for table in left:
        assert f"would drop {table}" in dry.output
    assert "would mark INTERRUPTED: " in dry.output and "(batch killed)" in dry.output
    done = runner.invoke(app, ["--state-dir", str(tmp_state_dir), "clean"])
    assert done.exit_code == 0, done.output
    assert sum(line.startswith("dropped ") for line in done.output.splitlines()) == len(left)
    again = runner.invoke(app, ["--state-dir", str(tmp_state_dir), "clean"])
    assert "nothing to clean" in again.output


def test_on_snowflake_only_stale_build_tables_count_as_dead(tmp_state_dir: Path) -> None:
    """Another process may be running there: a work table is dead once older than STALE_AFTER
    (the embedded warehouse reports every table as created at 1970-01-01)."""
    with Project.local(tmp_state_dir, Registry.from_modules(shop)) as project:
        engine = project.engine
        left = leave_dead_run_behind(project)
        engine.kind = "snowflake"  # the Snowflake rule, applied to this warehouse's catalog
        created = datetime(1970, 1, 1, tzinfo=UTC)
        fresh = worktables.dead_work_tables(engine, now=created + timedelta(hours=1))
        stale = worktables.dead_work_tables(engine, now=created + worktables.STALE_AFTER + timedelta(hours=1))
        assert fresh == []
        assert sorted(t.qualified for t in stale) == sorted(left[:3])  # not the Snowpark upload
