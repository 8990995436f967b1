"""No SQL injection through configuration: every name a profile or the command line gives is checked
once where it is parsed (one line naming the file and the key) and again wherever it is put into SQL
(a clean NetflixEltError, and nothing executed)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from netflix_elt.artifacts import create_run_history
from netflix_elt.config import Profile, Schemas, SnowflakeSettings, parse_profile
from netflix_elt.engine import Engine
from netflix_elt.engine.snowflake import connection_parameters
from netflix_elt.errors import ConfigError, LoadError, NetflixEltError
from netflix_elt.movielens import PIPELINE
from netflix_elt.movielens.cli import app
from netflix_elt.movielens.loader import load_directory
from netflix_elt.project import PROJECT_ENV, Project
from netflix_elt.quality.history import check_results_table
from netflix_elt.quality.snowflake_gx import connection_details
from netflix_elt.sql import fqn, ident, literal

CANARY = "MOVIELENS.ANALYTICS.MART_USER_BEHAVIOR"

# Names a hostile or careless profile could hold: statements, quotes, comments, keywords, unicode,
# line breaks, empty and over-long names.
HOSTILE = [
    "ELT_META; DROP TABLE MOVIELENS.ANALYTICS.MART_USER_BEHAVIOR",
    'ANALYTICS"--',
    '"ANALYTICS"',
    "RAW'; DROP SCHEMA RAW; --",
    "RAW -- comment",
    "RAW/* comment */",
    "/*",
    "SELECT",
    "select",
    "TABLE",
    "RÄW",
    "ＲＡＷ",
    "RAW\n",
    "RAW\nDROP TABLE X",
    "RAW\r",
    "RAW\x00",
    "",
    " ",
    "RAW X",
    "1RAW",
    "RAW.ANALYTICS",
    "RAW`",
    "R" * 256,
]
IDENTIFIER_KEYS = [
    "database",
    *(f"schemas.{name}" for name in Schemas.model_fields),
    "snowflake.warehouse",
    "snowflake.role",
]


def toml_string(value: str) -> str:
    """A TOML basic string holding exactly ``value``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def profile_text(key: str, value: str) -> str:
    table, _, name = key.rpartition(".")
    lines = ['engine = "snowflake"'] if table == "snowflake" else []
    if table == "snowflake":
        lines += ["[snowflake]", *([] if name == "warehouse" else ['warehouse = "WH"'])]
    elif table:
        lines.append(f"[{table}]")
    lines.append(f"{name} = {toml_string(value)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", IDENTIFIER_KEYS)
def test_a_hostile_name_in_a_profile_is_one_line_naming_file_and_key(tmp_path: Path, key: str) -> None:
    for value in HOSTILE:
        path = tmp_path / "hostile.toml"
        path.write_text(profile_text(key, value), encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            parse_profile(path)
        error = caught.value
        assert error.where == str(path), value
        assert error.message.startswith(f"invalid value for '{key}': "), (value, error.message)
        assert "not a plain Snowflake identifier" in error.message, (value, error.message)
        assert "\n" not in error.render() and "\r" not in error.render(), value


@pytest.mark.parametrize("key", IDENTIFIER_KEYS)
def test_plain_names_are_accepted(tmp_path: Path, key: str) -> None:
    path = tmp_path / "fine.toml"
    for value in ("MOVIELENS_DEV", "marts", "_X$1"):
        path.write_text(profile_text(key, value), encoding="utf-8")
        parse_profile(path)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("snowflake.query_tag", "netflix-elt\nDROP TABLE X"),
        ("snowflake.query_tag", "x" * 2001),
        ("snowflake.connection_name", "dev\n"),
        ("snowflake.connection_name", "dev; rm -rf /"),
        ("snowflake.connection_name", ""),
    ],
)
def test_other_snowflake_values_are_checked_too(tmp_path: Path, key: str, value: str) -> None:
    path = tmp_path / "sf.toml"
    path.write_text(profile_text(key, value), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"invalid value for '{key}'"):
        parse_profile(path)


def test_the_sql_helpers_refuse_what_they_cannot_write_safely() -> None:
    for value in HOSTILE:
        with pytest.raises(NetflixEltError) as caught:
            ident(value)
        assert "\n" not in caught.value.render()
        with pytest.raises(NetflixEltError):
            fqn("MOVIELENS", value, "T")
    assert literal("it's a \\ backslash") == "'it''s a \\\\ backslash'"


# -- every place that writes configuration into SQL ----------------------------------------------
@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Project]:
    """A local warehouse holding the canary table of the issue's repro."""
    with Project.local(project=PIPELINE, state_dir=tmp_path / "state") as project:
        project.engine.execute("CREATE SCHEMA IF NOT EXISTS MOVIELENS.ANALYTICS")
        project.engine.execute(f"CREATE TABLE {CANARY} (USER_ID NUMBER)")
        project.engine.execute(f"INSERT INTO {CANARY} VALUES (1)")
        yield project


