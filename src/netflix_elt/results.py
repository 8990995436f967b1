"""What one node's run produced, and what a whole run produced."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, TypeGuard, get_args

# success / warn / error: the node was built (or checked); skipped: an upstream node did not pass;
# up_to_date: nothing it reads changed since its last build; not_due: its cadence has no slot since then;
# cancelled: the command was cancelled (Ctrl-C) before the node started or while it ran.
Status = Literal["success", "warn", "error", "skipped", "up_to_date", "not_due", "cancelled"]
STATUSES: tuple[str, ...] = ("success", "warn", "error", "skipped", "up_to_date", "not_due", "cancelled")
PASSING: frozenset[str] = frozenset({"success", "warn", "up_to_date", "not_due"})
# Statuses of a node whose table was left as it was, without running anything.
LeftAsIs = Literal["up_to_date", "not_due"]
LEFT_AS_IS: frozenset[str] = frozenset(get_args(LeftAsIs))


def is_left_as_is(status: str) -> TypeGuard[LeftAsIs]:
    return status in LEFT_AS_IS


def outcome_label(check: dict[str, Any]) -> str:
    """'pass', 'fail' (a failed 'error' check) or 'warn' (a failed 'warn' check)."""
    if check.get("success"):
        return "pass"
    return "fail" if check.get("severity") == "error" else "warn"


class CheckResults(list[dict[str, Any]]):
    """Check results, one dict per check as every route returns them (see
    :mod:`netflix_elt.quality.results`), with a short repr and a table in Jupyter."""

    def counts(self) -> dict[str, int]:
        """How many checks passed, failed and only warned."""
        counts = dict.fromkeys(("pass", "fail", "warn"), 0)
        for check in self:
            counts[outcome_label(check)] += 1
        return counts

    def not_passed(self) -> CheckResults:
        """The checks that failed or warned."""
        return CheckResults(c for c in self if outcome_label(c) != "pass")

    def __repr__(self) -> str:
        from netflix_elt.display import checks_repr

        return checks_repr(self)

    def _repr_html_(self) -> str:
        from netflix_elt.display import checks_html

        return checks_html(self)


@dataclass
class NodeResult:
    """Status, timing, row counts and SQL of one node; ``checks`` holds its data-quality results."""

    name: str
    kind: str
    status: Status
    started_at: datetime | None = None
    ended_at: datetime | None = None
    seconds: float = 0.0
    checks_seconds: float = 0.0  # the part of ``seconds`` spent in its checks (the audit included)
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

    def __repr__(self) -> str:
        from netflix_elt.display import node_repr

        return node_repr(self)

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
    cancelled: bool = False  # see Project.cancel

    @property
    def success(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() if self.ended_at else 0.0

    @property
    def checks(self) -> CheckResults:
        """Every check result of the run, node by node."""
        return CheckResults(check for result in self.results for check in result.checks)

    def __repr__(self) -> str:
        from netflix_elt.display import run_repr

        return run_repr(self)

    def _repr_html_(self) -> str:
        from netflix_elt.display import run_html

        return run_html(self)

    def by_name(self) -> dict[str, NodeResult]:
        return {r.name: r for r in self.results}

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
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
            "cancelled": self.cancelled,
            "counts": self.counts(),
            "args": self.args,
            "results": [r.to_dict() for r in self.results],
        }
