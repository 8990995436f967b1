"""Up-to-date decisions: whether a node must be built, only re-checked, or can be left as it is.

Decided per node when its turn comes (its inputs have finished, so their versions are this run's),
from the state loaded once at the start of the run:

- ``build``: ``--full-refresh``; the node is named in ``--select``; it is a source (its freshness is
  judged every run); never built, its table is missing, its code or configuration (or, for a model
  taking ``ctx``, the run's vars) changed, or an
  input's data version differs from the one it was built from (a failed build records nothing, so it
  is retried while its inputs stay ahead of its table);
- ``not_due``: it declares a cron cadence and no slot passed since its last build (even if inputs
  changed; the report says how old it is);
- ``check``: nothing to build, but the run checks and the checks never ran on this version, failed
  last time, or a model they read changed (unless every such check is one a change of that kind cannot
  affect, such as a relationship whose parent only gained rows);
- ``up_to_date``: none of the above. The node is recorded as such and its checks are not rerun: the
  results of their last run on this very version still stand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from netflix_elt.cadence import is_due, latest_slot
from netflix_elt.declare import ModelSpec
from netflix_elt.versions import InputVersion, NodeState, RunVersions

Action = Literal["build", "check", "up_to_date", "not_due"]
MOVED_REFS = "checked models changed: "


@dataclass(frozen=True)
class Decision:
    """What to do with a node, why, and the versions of its inputs and check references right now.

    ``refs_advanced``: models its checks read changed only in ways those checks cannot notice (a parent
    of relationship checks that only gained rows); the node stays up to date and records the new
    versions as checked.
    """

    action: Action
    reason: str
    inputs: dict[str, InputVersion] = field(default_factory=dict)
    refs: dict[str, int] = field(default_factory=dict)
    refs_advanced: bool = False


@dataclass(frozen=True)
class DecisionContext:
    """What every decision of one run shares."""

    versions: RunVersions
    existing: frozenset[str]  # qualified names of the tables and views that exist
    forced: frozenset[str]  # nodes named in --select
    full_refresh: bool
    checks: bool
    now: datetime
    # (node, checked versions of the models its checks read, versions now) -> those whose changes its
    # checks cannot notice (see RunTracker.harmless_changes)
    harmless: Callable[[ModelSpec, dict[str, int], dict[str, int]], set[str]] = lambda spec, was, now: set()
    # The fingerprint a build records: the code's, plus the run's vars for a model that reads ctx.
    fingerprint: Callable[[ModelSpec], str] = lambda spec: spec.fingerprint()


def decide(
    spec: ModelSpec, target: str, read_tables: set[str], context: DecisionContext, stored: NodeState | None
) -> Decision:
    """The decision for one node (see the module docstring for the rules, in order)."""
    inputs = context.versions.inputs_of(read_tables)
    refs_now = context.versions.inputs_of(set(spec.check_references))
    refs = {name: value.version for name, value in (refs_now or {}).items()}
    current = inputs or {}

    def build(reason: str) -> Decision:
        return Decision("build", reason, current, refs)

    if context.full_refresh:
        return build("full refresh")
    if spec.kind_name == "source":
        return build("sources are checked every run")
    if spec.name in context.forced:
        return build("named in --select")
    if stored is None:
        return build("never built")
    if target not in context.existing:
        return build("its table is missing")
    if stored.fingerprint != context.fingerprint(spec):
        return build("code, configuration or vars changed")
    if spec.cron and not is_due(spec.cron, stored.built_at, context.now):
        slot = latest_slot(spec.cron, context.now)
        return Decision(
            "not_due",
            f"not due (cron '{spec.cron}'): built {_when(stored.built_at)}, "
            f"last slot {slot:%Y-%m-%d %H:%M} UTC",
            current,
            refs,
        )
    if inputs is None:
        return build("an input has never been built")
    moved = changed_inputs(stored.input_versions, {k: v.version for k, v in current.items()})
    if moved:
        return build("input changed: " + ", ".join(moved))
    if context.checks and spec.checks:
        why = _checks_outdated(stored, refs)
        if why and stored.checked is not None and why.startswith(MOVED_REFS):
            advanced = {n for n, v in refs.items() if stored.checked.refs.get(n) != v}
            if advanced <= context.harmless(spec, stored.checked.refs, refs):
                note = f"{_up_to_date_note(stored)}; {', '.join(sorted(advanced))} only gained rows"
                return Decision("up_to_date", note, current, refs, refs_advanced=True)
        if why:
            return Decision("check", why, current, refs)
    return Decision("up_to_date", _up_to_date_note(stored), current, refs)


def changed_inputs(before: dict[str, int], now: dict[str, int]) -> list[str]:
    """'NAME v1 -> v2' for every input whose version differs (or that appeared or went away)."""
    notes = []
    for name in sorted(set(before) | set(now)):
        if before.get(name) != now.get(name):
            notes.append(f"{name} v{before.get(name, '-')} -> v{now.get(name, '-')}")
    return notes


def _checks_outdated(stored: NodeState, refs: dict[str, int]) -> str | None:
    checked = stored.checked
    if checked is None or checked.version != stored.version:
        return "checks not yet run on this version"
    if stored.checks_status == "error":
        return "checks failed last time"
    moved = changed_inputs(checked.refs, refs)
    return MOVED_REFS + ", ".join(moved) if moved else None


def _up_to_date_note(stored: NodeState) -> str:
    note = f"up to date: v{stored.version} built {_when(stored.built_at)}"
    if stored.checks_status:
        note += f"; its checks ({stored.checks_status}) stand"
    return note


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else "at an unknown time"