def unchecked_profile(field: str, value: str) -> Profile:
    """A profile holding ``value`` as if validation had been bypassed (model_construct skips it)."""
    if field == "database":
        return Profile.model_construct(**{**Profile().model_dump(), "database": value, "schemas": Schemas()})
    schemas = Schemas.model_construct(**{**Schemas().model_dump(), field: value})
    return Profile.model_construct(**{**Profile().model_dump(), "schemas": schemas})


LAYER_MODELS = {
    "raw": "raw_movies",
    "staging": "src_movies",
    "analytics": "dim_movies",
    "snapshots": "snap_tags",
    "analysis": "user_similarity",
}


def sql_builders(engine: Engine, field: str, data_dir: Path) -> dict[str, Callable[[], object]]:
    """Every entry point that builds SQL from the profile's names and reads ``field``."""
    from netflix_elt.movielens.report.data import ReportData

    profile = engine.profile
    value = getattr(profile, field) if field == "database" else getattr(profile.schemas, field)
    report_project = SimpleNamespace(profile=profile, engine=engine)
    builders: dict[str, tuple[set[str], Callable[[], object]]] = {
        "bootstrap": (set(Schemas.model_fields), engine.bootstrap),
        "run history": ({"meta"}, lambda: create_run_history(engine)),
        "check results": ({"meta"}, lambda: check_results_table(engine)),
        "load": ({"raw", "meta"}, lambda: load_directory(engine, data_dir, mode="append", batch_id="b1")),
        "object type": (set(Schemas.model_fields), lambda: engine.object_type(f"MOVIELENS.{value}.X")),
        "report catalog": ({"analysis", "analytics"}, lambda: ReportData(report_project).catalog),
    }
    if field in LAYER_MODELS:
        project = Project(profile=profile, state_dir=data_dir, project=PIPELINE)
        builders["relation"] = ({field}, lambda: project.relation(LAYER_MODELS[field]))
    return {
        name: build for name, (fields, build) in builders.items() if field == "database" or field in fields
    }


def test_no_place_executes_a_hostile_name(warehouse: Project, tmp_path: Path) -> None:
    engine = warehouse.engine
    good = engine.profile
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    tried = set()
    try:
        for field in ["database", *Schemas.model_fields]:
            for value in HOSTILE:
                engine.profile = unchecked_profile(field, value)
                for name, build in sql_builders(engine, field, data_dir).items():
                    tried.add(name)
                    with engine.recording() as statements, pytest.raises(NetflixEltError) as caught:
                        build()
                    where = (field, value, name)
                    assert "\n" not in caught.value.render(), where
                    if value.strip():
                        assert not [s for s in statements if value in s], where
    finally:
        engine.profile = good
    assert len(tried) == 7
    assert engine.row_count(CANARY) == 1


def test_a_hostile_batch_id_is_refused_before_anything_runs(warehouse: Project, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    batch_ids = [v for v in HOSTILE if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", v)]
    for value in [*batch_ids, "b1/../../x", "b1'--", ".hidden"]:
        with warehouse.engine.recording() as statements, pytest.raises(LoadError, match="invalid batch id"):
            load_directory(warehouse.engine, data_dir, batch_id=value)
        assert statements == [], value


def test_snowflake_connection_settings_are_checked_where_used() -> None:
    for value in HOSTILE:
        settings = SnowflakeSettings.model_construct(
            warehouse=value, role=None, query_tag="t", connection_name=None
        )
        with pytest.raises(NetflixEltError):
            connection_parameters(settings, "MOVIELENS", {"SNOWFLAKE_ACCOUNT": "a", "SNOWFLAKE_USER": "u"})
        profile = Profile.model_construct(
            **{**Profile().model_dump(), "engine": "snowflake", "snowflake": settings, "schemas": Schemas()}
        )
        with pytest.raises(NetflixEltError):
            connection_details(profile, "RAW", {"SNOWFLAKE_ACCOUNT": "a", "SNOWFLAKE_USER": "u"})


def test_the_issue_repro_drops_nothing(warehouse: Project, tmp_path: Path, monkeypatch) -> None:
    """`[schemas] meta = "ELT_META; DROP TABLE ..."` then `netflix-elt --profile that.toml sql "select 1"`."""
    state_dir = warehouse.state_dir
    warehouse.close()
    evil = tmp_path / "that.toml"
    evil.write_text(
        '[schemas]\nmeta = "ELT_META; DROP TABLE MOVIELENS.ANALYTICS.MART_USER_BEHAVIOR"\n', encoding="utf-8"
    )
    monkeypatch.setenv(PROJECT_ENV, "projects.shop")
    for command in (["sql", "select 1"], ["ls"], ["build"], ["load", "--source", str(tmp_path)]):
        result = CliRunner().invoke(app, ["--profile", str(evil), "--state-dir", str(state_dir), *command])
        assert result.exit_code == 2, (command, result.output)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"error: {evil}: invalid value for 'schemas.meta'"), (
            lines
        )
    with Project.local(project=PIPELINE, state_dir=state_dir) as project:
        assert project.engine.row_count(CANARY) == 1
