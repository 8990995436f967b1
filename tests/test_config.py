"""Profiles: TOML files validated with pydantic; every problem is one line naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from netflix_elt.config import (
    CONFIG_DIR_ENV,
    STATE_DIR_ENV,
    Profile,
    Schemas,
    SnowflakeSettings,
    find_profile_file,
    load_profile,
    parse_profile,
    resolve_state_dir,
)
from netflix_elt.engine.snowflake import connection_parameters, redact
from netflix_elt.errors import ConfigError

GOOD = """
engine = "local"
database = "MOVIELENS_DEV"
threads = 4

[schemas]
analytics = "MARTS"

[local]
memory_limit = "25%"

[orchestration]
cron = "30 5 * * *"
retries = 3
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_profile(path)
    error = caught.value
    assert error.where == str(path)
    assert "\n" not in error.render()
    return error


def test_a_valid_profile_is_parsed_and_named_after_its_file(tmp_path: Path) -> None:
    profile = parse_profile(write(tmp_path, "dev.toml", GOOD))
    assert profile.name == "dev"
    assert (profile.engine, profile.database, profile.threads) == ("local", "MOVIELENS_DEV", 4)
    assert profile.schemas == Schemas(analytics="MARTS")
    assert profile.local.memory_limit == "25%"
    assert profile.schemas.all() == ["RAW", "STAGING", "MARTS", "SNAPSHOTS", "ANALYSIS", "ELT_META"]
    assert (profile.orchestration.cron, profile.orchestration.retries, profile.orchestration.timezone) == (
        "30 5 * * *",
        3,
        "UTC",
    )
    assert parse_profile(write(tmp_path, "other.toml", 'name = "custom"\n')).name == "custom"


def test_profiles_are_immutable() -> None:
    with pytest.raises(Exception):  # noqa: B017  (pydantic's frozen-instance error)
        Profile().threads = 8  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('colour = "red"\n', "unknown key 'colour'"),
        ('[schemas]\nbronze = "RAW"\n', "unknown key 'schemas.bronze'"),
        ('engine = "snowflake"\n[snowflake]\nrole = "R"\n', "missing value for 'snowflake.warehouse'"),
        ("threads = 0\n", "invalid value for 'threads'"),
        ('database = "my-db"\n', "invalid value for 'database'"),
        ('engine = "postgres"\n', "invalid value for 'engine'"),
        ('[orchestration]\ntimezone = "Europe/Paris"\n', "invalid value for 'orchestration.timezone'"),
        ('[snowflake]\nwarehouse = "WH"\npassword = "x"\n', "unknown key 'snowflake.password'"),
        ('[local]\nmemory_limit = "lots"\n', "invalid value for 'local.memory_limit'"),
        ("[local]\nmemory_limit = 2\n", "invalid value for 'local.memory_limit'"),
        ("[local]\nthreads = 4\n", "unknown key 'local.threads'"),
    ],
)
def test_each_problem_is_one_line_naming_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    error = config_error(write(tmp_path, "bad.toml", text))
    assert error.message.startswith(message)
    assert error.render().startswith(f"{tmp_path / 'bad.toml'}: {message}")


def test_snowflake_engine_needs_its_table(tmp_path: Path) -> None:
    error = config_error(write(tmp_path, "sf.toml", 'engine = "snowflake"\n'))
    assert "[snowflake] table is missing" in error.message
    assert "warehouse" in (error.hint or "")


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    error = config_error(write(tmp_path, "broken.toml", "threads = \n"))
    assert error.message.startswith("invalid TOML: ")
    assert "line 1" in error.message


def test_the_local_profile_needs_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CONFIG_DIR_ENV, raising=False)
    assert load_profile() == Profile()
    assert load_profile("local").name == "local"


def test_profile_names_are_looked_up_in_the_config_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CONFIG_DIR_ENV, raising=False)
    write(tmp_path / "configs", "dev.toml", GOOD)
    assert load_profile("dev").database == "MOVIELENS_DEV"  # ./configs/dev.toml

    elsewhere = write(tmp_path / "elsewhere", "dev.toml", 'database = "FROM_ENV"\n').parent
    monkeypatch.setenv(CONFIG_DIR_ENV, str(elsewhere))
    assert load_profile("dev").database == "FROM_ENV"  # $NETFLIX_ELT_CONFIG_DIR comes first

    local = write(tmp_path / "configs", "local.toml", "threads = 7\n")
    monkeypatch.delenv(CONFIG_DIR_ENV)
    assert load_profile("local").threads == 7  # a local.toml overrides the built-in one
    assert load_profile(str(local)).threads == 7  # a path works too
    assert find_profile_file("dev", [tmp_path / "nowhere"]) is None
    assert load_profile("dev", [elsewhere]).database == "FROM_ENV"


def test_an_unknown_profile_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "extra"))
    with pytest.raises(ConfigError) as caught:
        load_profile("staging")
    error = caught.value
    assert error.message == "profile 'staging' not found"
    assert str(tmp_path / "extra") in (error.hint or "") and str(tmp_path / "configs") in (error.hint or "")
    assert "--profile" in (error.hint or "")
    with pytest.raises(ConfigError, match=r"profile file .*missing\.toml does not exist"):
        load_profile(str(tmp_path / "missing.toml"))


def test_state_dir_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(STATE_DIR_ENV, raising=False)
    assert resolve_state_dir() == tmp_path / ".netflix_elt"
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "from_env"))
    assert resolve_state_dir() == tmp_path / "from_env"
    assert resolve_state_dir(tmp_path / "explicit") == tmp_path / "explicit"
    assert resolve_state_dir("relative") == tmp_path / "relative"


# -- Snowflake connection settings (credentials never come from the profile) --------------------
SETTINGS = SnowflakeSettings(warehouse="WH", role="ANALYST")


def test_credentials_come_from_the_environment() -> None:
    params = connection_parameters(
        SETTINGS, "DB", {"SNOWFLAKE_ACCOUNT": "acct", "SNOWFLAKE_USER": "me", "SNOWFLAKE_PASSWORD": "pw"}
    )
    assert params["account"] == "acct" and params["user"] == "me" and params["password"] == "pw"
    assert (params["database"], params["warehouse"], params["role"]) == ("DB", "WH", "ANALYST")
    assert params["session_parameters"]["TIMEZONE"] == "UTC"


def test_a_connection_name_defers_to_connections_toml() -> None:
    settings = SnowflakeSettings(warehouse="WH", connection_name="dev")
    params = connection_parameters(settings, "DB", {"SNOWFLAKE_PASSWORD": "ignored"})
    assert params["connection_name"] == "dev" and "password" not in params


def test_missing_credentials_are_a_config_error_with_a_hint() -> None:
    with pytest.raises(ConfigError) as caught:
        connection_parameters(SETTINGS, "DB", {"SNOWFLAKE_USER": "me"})
    assert "SNOWFLAKE_ACCOUNT not set" in caught.value.message
    assert "connection_name" in (caught.value.hint or "")
    with pytest.raises(ConfigError, match="no Snowflake password or key pair"):
        connection_parameters(SETTINGS, "DB", {"SNOWFLAKE_ACCOUNT": "a", "SNOWFLAKE_USER": "me"})


def test_secrets_are_redacted_from_messages() -> None:
    params = {"password": "hunter2", "private_key_file_pwd": "s3cret", "user": "me"}
    assert redact("login hunter2 failed for me with s3cret", params) == "login *** failed for me with ***"
