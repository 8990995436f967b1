"""GX's Snowflake data source, connected with the same settings as the Snowflake engine.

Account, user, warehouse, role and database come from the profile and the SNOWFLAKE_* variables (or
the profile's ``connection_name`` in connections.toml), exactly as ``engine/snowflake.py`` reads them.
A password from the environment is handed to GX as the ``${SNOWFLAKE_PASSWORD}`` template, which GX
resolves when it connects, so the secret is never part of a string this package builds or logs. Where
the connection names its endpoint (``host``, ``port``, ``protocol`` in connections.toml, or
SNOWFLAKE_HOST), GX's engine connects there too, as the Snowflake engine's connector does.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from netflix_elt.config import Profile
from netflix_elt.engine.base import Column
from netflix_elt.engine.snowflake import NO_TELEMETRY, redact
from netflix_elt.errors import ConfigError
from netflix_elt.sql import ident

PASSWORD_TEMPLATE = "${SNOWFLAKE_PASSWORD}"


def connection_details(
    profile: Profile, schema: str, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """GX ``add_snowflake(connection_string=...)`` details (password as a template, or a key pair)."""
    env = dict(os.environ if environ is None else environ)
    settings = profile.snowflake
    if settings is None:
        raise ConfigError("the profile has no [snowflake] table", where=f"profile {profile.name}")
    details: dict[str, Any] = {
        "database": ident(profile.database),
        "schema": ident(schema),
        "warehouse": ident(settings.warehouse),
    }
    named = _named_connection(settings.connection_name) if settings.connection_name else {}
    for key, variable in (("account", "SNOWFLAKE_ACCOUNT"), ("user", "SNOWFLAKE_USER")):
        value = named.get(key) or env.get(variable)
        if not value:
            raise ConfigError(
                f"GX needs the Snowflake {key}: {variable} is not set",
                where=f"profile {profile.name}",
                hint=f"set {variable} (or connection_name in the profile's [snowflake] table)",
            )
        details[key] = value
    role = settings.role or named.get("role") or env.get("SNOWFLAKE_ROLE")
    if not role:
        raise ConfigError(
            "GX's Snowflake data source needs a role",
            where=f"profile {profile.name}",
            hint="set role = '...' in the profile's [snowflake] table",
        )
    details["role"] = ident(role)
    key_file = named.get("private_key_file") or env.get("SNOWFLAKE_PRIVATE_KEY_FILE")
    if named.get("password"):
        details["password"] = named["password"]
    elif env.get("SNOWFLAKE_PASSWORD"):
        details["password"] = PASSWORD_TEMPLATE
    elif key_file:
        passphrase = named.get("private_key_file_pwd") or env.get("SNOWFLAKE_PRIVATE_KEY_FILE_PWD")
        details["private_key"] = private_key_base64(Path(key_file), passphrase)
    else:
        raise ConfigError(
            "GX needs a Snowflake password or key pair",
            where=f"profile {profile.name}",
            hint="set SNOWFLAKE_PASSWORD, or SNOWFLAKE_PRIVATE_KEY_FILE (and SNOWFLAKE_PRIVATE_KEY_FILE_PWD)",
        )
    return details


def endpoint_arguments(profile: Profile, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The connector's ``host``, ``port`` and ``protocol`` where the connection sets them (else empty).

    They go to snowflake-sqlalchemy as ``connect_args``, which override the host derived from the
    account, exactly as in the Snowflake engine's ``connection_name`` or SNOWFLAKE_HOST connection.
    """
    env = dict(os.environ if environ is None else environ)
    settings = profile.snowflake
    named = _named_connection(settings.connection_name) if settings and settings.connection_name else {}
    arguments = {key: named[key] for key in ("host", "port", "protocol") if named.get(key) not in (None, "")}
    if not named and env.get("SNOWFLAKE_HOST"):
        arguments["host"] = env["SNOWFLAKE_HOST"]
    return arguments


def reflected_column_names(columns: Sequence[Column]) -> dict[str, str]:
    """Each column's name as snowflake-sqlalchemy reflects it, keyed by the upper-case name.

    The dialect reports a case-insensitive (all upper-case) Snowflake identifier in lower case, and
    GX's multi-column metrics (``expect_compound_columns_to_be_unique``) look the expectation's
    column names up among the reflected ones, so ``MOVIE_ID`` must be passed as ``movie_id``.
    """
    from snowflake.sqlalchemy.snowdialect import SnowflakeDialect

    dialect = SnowflakeDialect()
    return {column.name.upper(): dialect.normalize_name(column.name) for column in columns}


def private_key_base64(path: Path, passphrase: str | None) -> str:
    """The key pair's private key as base64 DER (PKCS#8, unencrypted), the form GX passes on."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(
        path.read_bytes(), password=passphrase.encode() if passphrase else None
    )
    der = key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return base64.standard_b64encode(der).decode()


def _named_connection(name: str) -> dict[str, Any]:
    """A connection of connections.toml, read the way the Snowflake connector reads it."""
    from snowflake.connector.config_manager import CONFIG_MANAGER

    # an option's value (the connector annotates __getitem__ as returning the option itself)
    connections = cast("Mapping[str, Any]", CONFIG_MANAGER["connections"])
    if name not in connections:
        raise ConfigError(f"connection '{name}' not found in connections.toml", hint="check connection_name")
    return {k.lower(): v for k, v in dict(connections[name]).items()}


def silence_dialect_telemetry() -> None:
    """snowflake-sqlalchemy sends a "new connection" telemetry message for every connection it opens,
    whatever CLIENT_TELEMETRY_ENABLED says (``SnowflakeDialect._log_new_connection_event``, which
    builds a telemetry client of its own); the project sends none (idempotent)."""
    from snowflake.sqlalchemy.snowdialect import SnowflakeDialect

    from netflix_elt.engine.fakesnow_compat import patch

    patch(SnowflakeDialect, "_log_new_connection_event", _no_event)


def _no_event(dialect: Any, connection: Any) -> None:
    """In place of snowflake-sqlalchemy's telemetry of a new connection: nothing is sent."""


def snowflake_source_factory(profile: Profile, schema: str) -> Callable[[Any], Any]:
    """``make_source(context)`` for ``GxValidator.validate_table``: adds GX's Snowflake data source."""

    def make_source(context: Any) -> Any:
        silence_dialect_telemetry()
        details = connection_details(profile, schema)
        arguments = {**endpoint_arguments(profile), "session_parameters": dict(NO_TELEMETRY)}
        try:
            source = context.data_sources.add_snowflake(
                f"snowflake_{schema.lower()}",
                connection_string=details,
                kwargs={"connect_args": arguments},
            )
        except Exception as exc:  # GX tests the connection when the source is added
            raise ConfigError(
                f"GX cannot connect to Snowflake: {redact(str(exc).splitlines()[0], details)}",
                where=f"profile {profile.name}",
            ) from None
        return reuse_engine(source)

    return make_source


def reuse_engine(source: Any) -> Any:
    """Make GX keep one SQLAlchemy engine (and its pooled Snowflake sessions) per data source.

    GX 1.24 caches a Snowflake source's engine only for a string connection string: with connection
    details (a dict, which keeps secrets out of any URL) ``get_engine`` builds a new engine, so a new
    login and Snowflake session, for every validated table (53 per ml-latest-small build instead of 13
    on the wire tier), leaving the old ones to the garbage collector. Marking the
    details as the cached ones makes it reuse the first engine (GX is pinned exactly).
    """
    source._cached_connection_string = source.connection_string
    return source
