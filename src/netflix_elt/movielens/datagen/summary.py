"""Result records returned by generate_dataset and generate_increment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GenerationSummary:
    """What generate_dataset wrote: data rows per file (header excluded), paths, sizes and wall time."""

    out_dir: Path
    seed: int
    ratings_requested: int
    scale: dict[str, int]
    rows: dict[str, int]
    paths: dict[str, Path]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (paths as strings)."""
        return {
            "out_dir": str(self.out_dir),
            "seed": self.seed,
            "ratings_requested": self.ratings_requested,
            "scale": dict(self.scale),
            "rows": dict(self.rows),
            "paths": {k: str(v) for k, v in self.paths.items()},
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class IncrementSummary:
    """What generate_increment wrote for one day: change counts, rows per file, the window, wall time."""

    data_dir: Path
    out_dir: Path
    day: int
    seed: int
    window_start: str  # ISO 8601 UTC, exclusive
    window_end: str  # ISO 8601 UTC, inclusive
    counts: dict[str, int]
    rows: dict[str, int]
    paths: dict[str, Path]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (paths as strings)."""
        return {
            "data_dir": str(self.data_dir),
            "out_dir": str(self.out_dir),
            "day": self.day,
            "seed": self.seed,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "counts": dict(self.counts),
            "rows": dict(self.rows),
            "paths": {k: str(v) for k, v in self.paths.items()},
            "seconds": round(self.seconds, 3),
        }
