"""Profiles: which engine to run on and where the state lives, validated with pydantic.

A profile is a TOML file in ``configs/`` (``--profile NAME`` reads ``configs/NAME.toml``). Unknown
keys and missing values fail with one line that names the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from netflix_elt.errors import ConfigError
from netflix_elt.sql import is_plain_identifier, not_plain_message

DEFAULT_STATE_DIR = ".netflix_elt"
STATE_DIR_ENV = "NETFLIX_ELT_STATE_DIR"
CONFIG_DIR_ENV = "NETFLIX_ELT_CONFIG_DIR"


def _plain_identifier(value: str) -> str:
    if not is_plain_identifier(value):
        raise ValueError(not_plain_message(value))
    return value


def _printable(value: str) -> str:
    if not value.isprintable():
        raise ValueError(f"{value!r} holds a line break or another control character")
    return value


# DuckDB's memory sizes: an amount with its unit, or a share of the machine's memory ("2GB", "512MiB", "25%").
MemorySize = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?\s*(%|[KMGT]i?B)$")]

# A name that goes into SQL (database, schema, warehouse, role): checked here, where the profile is
# parsed, and again by ``sql.ident`` wherever it is written into a statement.
Identifier = Annotated[str, AfterValidator(_plain_identifier)]
QueryTag = Annotated[str, Field(max_length=2000), AfterValidator(_printable)]  # Snowflake's limit
ConnectionName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$")]
# The package (or module) of models a profile builds: a dotted Python name.
ModuleName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Schemas(_Strict):
    """Schema names inside the project database, one per layer plus the framework's own metadata."""

    raw: Identifier = "RAW"
    staging: Identifier = "STAGING"
    analytics: Identifier = "ANALYTICS"
    snapshots: Identifier = "SNAPSHOTS"
    analysis: Identifier = "ANALYSIS"
    meta: Identifier = "ELT_META"

    def all(self) -> list[str]:
        return [self.raw, self.staging, self.analytics, self.snapshots, self.analysis, self.meta]


class SnowflakeSettings(_Strict):
    """How to reach a real account. Credentials come from connections.toml or SNOWFLAKE_* variables,
    never from the profile file, so profiles can be committed."""

    connection_name: ConnectionName | None = None
    warehouse: Identifier
    role: Identifier | None = None
    query_tag: QueryTag = "netflix-elt"


class LocalSettings(_Strict):
    """The embedded engine (DuckDB under the state directory).

    ``memory_limit`` bounds what DuckDB keeps in memory; past it, operators spill to
    ``<state_dir>/warehouse.tmp``. DuckDB's own default is 80% of the machine, and its buffer pool keeps
    the pages a run touched up to that: a day's job would hold twice the memory the queries need.
    Raise it for data larger than ml-25m when a model fails with "Out of Memory"."""

    memory_limit: MemorySize = "2GB"


class OrchestrationSettings(_Strict):
    """Defaults for the Prefect deployment."""

    cron: str = "0 6 * * *"
    timezone: Literal["UTC"] = "UTC"
    retries: int = Field(default=2, ge=0)
    retry_delay_seconds: int = Field(default=10, ge=0)
    source_dir: str | None = None


class Profile(_Strict):
    """One validated profile file."""

    name: str = "local"
    engine: Literal["local", "snowflake"] = "local"
    project: ModuleName | None = None  # the package of models ($NETFLIX_ELT_PROJECT overrides it)
    database: Identifier = "MOVIELENS"
    threads: int = Field(default=2, ge=1, le=64)
    schemas: Schemas = Schemas()
    snowflake: SnowflakeSettings | None = None
    local: LocalSettings = LocalSettings()
    orchestration: OrchestrationSettings = OrchestrationSettings()


def find_profile_file(name_or_path: str, search_dirs: list[Path] | None = None) -> Path | None:
    """Return the file for ``--profile`` (a path, or a name looked up in the config dirs), or None.

    A value ending in ``.toml`` or holding a path separator is a path and must name an existing file
    (ConfigError otherwise); anything else is a name, looked up as ``NAME.toml`` in the config dirs.
    """
    candidate = Path(name_or_path)
    if is_profile_path(name_or_path):
        if candidate.is_dir():
            raise ConfigError(
                f"profile {name_or_path} is a directory", hint="pass a .toml file or a profile name"
            )
        if not candidate.is_file():
            raise ConfigError(
                f"profile file {name_or_path} does not exist",
                hint="pass --profile NAME (configs/NAME.toml) or the path of an existing .toml file",
            )
        return candidate
    dirs = search_dirs if search_dirs is not None else config_dirs()
    for directory in dirs:
        path = directory / f"{name_or_path}.toml"
        if path.is_file():
            return path
    return None


def is_profile_path(name_or_path: str) -> bool:
    """``--profile`` names a file (rather than configs/NAME.toml) when it ends in .toml or has a slash."""
    return name_or_path.endswith(".toml") or "/" in name_or_path or os.sep in name_or_path


def config_dirs() -> list[Path]:
    dirs = [Path(os.environ[CONFIG_DIR_ENV])] if os.environ.get(CONFIG_DIR_ENV) else []
    return [*dirs, Path.cwd() / "configs"]


def load_profile(name_or_path: str = "local", search_dirs: list[Path] | None = None) -> Profile:
    """Load and validate a profile; the built-in ``local`` profile needs no file."""
    path = find_profile_file(name_or_path, search_dirs)
    if path is None:
        if name_or_path == "local":
            return Profile()
        looked = ", ".join(str(d) for d in (search_dirs if search_dirs is not None else config_dirs()))
        raise ConfigError(
            f"profile '{name_or_path}' not found",
            hint=f"looked for {name_or_path}.toml in {looked}; pass --profile NAME or a path to a .toml file",
        )
    return parse_profile(path)


def parse_profile(path: Path) -> Profile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the profile: {exc.strerror}", where=str(path)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02X} on line {line} (byte offset {exc.start})",
            where=str(path),
            hint="save the profile as UTF-8",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", where=str(path)) from None
    data.setdefault("name", path.stem)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc), where=str(path)) from None
    if profile.engine == "snowflake" and profile.snowflake is None:
        raise ConfigError(
            "engine is 'snowflake' but the [snowflake] table is missing",
            where=str(path),
            hint="add [snowflake] with at least warehouse = '...'",
        )
    return profile


def describe_validation_error(exc: ValidationError) -> str:
    """One line for the first problem pydantic found, naming the dotted key."""
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if not key:  # a rule about several fields (a model validator): its message says it all
        return message
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    if error["type"] == "missing":
        return f"missing value for '{key}'"
    return f"invalid value for '{key}': {message}"


def resolve_state_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--state-dir`` wins, then $NETFLIX_ELT_STATE_DIR, then ./.netflix_elt."""
    raw = explicit or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return Path(raw).expanduser().resolve()


def ensure_state_dir(state_dir: Path) -> Path:
    """Create the state directory if needed; ConfigError (one line naming it) when it cannot be."""
    hint = f"pass --state-dir DIR or set ${STATE_DIR_ENV} to a directory you can write"
    if state_dir.exists() and not state_dir.is_dir():
        raise ConfigError(f"state directory {state_dir} is not a directory", hint=hint)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"state directory {state_dir} cannot be created: {exc.strerror}", hint=hint
        ) from None
    return state_dir
