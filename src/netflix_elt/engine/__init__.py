"""Engines: where models are built. ``open_engine`` picks one from the profile."""

from __future__ import annotations

from pathlib import Path

from netflix_elt.config import Profile, ensure_state_dir
from netflix_elt.engine.base import Column, Engine


def open_engine(profile: Profile, state_dir: Path) -> Engine:
    """An engine for the profile: embedded (fakesnow/DuckDB) for ``local``, a real account for ``snowflake``."""
    ensure_state_dir(state_dir)
    if profile.engine == "snowflake":
        from netflix_elt.engine.snowflake import SnowflakeEngine

        return SnowflakeEngine(profile, state_dir)
    from netflix_elt.engine.local import LocalEngine

    return LocalEngine(profile, state_dir)


__all__ = ["Column", "Engine", "open_engine"]
