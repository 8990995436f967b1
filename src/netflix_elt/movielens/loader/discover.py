"""Find the MovieLens files in a source directory and decide whether the set can be loaded.

A source directory is a MovieLens release (ml-latest-small, ml-20m, ml-25m: genome files optional) or
one increment produced by the project's generator (``increments/day-0001/``: ratings, tags and often
header-only movies and links). Only the file names listed in ``layout.MOVIELENS_FILES`` are loaded;
anything else (README.txt, _increment.json, GENERATED.txt, subdirectories) is ignored, and each
ignored entry is reported with the reason.

An entry with a MovieLens name that cannot be read as a file (a directory, a dangling symbolic link, a
device) is never passed over in silence: for a required file (movies, ratings, tags, links) it is an
error naming it; an optional genome file is skipped and reported.

Required files: ``--mode replace`` empties the RAW tables of the files present, so a release missing
one of its required files would leave RAW mixing two releases; it is refused. ``--mode append``
accepts any non-empty subset, because increments carry only some files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from netflix_elt.errors import LoadError
from netflix_elt.movielens.loader.layout import MOVIELENS_FILES, RawFile


@dataclass(frozen=True)
class SourceFile:
    """One MovieLens file found in the source directory; ``path`` is as given (not resolved)."""

    spec: RawFile
    path: Path


@dataclass(frozen=True)
class IgnoredEntry:
    """An entry of the source directory that is not loaded, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class SourceDirectory:
    files: tuple[SourceFile, ...]
    ignored: tuple[IgnoredEntry, ...]


def discover(source_dir: Path, mode: str) -> SourceDirectory:
    """The loadable files of ``source_dir`` in layout order, or a LoadError saying what is wrong."""
    if not source_dir.exists():
        raise LoadError(
            f"source directory {source_dir} does not exist",
            hint="pass --source with a MovieLens release directory (e.g. ml-latest-small) or an increment",
        )
    if not source_dir.is_dir():
        raise LoadError(
            f"source {source_dir} is not a directory",
            hint="pass the directory that holds ratings.csv, movies.csv, ... rather than a file",
        )
    try:
        entries = sorted(source_dir.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise LoadError(f"cannot list source directory {source_dir}: {exc.strerror}") from None

    by_name = {spec.file_name: spec for spec in MOVIELENS_FILES}
    present: set[str] = set()
    ignored: list[IgnoredEntry] = []
    for entry in entries:
        spec = by_name.get(entry.name)
        problem = _unreadable(entry)
        if spec is None:
            reason = (
                "a directory (subdirectories are not read)" if entry.is_dir() else "not a MovieLens file name"
            )
            ignored.append(IgnoredEntry(entry.name, reason))
        elif problem is None:
            present.add(entry.name)
        elif spec.required:
            raise LoadError(
                f"{entry.name} cannot be read: {problem}",
                where=str(entry),
                hint=f"{entry.name} must be a readable file; fix or remove it",
            )
        else:
            ignored.append(IgnoredEntry(entry.name, f"skipped: {problem}"))
    if not present:
        expected = ", ".join(spec.file_name for spec in MOVIELENS_FILES)
        raise LoadError(
            f"no MovieLens files in {source_dir}",
            hint=f"expected some of {expected}; increments live in subdirectories such as increments/day-0001",
        )
    if mode == "replace":
        missing = [
            spec.file_name for spec in MOVIELENS_FILES if spec.required and spec.file_name not in present
        ]
        if missing:
            raise LoadError(
                f"{source_dir} lacks {', '.join(missing)}, required for --mode replace",
                hint="replace reloads a whole release; load an increment (a subset of files) with --mode append",
            )
    files = tuple(
        SourceFile(spec, source_dir / spec.file_name) for spec in MOVIELENS_FILES if spec.file_name in present
    )
    return SourceDirectory(files, tuple(ignored))


def _unreadable(entry: Path) -> str | None:
    """Why ``entry`` cannot be read as a regular file (following symbolic links), or None."""
    try:
        mode = entry.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to a file that does not exist" if entry.is_symlink() else "it disappeared"
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISDIR(mode):
        return "it is a directory"
    if not stat.S_ISREG(mode):
        return "it is not a regular file"
    if not os.access(entry, os.R_OK):
        return "permission denied"
    return None
