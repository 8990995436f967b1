"""The in-warehouse GX route: connection settings for GX's Snowflake data source (secrets stay out of
every string we build), GX's SQL execution engine on a table (SQLite here), and a live Snowflake run."""

from __future__ import annotations

import base64
import os
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from netflix_elt.config import Profile, SnowflakeSettings
from netflix_elt.engine import Column
from netflix_elt.errors import ConfigError
from netflix_elt.quality import gxe
from netflix_elt.quality.gx_route import GxValidator
from netflix_elt.quality.snowflake_gx import (
    PASSWORD_TEMPLATE,
    connection_details,
    endpoint_arguments,
    reflected_column_names,
)

PROFILE = Profile(name="sf", engine="snowflake", snowflake=SnowflakeSettings(warehouse="WH", role="ANALYST"))
SECRET = "s3cr3t-never-printed"


def test_password_is_passed_as_a_template_never_as_the_secret() -> None:
    env = {"SNOWFLAKE_ACCOUNT": "xy12345", "SNOWFLAKE_USER": "etl", "SNOWFLAKE_PASSWORD": SECRET}
    details = connection_details(PROFILE, "ANALYTICS", env)
    assert details == {
        "database": "MOVIELENS",
        "schema": "ANALYTICS",
        "warehouse": "WH",
        "account": "xy12345",
        "user": "etl",
        "role": "ANALYST",
        "password": PASSWORD_TEMPLATE,
    }
    assert SECRET not in repr(details)


def test_the_endpoint_of_the_connection_reaches_gx() -> None:
    """SNOWFLAKE_HOST (or host/port/protocol of the named connection, see tests/wire) goes to the connector."""
    assert endpoint_arguments(PROFILE, {"SNOWFLAKE_HOST": "acme.privatelink.snowflakecomputing.com"}) == {
        "host": "acme.privatelink.snowflakecomputing.com"
    }
    assert endpoint_arguments(PROFILE, {}) == {}


def test_gx_gets_column_names_as_snowflake_sqlalchemy_reflects_them() -> None:
    columns = [Column("MOVIE_ID", "NUMBER(38,0)"), Column("MixedCase", "VARCHAR")]
    assert reflected_column_names(columns) == {"MOVIE_ID": "movie_id", "MIXEDCASE": "MixedCase"}


def test_missing_settings_are_config_errors() -> None:
    no_role = Profile(name="sf", engine="snowflake", snowflake=SnowflakeSettings(warehouse="WH"))
    env = {"SNOWFLAKE_ACCOUNT": "xy12345", "SNOWFLAKE_USER": "etl", "SNOWFLAKE_PASSWORD": SECRET}
    with pytest.raises(ConfigError, match="needs a role"):
        connection_details(no_role, "ANALYTICS", env)
    with pytest.raises(ConfigError, match="SNOWFLAKE_USER is not set"):
        connection_details(PROFILE, "ANALYTICS", {"SNOWFLAKE_ACCOUNT": "xy12345"})
    with pytest.raises(ConfigError, match="password or key pair"):
        connection_details(PROFILE, "ANALYTICS", {"SNOWFLAKE_ACCOUNT": "xy12345", "SNOWFLAKE_USER": "etl"})


def test_key_pair_file_becomes_an_unencrypted_der_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pass phrase"),
    )
    (tmp_path / "key.p8").write_bytes(pem)
    env = {
        "SNOWFLAKE_ACCOUNT": "xy12345",
        "SNOWFLAKE_USER": "etl",
        "SNOWFLAKE_PRIVATE_KEY_FILE": str(tmp_path / "key.p8"),
        "SNOWFLAKE_PRIVATE_KEY_FILE_PWD": "pass phrase",
    }
    details = connection_details(PROFILE, "ANALYTICS", env)
    loaded = serialization.load_der_private_key(
        base64.standard_b64decode(details["private_key"]), password=None
    )
    assert loaded.private_numbers() == key.private_numbers()
    assert "password" not in details and "pass phrase" not in repr(details)


