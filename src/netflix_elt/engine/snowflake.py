"""The Snowflake engine: a real Session from connections.toml or SNOWFLAKE_* environment variables.

Credentials are read at connect time and never stored on the engine, logged, or put in artifacts.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from netflix_elt.engine.base import Engine
from netflix_elt.errors import ConfigError
from netflix_elt.sql import ident

if TYPE_CHECKING:
    from snowflake.snowpark import Session

_ENV_KEYS = {
    "account": "SNOWFLAKE_ACCOUNT",
    "user": "SNOWFLAKE_USER",
    "password": "SNOWFLAKE_PASSWORD",
    "authenticator": "SNOWFLAKE_AUTHENTICATOR",
    "private_key_file": "SNOWFLAKE_PRIVATE_KEY_FILE",
    "private_key_file_pwd": "SNOWFLAKE_PRIVATE_KEY_FILE_PWD",
    "host": "SNOWFLAKE_HOST",
}
SECRET_KEYS = frozenset({"password", "private_key_file_pwd", "private_key", "token"})


# Session parameters that stop the connector's telemetry to the account: it sends what it and Snowpark
# buffered (usage, imported packages) only while CLIENT_TELEMETRY_ENABLED allows it.
NO_TELEMETRY = {"CLIENT_TELEMETRY_ENABLED": False, "CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False}


def connection_parameters(profile_settings: Any, database: str, environ: dict[str, str]) -> dict[str, Any]:
    """Connection parameters for ``Session.builder.configs``.

    With ``connection_name`` the connector reads ``~/.snowflake/connections.toml`` (or
    $SNOWFLAKE_HOME); otherwise account, user and a password or key-pair come from SNOWFLAKE_*
    variables. Warehouse and role come from the profile; the database is always the profile's.
    """
    params: dict[str, Any] = {"database": ident(database), "warehouse": ident(profile_settings.warehouse)}
    if profile_settings.role:
        params["role"] = ident(profile_settings.role)
    params["session_parameters"] = {
        "QUERY_TAG": profile_settings.query_tag,
        "TIMEZONE": "UTC",
        "TIMESTAMP_TYPE_MAPPING": "TIMESTAMP_NTZ",
        **NO_TELEMETRY,
    }
    if profile_settings.connection_name:
        params["connection_name"] = profile_settings.connection_name
        return params
    for key, env in _ENV_KEYS.items():
        if environ.get(env):
            params[key] = environ[env]
    missing = [env for key, env in _ENV_KEYS.items() if key in ("account", "user") and key not in params]
    if missing:
        raise ConfigError(
            f"no Snowflake credentials: {', '.join(missing)} not set",
            hint="set connection_name in the profile's [snowflake] table, or SNOWFLAKE_ACCOUNT, "
            "SNOWFLAKE_USER and SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_FILE",
        )
    if "password" not in params and "private_key_file" not in params and "authenticator" not in params:
        raise ConfigError(
            "no Snowflake password or key pair",
            hint="set SNOWFLAKE_PASSWORD, or SNOWFLAKE_PRIVATE_KEY_FILE (and SNOWFLAKE_PRIVATE_KEY_FILE_PWD)",
        )
    return params


def redact(text: str, params: dict[str, Any]) -> str:
    """Remove every secret value of ``params`` from a message."""
    for key in SECRET_KEYS:
        value = params.get(key)
        if value:
            text = text.replace(str(value), "***")
    return text


class SnowflakeEngine(Engine):
    """A real Snowflake account. SWAP WITH and temporary tables are used as documented."""

    kind = "snowflake"

    def _create_session(self) -> Session:
        from snowflake.snowpark import Session

        assert self.profile.snowflake is not None  # enforced when the profile is parsed
        params = connection_parameters(self.profile.snowflake, self.database, dict(os.environ))
        try:
            session: Session = Session.builder.configs(params).create()
        except Exception as exc:
            raise ConfigError(
                f"cannot connect to Snowflake: {redact(str(exc), params)}",
                where=f"profile {self.profile.name}",
                hint="check the connection in connections.toml or the SNOWFLAKE_* variables",
            ) from None
        # A current schema of the project's own: Snowpark creates the temporary stage and table of
        # create_dataframe (seeds) in the current schema, and a database's PUBLIC schema may be
        # missing or not writable by the role.
        raw = f"{self.database}.{self.profile.schemas.raw}"
        session.sql(f"CREATE DATABASE IF NOT EXISTS {self.database}").collect()
        session.sql(f"CREATE SCHEMA IF NOT EXISTS {raw}").collect()
        session.use_schema(raw)
        return session

    def publish_table(self, building: str, qualified: str) -> None:
        previous = self.object_type(qualified)
        if previous == "TABLE":
            self.execute(f"ALTER TABLE {building} SWAP WITH {qualified}")
            self.execute(f"DROP TABLE IF EXISTS {building}")
            return
        if previous == "VIEW":
            self.execute(f"DROP VIEW IF EXISTS {qualified}")
        self.execute(f"ALTER TABLE {building} RENAME TO {qualified}")

    def create_scratch_table(self, schema: str, hint: str, select_sql: str) -> str:
        qualified = self.fqn(schema, self.scratch_name(hint))
        self.execute(f"CREATE TEMPORARY TABLE {qualified} AS {select_sql}")
        return qualified
