"""The embedded engine's memory: bounded by the profile's ``[local] memory_limit``, spilling under the
state directory, and a model past the limit fails with what to do about it."""

from __future__ import annotations

from pathlib import Path

from netflix_elt.config import LocalSettings, Profile
from netflix_elt.engine import fakesnow_compat
from netflix_elt.project import Project
from netflix_elt.registry import Registry
from projects import memory_hungry


def project_with(memory_limit: str, state_dir: Path) -> Project:
    profile = Profile(local=LocalSettings(memory_limit=memory_limit))
    return Project(registry=Registry.from_modules(memory_hungry), profile=profile, state_dir=state_dir)


def test_duckdb_holds_at_most_the_profiles_limit_and_spills_beside_the_warehouse(tmp_path: Path) -> None:
    assert Profile().local.memory_limit == "2GB"
    with project_with("300MiB", tmp_path / "state") as project:
        duckdb = fakesnow_compat.duckdb_connection(project.engine.session())
        limit, spill = duckdb.execute(
            "SELECT CURRENT_SETTING('memory_limit'), CURRENT_SETTING('temp_directory')"
        ).fetchone()
    assert limit == "300.0 MiB"
    assert Path(spill) == (tmp_path / "state" / "warehouse.tmp").resolve()


def test_a_model_past_the_limit_fails_naming_the_setting_and_the_rest_builds(tmp_path: Path) -> None:
    with project_with("8MiB", tmp_path / "state") as project:
        results = {r.name: r for r in project.execute("build").results}
    hungry = results["ONE_BIG_ARRAY"]
    assert hungry.status == "error"
    assert hungry.message.startswith("model ONE_BIG_ARRAY: Out of Memory Error")
    assert "raise memory_limit in the profile's [local] table" in hungry.message
    assert "8MiB" in hungry.message
    assert results["DOUBLED"].status == "success"
