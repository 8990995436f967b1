"""Profiles: which engine to run on and where the state lives, validated with pydantic.

A profile is a TOML file in ``configs/`` (``--profile NAME`` reads ``configs/NAME.toml``). Unknown
keys and missing values fail with one line that names the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netflix_elt.errors import ConfigError

DEFAULT_STATE_DIR = ".netflix_elt"
STATE_DIR_ENV = "NETFLIX_ELT_STATE_DIR"
CONFIG_DIR_ENV = "NETFLIX_ELT_CONFIG_DIR"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Schemas(_Strict):
    """Schema names inside the project database, one per layer plus the framework's own metadata."""

    raw: str = "RAW"
    staging: str = "STAGING"
    analytics: str = "ANALYTICS"
    snapshots: str = "SNAPSHOTS"
    analysis: str = "ANALYSIS"
    meta: str = "ELT_META"

    def all(self) -> list[str]:
        return [self.raw, self.staging, self.analytics, self.snapshots, self.analysis, self.meta]


class SnowflakeSettings(_Strict):
    """How to reach a real account. Credentials come from connections.toml or SNOWFLAKE_* variables,
    never from the profile file, so profiles can be committed."""

    connection_name: str | None = None
    warehouse: str
    role: str | None = None
    query_tag: str = "netflix-elt"


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
    database: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]*$")] = "MOVIELENS"
    threads: int = Field(default=2, ge=1, le=64)
    schemas: Schemas = Schemas()
    snowflake: SnowflakeSettings | None = None
    orchestration: OrchestrationSettings = OrchestrationSettings()


def find_profile_file(name_or_path: str, search_dirs: list[Path] | None = None) -> Path | None:
    """Return the file for ``--profile`` (a path, or a name looked up in the config dirs), or None."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        return candidate if candidate.is_file() else None
    dirs = search_dirs if search_dirs is not None else config_dirs()
    for directory in dirs:
        path = directory / f"{name_or_path}.toml"
        if path.is_file():
            return path
    return None


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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
    if not key:  # a rule about several fields (a model validator): its message says it all
        return error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    if error["type"] == "missing":
        return f"missing value for '{key}'"
    return f"invalid value for '{key}': {error['msg']}"


def resolve_state_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--state-dir`` wins, then $NETFLIX_ELT_STATE_DIR, then ./.netflix_elt."""
    raw = explicit or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return Path(raw).expanduser().resolve()