def test_gx_validates_a_table_in_place_through_a_sql_data_source(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.db"
    with sqlite3.connect(database) as connection:
        pd.DataFrame({"ID": [1, 2, 2, None], "CODE": ["a", "b", "zz", "c"]}).to_sql(
            "ITEMS", connection, index=False
        )
    calls = [
        (0, gxe.ExpectColumnValuesToBeUnique(column="ID")),
        (1, gxe.ExpectColumnValuesToBeInSet(column="CODE", value_set=["a", "b", "c"])),
        (2, gxe.ExpectTableRowCountToEqual(value=4)),
    ]
    validator = GxValidator()
    outcomes = validator.validate_table(
        "sqlite",
        lambda context: context.data_sources.add_sqlite(
            "items_db", connection_string=f"sqlite:///{database}"
        ),
        "main",
        "ITEMS",
        calls,
        "model ITEMS",
    )
    assert (outcomes[0].success, outcomes[0].unexpected_count, outcomes[0].missing_count) == (False, 2, 1)
    assert (outcomes[1].unexpected_count, outcomes[1].partial_unexpected_list) == (1, ["zz"])
    assert (outcomes[2].success, outcomes[2].observed_value) == (True, 4)
    again = validator.validate_table(
        "sqlite", lambda context: None, "main", "ITEMS", calls[2:], "model ITEMS"
    )
    assert again[2].success  # the data source and the table asset are reused


@pytest.mark.snowflake
@pytest.mark.skipif(
    not (
        os.environ.get("SNOWFLAKE_ACCOUNT")
        and os.environ.get("SNOWFLAKE_USER")
        and os.environ.get("SNOWFLAKE_ROLE")
    ),
    reason="needs SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE and a password or key pair",
)
def test_checks_run_in_snowflake(tmp_path: Path) -> None:
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner
    from netflix_elt.registry import Registry
    from projects import ratings

    from .conftest import load_raw

    profile = Profile(
        name="live-quality",
        engine="snowflake",
        database=f"NETFLIX_ELT_TEST_{uuid.uuid4().hex[:10].upper()}",
        snowflake=SnowflakeSettings(
            warehouse=os.environ.get("SNOWFLAKE_WAREHOUSE", "COMPUTE_WH"), role=os.environ["SNOWFLAKE_ROLE"]
        ),
    )
    project = Project(registry=Registry.from_modules(ratings), profile=profile, state_dir=tmp_path)
    try:
        project.use_check_runner(default_check_runner(project))
        load_raw(
            project,
            ratings_rows=[{"USER_ID": 9, "MOVIE_ID": 9, "RATING": 9.0, "RATED_AT": datetime(2020, 1, 1)}],
        )
        run = project.build()
        fct = {c["name"]: c for c in run.by_name()["FCT_RATINGS"].checks}
        assert fct["expect_column_values_to_be_between(RATING)"]["route"] == "gx-snowflake"
        assert fct["expect_column_values_to_be_between(RATING)"]["unexpected_count"] == 1
        assert fct["relationship(MOVIE_ID -> STG_MOVIES.MOVIE_ID)"]["unexpected_count"] == 1
    finally:
        project.engine.execute(f"DROP DATABASE IF EXISTS {profile.database}")
        project.close()


def test_the_gx_context_resolves_templates_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How the Snowflake password reaches GX: as ``${SNOWFLAKE_PASSWORD}``, resolved when GX connects."""
    database = tmp_path / "templated.db"
    with sqlite3.connect(database) as connection:
        pd.DataFrame({"ID": [1, 2]}).to_sql("T", connection, index=False)
    monkeypatch.setenv("NETFLIX_ELT_TEST_DB_PATH", str(database))
    outcomes = GxValidator().validate_table(
        "templated",
        lambda context: context.data_sources.add_sqlite(
            "templated", connection_string="sqlite:///${NETFLIX_ELT_TEST_DB_PATH}"
        ),
        "main",
        "T",
        [(0, gxe.ExpectTableRowCountToEqual(value=2))],
        "model T",
    )
    assert outcomes[0].success and outcomes[0].observed_value == 2
