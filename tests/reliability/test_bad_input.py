"""Bad profiles, paths and values: one red line naming what is wrong, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from netflix_elt.config import CONFIG_DIR_ENV, STATE_DIR_ENV, load_profile, parse_profile
from netflix_elt.errors import ConfigError
from netflix_elt.movielens.cli import app
from netflix_elt.project import PROJECT_ENV


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``cli(*args)`` -> (exit code, stderr lines); the shop test project, a fresh state directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STATE_DIR_ENV, raising=False)
    monkeypatch.delenv(CONFIG_DIR_ENV, raising=False)
    monkeypatch.setenv(PROJECT_ENV, "projects.shop")

    def invoke(*args: str) -> tuple[int, list[str]]:
        result = CliRunner().invoke(app, list(args))
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, [line for line in result.stderr.splitlines() if line.strip()]

    return invoke


def assert_one_line(outcome: tuple[int, list[str]], *fragments: str) -> None:
    code, lines = outcome
    assert code == 2, lines
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for fragment in fragments:
        assert fragment in lines[0], lines


def test_a_profile_that_is_not_utf8_names_the_file_and_the_byte(tmp_path: Path, cli) -> None:
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'engine = "local"\n[schemas]\nraw = "R\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        parse_profile(latin)
    assert caught.value.where == str(latin)
    assert "not UTF-8" in caught.value.message and "0xE9" in caught.value.message
    assert "line 3" in caught.value.message
    for command in (["ls"], ["build"], ["sql", "select 1"], ["load", "--source", str(tmp_path)]):
        assert_one_line(cli("--profile", str(latin), *command), str(latin), "not UTF-8")


def test_a_profile_path_that_does_not_exist_is_named_as_given(tmp_path: Path, cli) -> None:
    with pytest.raises(ConfigError) as caught:
        load_profile("/x/nonexistent.toml")
    assert caught.value.render().startswith("profile file /x/nonexistent.toml does not exist")
    assert ".toml.toml" not in caught.value.render()
    assert_one_line(cli("--profile", "/x/nonexistent.toml", "ls"), "/x/nonexistent.toml does not exist")
    assert_one_line(cli("--profile", "./nonexistent", "ls"), "./nonexistent does not exist")
    (tmp_path / "dir.toml").mkdir()
    assert_one_line(cli("--profile", "dir.toml", "ls"), "dir.toml is a directory")


@pytest.mark.parametrize("schema", ["SELECT", 'ANALYTICS"--', "ANALYTICS;", "ANALYTICS\n"])
@pytest.mark.parametrize("command", [["ls"], ["show", "dim_customers"], ["build"], ["sql", "select 1"]])
def test_a_bad_schema_is_one_line_for_every_command(
    tmp_path: Path, cli, schema: str, command: list[str]
) -> None:
    profile = tmp_path / "bad.toml"
    escaped = schema.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    profile.write_text(f'[schemas]\nanalytics = "{escaped}"\n', encoding="utf-8")
    assert_one_line(cli("--profile", str(profile), *command), str(profile), "'schemas.analytics'")


def test_a_bad_schema_stops_a_load_before_anything_is_read(tmp_path: Path, cli) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text('[schemas]\nraw = "SELECT"\n', encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    assert_one_line(cli("--profile", str(profile), "load", "--source", str(data)), "'schemas.raw'")


def test_a_state_dir_that_is_a_file_is_one_line(tmp_path: Path, cli, monkeypatch) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a directory", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "links.csv").write_text("movieId,imdbId,tmdbId\n1,0114709,862\n", encoding="utf-8")
    for command in (["build"], ["sql", "select 1"], ["load", "--source", str(data)]):
        assert_one_line(cli("--state-dir", str(a_file), *command), f"state directory {a_file}")
    monkeypatch.setenv(STATE_DIR_ENV, str(a_file / "below"))
    assert_one_line(cli("build"), f"state directory {a_file / 'below'}")


def test_an_output_path_that_cannot_be_written_is_one_line(tmp_path: Path, cli) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a directory", encoding="utf-8")
    state = str(tmp_path / "state")
    assert_one_line(cli("--state-dir", state, "report", "--out", str(a_file / "x.html")), str(a_file))
    code, lines = cli("generate", "--out", str(a_file), "--ratings", "1000")
    assert_one_line((code, lines), str(a_file))
    assert "increment" not in lines[0]


def test_an_unknown_project_package_is_one_line(cli, monkeypatch) -> None:
    for package in ("no.such.module", "bad name!"):
        monkeypatch.setenv(PROJECT_ENV, package)
        assert_one_line(cli("ls"), f"'{package}'", PROJECT_ENV)


def test_a_failed_query_says_whether_the_sql_or_the_connection_failed() -> None:
    from snowflake.connector.errors import OperationalError, ProgrammingError
    from snowflake.snowpark.exceptions import SnowparkSQLException

    from netflix_elt.cli.inspect import query_error

    refused = query_error(ProgrammingError(msg="SQL compilation error: invalid identifier 'X'"))
    assert refused.render().startswith("query: ") and refused.hint == "check the SQL"
    lost = OperationalError(msg="250001: Could not connect to Snowflake backend")
    for error in (lost, SnowparkSQLException("wrapped", conn_error=lost)):
        message = query_error(error).render()
        assert (
            message.startswith("query: lost the connection to the warehouse: ")
            and "check the SQL" not in message
        )
