"""What one node's run produced, and what a whole run produced."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

Status = Literal["success", "warn", "error", "skipped"]
PASSING: frozenset[str] = frozenset({"success", "warn"})


@dataclass
class NodeResult:
    """Status, timing, row counts and SQL of one node; ``checks`` holds its data-quality results."""

    name: str
    kind: str
    status: Status
    started_at: datetime | None = None
    ended_at: datetime | None = None
    seconds: float = 0.0
    rows: int | None = None
    inserted: int | None = None
    updated: int | None = None
    deleted: int | None = None
    message: str = ""
    sql: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: str = ""
    # The exception behind an 'error' status, for callers that classify failures (the Prefect flow
    # retries transient ones); never serialised.
    error: BaseException | None = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return self.status in PASSING

    def to_dict(self) -> dict[str, Any]:
        data = asdict(replace(self, error=None))
        del data["error"]
        for key in ("started_at", "ended_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class RunResult:
    """Every node of one run, in the order they finished."""

    run_id: str
    command: str
    started_at: datetime
    ended_at: datetime | None = None
    results: list[NodeResult] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() if self.ended_at else 0.0

    def by_name(self) -> dict[str, NodeResult]:
        return {r.name: r for r in self.results}

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("success", "warn", "error", "skipped"), 0)
        for result in self.results:
            counts[result.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "command": self.command,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "elapsed_seconds": round(self.seconds, 3),
            "success": self.success,
            "counts": self.counts(),
            "args": self.args,
            "results": [r.to_dict() for r in self.results],
        }
