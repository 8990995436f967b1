"""The ``--against`` target of ``netflix-elt diff``: a state directory or a profile.

- A directory holding a ``warehouse/`` is a state directory: the local engine on it, with this side's
  profile when that is a local one (same database and schemas), else the built-in ``local`` profile.
- Anything else is a profile, as ``--profile`` takes it: a path to a ``.toml`` file or a name looked up
  in the config directories (``local`` is built in). Its state directory is the default one.

A directory without a warehouse is refused rather than opened: opening would create an empty warehouse.
"""

from __future__ import annotations

from pathlib import Path

from netflix_elt.config import Profile, config_dirs, find_profile_file, load_profile
from netflix_elt.errors import ConfigError
from netflix_elt.project import Project


def target_project(target: str, left: Project) -> Project:
    """The project to compare ``left`` with, on the same registry."""
    path = Path(target).expanduser()
    if path.is_dir():
        if not (path / "warehouse").is_dir():
            raise ConfigError(
                f"{path} is a directory without a warehouse/, so not a state directory",
                where="--against",
                hint="pass the --state-dir of a built project, or a profile name or .toml path",
            )
        profile = left.profile if left.profile.engine == "local" else Profile()
        return Project(registry=left.registry, profile=profile, state_dir=path)
    if target != "local" and find_profile_file(target) is None:
        looked = ", ".join(str(d) for d in config_dirs())
        raise ConfigError(
            f"unknown diff target '{target}': no such state directory, and no profile {target}.toml in {looked}",
            where="--against",
            hint="pass a state directory (holding warehouse/) or a profile name or .toml path",
        )
    return Project(registry=left.registry, profile=load_profile(target))
