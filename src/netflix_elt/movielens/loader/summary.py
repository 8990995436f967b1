"""What one ``load_directory`` call did: one ``FileLoad`` per file, and their totals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from netflix_elt.movielens.loader.discover import IgnoredEntry

LoadMode = Literal["replace", "append"]
FileStatus = Literal["loaded", "skipped", "failed"]


@dataclass(frozen=True)
class FileLoad:
    """The outcome of loading one file into its RAW table.

    For a loaded file ``rows_read == rows_loaded + rows_rejected``. A skipped file (the same bytes, or
    the same parsed records, already loaded into the same table; ``message`` says which load) and a
    failed file report zero rows; ``error`` says why a file failed.
    """

    file: str
    table: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    skipped_already_loaded: bool
    seconds: float
    status: FileStatus = "loaded"
    error: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class LoadSummary:
    """Every file of one load call (one batch id), in load order, plus the entries that were not loaded
    and why (``ignored``: other names, subdirectories, unreadable optional files)."""

    batch_id: str
    mode: LoadMode
    source_dir: str
    files: tuple[FileLoad, ...]
    ignored: tuple[IgnoredEntry, ...] = field(default=())

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def seconds(self) -> float:
        return sum(f.seconds for f in self.files)

    @property
    def failed(self) -> tuple[FileLoad, ...]:
        return tuple(f for f in self.files if f.status == "failed")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: batch, mode, source, per-file outcomes and totals."""
        return {
            "batch_id": self.batch_id,
            "mode": self.mode,
            "source_dir": self.source_dir,
            "files": [asdict(f) for f in self.files],
            "ignored": [asdict(entry) for entry in self.ignored],
            "totals": {
                "files": len(self.files),
                "files_loaded": sum(f.status == "loaded" for f in self.files),
                "files_skipped": sum(f.status == "skipped" for f in self.files),
                "files_failed": len(self.failed),
                "rows_read": self.rows_read,
                "rows_loaded": self.rows_loaded,
                "rows_rejected": self.rows_rejected,
                "seconds": round(self.seconds, 3),
            },
        }
